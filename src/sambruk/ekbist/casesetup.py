"""The case configuration ekonomiskt bistånd needs in a kommun.

:func:`ensure_case_setup` makes sure the organisation has the case type *Ansökan om
ekonomiskt bistånd* (code ``ekbist-ansokan``) with the statuses of :data:`STATUSES`, a
transition table (every open/on-hold status to every other status, the closed statuses back to
*Under utredning*) and the social services' queue (funktion) *Ekonomiskt bistånd* that receives
the applications. It only adds what is missing: a kommun that already configured the type keeps
its own names and rules. Idempotent; cheap when everything exists.
"""

from __future__ import annotations

from django.db import transaction

from sambruk.cases.models import CaseType, Queue, Status, StatusKind, Transition

CASE_TYPE_CODE = "ekbist-ansokan"
CASE_TYPE_NAME = "Ansökan om ekonomiskt bistånd"
QUEUE_NAME = "Ekonomiskt bistånd"

OPEN, ON_HOLD, CLOSED = StatusKind.OPEN, StatusKind.ON_HOLD, StatusKind.CLOSED

#: (code, name, kind, initial)
STATUSES: list[tuple[str, str, str, bool]] = [
    ("inkommen", "Inkommen", OPEN, True),
    ("utredning", "Under utredning", OPEN, False),
    ("komplettering", "Komplettering begärd", ON_HOLD, False),
    ("beslutad", "Beslutad", CLOSED, False),
    ("aterkallad", "Återkallad", CLOSED, False),
]
DECIDED_STATUS = "beslutad"
REOPEN_CODES = ("utredning",)


def ekbist_queue(organisation) -> Queue | None:
    return Queue.objects.filter(organisation=organisation, name=QUEUE_NAME).first()


def ekbist_case_type(organisation) -> CaseType | None:
    return CaseType.objects.filter(organisation=organisation, code=CASE_TYPE_CODE).first()


@transaction.atomic
def ensure_case_setup(organisation) -> tuple[CaseType, Queue]:
    """Return (case type, queue) for applications in ``organisation``; create what is missing."""
    queue = (
        Queue.objects.select_related("default_case_type")
        .filter(organisation=organisation, name=QUEUE_NAME)
        .first()
    )
    case_type = queue.default_case_type if queue else None
    if (
        case_type is not None
        and case_type.code == CASE_TYPE_CODE
        and queue.active
        and case_type.active
        and Status.objects.filter(case_type=case_type).count() >= len(STATUSES)
    ):
        return case_type, queue

    case_type, _created = CaseType.objects.get_or_create(
        organisation=organisation,
        code=CASE_TYPE_CODE,
        defaults={
            "name": CASE_TYPE_NAME,
            "description": "Ansökningar om försörjningsstöd (SoL 4 kap. 1 §) från e-tjänsten.",
            "default_days_to_due": 14,
        },
    )
    if not case_type.active:
        case_type.active = True
        case_type.save(update_fields=["active"])
    existing = {s.code: s for s in case_type.statuses.all()}
    has_initial = any(s.is_initial for s in existing.values())
    top = max((s.order for s in existing.values()), default=-1)
    for offset, (code, name, kind, initial) in enumerate(STATUSES):
        if code in existing:
            continue
        existing[code] = Status.objects.create(
            case_type=case_type,
            code=code,
            name=name,
            kind=kind,
            order=top + 1 + offset,
            is_initial=initial and not has_initial,
        )
    statuses = list(existing.values())
    live = [s for s in statuses if s.kind != StatusKind.CLOSED]
    reopen = [existing[c] for c in REOPEN_CODES if c in existing]
    pairs = {(a.pk, b.pk) for a in live for b in statuses if a.pk != b.pk}
    pairs |= {(a.pk, b.pk) for a in statuses if a.kind == StatusKind.CLOSED for b in reopen}
    have = set(
        Transition.objects.filter(case_type=case_type).values_list("from_status_id", "to_status_id")
    )
    Transition.objects.bulk_create(
        [
            Transition(case_type=case_type, from_status_id=a, to_status_id=b)
            for a, b in sorted(pairs - have)
        ],
        ignore_conflicts=True,
    )
    queue, _created = Queue.objects.get_or_create(
        organisation=organisation,
        name=QUEUE_NAME,
        defaults={"default_case_type": case_type},
    )
    if queue.default_case_type_id != case_type.pk or not queue.active:
        queue.default_case_type = case_type
        queue.active = True
        queue.save(update_fields=["default_case_type", "active"])
    return case_type, queue
