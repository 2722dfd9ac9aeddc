"""Demo data for Mina sidor: Tolvan Tolvansson (191212121212) gets a message thread, a
FixaMinGata report made while logged in (a case with him as contact), a sent "Kontakta
kommunen" (an e-service case) and a draft of it to resume.

Idempotent: the thread is found by its topic, the report by its idempotency key, the sent
form and the draft by e-service and citizen (a new draft only when no unexpired one is left).
Runs after the case engine, FixaMinGata, e-services, ekonomiskt bistånd and channel loaders
(order 60, 61).
"""

from __future__ import annotations

from django.db import transaction

from sambruk.core.demo import register_demo_loader

CIVIC_NUMBER = "191212121212"
WORKER = "handlaggare@sandviken.example.se"
TOPIC = "Komplettering av din ansökan"
SANDVIKEN = "2181"
CITIZEN_EMAIL = "tolvan.tolvansson@example.se"
REPORT_KEY = "demo-mina-sidor-tolvan-gatlykta"
REPORT_TITLE = "Gatlyktan utanför Testgatan 12 är släckt"
REPORT_AT = (60.6167, 16.7667)  # central Sandviken
DRAFT_ESERVICE = "kontakta-kommunen"
BODY = (
    "Hej Tolvan!\n\nTack för din ansökan. För att kunna fortsätta handläggningen behöver vi "
    "en kopia av ditt hyreskontrakt. Du kan bifoga den här på Mina sidor.\n\n"
    "Vänliga hälsningar\nKundtjänst, Sandvikens kommun"
)


@register_demo_loader("portal", order=60)
def load_portal_demo(log) -> None:
    from sambruk.cases import services as case_services
    from sambruk.cases.services.citizen import Citizen, cases_for_citizen
    from sambruk.core.accounts.models import User
    from sambruk.core.persons.models import Person

    person = Person.objects.filter(civic_number=CIVIC_NUMBER).first()
    worker = User.objects.filter(email=WORKER).first()
    if person is None or worker is None:
        log("Mina sidor: demopersonen eller handläggaren saknas, hoppar över.")
        return
    mine = cases_for_citizen(Citizen(CIVIC_NUMBER)).filter(organisation__memberships__user=worker)
    if mine.filter(conversations__topic=TOPIC).exists():
        log("Mina sidor: demotråden finns redan.")
        return
    with transaction.atomic():
        case = mine.filter(state__in=["open", "on_hold"]).first()
        if case is None:
            case = _new_case(case_services, worker, person)
            if case is None:
                log("Mina sidor: ingen kö att skapa demoärendet i, hoppar över.")
                return
        conversation = case_services.do_start_conversation(
            case, actor=worker, topic=TOPIC, participants=[person]
        )
        case_services.do_post_message(conversation, actor=worker, body=BODY)
        case_services.do_add_note(
            case,
            actor=worker,
            text="Ansökan har kommit in och handläggningen har påbörjats.",
            visible_to_citizen=True,
        )
    log(f"Mina sidor: meddelandetråd för Tolvan i ärende {case.reference}.")


def _new_case(case_services, worker, person):
    from sambruk.cases.predicates import member_queues

    queue = member_queues(worker).filter(default_case_type__isnull=False).first()
    if queue is None:
        return None
    case_type = queue.default_case_type
    return case_services.do_create(
        actor=worker,
        queue=queue,
        case_type=case_type,
        title="Ansökan om bostadsanpassningsbidrag",
        origin="web_form",
        contacts=[{"person": person, "role": "Sökande"}],
    )


@register_demo_loader("portal-citizen", order=61)
def load_citizen_demo(log) -> None:
    """Tolvan's FixaMinGata report (made while logged in), a sent "Kontakta kommunen" and a
    draft of it."""
    from sambruk.core.organisations.models import Organisation

    org = Organisation.objects.filter(kommunkod=SANDVIKEN).first()
    if org is None or not _person_exists():
        log("Mina sidor: Sandviken eller demopersonen saknas, hoppar över.")
        return
    tolvan = citizen_user()
    log(_report(org, tolvan))
    log(_submitted(org, tolvan))
    log(_draft(org, tolvan))


def _person_exists() -> bool:
    from sambruk.core.persons.models import Person

    return Person.objects.filter(civic_number=CIVIC_NUMBER).exists()


def citizen_user():
    """Tolvan's citizen account (as the e-legitimation log-in creates it; found by it later)."""
    from sambruk.core.accounts.models import User, UserKind

    user = User.objects.filter(kind=UserKind.CITIZEN, civic_number=CIVIC_NUMBER).first()
    if user is None:
        user = User.objects.create_user(
            email=f"invanare-demo-{CIVIC_NUMBER}@e-legitimation.invalid",
            password=None,
            kind=UserKind.CITIZEN,
            civic_number=CIVIC_NUMBER,
            full_name="Tolvan Tolvansson",
            last_loa="test",
        )
    return user


def _report(org, tolvan) -> str:
    """Through the FixaMinGata service, logged in: confirmed at once and a case."""
    from sambruk.fixamingata.errors import ReportError
    from sambruk.fixamingata.models import Category, Report, Source
    from sambruk.fixamingata.services import submit_report

    if Report.objects.filter(idempotency_key=REPORT_KEY).exists():
        return "Mina sidor: Tolvans FixaMinGata-rapport finns redan."
    category = Category.objects.filter(
        body__organisation=org, body__national=False, code="gatubelysning"
    ).first()
    if category is None:
        return "Mina sidor: FixaMinGatas demodata saknas, ingen rapport för Tolvan."
    try:
        report = submit_report(
            lat=REPORT_AT[0],
            lon=REPORT_AT[1],
            category=category,
            title=REPORT_TITLE,
            detail="Lyktan har varit släckt i en vecka. Det är mörkt på gångvägen.",
            email=CITIZEN_EMAIL,
            user=tolvan,
            source=Source.WEB,
            attributes={"antal": "1"},
            idempotency_key=REPORT_KEY,
        )
    except ReportError as error:
        return f"Mina sidor: ingen FixaMinGata-rapport för Tolvan ({error})."
    reference = report.case.reference if report.case_id else "-"
    return f"Mina sidor: FixaMinGata-rapport från Tolvan, ärende {reference}."


def _kontakt(org):
    from sambruk.eforms.models import EService

    return EService.objects.filter(organisation=org, slug=DRAFT_ESERVICE).first()


def _fill(sub, tolvan, pages) -> None:
    """Save the pages through the e-service's own service (later pages may be incomplete)."""
    from django.utils.datastructures import MultiValueDict

    from sambruk.eforms.services import submissions as subs

    for index, values in enumerate(pages):
        post = MultiValueDict({key: [value] for key, value in values.items()})
        result = subs.do_save_page(
            sub, index, post, MultiValueDict(), actor=tolvan, keep_invalid=index > 0
        )
        if result.errors and index == 0:
            raise RuntimeError(f"demo form: {[e.message for e in result.errors]}")


ABOUT_TOLVAN = {"namn": "Tolvan Tolvansson", "personnummer": CIVIC_NUMBER, "epost": CITIZEN_EMAIL}
QUESTION = "Hur ofta töms kärlen för matavfall på Testgatan under vintern?"


def _submitted(org, tolvan) -> str:
    """A sent "Kontakta kommunen" (an e-service case with Tolvan as Sökande, a receipt)."""
    from sambruk.eforms.models import Submission, SubmissionStatus
    from sambruk.eforms.services import submissions as subs

    eservice = _kontakt(org)
    if eservice is None:
        return "Mina sidor: e-tjänsten Kontakta kommunen saknas, inget inskick för Tolvan."
    if Submission.objects.filter(
        eservice=eservice, user=tolvan, status=SubmissionStatus.SUBMITTED
    ).exists():
        return "Mina sidor: Tolvans inskickade Kontakta kommunen finns redan."
    with transaction.atomic():
        sub = subs.do_start(eservice, actor=tolvan)
        _fill(sub, tolvan, [ABOUT_TOLVAN, {"omrade": "annat", "meddelande": QUESTION}])
        sub.refresh_from_db()
        sub = subs.do_submit(sub, actor=tolvan, idempotency_key=sub.idempotency_key)
    return f"Mina sidor: Kontakta kommunen inskickad av Tolvan, ärende {sub.case.reference}."


def _draft(org, tolvan) -> str:
    """A "Kontakta kommunen" draft: page 1 saved, page 2 begun (the message is missing)."""
    from django.utils import timezone

    from sambruk.eforms.models import Submission, SubmissionStatus
    from sambruk.eforms.services import submissions as subs

    eservice = _kontakt(org)
    if eservice is None:
        return "Mina sidor: e-tjänsten Kontakta kommunen saknas, inget utkast för Tolvan."
    if Submission.objects.filter(
        eservice=eservice,
        user=tolvan,
        status=SubmissionStatus.DRAFT,
        expires_at__gt=timezone.now(),
    ).exists():
        return "Mina sidor: Tolvans utkast finns redan."
    with transaction.atomic():
        sub = subs.do_start(eservice, actor=tolvan)
        _fill(sub, tolvan, [ABOUT_TOLVAN, {"omrade": "gata"}])
    return f"Mina sidor: utkast av {eservice.name} för Tolvan."
