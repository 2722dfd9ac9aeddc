"""The one mapping between case statuses, public report states and Open311 statuses.

A confirmed report is a case of type *Felanmälan* in the body's case engine. Staff move the
case through its statuses in the workspace; the report's public state follows:

* the statuses FixaMinGata creates (:data:`FMG_STATUSES`, see :mod:`..casesetup`) map by
  ``code``;
* any other status maps by kind (open → Öppen, on hold → Undersöks, closed → Stängd), and a
  closed case's *resolution* may refine that (``RESOLUTION_HINTS``, e.g. "Åtgärdat" → fixed),
  so an organisation's existing Felanmälan type works without changes.

Open311: ``status`` is ``open``/``closed``; the extended (mySociety) status is
:func:`open311_extended_status`, and :func:`state_from_open311` reads a back end's status.
"""

from __future__ import annotations

from .models import CLOSED_STATES, FIXED_STATES, ReportState

OPEN, ON_HOLD, CLOSED = "open", "on_hold", "closed"

#: (code, name, kind, public state, initial) — the statuses of the Felanmälan case type.
FMG_STATUSES: list[tuple[str, str, str, str, bool]] = [
    ("ny", "Ny", OPEN, ReportState.CONFIRMED, True),
    ("undersoks", "Undersöks", OPEN, ReportState.INVESTIGATING, False),
    ("pagar", "Pågår", OPEN, ReportState.IN_PROGRESS, False),
    ("planerad", "Åtgärd planerad", OPEN, ReportState.ACTION_SCHEDULED, False),
    ("vantar", "Väntar på svar", ON_HOLD, ReportState.INVESTIGATING, False),
    ("atgardad", "Åtgärdad", CLOSED, ReportState.FIXED, False),
    ("avslutad", "Avslutad", CLOSED, ReportState.CLOSED, False),
    ("dubblett", "Dubblett", CLOSED, ReportState.DUPLICATE, False),
    ("ej-vart-ansvar", "Inte vårt ansvar", CLOSED, ReportState.NOT_RESPONSIBLE, False),
    ("kan-inte-atgardas", "Kan inte åtgärdas", CLOSED, ReportState.UNABLE_TO_FIX, False),
    ("vidarebefordrad", "Skickad vidare", CLOSED, ReportState.INTERNAL_REFERRAL, False),
]
#: The status code a case is reopened to.
REOPEN_CODES = ("ny", "pagar")

STATUS_CODE_TO_STATE: dict[str, str] = {code: state for code, _n, _k, state, _i in FMG_STATUSES}
KIND_TO_STATE = {
    OPEN: ReportState.CONFIRMED,
    ON_HOLD: ReportState.INVESTIGATING,
    CLOSED: ReportState.CLOSED,
}
#: Lower-cased resolution (utfall) name → state, for a generic closed status.
RESOLUTION_HINTS = {
    "åtgärdat": ReportState.FIXED,
    "åtgärdad": ReportState.FIXED,
    "ej kommunens ansvar": ReportState.NOT_RESPONSIBLE,
    "inte vårt ansvar": ReportState.NOT_RESPONSIBLE,
    "avvisat": ReportState.UNABLE_TO_FIX,
    "kan inte åtgärdas": ReportState.UNABLE_TO_FIX,
    "dubblett": ReportState.DUPLICATE,
}


def state_for_case(case) -> str:
    """The public state a report shows for its case's current status (and resolution)."""
    status = case.status
    state = STATUS_CODE_TO_STATE.get(status.code)
    if state is not None and not (state == ReportState.CLOSED and case.resolution_id):
        return state
    if status.kind == CLOSED and case.resolution_id:
        hint = RESOLUTION_HINTS.get(case.resolution.name.strip().lower())
        if hint:
            return hint
    return state or KIND_TO_STATE.get(status.kind, ReportState.CONFIRMED)


def status_for_state(case_type, state: str):
    """The status of ``case_type`` that shows as ``state`` (None when the type has none)."""
    for code, _n, _k, mapped, _i in FMG_STATUSES:
        if mapped == state:
            status = case_type.statuses.filter(code=code).first()
            if status is not None:
                return status
    return None


# --- Open311 --------------------------------------------------------------------------
_EXTENDED = {
    ReportState.CONFIRMED: "open",
    ReportState.INVESTIGATING: "investigating",
    ReportState.IN_PROGRESS: "in_progress",
    ReportState.ACTION_SCHEDULED: "action_scheduled",
    ReportState.FIXED: "fixed",
    ReportState.CLOSED: "closed",
    ReportState.DUPLICATE: "duplicate",
    ReportState.NOT_RESPONSIBLE: "not_councils_responsibility",
    ReportState.UNABLE_TO_FIX: "no_further_action",
    ReportState.INTERNAL_REFERRAL: "internal_referral",
}
_FROM_OPEN311 = {
    **{v: k for k, v in _EXTENDED.items()},
    "planned": ReportState.ACTION_SCHEDULED,
    "reopen": ReportState.CONFIRMED,
    "for_triage": ReportState.CONFIRMED,
    "cancelled": ReportState.CLOSED,
    "fixed - council": ReportState.FIXED,
    "not councils responsibility": ReportState.NOT_RESPONSIBLE,
    "no further action": ReportState.UNABLE_TO_FIX,
}


def open311_status(state: str) -> str:
    """GeoReport v2 ``status``: ``open`` or ``closed``."""
    return "closed" if state in FIXED_STATES | CLOSED_STATES else "open"


def open311_extended_status(state: str) -> str:
    """mySociety extended status (lower case, as in ``servicerequestupdates``)."""
    return _EXTENDED.get(state, "open")


def state_from_open311(status: str) -> str | None:
    """The state for a back end's status (either case; ``unchanged`` and unknown → None)."""
    key = (status or "").strip().lower()
    return _FROM_OPEN311.get(key) or _FROM_OPEN311.get(key.replace(" ", "_"))
