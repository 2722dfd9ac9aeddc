"""The case actions as the workspace offers them: label, form and the service that runs it.

The names are those of :func:`sambruk.cases.actions.available_actions`; the case view shows
a button for exactly the names that function returns. Each runner calls the matching
``do_*`` service with ``expected_version`` from the form, so a stale page is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sambruk.cases import services

from . import forms as f
from . import optional


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    form: type[f.ActionForm]
    run: Callable  # (case, user, cleaned_data, form) -> result
    primary: bool = False
    needs_form: bool = True


def _v(cd):
    return cd.get("version")


def _plain(code, label, service) -> Operation:
    """An action without form fields: the service takes only the case, actor and version."""
    return Operation(
        code,
        label,
        f.ActionForm,
        lambda c, u, cd, fm: service(c, actor=u, expected_version=_v(cd)),
        needs_form=False,
    )


def _close(case, user, cd, form):
    kwargs = {"resolution": cd.get("resolution"), "expected_version": _v(cd)}
    if cd.get("status"):
        kwargs["status"] = cd["status"]
    return services.do_close(case, actor=user, **kwargs)


def _conversations():
    return optional.conversations()


def _start_conversation(case, user, cd, form):
    return _conversations().do_start_conversation(
        case,
        actor=user,
        topic=cd["topic"],
        internal=cd.get("internal", False),
        participants=cd.get("emails") or (),
        expected_version=_v(cd),
    )


def _post_message(case, user, cd, form):
    return _conversations().do_post_message(
        cd["conversation"], actor=user, body=cd["body"], expected_version=_v(cd)
    )


def _add_attachment(case, user, cd, form):
    return optional.attachments().do_add_attachment(
        case,
        actor=user,
        uploaded_file=cd["file"],
        visible_to_citizen=cd.get("visible_to_citizen", False),
        expected_version=_v(cd),
    )


def _submit_form(case, user, cd, form):
    caseforms = optional.module("sambruk.cases.services.caseforms")
    try:
        return caseforms.do_submit_form(
            case, actor=user, form_code="closing", data=form.form_data(), expected_version=_v(cd)
        )
    except Exception as error:
        field_errors = getattr(error, "field_errors", None)
        if not field_errors:
            raise
        for name, message in field_errors.items():
            key = f"form_{name}"
            form.add_error(key if key in form.fields else None, message)
        raise FormErrors from error


class FormErrors(Exception):  # noqa: N818
    """The engine rejected individual fields; they are already on the form."""


def _contact(case, user, cd, form):
    fields = ("name", "email", "phone", "address", "role", "note")
    values = {k: cd.get(k) or "" for k in fields}
    if cd.get("civic_number"):
        # The register's person (looked up again, audited); name and address are the
        # register's, shown by the case according to the person's protection.
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
        values.update(person=person, name="", address="")
    return services.do_add_contact(case, actor=user, expected_version=_v(cd), **values)


_OPS = [
    Operation(
        "open",
        _("Öppna ärendet"),
        f.ActionForm,
        lambda c, u, cd, fm: services.do_open(c, actor=u, expected_version=_v(cd)),
        primary=True,
        needs_form=False,
    ),
    _plain("delete", _("Radera utkastet"), services.do_delete_draft),
    Operation(
        "assign",
        _("Ta ärendet"),
        f.ActionForm,
        lambda c, u, cd, fm: services.do_assign(c, actor=u, expected_version=_v(cd)),
        primary=True,
        needs_form=False,
    ),
    Operation(
        "assign_to",
        _("Tilldela"),
        f.AssignToForm,
        lambda c, u, cd, fm: services.do_assign_to(
            c, actor=u, to=cd["to"], expected_version=_v(cd)
        ),
    ),
    _plain("unassign", _("Ta bort tilldelning"), services.do_unassign),
    Operation(
        "send_to",
        _("Skicka till funktion"),
        f.SendToForm,
        lambda c, u, cd, fm: services.do_send_to_queue(
            c, actor=u, queue=cd["queue"], note=cd.get("note") or "", expected_version=_v(cd)
        ),
    ),
    Operation(
        "change_type",
        _("Byt ärendetyp"),
        f.ChangeTypeForm,
        lambda c, u, cd, fm: services.do_change_type(
            c, actor=u, case_type=cd["case_type"], expected_version=_v(cd)
        ),
    ),
    Operation(
        "change_priority",
        _("Ändra prioritet"),
        f.ChangePriorityForm,
        lambda c, u, cd, fm: services.do_change_priority(
            c, actor=u, priority=cd.get("priority"), expected_version=_v(cd)
        ),
    ),
    Operation(
        "change_due_date",
        _("Ändra förfallodatum"),
        f.ChangeDueDateForm,
        lambda c, u, cd, fm: services.do_change_due_date(
            c, actor=u, due_date=cd.get("due_date"), expected_version=_v(cd)
        ),
    ),
    Operation(
        "change_title",
        _("Ändra rubrik"),
        f.ChangeTitleForm,
        lambda c, u, cd, fm: services.do_change_title(
            c, actor=u, title=cd["title"], expected_version=_v(cd)
        ),
    ),
    Operation(
        "change_description",
        _("Ändra beskrivning"),
        f.ChangeDescriptionForm,
        lambda c, u, cd, fm: services.do_change_description(
            c, actor=u, description=cd.get("description") or "", expected_version=_v(cd)
        ),
    ),
    Operation(
        "add_label",
        _("Lägg till etikett"),
        f.AddLabelForm,
        lambda c, u, cd, fm: services.do_add_label(
            c, actor=u, label=cd["label"], expected_version=_v(cd)
        ),
    ),
    Operation(
        "remove_label",
        _("Ta bort etikett"),
        f.RemoveLabelForm,
        lambda c, u, cd, fm: services.do_remove_label(
            c, actor=u, label=cd["label"], expected_version=_v(cd)
        ),
    ),
    Operation("add_contact", _("Lägg till kontakt"), f.AddContactForm, _contact),
    Operation(
        "add_note",
        _("Lägg till anteckning"),
        f.AddNoteForm,
        lambda c, u, cd, fm: services.do_add_note(
            c,
            actor=u,
            text=cd["text"],
            visible_to_citizen=cd.get("visible_to_citizen", False),
            expected_version=_v(cd),
        ),
        primary=True,
    ),
    Operation(
        "change_status",
        _("Ändra status"),
        f.ChangeStatusForm,
        lambda c, u, cd, fm: services.do_change_status(
            c, actor=u, to=cd["status"], expected_version=_v(cd)
        ),
    ),
    Operation("close", _("Avsluta"), f.CloseForm, _close, primary=True),
    _plain("reopen", _("Återöppna"), services.do_reopen),
    _plain("restrict", _("Begränsa åtkomst"), services.do_restrict),
    _plain("unrestrict", _("Ta bort begränsning"), services.do_unrestrict),
    Operation(
        "remove",
        _("Ta bort ärendet"),
        f.RemoveForm,
        lambda c, u, cd, fm: services.do_remove(
            c, actor=u, reason=cd.get("reason") or "", expected_version=_v(cd)
        ),
    ),
    _plain("reinstate", _("Återställ ärendet"), services.do_reinstate),
    Operation(
        "mark_read",
        _("Markera som läst"),
        f.ActionForm,
        lambda c, u, cd, fm: services.do_mark_read(c, actor=u),
        needs_form=False,
    ),
    Operation(
        "mark_unread",
        _("Markera som oläst"),
        f.ActionForm,
        lambda c, u, cd, fm: services.do_mark_unread(c, actor=u),
        needs_form=False,
    ),
    Operation(
        "create_subcase",
        _("Skapa underärende"),
        f.CreateSubcaseForm,
        lambda c, u, cd, fm: services.do_create_subcase(
            c,
            actor=u,
            title=cd["title"],
            description=cd.get("description") or "",
            expected_version=_v(cd),
        ),
    ),
    Operation(
        "link_subcase",
        _("Koppla underärende"),
        f.LinkSubcaseForm,
        lambda c, u, cd, fm: services.do_link_subcase(
            c, actor=u, child=fm.child, expected_version=_v(cd)
        ),
    ),
    _plain("unlink_parent", _("Koppla bort från huvudärendet"), services.do_unlink_subcase),
]

#: Operations backed by engine modules that may be absent in a build (see ``optional``).
_OPTIONAL_OPS = [
    (
        "sambruk.cases.services.conversations",
        Operation(
            "start_conversation",
            _("Starta konversation"),
            f.StartConversationForm,
            _start_conversation,
        ),
    ),
    (
        "sambruk.cases.services.conversations",
        Operation("post_message", _("Skriv meddelande"), f.PostMessageForm, _post_message),
    ),
    (
        "sambruk.cases.services.attachments",
        Operation("add_attachment", _("Lägg till bilaga"), f.AddAttachmentForm, _add_attachment),
    ),
    (
        "sambruk.cases.services.caseforms",
        Operation("submit_form", _("Fyll i avslutningsformulär"), f.SubmitFormForm, _submit_form),
    ),
]

OPERATIONS: dict[str, Operation] = {op.name: op for op in _OPS}


def get(name: str) -> Operation | None:
    operation = OPERATIONS.get(name)
    if operation is not None:
        return operation
    for module_name, candidate in _OPTIONAL_OPS:
        if candidate.name == name and optional.module(module_name) is not None:
            return candidate
    return None


def for_case(names: list[str]) -> list[Operation]:
    """The operations for ``available_actions`` names, in that order (unknown names skipped)."""
    return [op for op in map(get, names) if op is not None]
