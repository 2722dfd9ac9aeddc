"""The case actions of the API: each one's request serializer and what the endpoint answers.

The actions themselves (service, arguments, summary, description) are
:data:`sambruk.cases.actions.CASE_ACTIONS`; each one with an ``endpoint`` is here under that
name. ``ACTION_SPECS[name].run(case, user, data)`` calls the action's ``do_*`` service with
the validated body and returns what the endpoint answers with: the case to show (the acted-on
case, or the new sub-case for ``create_subcase``) or ``None`` when the case is gone
(``delete_draft``). The engine's action name (``action.name``, the one ``available_actions``
returns) differs from the endpoint name for three actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..actions import CASE_ACTIONS, CaseAction
from ..errors import CaseActionError
from ..services.base import STALE_MESSAGE
from . import inputs

#: The request serializer of each endpoint (others take only ``expected_version``).
SERIALIZERS: dict[str, type] = {
    "assign_to": inputs.AssignToSerializer,
    "send_to_queue": inputs.SendToQueueSerializer,
    "change_status": inputs.ChangeStatusSerializer,
    "close": inputs.CloseSerializer,
    "reopen": inputs.ReopenSerializer,
    "change_priority": inputs.ChangePrioritySerializer,
    "change_due_date": inputs.ChangeDueDateSerializer,
    "change_title": inputs.ChangeTitleSerializer,
    "change_description": inputs.ChangeDescriptionSerializer,
    "change_type": inputs.ChangeTypeSerializer,
    "add_label": inputs.LabelActionSerializer,
    "remove_label": inputs.LabelActionSerializer,
    "add_contact": inputs.AddContactSerializer,
    "add_note": inputs.AddNoteSerializer,
    "restrict": inputs.RestrictSerializer,
    "remove": inputs.RemoveSerializer,
    "create_subcase": inputs.CreateSubcaseSerializer,
    "link_subcase": inputs.LinkSubcaseSerializer,
}


@dataclass(frozen=True)
class ActionSpec:
    action: CaseAction  # name = action.endpoint; check = action.name
    serializer: type

    def run(self, case, user, data):
        action = self.action
        if not action.versioned:
            _check_version(case, data)
        result = action.perform(
            case, actor=user, data=data, expected_version=data.get("expected_version")
        )
        if action.deletes:
            return None
        # Otherwise the caller's case (a copy sent to another organisation is a new case).
        return result if action.creates else case


def _check_version(case, data) -> None:
    """For the read markers, whose services take no version: the same optimistic check."""
    expected = data.get("expected_version")
    if expected is not None and case.version != expected:
        raise CaseActionError(_(STALE_MESSAGE), code="stale")


ACTION_SPECS: dict[str, ActionSpec] = {
    action.endpoint: ActionSpec(action, SERIALIZERS.get(action.endpoint, inputs.ActionSerializer))
    for action in CASE_ACTIONS.values()
    if action.endpoint
}
