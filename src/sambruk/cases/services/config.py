"""Configuration as data: saving and deleting an organisation's case configuration.

Case types, their statuses, transition table and resolutions (utfall) live in
:mod:`.config_types`; priorities, labels, queues (funktioner) and staff groups in
:mod:`.config_org`; queue rules in :mod:`.rules`. Every function is atomic, requires
``cases.manage_config`` in the organisation that owns the row (``has_perm``), validates its
arguments against that organisation and writes an audit event with the changed fields.
Errors are :class:`~sambruk.cases.errors.CaseActionError` with a Swedish message; nothing
is half-written. Deleting something still in use (a status cases are in, the start status,
a queue with open cases, a label on cases or named by a rule …) is refused.

The ``do_save_*`` functions create a row when ``instance`` is ``None`` and update
``instance`` otherwise, and return the saved row.
"""

from .config_base import clean_closing_form_spec, require_manage, rule_references
from .config_org import (
    do_delete_group,
    do_delete_label,
    do_delete_priority,
    do_delete_queue,
    do_save_group,
    do_save_label,
    do_save_priority,
    do_save_queue,
    organisation_users,
)
from .config_types import (
    do_delete_case_type,
    do_delete_resolution,
    do_delete_status,
    do_save_case_type,
    do_save_resolution,
    do_save_status,
    do_save_transitions,
)
from .rules import do_delete_rule, do_save_rule

__all__ = [
    "clean_closing_form_spec",
    "do_delete_case_type",
    "do_delete_group",
    "do_delete_label",
    "do_delete_priority",
    "do_delete_queue",
    "do_delete_resolution",
    "do_delete_rule",
    "do_delete_status",
    "do_save_case_type",
    "do_save_group",
    "do_save_label",
    "do_save_priority",
    "do_save_queue",
    "do_save_resolution",
    "do_save_rule",
    "do_save_status",
    "do_save_transitions",
    "organisation_users",
    "require_manage",
    "rule_references",
]
