"""The case configuration FixaMinGata needs in a receiving organisation.

:func:`ensure_case_setup` makes sure the organisation has the case type *Felanmälan*
(code ``felanmalan``) with the statuses of :data:`states.FMG_STATUSES`, a transition table
(from every open status to every other status, from every closed status back to Ny/Pågår)
and the queue (funktion) *FixaMinGata* that receives reports. It only adds what is missing:
an organisation that already configured Felanmälan keeps its own statuses, names and rules.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from sambruk.cases.models import CaseType, Queue, Status, StatusKind, Transition

from .states import FMG_STATUSES, REOPEN_CODES

CASE_TYPE_CODE = "felanmalan"
CASE_TYPE_NAME = "Felanmälan"
QUEUE_NAME = "FixaMinGata"


def fixamingata_queue(organisation) -> Queue | None:
    return Queue.objects.filter(organisation=organisation, name=QUEUE_NAME).first()


def ensure_case_setup(organisation) -> tuple[CaseType, Queue]:
    """Return (case type, queue) for FixaMinGata reports in ``organisation``; create what is
    missing. Idempotent and cheap when everything exists: one query (the queue with its
    case type and the number of statuses), no savepoint, and the queue's organisation set
    from the argument so the case engine does not load it again."""
    statuses = (
        Status.objects.filter(case_type=OuterRef("default_case_type"))
        .order_by()
        .values("case_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queue = (
        Queue.objects.select_related("default_case_type")
        .filter(organisation=organisation, name=QUEUE_NAME)
        .annotate(fmg_statuses=Subquery(statuses))
        .first()
    )
    case_type = queue.default_case_type if queue else None
    if (
        case_type is not None
        and case_type.code == CASE_TYPE_CODE
        and queue.active
        and case_type.active
        and (queue.fmg_statuses or 0) >= len(FMG_STATUSES)
    ):
        queue.organisation = organisation
        return case_type, queue
    return _complete_case_setup(organisation)


@transaction.atomic
def _complete_case_setup(organisation) -> tuple[CaseType, Queue]:
    case_type, _created = CaseType.objects.get_or_create(
        organisation=organisation,
        code=CASE_TYPE_CODE,
        defaults={
            "name": CASE_TYPE_NAME,
            "description": "Felanmälningar från FixaMinGata.",
            "default_days_to_due": 14,
        },
    )
    if not case_type.active:
        case_type.active = True
        case_type.save(update_fields=["active"])
    existing = {s.code: s for s in case_type.statuses.all()}
    has_initial = any(s.is_initial for s in existing.values())
    top = max((s.order for s in existing.values()), default=-1)
    for offset, (code, name, kind, _state, initial) in enumerate(FMG_STATUSES):
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
    open_ones = [s for s in statuses if s.kind != StatusKind.CLOSED]
    reopen = [existing[c] for c in REOPEN_CODES if c in existing]
    pairs = {(a.pk, b.pk) for a in open_ones for b in statuses if a.pk != b.pk}
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
