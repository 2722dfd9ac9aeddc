"""The case configuration ekonomiskt bistånd needs in a kommun.

:func:`ensure_case_setup` makes sure the organisation has the case type *Ansökan om
ekonomiskt bistånd* (code ``ekbist-ansokan``) with the statuses of :data:`STATUSES`, a
transition table (every open/on-hold status to every other status, the closed statuses back to
*Under utredning*) and the social services' queue (funktion) *Ekonomiskt bistånd* that receives
the applications. It only adds what is missing: a kommun that already configured the type keeps
its own names and rules. Idempotent; cheap when everything exists.
"""

from __future__ import annotations

from sambruk.cases.models import CaseType, Queue, StatusKind
from sambruk.cases.services.module_setup import ModuleCaseSetup, ensure_module_setup

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


SETUP = ModuleCaseSetup(
    case_type_code=CASE_TYPE_CODE,
    case_type_name=CASE_TYPE_NAME,
    description="Ansökningar om försörjningsstöd (SoL 4 kap. 1 §) från e-tjänsten.",
    queue_name=QUEUE_NAME,
    statuses=tuple(STATUSES),
    reopen_codes=REOPEN_CODES,
    default_days_to_due=14,
)


def ensure_case_setup(organisation) -> tuple[CaseType, Queue]:
    """Return (case type, queue) for applications in ``organisation``; create what is missing
    (the case engine's :mod:`sambruk.cases.services.module_setup`)."""
    return ensure_module_setup(organisation, SETUP)
