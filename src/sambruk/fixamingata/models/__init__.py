"""FixaMinGata models, split by concept.

* :mod:`.body` — bodies (kommun, Trafikverket), their categories and response templates.
* :mod:`.report` — reports, photos and the public timeline of updates.
* :mod:`.engagement` — confirmation tokens, alerts and questionnaires.
* :mod:`.moderation` — abuse list and flagged users.
* :mod:`.stats` — pre-aggregated daily statistics.
* :mod:`.choices` — the public states and other enumerations.
"""

from .body import AttributeDatatype, Body, Category, ResponseTemplate, SendMethod
from .choices import (
    CLOSED_STATES,
    FIXED_STATES,
    OPEN_STATES,
    PUBLIC_STATES,
    AbuseKind,
    AlertKind,
    QuestionnaireAnswer,
    ReportState,
    SendState,
    Source,
    TokenPurpose,
)
from .engagement import Alert, ConfirmationToken, Questionnaire
from .moderation import AbuseEntry, FlaggedUser
from .report import Report, ReportPhoto, Update
from .stats import DailyStats

__all__ = [
    "CLOSED_STATES",
    "FIXED_STATES",
    "OPEN_STATES",
    "PUBLIC_STATES",
    "AbuseEntry",
    "AbuseKind",
    "Alert",
    "AlertKind",
    "AttributeDatatype",
    "Body",
    "Category",
    "ConfirmationToken",
    "DailyStats",
    "FlaggedUser",
    "Questionnaire",
    "QuestionnaireAnswer",
    "Report",
    "ReportPhoto",
    "ReportState",
    "ResponseTemplate",
    "SendMethod",
    "SendState",
    "Source",
    "TokenPurpose",
    "Update",
]
