"""Case engine models, split by concept.

* :mod:`.config` — per-organisation configuration as data (case types, statuses, the
  transition table, resolutions, priorities, labels, queues).
* :mod:`.case` — the case itself, its contacts and the reference counter.
* :mod:`.log` — case log, read markers and stored domain events.
* :mod:`.conversation` — conversations, participants, messages and attachments.
* :mod:`.automation` — queue rules, staff groups, due-date notices, retention records,
  saved searches (perspektiv) and form data.
"""

from .automation import (
    CaseFormData,
    DueNoticeLog,
    QueueRule,
    RetentionRecord,
    RuleAction,
    RuleTrigger,
    SavedSearch,
    StaffGroup,
)
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
from .conversation import (
    Attachment,
    Conversation,
    ConversationParticipant,
    Message,
    MessageChannel,
    ParticipantKind,
)
from .log import CaseEvent, CaseLogEntry, CaseRead, LogKind

__all__ = [
    "Attachment",
    "CaseFormData",
    "Conversation",
    "ConversationParticipant",
    "DueNoticeLog",
    "Message",
    "MessageChannel",
    "ParticipantKind",
    "QueueRule",
    "RetentionRecord",
    "RuleAction",
    "RuleTrigger",
    "SavedSearch",
    "StaffGroup",
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
