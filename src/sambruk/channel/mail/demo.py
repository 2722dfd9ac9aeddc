"""Demo data: an e-mail access point per demo kommun and two example mails (one becomes a
case, one out-of-office reply is ignored), processed as the receiver would."""

from __future__ import annotations

from email.message import EmailMessage

from django.db import transaction

from sambruk.core.demo import register_demo_loader

#: (kommunkod, address, name)
ACCESS_POINTS = [
    ("2181", "kundcenter@sandviken.sambruk.localhost", "Kundcenter (e-post)"),
    ("2180", "kontaktcenter@gavle.sambruk.localhost", "Kontaktcenter (e-post)"),
]
DEMO_MESSAGE_ID = "<demo-epost-1@medborgare.example>"


def _example(subject: str, body: str, message_id: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Tolvan Tolvansson <tolvan.tolvansson@medborgare.example>"
    message["To"] = ACCESS_POINTS[0][1]
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


@register_demo_loader("channel-mail", order=50)
def load_channel_mail_demo(log) -> None:
    from sambruk.cases.models import CaseType, Queue
    from sambruk.core.organisations.models import Organisation

    from . import services
    from .models import EmailAccessPoint, InboundMail

    made = 0
    with transaction.atomic():
        for kommunkod, address, name in ACCESS_POINTS:
            org = Organisation.objects.filter(kommunkod=kommunkod).first()
            queue = Queue.objects.filter(organisation=org, active=True).order_by("pk").first()
            case_type = (
                CaseType.objects.filter(organisation=org, active=True).order_by("pk").first()
            )
            if org is None or queue is None or case_type is None:
                continue
            _point, created = EmailAccessPoint.objects.get_or_create(
                address=address,
                defaults={
                    "organisation": org,
                    "name": name,
                    "queue": queue,
                    "case_type": case_type,
                    "catch_all": True,
                },
            )
            made += created
    if not EmailAccessPoint.objects.filter(address=ACCESS_POINTS[0][1]).exists():
        log("E-post: ärendehanteringens demodata saknas, hoppar över.")
        return
    if not InboundMail.objects.filter(message_id=DEMO_MESSAGE_ID).exists():
        examples = [
            _example(
                "Trasig gatlykta på Storgatan",
                "Hej!\n\nGatlyktan utanför Storgatan 12 har varit släckt i en vecka.\n\n"
                "Vänliga hälsningar\nTolvan Tolvansson",
                DEMO_MESSAGE_ID,
            ),
            _example(
                "Automatiskt svar: Trasig gatlykta på Storgatan",
                "Jag är på semester till och med 14 augusti.",
                "<demo-epost-2@medborgare.example>",
                **{"Auto-Submitted": "auto-replied"},
            ),
        ]
        for raw in examples:
            row = services.store(
                raw,
                envelope_from="tolvan.tolvansson@medborgare.example",
                recipients=[ACCESS_POINTS[0][1]],
            )
            services.process(row.pk)
    log(f"E-post: {made} nya e-postingångar; exempelmejl i /kanal/e-post/.")
