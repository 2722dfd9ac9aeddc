"""Assignment and routing: assign, unassign, send to another queue (also another organisation).

Sending to a queue of **another organisation** does not move the case. The receiver gets a
*new case* in its own organisation (its own reference, its queue's incoming case type) with
what was sent: title, description, contacts and the sender's covering note. The new case
points at the original with ``sent_from``; the sender may *read* that case (status,
resolution) through :meth:`Case.restrict_extra`, but not the receiver's log or notes. The
original stays with the sender, who closes it when done. Reasons: secrecy applies between
authorities (OSL), so the receiver must see only what was sent, never the sender's internal
notes; and a row never changes owner, so tenancy and reference numbers stay simple.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from ..errors import CaseActionError
from ..models import CaseLogEntry, CaseType, LogKind
from ..predicates import require_queue_member
from ..roles import CHANGE_CASE
from ..system import db_user
from .base import begin, commit_change, user_label


@transaction.atomic
def do_assign(case, *, actor, expected_version=None):
    """Take the case (assign to oneself). The actor must be a member of the case's queue."""
    case = begin("assign", case, actor, expected_version)
    return _set_assignee(case, actor, actor)


@transaction.atomic
def do_assign_to(case, *, actor, to, expected_version=None):
    """Assign to ``to``, who must be a member of the queue and may change cases."""
    case = begin("assign_to", case, actor, expected_version)
    if to is None:
        raise CaseActionError(_("Välj en handläggare."), code="assignee_required")
    require_queue_member(case, to)
    if not has_perm(to, CHANGE_CASE, case.organisation_id):
        raise CaseActionError(
            _("%(user)s får inte handlägga ärenden i organisationen.") % {"user": user_label(to)},
            code="assignee_not_caseworker",
        )
    if case.assignee_id == to.pk:
        raise CaseActionError(
            _("Ärendet är redan tilldelat %(user)s.") % {"user": user_label(to)},
            code="already_assigned",
        )
    return _set_assignee(case, actor, to)


@transaction.atomic
def do_unassign(case, *, actor, expected_version=None):
    case = begin("unassign", case, actor, expected_version)
    return _set_assignee(case, actor, None)


def _set_assignee(case, actor, to):
    before = case.assignee
    case.assignee = to
    if to is None:
        event, text = (
            "case.unassigned",
            _("Tilldelningen togs bort (var %(user)s).") % {"user": user_label(before)},
        )
    elif to == actor:
        event, text = "case.assigned", _("%(user)s tog ärendet.") % {"user": user_label(to)}
    else:
        event, text = "case.assigned", _("Ärendet tilldelades %(user)s.") % {"user": user_label(to)}
    case = commit_change(
        case,
        actor=actor,
        event=event,
        text=text,
        changes={"assignee": [getattr(before, "pk", None), getattr(to, "pk", None)]},
        fields=["assignee"],
    )
    if to is not None and to != actor and to.email:
        _notify_assignee(case, to, actor)
    return case


def _notify_assignee(case, to, actor) -> None:
    from sambruk.core.notifications.services import queue_email

    queue_email(
        to=to.email,
        template="cases/email/assigned",
        context={"case": case, "actor": user_label(actor), "assignee": user_label(to)},
        language=getattr(to, "language", "sv") or "sv",
        organisation=case.organisation,
    )


@transaction.atomic
def do_send_to_queue(case, *, actor, queue, note: str = "", expected_version=None):
    """Send the case to ``queue``. Returns the case in the receiving queue.

    Same organisation: the case moves to the queue and becomes unassigned.
    Another organisation: see the module docstring; returns the receiver's new case.
    """
    case = begin("send_to", case, actor, expected_version)
    if not queue.active:
        raise CaseActionError(
            _("Funktionen %(queue)s är inte aktiv.") % {"queue": queue.name}, code="queue_inactive"
        )
    if queue.pk == case.queue_id:
        raise CaseActionError(
            _("Ärendet ligger redan i funktionen %(queue)s.") % {"queue": queue.name},
            code="same_queue",
        )
    if queue.organisation_id == case.organisation_id:
        before_queue, before_assignee = case.queue, case.assignee_id
        case.queue = queue
        case.assignee = None
        text = _("Skickat från %(from)s till %(to)s.") % {
            "from": before_queue.name,
            "to": queue.name,
        }
        if note.strip():
            text += " " + note.strip()
        return commit_change(
            case,
            actor=actor,
            event="case.sent",
            text=text,
            changes={"queue": [before_queue.pk, queue.pk], "assignee": [before_assignee, None]},
            fields=["queue", "assignee"],
        )
    return _send_to_other_organisation(case, actor, queue, note.strip())


def _send_to_other_organisation(case, actor, queue, note):
    from .lifecycle import do_create

    case_type = queue.default_case_type
    if case_type is None or not case_type.active:
        case_type = (
            CaseType.objects.filter(
                organisation_id=queue.organisation_id, active=True, statuses__is_initial=True
            )
            .order_by("name")
            .first()
        )
    if case_type is None:
        raise CaseActionError(
            _("Funktionen %(queue)s kan inte ta emot ärenden: ingen ärendetyp är vald.")
            % {"queue": queue.name},
            code="no_incoming_type",
        )
    contacts = [
        {
            "person": c.person,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "address": c.address,
            "role": c.role,
        }
        for c in case.contacts.all()
    ]
    received = do_create(
        actor=actor,
        queue=queue,
        case_type=case_type,
        title=case.title,
        description=case.description,
        origin=case.origin,
        contacts=contacts,
        restricted=False,
        sent_from=case,
        _skip_permission=True,  # the sender acts into the receiver's queue by this action only
    )
    received_text = _("Mottaget från %(org)s (ärende %(ref)s).") % {
        "org": case.organisation.name,
        "ref": case.reference,
    }
    CaseLogEntry.objects.create(
        case=received,
        actor=db_user(actor),
        kind=LogKind.NOTE if note else LogKind.SYSTEM,
        text=received_text + (f"\n{note}" if note else ""),
        data={"sent_from": case.pk},
    )
    commit_change(
        case,
        actor=actor,
        event="case.sent",
        text=_("Skickat till %(org)s, funktion %(queue)s (deras ärende %(ref)s).")
        % {"org": queue.organisation.name, "queue": queue.name, "ref": received.reference}
        + (f" {note}" if note else ""),
        changes={"sent_to": [None, received.pk]},
        data={"sent_to_organisation": queue.organisation_id, "sent_to_case": received.pk},
    )
    return received
