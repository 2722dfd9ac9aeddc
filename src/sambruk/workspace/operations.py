"""The case actions as the workspace offers them: label, form and the service that runs it.

The actions are :data:`sambruk.cases.actions.CASE_ACTIONS` (named as
:func:`~sambruk.cases.actions.available_actions` returns them; the case view shows a button
for exactly those names). Here each gets its form; running it calls the action's ``do_*``
service with the form's values and ``expected_version`` from the form, so a stale page is
refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sambruk.cases.actions import CASE_ACTIONS, CaseAction

from . import forms as f
from . import optional

#: The form of each action with fields (the others post only the version).
FORMS: dict[str, type[f.ActionForm]] = {
    "assign_to": f.AssignToForm,
    "send_to": f.SendToForm,
    "change_type": f.ChangeTypeForm,
    "change_priority": f.ChangePriorityForm,
    "change_due_date": f.ChangeDueDateForm,
    "change_title": f.ChangeTitleForm,
    "change_description": f.ChangeDescriptionForm,
    "add_label": f.AddLabelForm,
    "remove_label": f.RemoveLabelForm,
    "add_contact": f.AddContactForm,
    "add_note": f.AddNoteForm,
    "change_status": f.ChangeStatusForm,
    "close": f.CloseForm,
    "remove": f.RemoveForm,
    "create_subcase": f.CreateSubcaseForm,
    "link_subcase": f.LinkSubcaseForm,
    "start_conversation": f.StartConversationForm,
    "post_message": f.PostMessageForm,
    "add_attachment": f.AddAttachmentForm,
    "submit_form": f.SubmitFormForm,
}

#: The actions shown as primary buttons.
PRIMARY = frozenset({"open", "assign", "add_note", "close"})


class FormErrors(Exception):  # noqa: N818
    """The engine rejected individual fields; they are already on the form."""


def _contact_person(case, user, cd, form) -> dict:
    """A civic number: the register's person (looked up again, audited) instead of name and
    address, which the case shows according to the person's protection."""
    if not cd.get("civic_number"):
        return {}
    from .contact_lookup import may_look_up, person_for

    if not may_look_up(user, case):
        form.add_error("civic_number", _("Du får inte slå upp personer i registret."))
        raise FormErrors
    person = person_for(cd["civic_number"], user=user, case=case)
    if person is None:
        form.add_error(
            "civic_number",
            _("Personen finns inte i registret. Töm fältet och fyll i uppgifterna själv."),
        )
        raise FormErrors
    return {"person": person, "name": "", "address": ""}


def _closing_form(case, user, cd, form) -> dict:
    return {"form_code": "closing", "data": form.form_data()}


#: Arguments the workspace supplies itself: (case, user, cleaned_data, form) -> dict.
EXTRA: dict[str, Callable] = {
    "add_contact": _contact_person,
    "submit_form": _closing_form,
}


@dataclass(frozen=True)
class Operation:
    action: CaseAction
    form: type[f.ActionForm]
    primary: bool = False

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return self.action.label

    @property
    def needs_form(self) -> bool:
        return self.form is not f.ActionForm

    def run(self, case, user, cd, form):
        extra = EXTRA.get(self.name)
        try:
            return self.action.perform(
                case,
                actor=user,
                data=cd,
                expected_version=cd.get("version"),
                form=True,
                extra=extra(case, user, cd, form) if extra else None,
            )
        except Exception as error:
            # Errors per field (the closing form's ``FormError``) go onto the form's fields.
            field_errors = getattr(error, "field_errors", None)
            if not field_errors:
                raise
            for name, message in field_errors.items():
                key = f"form_{name}"
                form.add_error(key if key in form.fields else None, message)
            raise FormErrors from error


OPERATIONS: dict[str, Operation] = {
    name: Operation(action, FORMS.get(name, f.ActionForm), primary=name in PRIMARY)
    for name, action in CASE_ACTIONS.items()
}


def get(name: str) -> Operation | None:
    """The operation, if the engine module of its service exists in this build (see ``optional``)."""
    operation = OPERATIONS.get(name)
    if operation is None or optional.module(operation.action.module) is None:
        return None
    return operation


def for_case(names: list[str]) -> list[Operation]:
    """The operations for ``available_actions`` names, in that order (unknown names skipped)."""
    return [op for op in map(get, names) if op is not None]
