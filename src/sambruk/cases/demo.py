"""Demo data for the case engine: configuration and 200+ cases for Sandviken and Gävle.

Idempotent: configuration rows are fetched or created by name/code; cases are only created
while an organisation has fewer demo cases than :data:`CASES_PER_ORG` (cases created by the
demo caseworker). About a quarter of the cases go through the service layer (so their log,
audit and events are real); the rest are bulk-created with a creation log entry and spread
over the last 120 days, so that inboxes, ageing and statistics have something to show.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sambruk.core.demo import register_demo_loader

CASES_PER_ORG = {"2181": 120, "2180": 90}
VIA_SERVICES = 30

ORGS = {
    "2181": {
        "workers": ["handlaggare@sandviken.example.se"],
        "members": ["handlaggare@sandviken.example.se", "admin@sandviken.example.se"],
        "queues": ["Kundtjänst", "Gata/park", "Socialtjänst", "Bygg och miljö"],
    },
    "2180": {
        "workers": ["handlaggare@gavle.example.se"],
        "members": ["handlaggare@gavle.example.se"],
        "queues": ["Kontaktcenter", "Gata/park", "Socialtjänst"],
    },
}
PRIORITIES = [
    ("Akut", "#b91c1c", 1),
    ("Hög", "#ea580c", 2),
    ("Normal", "#2563eb", 3),
    ("Låg", "#6b7280", 4),
]
LABELS = [
    "Belysning",
    "Snöröjning",
    "Klotter",
    "Vatten och avlopp",
    "Lekplats",
    "Parkering",
    "Skola",
    "Buller",
]
STATUSES = [
    ("ny", "Ny", "open", True),
    ("pagar", "Pågår", "open", False),
    ("vantar", "Väntar på svar", "on_hold", False),
    ("avslutad", "Avslutad", "closed", False),
]
TABLE = [
    ("ny", "pagar"),
    ("ny", "vantar"),
    ("ny", "avslutad"),
    ("pagar", "vantar"),
    ("pagar", "avslutad"),
    ("vantar", "pagar"),
    ("avslutad", "pagar"),
]
# code, name, days to due, resolution required, restricted by default, resolutions, default queue
CASE_TYPES = [
    (
        "felanmalan",
        "Felanmälan",
        14,
        True,
        False,
        ["Åtgärdat", "Ej kommunens ansvar", "Avvisat"],
        1,
    ),
    ("synpunkt", "Synpunkt", 30, False, False, ["Besvarad", "Vidarebefordrad"], 0),
    ("ansokan", "Ansökan", 28, True, True, ["Beviljad", "Avslagen", "Återtagen"], 2),
]
TITLES = {
    "felanmalan": [
        "Gatlykta ur funktion på {street}",
        "Hål i asfalten vid {street}",
        "Klotter på busskur, {street}",
        "Nedfallen gren på gångväg vid {street}",
        "Trasig gunga på lekplatsen vid {street}",
        "Översvämmad brunn på {street}",
        "Ej snöröjt på {street}",
    ],
    "synpunkt": [
        "Synpunkt på öppettider i simhallen",
        "Beröm till hemtjänsten",
        "Önskemål om fler parkbänkar vid {street}",
        "Fråga om sophämtning på {street}",
        "Synpunkt på bemötande i kundtjänst",
    ],
    "ansokan": [
        "Ansökan om serveringstillstånd",
        "Ansökan om färdtjänst",
        "Ansökan om parkeringstillstånd för rörelsehindrad",
        "Ansökan om bostadsanpassningsbidrag",
    ],
}
STREETS = [
    "Storgatan",
    "Köpmangatan",
    "Parkvägen",
    "Järnvägsgatan",
    "Skolgatan",
    "Kyrkogatan",
    "Hamngatan",
]
ORIGINS = ["web_form", "email", "phone", "phone", "visit", "fixamingata", "api"]
NOTES = [
    "Ringt upp anmälaren, bekräftat platsen.",
    "Beställt åtgärd av entreprenör.",
    "Väntar på svar från fastighetsägaren.",
    "Kompletterande uppgifter inkomna per e-post.",
]


@register_demo_loader("cases", order=10)
def load_cases_demo(log) -> None:
    from sambruk.core.accounts.models import User
    from sambruk.core.organisations.models import Organisation

    _configure_trafikverket()
    made = 0
    for kommunkod, spec in ORGS.items():
        org = Organisation.objects.filter(kommunkod=kommunkod).first()
        if org is None:
            continue
        members = list(User.objects.filter(email__in=spec["members"]))
        workers = [u for u in members if u.email in spec["workers"]]
        if not workers:
            continue
        with transaction.atomic():
            config = _configure(org, spec["queues"], members)
            made += _cases(
                org, config, workers, CASES_PER_ORG[kommunkod], random.Random(int(kommunkod))
            )  # noqa: S311
    log(f"Ärenden: {made} nya demoärenden.")


def _configure(org, queue_names, members) -> dict:
    from .models import (
        CaseSettings,
        CaseType,
        Label,
        Priority,
        Queue,
        Resolution,
        Status,
        Transition,
    )

    CaseSettings.objects.get_or_create(organisation=org)
    priorities = [
        Priority.objects.get_or_create(
            organisation=org, name=name, defaults={"colour": colour, "rank": rank}
        )[0]
        for name, colour, rank in PRIORITIES
    ]
    labels = [Label.objects.get_or_create(organisation=org, name=name)[0] for name in LABELS]
    queues = []
    for name in queue_names:
        queue = Queue.objects.get_or_create(organisation=org, name=name)[0]
        queue.members.add(*members)
        queues.append(queue)
    types = {}
    for code, name, days, required, restricted, resolutions, queue_index in CASE_TYPES:
        ct, created = CaseType.objects.get_or_create(
            organisation=org,
            code=code,
            defaults={
                "name": name,
                "default_days_to_due": days,
                "resolution_required": required,
                "restricted_by_default": restricted,
                "retention_months": 24 if code != "ansokan" else 60,
            },
        )
        if created:
            by_code = {
                c: Status.objects.create(
                    case_type=ct, code=c, name=n, kind=k, is_initial=i, order=o
                )
                for o, (c, n, k, i) in enumerate(STATUSES)
            }
            Transition.objects.bulk_create(
                Transition(case_type=ct, from_status=by_code[a], to_status=by_code[b])
                for a, b in TABLE
            )
            Resolution.objects.bulk_create(Resolution(case_type=ct, name=r) for r in resolutions)
        types[code] = (ct, queues[min(queue_index, len(queues) - 1)])
    first = queues[0]
    if first.default_case_type_id is None:
        first.default_case_type = types["synpunkt"][0]
        first.save(update_fields=["default_case_type"])
    return {"priorities": priorities, "labels": labels, "queues": queues, "types": types}


def _configure_trafikverket() -> None:
    """A receiving queue at Trafikverket, to show sending to another organisation."""
    from sambruk.core.accounts.models import User
    from sambruk.core.organisations.models import Organisation

    trv = Organisation.objects.filter(slug="trafikverket").first()
    user = User.objects.filter(email="trafikverket@trafikverket.example.se").first()
    if trv is None or user is None:
        return
    with transaction.atomic():
        config = _configure(trv, ["Vägärenden"], [user])
        queue = config["queues"][0]
        if queue.default_case_type_id != config["types"]["felanmalan"][0].pk:
            queue.default_case_type = config["types"]["felanmalan"][0]
            queue.save(update_fields=["default_case_type"])


def _cases(org, config, workers, target, rng) -> int:
    from .models import Case

    worker = workers[0]
    existing = Case.objects.filter(organisation=org, created_by=worker).count()
    if existing >= target:
        return 0
    via_services = max(0, min(VIA_SERVICES - existing, target - existing))
    for i in range(via_services):
        _service_case(org, config, worker, rng, i)
    bulk = target - existing - via_services
    if bulk > 0:
        _bulk_cases(org, config, worker, rng, bulk)
    return via_services + bulk


def _title(code, rng) -> str:
    return rng.choice(TITLES[code]).format(street=f"{rng.choice(STREETS)} {rng.randint(1, 60)}")


def _service_case(org, config, worker, rng, i) -> None:
    """A case with a real history: created, noted, assigned, moved along the table."""
    from sambruk.core.accounts.demo import DEMO_PERSONS
    from sambruk.core.organisations.models import Organisation
    from sambruk.core.persons.models import Person

    from . import services
    from .models import Queue

    code = rng.choice(["felanmalan", "felanmalan", "synpunkt", "ansokan"])
    ct, queue = config["types"][code]
    # Not the demo citizens who log in to Mina sidor (Tolvan, Testa, …): their cases are made
    # by the modules' own demo loaders, so what they see there makes sense.
    persons = Person.objects.exclude(civic_number__in=[p[0] for p in DEMO_PERSONS])
    person = persons.order_by("?").first() if rng.random() < 0.5 else None
    contacts = (
        [{"person": person, "role": "Anmälare"}]
        if person
        else [{"name": "Anonym medborgare", "phone": "070-000 00 00", "role": "Anmälare"}]
    )
    case = services.do_create(
        actor=worker,
        queue=queue,
        case_type=ct,
        title=_title(code, rng),
        description="Inkommet ärende (demodata).",
        origin=rng.choice(ORIGINS),
        priority=rng.choice(config["priorities"]),
        labels=rng.sample(config["labels"], rng.randint(0, 2)),
        contacts=contacts,
        draft=(i % 15 == 14),
    )
    if case.is_draft:
        return
    fate = i % 6
    if fate == 0:
        return  # stays in the inbox
    case = services.do_assign(case, actor=worker)
    case = services.do_add_note(case, actor=worker, text=rng.choice(NOTES))
    if fate == 1:
        case = services.do_change_status(case, actor=worker, to=ct.statuses.get(code="pagar"))
    elif fate == 2:
        case = services.do_change_status(case, actor=worker, to=ct.statuses.get(code="vantar"))
    elif fate in (3, 4):
        if fate == 4 and i % 4 == 0:
            child = services.do_create_subcase(case, actor=worker, title="Kontroll på plats")
            services.do_close(child, actor=worker, resolution=ct.resolutions.first())
        services.do_close(case, actor=worker, resolution=rng.choice(list(ct.resolutions.all())))
    elif fate == 5:
        other = [q for q in config["queues"] if q.pk != case.queue_id][0]
        case = services.do_send_to_queue(
            case, actor=worker, queue=other, note="Hör till er funktion."
        )
        trv = Organisation.objects.filter(slug="trafikverket").first()
        trv_queue = (
            Queue.objects.filter(organisation=trv, name="Vägärenden").first() if trv else None
        )
        if trv_queue is not None and code == "felanmalan":
            services.do_send_to_queue(
                case, actor=worker, queue=trv_queue, note="Gäller statlig väg."
            )


def _bulk_cases(org, config, worker, rng, count) -> None:
    """Many cases quickly: bulk insert, one creation log entry each, ages spread out."""
    from .models import Case, CaseLogEntry, CaseState, LogKind
    from .references import next_reference

    now = timezone.now()
    rows = []
    for _ in range(count):
        code = rng.choice(
            ["felanmalan", "felanmalan", "felanmalan", "synpunkt", "synpunkt", "ansokan"]
        )
        ct, queue = config["types"][code]
        statuses = {s.code: s for s in ct.statuses.all()}
        resolutions = list(ct.resolutions.all())
        created = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
        roll = rng.random()
        status = (
            statuses["ny"]
            if roll < 0.45
            else statuses["pagar"]
            if roll < 0.62
            else (statuses["vantar"] if roll < 0.72 else statuses["avslutad"])
        )
        closed = status.kind == CaseState.CLOSED
        assignee = None if status.code == "ny" and rng.random() < 0.85 else worker
        rows.append(
            Case(
                organisation=org,
                reference=next_reference(org, ct, day=timezone.localdate(created)),
                case_type=ct,
                queue=queue,
                assignee=assignee,
                status=status,
                state=status.kind,
                priority=rng.choice(config["priorities"]),
                due_date=(created + timedelta(days=ct.default_days_to_due or 14)).date(),
                title=_title(code, rng),
                description="Inkommet ärende (demodata).",
                origin=rng.choice(ORIGINS),
                restricted=ct.restricted_by_default,
                created_by=worker,
                closed_at=created + timedelta(days=rng.randint(1, 30)) if closed else None,
                closed_by=worker if closed else None,
                resolution=rng.choice(resolutions) if closed and resolutions else None,
            )
        )
        rows[-1]._demo_created = created
    Case.objects.bulk_create(rows)
    for case in rows:
        case.created_at = case._demo_created
    Case.objects.bulk_update(rows, ["created_at"])
    Case.restricted_to.through.objects.bulk_create(
        Case.restricted_to.through(case_id=c.pk, user_id=worker.pk) for c in rows if c.restricted
    )
    Case.labels.through.objects.bulk_create(
        Case.labels.through(case_id=c.pk, label_id=label.pk)
        for c in rows
        for label in rng.sample(config["labels"], rng.randint(0, 2))
    )
    CaseLogEntry.objects.bulk_create(
        CaseLogEntry(
            case=c, at=c.created_at, actor=worker, kind=LogKind.SYSTEM, text="Ärendet skapades."
        )
        for c in rows
    )
