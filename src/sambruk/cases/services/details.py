"""Details of a case: type, priority, due date, title, description, labels, contacts, notes,
restriction and read markers."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from ..errors import CaseActionError
from ..models import CaseContact, CaseRead, LogKind
from ..predicates import check
from ..roles import VIEW_CASE
from .base import begin, commit_change, user_label


@transaction.atomic
def do_change_type(case, *, actor, case_type, expected_version=None):
    """Change the case type. The case gets the new type's initial status; resolution is cleared."""
    case = begin("change_type", case, actor, expected_version)
    if case_type.organisation_id != case.organisation_id or not case_type.active:
        raise CaseActionError(_("Ärendetypen kan inte användas här."), code="invalid_case_type")
    if case_type.pk == case.case_type_id:
        raise CaseActionError(_("Ärendet har redan den ärendetypen."), code="unchanged")
    status = case_type.initial_status
    if status is None:
        raise CaseActionError(
            _("Ärendetypen ”%(type)s” har ingen startstatus.") % {"type": case_type.name},
            code="no_initial_status",
        )
    before = case.case_type
    case.case_type, case.status, case.resolution = case_type, status, None
    if not case.is_draft:
        case.state = status.kind
    fields = ["case_type", "status", "state", "resolution"]
    if case.due_date is None and case_type.default_days_to_due:
        case.due_date = timezone.localdate() + datetime.timedelta(
            days=case_type.default_days_to_due
        )
        fields.append("due_date")
    return commit_change(
        case,
        actor=actor,
        event="case.type_changed",
        text=_("Ärendetyp ändrad från %(from)s till %(to)s.")
        % {"from": before.name, "to": case_type.name},
        changes={"case_type": [before.pk, case_type.pk]},
        fields=fields,
    )


@transaction.atomic
def do_change_priority(case, *, actor, priority, expected_version=None):
    case = begin("change_priority", case, actor, expected_version)
    if priority is not None and priority.organisation_id != case.organisation_id:
        raise CaseActionError(
            _("Prioriteten hör till en annan organisation."), code="invalid_priority"
        )
    before = case.priority
    case.priority = priority
    return commit_change(
        case,
        actor=actor,
        event="case.priority_changed",
        text=_("Prioritet ändrad till %(p)s.") % {"p": priority.name if priority else _("ingen")},
        changes={"priority": [getattr(before, "pk", None), getattr(priority, "pk", None)]},
        fields=["priority"],
    )


@transaction.atomic
def do_change_due_date(case, *, actor, due_date: datetime.date | None, expected_version=None):
    case = begin("change_due_date", case, actor, expected_version)
    if due_date is not None and not isinstance(due_date, datetime.date):
        raise CaseActionError(_("Ogiltigt datum."), code="invalid_date")
    before = case.due_date
    case.due_date = due_date
    return commit_change(
        case,
        actor=actor,
        event="case.due_date_changed",
        text=_("Förfallodatum ändrat till %(d)s.")
        % {"d": due_date.isoformat() if due_date else _("inget")},
        changes={"due_date": [before, due_date]},
        fields=["due_date"],
    )


@transaction.atomic
def do_change_title(case, *, actor, title: str, expected_version=None):
    case = begin("change_title", case, actor, expected_version)
    title = (title or "").strip()
    if not title:
        raise CaseActionError(_("Ärendet måste ha en rubrik."), code="title_required")
    if len(title) > 300:
        raise CaseActionError(_("Rubriken får vara högst 300 tecken."), code="title_too_long")
    before = case.title
    case.title = title
    return commit_change(
        case,
        actor=actor,
        event="case.title_changed",
        text=_("Rubriken ändrades."),
        changes={"title": [before, title]},
        fields=["title"],
    )


@transaction.atomic
def do_change_description(case, *, actor, description: str, expected_version=None):
    case = begin("change_description", case, actor, expected_version)
    before = case.description
    case.description = description or ""
    return commit_change(
        case,
        actor=actor,
        event="case.description_changed",
        text=_("Beskrivningen ändrades."),
        changes={"description": [before, case.description]},
        fields=["description"],
    )


@transaction.atomic
def do_add_label(case, *, actor, label, expected_version=None):
    case = begin("add_label", case, actor, expected_version)
    if label.organisation_id != case.organisation_id:
        raise CaseActionError(_("Etiketten hör till en annan organisation."), code="invalid_label")
    if case.labels.filter(pk=label.pk).exists():
        raise CaseActionError(
            _("Ärendet har redan etiketten %(l)s.") % {"l": label.name}, code="unchanged"
        )
    case.labels.add(label)
    return commit_change(
        case,
        actor=actor,
        event="case.label_added",
        text=_("Etiketten %(l)s lades till.") % {"l": label.name},
        changes={"labels": [None, label.pk]},
    )


@transaction.atomic
def do_remove_label(case, *, actor, label, expected_version=None):
    case = begin("remove_label", case, actor, expected_version)
    if not case.labels.filter(pk=label.pk).exists():
        raise CaseActionError(
            _("Ärendet har inte etiketten %(l)s.") % {"l": label.name}, code="unchanged"
        )
    case.labels.remove(label)
    return commit_change(
        case,
        actor=actor,
        event="case.label_removed",
        text=_("Etiketten %(l)s togs bort.") % {"l": label.name},
        changes={"labels": [label.pk, None]},
    )


@transaction.atomic
def do_add_contact(case, *, actor, expected_version=None, **contact) -> CaseContact:
    """Add a contact: ``person=`` or free ``name``/``email``/``phone``/``address`` (+ ``role``, ``note``)."""
    from .lifecycle import _clean_contact

    case = begin("add_contact", case, actor, expected_version)
    row = CaseContact.objects.create(case=case, **_clean_contact(**contact))
    commit_change(
        case,
        actor=actor,
        event="case.contact_added",
        kind=LogKind.CONTACT,
        text=_("Kontakt tillagd: %(name)s.") % {"name": row.display_name},
        data={"contact": row.pk},
    )
    return row


@transaction.atomic
def do_add_note(case, *, actor, text: str, visible_to_citizen: bool = False, expected_version=None):
    case = begin("add_note", case, actor, expected_version)
    text = (text or "").strip()
    if not text:
        raise CaseActionError(_("Anteckningen är tom."), code="note_empty")
    return commit_change(
        case,
        actor=actor,
        event="case.note_added",
        kind=LogKind.NOTE,
        text=text,
        visible_to_citizen=visible_to_citizen,
    )


@transaction.atomic
def do_restrict(case, *, actor, users=(), expected_version=None):
    """Restrict access to the named users (the actor is always named) and the assignee."""
    case = begin("restrict", case, actor, expected_version)
    named = {actor, *users}
    for user in named:
        if not has_perm(user, VIEW_CASE, case.organisation_id):
            raise CaseActionError(
                _("%(user)s har ingen behörighet till ärenden i organisationen.")
                % {"user": user_label(user)},
                code="invalid_user",
            )
    case.restricted = True
    case.restricted_to.set(named)
    return commit_change(
        case,
        actor=actor,
        event="case.restricted",
        text=_("Åtkomsten begränsades."),
        changes={"restricted": [False, True], "restricted_to": sorted(u.pk for u in named)},
        fields=["restricted"],
    )


@transaction.atomic
def do_unrestrict(case, *, actor, expected_version=None):
    case = begin("unrestrict", case, actor, expected_version)
    case.restricted = False
    case.restricted_to.clear()
    return commit_change(
        case,
        actor=actor,
        event="case.unrestricted",
        text=_("Begränsningen av åtkomsten togs bort."),
        changes={"restricted": [True, False]},
        fields=["restricted"],
    )


def do_mark_read(case, *, actor) -> None:
    """Mark the case read for the actor (no log entry: reading is not a change)."""
    check("mark_read", case, actor)
    CaseRead.objects.update_or_create(user=actor, case=case, defaults={"read_at": timezone.now()})


def do_mark_unread(case, *, actor) -> None:
    check("mark_unread", case, actor)
    CaseRead.objects.filter(user=actor, case=case).delete()
