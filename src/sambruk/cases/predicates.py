"""Preconditions of every case action, shared by the services and :func:`available_actions`.

Each check takes ``(case, user)`` and raises :class:`CaseActionError` with a Swedish message
when the action is not allowed *now* (state, assignment, permissions, restriction). Services
call the check of their action on the locked row and then validate their arguments;
:func:`sambruk.cases.actions.available_actions` calls every check and keeps those that pass.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from .errors import CaseActionError
from .models import Case, CaseState, Queue, StaffGroup
from .roles import CHANGE_CASE, CREATE_CASE, REMOVE_CASE, VIEW_CASE
from .system import is_system
from .workflow import closing_targets, non_closing_targets


def deny(message: str, code: str):
    raise CaseActionError(message, code=code)


# --- building blocks -------------------------------------------------------------------
def can_see(case: Case, user) -> bool:
    """The per-object form of :meth:`CaseQuerySet.visible_to` (same rules, no extra widening)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if not has_perm(user, VIEW_CASE, case.organisation_id):
        return False
    if case.is_draft and case.created_by_id != user.pk:
        return False
    if case.restricted and case.assignee_id != user.pk:
        return case.restricted_to.filter(pk=user.pk).exists()
    return True


def require_visible(case, user) -> None:
    if is_system(user):  # a queue rule: its permission was checked when it was saved
        return
    if not can_see(case, user):
        deny(_("Ärendet finns inte eller så saknar du behörighet till det."), "not_found")


def require_perm(case, user, perm: str) -> None:
    require_visible(case, user)
    if is_system(user):
        return
    if not has_perm(user, perm, case.organisation_id):
        deny(_("Du saknar behörighet för detta."), "permission_denied")


def require_not_removed(case) -> None:
    if case.removed:
        deny(_("Ärendet är borttaget."), "removed")


def require_active(case) -> None:
    """Open or on hold, not a draft, not removed."""
    require_not_removed(case)
    if case.is_draft:
        deny(_("Ärendet är ett utkast. Öppna det först."), "draft")
    if case.state == CaseState.CLOSED:
        deny(_("Ärendet är avslutat."), "closed")


def require_editable(case) -> None:
    """Details may change on drafts and open cases, not on closed or removed ones."""
    require_not_removed(case)
    if case.state == CaseState.CLOSED:
        deny(_("Ärendet är avslutat."), "closed")


def require_subcases_closed(case) -> None:
    if case.subcases.exclude(state=CaseState.CLOSED).filter(removed=False).exists():
        deny(
            _("Alla underärenden måste vara avslutade innan ärendet kan avslutas."), "open_subcases"
        )


def require_closing_form(case) -> None:
    """A case type with a closing form: a valid filled form must exist before closing."""
    from .closing_form import stored_form_valid

    if case.case_type.closing_form and not stored_form_valid(case):
        deny(_("Fyll i avslutningsformuläret innan ärendet avslutas."), "closing_form_required")


def queue_members(queue):
    """Active users who are members of ``queue``: named in ``members`` or in a member group.

    Groups count only when they belong to the queue's organisation.
    """
    from django.contrib.auth import get_user_model

    in_groups = StaffGroup.members.through.objects.filter(
        staffgroup__queues=queue, staffgroup__organisation_id=queue.organisation_id
    ).values("user_id")
    direct = queue.members.through.objects.filter(queue_id=queue.pk).values("user_id")
    return get_user_model().objects.filter(Q(pk__in=direct) | Q(pk__in=in_groups), is_active=True)


def is_queue_member(queue, user) -> bool:
    """The one membership test: see :func:`queue_members`."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return queue_members(queue).filter(pk=user.pk).exists()


def member_queues(user):
    """The queues ``user`` is a member of (directly or through a group of the queue's
    organisation): the reverse of :func:`queue_members`."""
    if user is None or getattr(user, "pk", None) is None or not user.is_active:
        return Queue.objects.none()
    direct = Queue.members.through.objects.filter(queue_id=OuterRef("pk"), user_id=user.pk)
    via_group = StaffGroup.objects.filter(
        members=user, queues=OuterRef("pk"), organisation_id=OuterRef("organisation_id")
    )
    return Queue.objects.filter(Exists(direct) | Exists(via_group))


def require_queue_member(case, user) -> None:
    if not is_queue_member(case.queue, user):
        name = getattr(user, "full_name", "") or getattr(user, "email", "")
        deny(
            _("%(user)s är inte medlem i funktionen %(queue)s.")
            % {"user": name, "queue": case.queue.name},
            "not_queue_member",
        )


# --- one check per action --------------------------------------------------------------
def check_open(case, user):
    require_perm(case, user, CREATE_CASE)
    require_not_removed(case)
    if not case.is_draft:
        deny(_("Ärendet är redan öppnat."), "not_draft")


def check_delete(case, user):
    require_perm(case, user, CREATE_CASE)
    if not case.is_draft:
        deny(_("Bara utkast kan raderas. Ta bort ärendet i stället."), "not_draft")


def check_assign(case, user):
    """Assign to oneself."""
    require_perm(case, user, CHANGE_CASE)
    require_active(case)
    if case.assignee_id is not None:
        deny(_("Ärendet är redan tilldelat."), "already_assigned")
    require_queue_member(case, user)


def check_assign_to(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)


def check_unassign(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)
    if case.assignee_id is None:
        deny(_("Ärendet är inte tilldelat."), "not_assigned")


def check_send_to(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)


def check_edit(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_editable(case)


def check_remove_label(case, user):
    check_edit(case, user)
    if not case.labels.exists():
        deny(_("Ärendet har inga etiketter."), "no_labels")


def check_add_note(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_not_removed(case)


def check_change_status(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)
    if not non_closing_targets(case):
        deny(
            _("Det finns ingen tillåten statusövergång från %(status)s.")
            % {"status": case.status.name},
            "no_transition",
        )


def check_close(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)
    if not closing_targets(case):
        deny(
            _("Ärendet kan inte avslutas från status %(status)s.") % {"status": case.status.name},
            "no_transition",
        )
    require_subcases_closed(case)
    require_closing_form(case)
    if (
        case.case_type.resolution_required
        and not case.case_type.resolutions.filter(active=True).exists()
    ):
        deny(_("Ärendetypen kräver ett utfall men har inga utfall."), "no_resolutions")


def check_reopen(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_not_removed(case)
    if case.state != CaseState.CLOSED:
        deny(_("Ärendet är inte avslutat."), "not_closed")
    if not non_closing_targets(case):
        deny(
            _("Ärendet kan inte återöppnas från status %(status)s.") % {"status": case.status.name},
            "no_transition",
        )


def check_restrict(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_not_removed(case)
    if case.restricted:
        deny(_("Ärendet har redan begränsad åtkomst."), "already_restricted")


def check_unrestrict(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_not_removed(case)
    if not case.restricted:
        deny(_("Ärendet har inte begränsad åtkomst."), "not_restricted")


def check_remove(case, user):
    require_perm(case, user, REMOVE_CASE)
    require_not_removed(case)
    if case.is_draft:
        deny(_("Ett utkast raderas i stället för att tas bort."), "draft")


def check_reinstate(case, user):
    require_perm(case, user, REMOVE_CASE)
    if not case.removed:
        deny(_("Ärendet är inte borttaget."), "not_removed")


def check_read(case, user):
    require_visible(case, user)


def check_create_subcase(case, user):
    require_perm(case, user, CREATE_CASE)
    require_perm(case, user, CHANGE_CASE)
    require_active(case)


def check_link_subcase(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)


def check_unlink_parent(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_not_removed(case)
    if case.parent_id is None:
        deny(_("Ärendet är inte ett underärende."), "no_parent")


def check_converse(case, user):
    """Start a conversation, post a message in one or add a participant."""
    require_perm(case, user, CHANGE_CASE)
    require_active(case)


def check_submit_form(case, user):
    require_perm(case, user, CHANGE_CASE)
    require_active(case)
    if not case.case_type.closing_form:
        deny(_("Ärendetypen har inget avslutningsformulär."), "no_form")


#: Action name → check. The names are what the workspace and the REST API show.
CHECKS: dict[str, Callable] = {
    "open": check_open,
    "delete": check_delete,
    "assign": check_assign,
    "assign_to": check_assign_to,
    "unassign": check_unassign,
    "send_to": check_send_to,
    "change_type": check_edit,
    "change_priority": check_edit,
    "change_due_date": check_edit,
    "change_title": check_edit,
    "change_description": check_edit,
    "add_label": check_edit,
    "remove_label": check_remove_label,
    "add_contact": check_edit,
    "add_note": check_add_note,
    "change_status": check_change_status,
    "close": check_close,
    "reopen": check_reopen,
    "restrict": check_restrict,
    "unrestrict": check_unrestrict,
    "remove": check_remove,
    "reinstate": check_reinstate,
    "mark_read": check_read,
    "mark_unread": check_read,
    "create_subcase": check_create_subcase,
    "link_subcase": check_link_subcase,
    "unlink_parent": check_unlink_parent,
    "start_conversation": check_converse,
    "post_message": check_converse,
    "add_attachment": check_edit,
    "submit_form": check_submit_form,
}


def check(action: str, case, user) -> None:
    CHECKS[action](case, user)
