"""The case configuration FixaMinGata needs in a receiving organisation.

:func:`ensure_case_setup` makes sure the organisation has the case type *Felanmälan*
(code ``felanmalan``) with the statuses of :data:`states.FMG_STATUSES`, a transition table
(from every open status to every other status, from every closed status back to Ny/Pågår)
and the queue (funktion) *FixaMinGata* that receives reports. It only adds what is missing:
an organisation that already configured Felanmälan keeps its own statuses, names and rules.
The work is the case engine's :mod:`sambruk.cases.services.module_setup`.
"""

from __future__ import annotations

from sambruk.cases.models import CaseType, Queue
from sambruk.cases.services.module_setup import ModuleCaseSetup, ensure_module_setup

from .states import FMG_STATUSES, REOPEN_CODES

CASE_TYPE_CODE = "felanmalan"
CASE_TYPE_NAME = "Felanmälan"
QUEUE_NAME = "FixaMinGata"

SETUP = ModuleCaseSetup(
    case_type_code=CASE_TYPE_CODE,
    case_type_name=CASE_TYPE_NAME,
    description="Felanmälningar från FixaMinGata.",
    queue_name=QUEUE_NAME,
    statuses=tuple((code, name, kind, initial) for code, name, kind, _s, initial in FMG_STATUSES),
    reopen_codes=tuple(REOPEN_CODES),
    default_days_to_due=14,
)


def fixamingata_queue(organisation) -> Queue | None:
    return Queue.objects.filter(organisation=organisation, name=QUEUE_NAME).first()


def ensure_case_setup(organisation) -> tuple[CaseType, Queue]:
    """Return (case type, queue) for FixaMinGata reports in ``organisation``; create what is
    missing. Idempotent and cheap when everything exists: one query (the queue with its
    case type and the number of statuses), no savepoint, and the queue's organisation set
    from the argument so the case engine does not load it again."""
    return ensure_module_setup(organisation, SETUP)
