"""Case engine models, split by concept.

* :mod:`.config` — per-organisation configuration as data (case types, statuses, the
  transition table, resolutions, priorities, labels, queues).
* :mod:`.case` — the case itself, its contacts and the reference counter.
* :mod:`.log` — case log, read markers and stored domain events.
"""

from .case import Case, CaseContact, CaseQuerySet, CaseState, Origin, ReferenceCounter
from .config import (
    CaseSettings,
    CaseType,
    Label,
    Priority,
    Queue,
    Resolution,
    RetentionAction,
    Status,
    StatusKind,
    Transition,
)
from .log import CaseEvent, CaseLogEntry, CaseRead, LogKind

__all__ = [
    "Case",
    "CaseContact",
    "CaseEvent",
    "CaseLogEntry",
    "CaseQuerySet",
    "CaseRead",
    "CaseSettings",
    "CaseState",
    "CaseType",
    "Label",
    "LogKind",
    "Origin",
    "Priority",
    "Queue",
    "ReferenceCounter",
    "Resolution",
    "RetentionAction",
    "Status",
    "StatusKind",
    "Transition",
]
