"""Every state change of a case, as a ``do_*`` function.

Each function is atomic, takes the acting user as keyword-only ``actor``, locks the case row
(``select_for_update``), refuses a stale ``expected_version``, runs the action's check from
:mod:`sambruk.cases.predicates`, validates its arguments, writes the change, a case-log entry,
an audit event and a stored :class:`CaseEvent`, bumps ``version`` and dispatches the event
on commit. Errors are :class:`CaseActionError` and leave nothing half-written. The functions
return the updated case (a fresh instance: use it instead of the one passed in).
"""

from ..errors import CaseActionError
from .assignment import do_assign, do_assign_to, do_send_to_queue, do_unassign
from .attachments import do_add_attachment, do_remove_attachment
from .caseforms import FormError, do_submit_form
from .citizen import Citizen, do_citizen_reply, do_claim_email
from .conversations import (
    do_add_participant,
    do_post_message,
    do_receive_email,
    do_start_conversation,
    thread_for_reply,
)
from .details import (
    do_add_contact,
    do_add_label,
    do_add_note,
    do_change_description,
    do_change_due_date,
    do_change_priority,
    do_change_title,
    do_change_type,
    do_mark_read,
    do_mark_unread,
    do_remove_label,
    do_restrict,
    do_unrestrict,
)
from .lifecycle import (
    do_change_status,
    do_close,
    do_create,
    do_delete_draft,
    do_open,
    do_reinstate,
    do_remove,
    do_reopen,
)
from .rules import do_delete_rule, do_save_rule
from .saved_searches import do_delete_search, do_save_search
from .subcases import do_create_subcase, do_link_subcase, do_unlink_subcase

__all__ = [
    "do_receive_email",
    "CaseActionError",
    "Citizen",
    "do_citizen_reply",
    "do_claim_email",
    "FormError",
    "do_add_attachment",
    "do_add_participant",
    "do_post_message",
    "do_remove_attachment",
    "do_start_conversation",
    "do_submit_form",
    "thread_for_reply",
    "do_add_contact",
    "do_add_label",
    "do_add_note",
    "do_assign",
    "do_assign_to",
    "do_change_description",
    "do_change_due_date",
    "do_change_priority",
    "do_change_status",
    "do_change_title",
    "do_change_type",
    "do_close",
    "do_create",
    "do_create_subcase",
    "do_delete_draft",
    "do_delete_rule",
    "do_delete_search",
    "do_link_subcase",
    "do_mark_read",
    "do_mark_unread",
    "do_open",
    "do_reinstate",
    "do_remove",
    "do_remove_label",
    "do_reopen",
    "do_restrict",
    "do_save_rule",
    "do_save_search",
    "do_send_to_queue",
    "do_unassign",
    "do_unlink_subcase",
    "do_unrestrict",
]
