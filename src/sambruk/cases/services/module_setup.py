"""The case configuration a module needs in an organisation (FixaMinGata, ekonomiskt bistånd …).

A module that turns its records into cases declares a :class:`ModuleCaseSetup` — the case type,
its statuses, which statuses a closed case may be reopened to, and the queue (funktion) that
receives the cases — and calls :func:`ensure_module_setup` before creating a case.

It only adds what is missing: an organisation that already configured the case type keeps its
own status names and transitions. The transition table added is "from every open/on-hold
status to every other status, from every closed status back to the reopen statuses".
It is system setup on behalf of the module (no user acts), so it is not audited as a
configuration change. :func:`ready_setup` is the cheap check for the common case where all
is in place (one query, no savepoint).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from ..models import CaseType, Queue, Status, StatusKind, Transition


@dataclass(frozen=True)
class ModuleCaseSetup:
    case_type_code: str
    case_type_name: str
    description: str
    queue_name: str
    #: (code, name, kind, initial) in display order
    statuses: tuple[tuple[str, str, str, bool], ...]
    reopen_codes: tuple[str, ...] = ()
    default_days_to_due: int | None = None


def ready_setup(organisation, spec: ModuleCaseSetup) -> tuple[CaseType, Queue] | None:
    """(case type, queue) when everything is in place, else None. One query."""
    counts = (
        Status.objects.filter(case_type=OuterRef("default_case_type"))
        .order_by()
        .values("case_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queue = (
        Queue.objects.select_related("default_case_type")
        .filter(organisation=organisation, name=spec.queue_name)
        .annotate(module_statuses=Subquery(counts))
        .first()
    )
    case_type = queue.default_case_type if queue else None
    if (
        case_type is not None
        and case_type.code == spec.case_type_code
        and queue.active
        and case_type.active
        and (queue.module_statuses or 0) >= len(spec.statuses)
    ):
        queue.organisation = organisation  # the case engine need not load it again
        return case_type, queue
    return None


def ensure_module_setup(organisation, spec: ModuleCaseSetup) -> tuple[CaseType, Queue]:
    """Return (case type, queue) of ``spec`` in ``organisation``; create what is missing."""
    return ready_setup(organisation, spec) or _complete(organisation, spec)


@transaction.atomic
def _complete(organisation, spec: ModuleCaseSetup) -> tuple[CaseType, Queue]:
    defaults = {"name": spec.case_type_name, "description": spec.description}
    if spec.default_days_to_due is not None:
        defaults["default_days_to_due"] = spec.default_days_to_due
    case_type, _created = CaseType.objects.get_or_create(
        organisation=organisation, code=spec.case_type_code, defaults=defaults
    )
    if not case_type.active:
        case_type.active = True
        case_type.save(update_fields=["active"])
    existing = {s.code: s for s in case_type.statuses.all()}
    has_initial = any(s.is_initial for s in existing.values())
    top = max((s.order for s in existing.values()), default=-1)
    for offset, (code, name, kind, initial) in enumerate(spec.statuses):
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
    reopen = [existing[c] for c in spec.reopen_codes if c in existing]
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
        name=spec.queue_name,
        defaults={"default_case_type": case_type},
    )
    if queue.default_case_type_id != case_type.pk or not queue.active:
        queue.default_case_type = case_type
        queue.active = True
        queue.save(update_fields=["default_case_type", "active"])
    return case_type, queue
