"""The case actions: what each one is, and ``available_actions(case, user)``.

:data:`CASE_ACTIONS` describes every action of the engine once: its name (the check in
:mod:`sambruk.cases.predicates` and the name ``available_actions`` returns), the workspace's
label, the API's summary and description, the ``do_*`` service that runs it and which input
field becomes which service argument. The workspace (``sambruk.workspace.operations``, with
its forms) and the REST API (``sambruk.cases.api.action_specs``, with its serializers) both
run an action through :meth:`CaseAction.perform`.

``available_actions`` runs the same checks that the services run, so a returned action is one
the service accepts (given valid arguments). The workspace shows exactly these buttons and
the REST API returns them with each case.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .errors import CaseActionError
from .predicates import CHECKS

SERVICES = "sambruk.cases.services"


@dataclass(frozen=True)
class Arg:
    """One keyword argument of the service and the input field it is read from."""

    param: str
    field: str = ""  # the input field (serializer and form); empty = ``param``
    optional: bool = False  # the input may lack the field: the service's default applies
    form_field: str = ""  # the workspace form's field, when it differs from ``field``

    def source(self, *, form: bool) -> str:
        return (form and self.form_field) or self.field or self.param


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str  # the workspace's button and notice
    service: str  # "module:function" (module defaults to the services package)
    args: tuple[Arg, ...] = ()
    # POST /api/cases/{id}/actions/<endpoint>/: "" = the name; None = not in the API
    endpoint: str | None = ""
    summary: str = ""  # the API's
    description: str = ""  # the API's
    target: str = ""  # input field run on instead of the case (e.g. the conversation)
    versioned: bool = True  # the service takes expected_version
    creates: bool = False  # the result is a new case (the API answers 201 with it)
    deletes: bool = False  # the case is gone afterwards (the API answers 204)

    def __post_init__(self):
        if self.endpoint == "":
            object.__setattr__(self, "endpoint", self.name)

    @property
    def module(self) -> str:
        module, _sep, _function = self.service.rpartition(":")
        return module or SERVICES

    def function(self):
        """The service function (imported when called: some engine modules are optional)."""
        return getattr(importlib.import_module(self.module), self.service.rpartition(":")[2])

    def arguments(self, data, *, form: bool = False) -> dict:
        """The service's keyword arguments from validated input (``form``: workspace field names)."""
        result = {}
        for arg in self.args:
            field = arg.source(form=form)
            if field in data or not arg.optional:
                result[arg.param] = data[field]
        return result

    def perform(self, case, *, actor, data, expected_version=None, form=False, extra=None):
        """Run the service with the arguments read from ``data`` and ``extra``; its result.

        ``form``: ``data`` is a workspace form's cleaned data (see :attr:`Arg.form_field`).
        ``extra``: arguments the adapter supplies itself; they win over those from ``data``.
        """
        kwargs = {**self.arguments(data, form=form), **(extra or {})}
        if self.versioned:
            kwargs["expected_version"] = expected_version
        target = data[self.target] if self.target else case
        return self.function()(target, actor=actor, **kwargs)


_ACTIONS = [
    CaseAction("open", _("Öppna ärendet"), "do_open", summary=_("Öppna ett utkast")),
    CaseAction(
        "delete",
        _("Radera utkastet"),
        "do_delete_draft",
        endpoint="delete_draft",
        summary=_("Radera ett utkast"),
        deletes=True,
    ),
    CaseAction(
        "assign",
        _("Ta ärendet"),
        "do_assign",
        summary=_("Ta ärendet (tilldela dig själv)"),
        description=_(
            "Du måste vara medlem i ärendets funktion; en API-klient är aldrig medlem "
            "och använder assign_to."
        ),
    ),
    CaseAction(
        "assign_to",
        _("Tilldela"),
        "do_assign_to",
        (Arg("to", "user", form_field="to"),),
        summary=_("Tilldela ärendet en handläggare"),
        description=_("Handläggaren måste vara medlem i ärendets funktion."),
    ),
    CaseAction(
        "unassign", _("Ta bort tilldelning"), "do_unassign", summary=_("Ta bort tilldelningen")
    ),
    CaseAction(
        "send_to",
        _("Skicka till funktion"),
        "do_send_to_queue",
        (Arg("queue"), Arg("note", optional=True)),
        endpoint="send_to_queue",
        summary=_("Skicka till en annan funktion"),
        description=_(
            "Inom organisationen flyttas ärendet och blir otilldelat. Till en annan "
            "organisation skapas ett nytt ärende där med det som skickades; svaret är "
            "ditt eget ärende."
        ),
    ),
    CaseAction(
        "change_type",
        _("Byt ärendetyp"),
        "do_change_type",
        (Arg("case_type"),),
        summary=_("Byt ärendetyp (ärendet får typens startstatus)"),
    ),
    CaseAction(
        "change_priority",
        _("Ändra prioritet"),
        "do_change_priority",
        (Arg("priority"),),
        summary=_("Ändra prioritet"),
    ),
    CaseAction(
        "change_due_date",
        _("Ändra förfallodatum"),
        "do_change_due_date",
        (Arg("due_date"),),
        summary=_("Ändra förfallodatum"),
    ),
    CaseAction(
        "change_title",
        _("Ändra rubrik"),
        "do_change_title",
        (Arg("title"),),
        summary=_("Ändra rubrik"),
    ),
    CaseAction(
        "change_description",
        _("Ändra beskrivning"),
        "do_change_description",
        (Arg("description"),),
        summary=_("Ändra beskrivning"),
    ),
    CaseAction(
        "add_label",
        _("Lägg till etikett"),
        "do_add_label",
        (Arg("label"),),
        summary=_("Lägg till etikett"),
    ),
    CaseAction(
        "remove_label",
        _("Ta bort etikett"),
        "do_remove_label",
        (Arg("label"),),
        summary=_("Ta bort etikett"),
    ),
    CaseAction(
        "add_contact",
        _("Lägg till kontakt"),
        "do_add_contact",
        (
            Arg("person", optional=True),
            *(
                Arg(name, optional=True)
                for name in ("name", "email", "phone", "address", "role", "note")
            ),
        ),
        summary=_("Lägg till kontakt"),
    ),
    CaseAction(
        "add_note",
        _("Lägg till anteckning"),
        "do_add_note",
        (Arg("text"), Arg("visible_to_citizen", optional=True)),
        summary=_("Lägg till anteckning"),
    ),
    CaseAction(
        "change_status",
        _("Ändra status"),
        "do_change_status",
        (Arg("to", "status"), Arg("resolution", optional=True)),
        summary=_("Byt status enligt ärendetypens övergångstabell"),
    ),
    CaseAction(
        "close",
        _("Avsluta"),
        "do_close",
        (Arg("resolution", optional=True), Arg("status", optional=True)),
        summary=_("Avsluta ärendet (med utfall)"),
    ),
    CaseAction(
        "reopen",
        _("Återöppna"),
        "do_reopen",
        (Arg("status", optional=True),),
        summary=_("Återöppna ett avslutat ärende"),
    ),
    CaseAction(
        "restrict",
        _("Begränsa åtkomst"),
        "do_restrict",
        (Arg("users", optional=True),),
        summary=_("Begränsa åtkomsten"),
        description=_("Ärendet syns sedan bara för de namngivna, dig och handläggaren."),
    ),
    CaseAction(
        "unrestrict",
        _("Ta bort begränsning"),
        "do_unrestrict",
        summary=_("Ta bort begränsningen av åtkomsten"),
    ),
    CaseAction(
        "remove",
        _("Ta bort ärendet"),
        "do_remove",
        (Arg("reason", optional=True),),
        summary=_("Ta bort ärendet (administratör)"),
    ),
    CaseAction(
        "reinstate",
        _("Återställ ärendet"),
        "do_reinstate",
        summary=_("Återställ ett borttaget ärende (administratör)"),
    ),
    CaseAction(
        "mark_read",
        _("Markera som läst"),
        "do_mark_read",
        summary=_("Markera som läst"),
        versioned=False,
    ),
    CaseAction(
        "mark_unread",
        _("Markera som oläst"),
        "do_mark_unread",
        summary=_("Markera som oläst"),
        versioned=False,
    ),
    CaseAction(
        "create_subcase",
        _("Skapa underärende"),
        "do_create_subcase",
        (
            Arg("title"),
            Arg("description", optional=True),
            Arg("case_type", optional=True),
            Arg("queue", optional=True),
        ),
        summary=_("Skapa underärende"),
        description=_("Svarar 201 med det nya underärendet."),
        creates=True,
    ),
    CaseAction(
        "link_subcase",
        _("Koppla underärende"),
        "do_link_subcase",
        (Arg("child"),),
        summary=_("Koppla ett befintligt ärende som underärende"),
    ),
    CaseAction(
        "unlink_parent",
        _("Koppla bort från huvudärendet"),
        "do_unlink_subcase",
        endpoint="unlink_subcase",
        summary=_("Koppla loss detta ärende från sitt huvudärende"),
    ),
    # Workspace only (endpoint=None); their engine modules may be absent in a build.
    CaseAction(
        "start_conversation",
        _("Starta konversation"),
        "sambruk.cases.services.conversations:do_start_conversation",
        (
            Arg("topic"),
            Arg("internal", optional=True),
            Arg("participants", "emails", optional=True),
        ),
        endpoint=None,
    ),
    CaseAction(
        "post_message",
        _("Skriv meddelande"),
        "sambruk.cases.services.conversations:do_post_message",
        (Arg("body"),),
        endpoint=None,
        target="conversation",
    ),
    CaseAction(
        "add_attachment",
        _("Lägg till bilaga"),
        "sambruk.cases.services.attachments:do_add_attachment",
        (Arg("uploaded_file", "file"), Arg("visible_to_citizen", optional=True)),
        endpoint=None,
    ),
    CaseAction(  # form_code and data: the workspace's closing form supplies them
        "submit_form",
        _("Fyll i avslutningsformulär"),
        "sambruk.cases.services.caseforms:do_submit_form",
        endpoint=None,
    ),
]

#: Every case action by its engine name, in the order of the engine's checks.
CASE_ACTIONS: dict[str, CaseAction] = {action.name: action for action in _ACTIONS}


def available_actions(case, user) -> list[str]:
    result = []
    for name, check in CHECKS.items():
        try:
            check(case, user)
        except CaseActionError:
            continue
        result.append(name)
    return result
