"""Every state change of FixaMinGata (reports, updates, moderation, alerts, questionnaires).

Each function is atomic, audited, and sends its e-mail through the outbox on commit; errors
are :class:`~sambruk.fixamingata.errors.ReportError` with a Swedish message.
"""

from .engagement import (
    answer_questionnaire,
    confirm_alert,
    send_alerts,
    send_questionnaires,
    subscribe_alert,
    unsubscribe,
)
from .external import DuplicateUpdate, receive_external_update
from .moderation import (
    add_abuse_entry,
    edit_report,
    flag_user,
    hide_report,
    hide_update,
    move_report,
    unhide_report,
)
from .reports import confirm_report, create_case, submit_report
from .updates import add_update, apply_state, confirm_update, set_state

__all__ = [
    "DuplicateUpdate",
    "add_abuse_entry",
    "add_update",
    "answer_questionnaire",
    "apply_state",
    "confirm_alert",
    "confirm_report",
    "confirm_update",
    "create_case",
    "edit_report",
    "flag_user",
    "hide_report",
    "hide_update",
    "move_report",
    "receive_external_update",
    "send_alerts",
    "send_questionnaires",
    "set_state",
    "submit_report",
    "subscribe_alert",
    "unhide_report",
    "unsubscribe",
]
