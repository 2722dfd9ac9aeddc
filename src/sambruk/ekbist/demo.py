"""Ekonomiskt bistånd demo for Sandviken (2181): the socialsekreterare, the published
e-application and one submitted application (Tolvan Tolvansson with medsökande Testa
Påhittadsson), made through the e-service's own services so it looks like a real one.

Runs after the riksnorm (``norm_data``, order 40). Idempotent.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.datastructures import MultiValueDict

from sambruk.core.demo import DEMO_PASSWORD, register_demo_loader, register_demo_login

SANDVIKEN = "2181"
CASEWORKER_EMAIL = "socialsekreterare@sandviken.example.se"
CASEWORKER_NAME = "Siri Socialsekreterare"
APPLICANT, CO_APPLICANT = "191212121212", "198112189876"
register_demo_login(CASEWORKER_EMAIL, "ekbist_caseworker (socialsekreterare, Sandviken)")

# A 1×1 PNG standing in for the rent notice (hyresavi).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

#: One POST per page (see ``ekbist.application_form``).
DEMO_PAGES: list[dict] = [
    {"ansokningstyp": "nyansokan", "epost": "tolvan.tolvansson@example.se"},
    {
        "har_medsokande": "yes",
        "medsokande_namn": "Testa Påhittadsson",
        "medsokande_pnr": CO_APPLICANT,
        "hushall-count": "2",
        "hushall-0-person_namn": "Lilla Tolvansson",
        "hushall-0-person_relation": "barn",
        "hushall-0-person_fodd": "2019-05-01",
        "hushall-0-person_boende": "heltid",
        "hushall-0-person_skola": "yes",
        "hushall-0-person_skollunch": "yes",
        "hushall-1-person_namn": "Umgänge Tolvansson",
        "hushall-1-person_relation": "barn",
        "hushall-1-person_fodd": "2014-02-10",
        "hushall-1-person_boende": "umgange",
        "hushall-1-person_dagar": "8",
        "hushall-1-person_skola": "yes",
        "hushall-1-person_skollunch": "yes",
    },
    {
        "boendeform": "hyresratt",
        "rum": "3",
        "antal_boende": "3",
        "hyresvard": "Sandvikenhus AB",
        "hyra": "7800",
    },
    {
        "sokande_sysselsattning": "arbetssokande",
        "sokande_plan": "Inskriven hos Arbetsförmedlingen, söker lagerarbete, möte varannan vecka.",
        "medsokande_sysselsattning": "sfi",
        "medsokande_sysselsattning_info": "SFI kurs C, 75 procent.",
    },
    {"sjalvservice": "no"},
    {
        "inkomster-count": "2",
        "inkomster-0-inkomst_person": "sokande",
        "inkomster-0-inkomst_typ": "a_kassa",
        "inkomster-0-inkomst_belopp": "8712",
        "inkomster-0-inkomst_beskrivning": "Demo a-kassa",
        "inkomster-1-inkomst_person": "medsokande",
        "inkomster-1-inkomst_typ": "barnbidrag",
        "inkomster-1-inkomst_belopp": "1250",
    },
    {
        "kostnader": ["hyra", "hushallsel", "hemforsakring", "tandvard"],
        "kostnad_hushallsel": "450",
        "kostnad_hemforsakring": "189",
        "kostnad_tandvard": "1200",
    },
    {
        "tillgangar-count": "1",
        "tillgangar-0-tillgang_typ": "bankkonto",
        "tillgangar-0-tillgang_agare": "sokande",
        "tillgangar-0-tillgang_beskrivning": "Lönekonto, Demobanken",
        "tillgangar-0-tillgang_varde": "1200",
    },
    {"__files__": ["bilaga_hyresavi", "bilaga_tandvard"]},
    {"ovrigt_meddelande": "Tandläkaren har skickat kostnadsförslaget direkt till mig."},
]


def _post(values: dict) -> MultiValueDict:
    data = MultiValueDict()
    for key, value in values.items():
        if key == "__files__":
            continue
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def _files(values: dict) -> MultiValueDict:
    files = MultiValueDict()
    for name in values.get("__files__", []):
        files.setlist(name, [SimpleUploadedFile(f"{name}.png", PNG, content_type="image/png")])
    return files


def _citizen(civic_number: str, name: str):
    from sambruk.core.accounts.models import User, UserKind

    user = User.objects.filter(kind=UserKind.CITIZEN, civic_number=civic_number).first()
    if user is None:
        user = User.objects.create_user(
            email=f"invanare-demo-{civic_number}@e-legitimation.invalid",
            password=None,
            kind=UserKind.CITIZEN,
            civic_number=civic_number,
            full_name=name,
            last_loa="test",
        )
    return user


def _caseworker(org, queue):
    from sambruk.core.accounts.models import DemoDevice, Membership, User

    user, created = User.objects.get_or_create(
        email=CASEWORKER_EMAIL, defaults={"full_name": CASEWORKER_NAME}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    DemoDevice.objects.get_or_create(user=user, defaults={"name": "Demo", "confirmed": True})
    Membership.objects.get_or_create(user=user, organisation=org, role="ekbist_caseworker")
    Membership.objects.get_or_create(user=user, organisation=org, role="caseworker")
    queue.members.add(user)
    return user


def submit_demo_application(eservice):
    """Tolvan fills in, signs, invites Testa, who signs: the case and the Application."""
    from sambruk.eforms.services import signing
    from sambruk.eforms.services import submissions as subs

    tolvan = _citizen(APPLICANT, "Tolvan Tolvansson")
    testa = _citizen(CO_APPLICANT, "Testa Påhittadsson")
    sub = subs.do_start(eservice, actor=tolvan)
    for index, values in enumerate(DEMO_PAGES):
        if index == 0:  # the month applied for: the prefilled one (this month)
            values = {**values, "period": sub.data.get("period")}
        result = subs.do_save_page(sub, index, _post(values), _files(values), actor=tolvan)
        if result.errors:
            raise RuntimeError(f"demo page {index}: {[e.message for e in result.errors]}")
    sub.refresh_from_db()
    digest = subs.content_hash(sub)
    for actor, role in ((tolvan, "first"), (testa, "second")):
        completion = {"civic_number": actor.civic_number, "loa": "test", "method": "demo"}
        if role == "first":
            signing.do_record_signature(
                sub, actor=actor, role=role, completion=completion, expected_hash=digest
            )
            invitation = signing.do_invite_second_signer(
                sub,
                actor=actor,
                email="testa.pahittadsson@example.se",
                civic_number=CO_APPLICANT,
            )
        else:
            signing.do_second_signature(
                invitation, actor=actor, completion=completion, expected_hash=digest
            )
    sub.refresh_from_db()
    return sub


#: The caseworker's försörjningshinder per adult for the demo application (Socialstyrelsen's
#: statistics): Tolvan is arbetssökande with a-kassa that does not cover the need, Testa
#: studies SFI without any income of her own.
DEMO_FORSORJNINGSHINDER = {"sokande": "arbetslos_otillracklig", "medsokande": "arbetslos_utan"}


def record_demo_forsorjningshinder(application, caseworker) -> None:
    from .services.statistics import do_set_forsorjningshinder

    with transaction.atomic():
        do_set_forsorjningshinder(application, actor=caseworker, codes=DEMO_FORSORJNINGSHINDER)


@register_demo_loader("ekbist-application", order=45)
def load_application_demo(log) -> None:
    from sambruk.core.organisations.models import Organisation
    from sambruk.ekbist.models import Application

    from .services.application import publish_eservice

    org = Organisation.objects.filter(kommunkod=SANDVIKEN).first()
    if org is None:
        log("Ekonomiskt bistånd: Sandviken saknas, hoppar över.")
        return
    with transaction.atomic():
        eservice = publish_eservice(org)
        caseworker = _caseworker(org, eservice.queue)
    made = 0
    if not Application.objects.filter(organisation=org, applicant=APPLICANT).exists():
        with transaction.atomic():
            submit_demo_application(eservice)
        made = 1
    application = Application.objects.filter(organisation=org, applicant=APPLICANT).first()
    if application is not None and not application.forsorjningshinder_by_adult:
        record_demo_forsorjningshinder(application, caseworker)
    log(
        f"Ekonomiskt bistånd: e-tjänsten /e-tjanster/{org.slug}/{eservice.slug}/, "
        f"{CASEWORKER_EMAIL}, {made} ny demoansökan."
    )
