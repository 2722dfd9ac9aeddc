"""Demo e-services for Sandviken (2181): "Kontakta kommunen" and a two-signer application.

Runs after the case engine's demo (queues and case types from :mod:`sambruk.cases.demo`).
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone

from sambruk.core.demo import register_demo_loader

KONTAKT_SCHEMA = {
    "formatVersion": 1,
    "title": {"sv": "Kontakta kommunen", "en": "Contact the municipality"},
    "pages": [
        {
            "title": {"sv": "Om dig", "en": "About you"},
            "intro": {"sv": "Fyll i hur vi når dig. Du behöver inte logga in.", "en": "Tell us how to reach you. You do not need to log in."},
            "fields": [
                {"type": "text", "name": "namn", "label": {"sv": "Namn", "en": "Name"}, "required": True, "prefill": "eleg.full_name"},
                {"type": "personnummer", "name": "personnummer", "label": {"sv": "Personnummer", "en": "Personal identity number"}, "hint": {"sv": "Frivilligt. Fylls i när du är inloggad.", "en": "Optional. Filled in when you are logged in."}, "prefill": "eleg.civic_number"},
                {"type": "email", "name": "epost", "label": {"sv": "E-post", "en": "E-mail"}, "required": True, "hint": {"sv": "Kvittensen skickas hit.", "en": "The receipt is sent here."}},
                {"type": "phone", "name": "telefon", "label": {"sv": "Telefon", "en": "Phone"}},
            ],
        },
        {
            "title": {"sv": "Ditt ärende", "en": "Your errand"},
            "fields": [
                {"type": "select", "name": "omrade", "label": {"sv": "Vad gäller det?", "en": "What is it about?"}, "required": True, "statistical": True, "options": [
                    {"value": "gata", "label": {"sv": "Gator och parker", "en": "Streets and parks"}},
                    {"value": "skola", "label": {"sv": "Skola och förskola", "en": "School"}},
                    {"value": "omsorg", "label": {"sv": "Omsorg", "en": "Care"}},
                    {"value": "annat", "label": {"sv": "Annat", "en": "Other"}},
                ]},
                {"type": "textarea", "name": "meddelande", "label": {"sv": "Ditt meddelande", "en": "Your message"}, "required": True, "maxLength": 4000},
            ],
        },
    ],
}  # fmt: skip

BOSTAD_SCHEMA = {
    "formatVersion": 1,
    "title": {"sv": "Ansökan om bostadsanpassningsbidrag", "en": "Application for housing adaptation grant"},
    "pages": [
        {
            "title": {"sv": "Sökande", "en": "Applicant"},
            "fields": [
                {"type": "text", "name": "namn", "label": {"sv": "Namn", "en": "Name"}, "required": True, "prefill": "eleg.full_name", "readonly": True},
                {"type": "personnummer", "name": "personnummer", "label": {"sv": "Personnummer", "en": "Personal identity number"}, "required": True, "prefill": "eleg.civic_number", "readonly": True},
                {"type": "email", "name": "epost", "label": {"sv": "E-post", "en": "E-mail"}, "required": True},
                {"type": "text", "name": "adress", "label": {"sv": "Bostadens adress", "en": "Address of the home"}, "required": True},
            ],
        },
        {
            "title": {"sv": "Hushållet", "en": "Household"},
            "fields": [
                {"type": "group", "name": "hushall", "label": {"sv": "Person i hushållet", "en": "Household member"}, "maxItems": 6, "fields": [
                    {"type": "text", "name": "person_namn", "label": {"sv": "Namn", "en": "Name"}, "required": True},
                    {"type": "number", "name": "alder", "label": {"sv": "Ålder", "en": "Age"}, "min": 0, "max": 120},
                ]},
            ],
        },
        {
            "title": {"sv": "Anpassningen", "en": "The adaptation"},
            "fields": [
                {"type": "textarea", "name": "atgard", "label": {"sv": "Vilken anpassning söker du för?", "en": "Which adaptation do you apply for?"}, "required": True},
                {"type": "amount", "name": "kostnad", "label": {"sv": "Beräknad kostnad", "en": "Estimated cost"}},
                {"type": "file", "name": "intyg", "label": {"sv": "Intyg från arbetsterapeut", "en": "Certificate from an occupational therapist"}, "required": True, "accept": ["pdf", "png", "jpeg"], "maxFiles": 3, "maxSize": 10485760},
            ],
        },
        {
            "title": {"sv": "Medsökande", "en": "Co-applicant"},
            "intro": {"sv": "Äger ni bostaden tillsammans skriver båda under. Efter din underskrift får medsökande en länk via e-post.", "en": "If you own the home together, both of you sign."},
            "fields": [
                {"type": "text", "name": "medsokande_namn", "label": {"sv": "Medsökandes namn", "en": "Co-applicant's name"}, "required": True},
            ],
        },
    ],
}  # fmt: skip

SANDVIKEN = "2181"


def kontakt_schema() -> dict:
    return copy.deepcopy(KONTAKT_SCHEMA)


def bostad_schema() -> dict:
    return copy.deepcopy(BOSTAD_SCHEMA)


EXAMPLES = [
    {
        "code": "kontakta-kommunen",
        "slug": "kontakta-kommunen",
        "name": "Kontakta kommunen",
        "name_en": "Contact the municipality",
        "schema": kontakt_schema,
        "queue": "Kundtjänst",
        "case_type": "synpunkt",
        "login_required": False,
        "signing": "none",
        "labels": [],
        "description": (
            "Ställ en fråga eller lämna en synpunkt till Sandvikens kommun. Du kan använda "
            "e-tjänsten utan att logga in; loggar du in med e-legitimation fylls ditt namn "
            "och personnummer i. Du får en kvittens med e-post."
        ),
        "description_en": (
            "Ask a question or give feedback to Sandviken Municipality. You can use the "
            "e-service without logging in; if you log in with e-legitimation, your name and "
            "personal identity number are filled in. You receive a receipt by e-mail."
        ),
    },
    {
        "code": "bostadsanpassning",
        "slug": "bostadsanpassningsbidrag",
        "name": "Ansökan om bostadsanpassningsbidrag",
        "name_en": "Application for a housing adaptation grant",
        "schema": bostad_schema,
        "queue": "Bygg och miljö",
        "case_type": "ansokan",
        "login_required": True,
        "signing": "two",
        "labels": [],
        "description": (
            "Sök bidrag för att anpassa din bostad, till exempel ta bort trösklar eller "
            "installera en ramp. Bifoga intyg från arbetsterapeut. Du och en medsökande "
            "skriver under med e-legitimation."
        ),
        "description_en": (
            "Apply for a grant to adapt your home, for example to remove thresholds or "
            "install a ramp. Attach a certificate from an occupational therapist. You and a "
            "co-applicant sign with e-legitimation."
        ),
    },
]


def ensure_eservice(org, spec: dict, *, queue, case_type):
    """Definition, published version 1 and the e-service (idempotent)."""
    from .models import EService, FormDefinition, FormVersion, VersionStatus

    definition, _created = FormDefinition.objects.get_or_create(
        organisation=org, code=spec["code"], defaults={"name": spec["name"]}
    )
    version = definition.published_version
    if version is None:
        version = FormVersion.objects.create(
            definition=definition,
            number=(definition.versions.count() + 1),
            schema=spec["schema"](),
            status=VersionStatus.PUBLISHED,
            published_at=timezone.now(),
        )
    eservice, _created = EService.objects.get_or_create(
        organisation=org,
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "description": spec["description"],
            "name_en": spec.get("name_en", ""),
            "description_en": spec.get("description_en", ""),
            "form_version": version,
            "queue": queue,
            "case_type": case_type,
            "login_required": spec["login_required"],
            "signing": spec["signing"],
        },
    )
    if not _created and not eservice.name_en and spec.get("name_en"):  # demo data from before
        EService.objects.filter(pk=eservice.pk).update(
            name_en=spec["name_en"], description_en=spec.get("description_en", "")
        )
        eservice.refresh_from_db()
    return eservice


@register_demo_loader("eforms", order=30)
def load_eforms_demo(log) -> None:
    from sambruk.cases.models import CaseType, Queue
    from sambruk.core.organisations.models import Organisation

    org = Organisation.objects.filter(kommunkod=SANDVIKEN).first()
    if org is None:
        log("E-tjänster: Sandviken saknas, hoppar över.")
        return
    made = 0
    with transaction.atomic():
        for spec in EXAMPLES:
            queue = Queue.objects.filter(organisation=org, name=spec["queue"]).first()
            queue = queue or Queue.objects.filter(organisation=org).order_by("pk").first()
            case_type = CaseType.objects.filter(organisation=org, code=spec["case_type"]).first()
            case_type = case_type or CaseType.objects.filter(organisation=org).first()
            if queue is None or case_type is None:
                log("E-tjänster: ärendehanteringens demodata saknas, hoppar över.")
                return
            ensure_eservice(org, spec, queue=queue, case_type=case_type)
            made += 1
    log(f"E-tjänster: {made} demo-e-tjänster i katalogen /e-tjanster/.")
