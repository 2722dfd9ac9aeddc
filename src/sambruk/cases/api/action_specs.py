"""One entry per case action of the API: its request serializer and the service it calls.

``ACTION_SPECS[name].run(case, user, data)`` calls the action's ``do_*`` service with the
validated body and returns what the endpoint answers with: the case to show (the acted-on
case, or the new sub-case for ``create_subcase``) or ``None`` when the case is gone
(``delete_draft``). ``check`` is the engine's action name (the one ``available_actions``
returns), which differs from the endpoint name for three actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..errors import CaseActionError
from ..services.base import STALE_MESSAGE
from . import inputs


@dataclass(frozen=True)
class ActionSpec:
    name: str
    check: str
    serializer: type
    run: Callable
    summary: str
    description: str = ""
    creates: bool = False  # answers 201 with a new case
    deletes: bool = False  # answers 204


def _v(data) -> dict:
    return {"expected_version": data.get("expected_version")}


def _check_version(case, data) -> None:
    """For the read markers, whose services take no version: the same optimistic check."""
    expected = data.get("expected_version")
    if expected is not None and case.version != expected:
        raise CaseActionError(_(STALE_MESSAGE), code="stale")


def _mark_read(case, user, data):
    _check_version(case, data)
    services.do_mark_read(case, actor=user)
    return case


def _mark_unread(case, user, data):
    _check_version(case, data)
    services.do_mark_unread(case, actor=user)
    return case


def _add_contact(case, user, data):
    keys = ("person", "name", "email", "phone", "address", "role", "note")
    contact = {k: data[k] for k in keys if k in data}
    services.do_add_contact(case, actor=user, **contact, **_v(data))
    return case


def _send_to_queue(case, user, data):
    services.do_send_to_queue(
        case, actor=user, queue=data["queue"], note=data.get("note", ""), **_v(data)
    )
    return case  # the caller's case (a copy sent to another organisation is a new case)


def _delete_draft(case, user, data):
    services.do_delete_draft(case, actor=user, **_v(data))
    return None


def _spec(name, run, serializer=inputs.ActionSerializer, *, check=None, summary, **kw):
    return ActionSpec(
        name=name, check=check or name, serializer=serializer, run=run, summary=summary, **kw
    )


G = gettext_lazy

ACTION_SPECS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        _spec(
            "assign",
            lambda c, u, d: services.do_assign(c, actor=u, **_v(d)),
            summary=G("Ta ärendet (tilldela dig själv)"),
            description=G(
                "Du måste vara medlem i ärendets funktion; en API-klient är aldrig medlem "
                "och använder assign_to."
            ),
        ),
        _spec(
            "assign_to",
            lambda c, u, d: services.do_assign_to(c, actor=u, to=d["user"], **_v(d)),
            inputs.AssignToSerializer,
            summary=G("Tilldela ärendet en handläggare"),
            description=G("Handläggaren måste vara medlem i ärendets funktion."),
        ),
        _spec(
            "unassign",
            lambda c, u, d: services.do_unassign(c, actor=u, **_v(d)),
            summary=G("Ta bort tilldelningen"),
        ),
        _spec(
            "send_to_queue",
            _send_to_queue,
            inputs.SendToQueueSerializer,
            check="send_to",
            summary=G("Skicka till en annan funktion"),
            description=G(
                "Inom organisationen flyttas ärendet och blir otilldelat. Till en annan "
                "organisation skapas ett nytt ärende där med det som skickades; svaret är "
                "ditt eget ärende."
            ),
        ),
        _spec(
            "change_status",
            lambda c, u, d: services.do_change_status(
                c, actor=u, to=d["status"], resolution=d.get("resolution"), **_v(d)
            ),
            inputs.ChangeStatusSerializer,
            summary=G("Byt status enligt ärendetypens övergångstabell"),
        ),
        _spec(
            "close",
            lambda c, u, d: services.do_close(
                c, actor=u, resolution=d.get("resolution"), status=d.get("status"), **_v(d)
            ),
            inputs.CloseSerializer,
            summary=G("Avsluta ärendet (med utfall)"),
        ),
        _spec(
            "reopen",
            lambda c, u, d: services.do_reopen(c, actor=u, status=d.get("status"), **_v(d)),
            inputs.ReopenSerializer,
            summary=G("Återöppna ett avslutat ärende"),
        ),
        _spec(
            "change_priority",
            lambda c, u, d: services.do_change_priority(
                c, actor=u, priority=d["priority"], **_v(d)
            ),
            inputs.ChangePrioritySerializer,
            summary=G("Ändra prioritet"),
        ),
        _spec(
            "change_due_date",
            lambda c, u, d: services.do_change_due_date(
                c, actor=u, due_date=d["due_date"], **_v(d)
            ),
            inputs.ChangeDueDateSerializer,
            summary=G("Ändra förfallodatum"),
        ),
        _spec(
            "change_title",
            lambda c, u, d: services.do_change_title(c, actor=u, title=d["title"], **_v(d)),
            inputs.ChangeTitleSerializer,
            summary=G("Ändra rubrik"),
        ),
        _spec(
            "change_description",
            lambda c, u, d: services.do_change_description(
                c, actor=u, description=d["description"], **_v(d)
            ),
            inputs.ChangeDescriptionSerializer,
            summary=G("Ändra beskrivning"),
        ),
        _spec(
            "change_type",
            lambda c, u, d: services.do_change_type(c, actor=u, case_type=d["case_type"], **_v(d)),
            inputs.ChangeTypeSerializer,
            summary=G("Byt ärendetyp (ärendet får typens startstatus)"),
        ),
        _spec(
            "add_label",
            lambda c, u, d: services.do_add_label(c, actor=u, label=d["label"], **_v(d)),
            inputs.LabelActionSerializer,
            summary=G("Lägg till etikett"),
        ),
        _spec(
            "remove_label",
            lambda c, u, d: services.do_remove_label(c, actor=u, label=d["label"], **_v(d)),
            inputs.LabelActionSerializer,
            summary=G("Ta bort etikett"),
        ),
        _spec(
            "add_contact",
            _add_contact,
            inputs.AddContactSerializer,
            summary=G("Lägg till kontakt"),
        ),
        _spec(
            "add_note",
            lambda c, u, d: services.do_add_note(
                c, actor=u, text=d["text"], visible_to_citizen=d["visible_to_citizen"], **_v(d)
            ),
            inputs.AddNoteSerializer,
            summary=G("Lägg till anteckning"),
        ),
        _spec(
            "restrict",
            lambda c, u, d: services.do_restrict(c, actor=u, users=d.get("users", []), **_v(d)),
            inputs.RestrictSerializer,
            summary=G("Begränsa åtkomsten"),
            description=G("Ärendet syns sedan bara för de namngivna, dig och handläggaren."),
        ),
        _spec(
            "unrestrict",
            lambda c, u, d: services.do_unrestrict(c, actor=u, **_v(d)),
            summary=G("Ta bort begränsningen av åtkomsten"),
        ),
        _spec(
            "open",
            lambda c, u, d: services.do_open(c, actor=u, **_v(d)),
            summary=G("Öppna ett utkast"),
        ),
        _spec(
            "delete_draft",
            _delete_draft,
            check="delete",
            summary=G("Radera ett utkast"),
            deletes=True,
        ),
        _spec(
            "remove",
            lambda c, u, d: services.do_remove(c, actor=u, reason=d.get("reason", ""), **_v(d)),
            inputs.RemoveSerializer,
            summary=G("Ta bort ärendet (administratör)"),
        ),
        _spec(
            "reinstate",
            lambda c, u, d: services.do_reinstate(c, actor=u, **_v(d)),
            summary=G("Återställ ett borttaget ärende (administratör)"),
        ),
        _spec("mark_read", _mark_read, summary=G("Markera som läst")),
        _spec("mark_unread", _mark_unread, summary=G("Markera som oläst")),
        _spec(
            "create_subcase",
            lambda c, u, d: services.do_create_subcase(
                c,
                actor=u,
                title=d["title"],
                description=d.get("description", ""),
                case_type=d.get("case_type"),
                queue=d.get("queue"),
                **_v(d),
            ),
            inputs.CreateSubcaseSerializer,
            summary=G("Skapa underärende"),
            description=G("Svarar 201 med det nya underärendet."),
            creates=True,
        ),
        _spec(
            "link_subcase",
            lambda c, u, d: services.do_link_subcase(c, actor=u, child=d["child"], **_v(d)),
            inputs.LinkSubcaseSerializer,
            summary=G("Koppla ett befintligt ärende som underärende"),
        ),
        _spec(
            "unlink_subcase",
            lambda c, u, d: services.do_unlink_subcase(c, actor=u, **_v(d)),
            check="unlink_parent",
            summary=G("Koppla loss detta ärende från sitt huvudärende"),
        ),
    ]
}
