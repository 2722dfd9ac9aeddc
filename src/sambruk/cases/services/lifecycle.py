"""Create, open, status changes (close, reopen), removal and deletion of drafts."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm

from .. import configcache, events, search_create
from ..errors import CaseActionError
from ..models import (
    Case,
    CaseContact,
    CaseEvent,
    CaseLogEntry,
    CaseRead,
    CaseState,
    LogKind,
    Origin,
    StatusKind,
)
from ..predicates import check, require_closing_form, require_subcases_closed
from ..references import next_reference
from ..roles import CREATE_CASE
from ..system import db_user
from ..workflow import check_transition, closing_targets, non_closing_targets
from .base import begin, commit_change, run_rules


@transaction.atomic
def do_create(
    *,
    actor,
    queue,
    case_type,
    title: str,
    description: str = "",
    origin: str = Origin.INTERNAL,
    draft: bool = False,
    priority=None,
    due_date=None,
    labels=(),
    restricted: bool | None = None,
    contacts=(),
    parent=None,
    sent_from=None,
    _skip_permission: bool = False,
) -> Case:
    """Create a case (a draft with ``draft=True``) in ``queue`` with the type's initial status.

    ``contacts`` is a list of dicts with the keyword arguments of :func:`do_add_contact`.
    """
    organisation = queue.organisation
    if not _skip_permission and not has_perm(actor, CREATE_CASE, organisation):
        raise CaseActionError(
            _("Du saknar behörighet att skapa ärenden här."), code="permission_denied"
        )
    _validate_new(queue, case_type, title, origin, priority, labels)
    status = configcache.initial_status(case_type)
    if status is None:
        raise CaseActionError(
            _("Ärendetypen ”%(type)s” har ingen startstatus.") % {"type": case_type.name},
            code="no_initial_status",
        )
    if due_date is None and case_type.default_days_to_due:
        due_date = timezone.localdate() + timedelta(days=case_type.default_days_to_due)
    restricted = case_type.restricted_by_default if restricted is None else restricted
    contacts = [_clean_contact(**contact) for contact in contacts]
    case = Case(
        organisation=organisation,
        reference=next_reference(organisation, case_type),
        case_type=case_type,
        queue=queue,
        status=status,
        state=CaseState.DRAFT if draft else status.kind,
        is_draft=draft,
        priority=priority,
        due_date=due_date,
        title=title.strip(),
        description=description,
        origin=origin,
        restricted=restricted,
        parent=parent,
        sent_from=sent_from,
        created_by=actor,
    )
    # The search document is written in this transaction (PostgreSQL: in the INSERT itself),
    # so the case is findable as soon as it commits and no re-index runs after commit.
    document = search_create.creation_document(case, contacts)
    if connection.vendor == "postgresql":
        case.search_vector = search_create.vector_expression(*document)
    case.save(force_insert=True)
    case.__dict__.pop("search_vector", None)  # deferred: a later save() never writes it
    search_create.index_created(case, document)
    if labels:
        case.labels.set(labels)
    if restricted and actor is not None:
        case.restricted_to.add(actor)
    if contacts:
        CaseContact.objects.bulk_create([CaseContact(case=case, **c) for c in contacts])
    text = _("Utkast skapat.") if draft else _("Ärendet skapades.")
    now = case.created_at
    CaseLogEntry.objects.create(case=case, at=now, actor=actor, kind=LogKind.SYSTEM, text=text)
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=case,
        changes={
            "reference": case.reference,
            "queue": queue.pk,
            "case_type": case_type.pk,
            "draft": draft,
        },
    )
    stored = CaseEvent.objects.create(
        case=case, name="case.created", actor=actor, at=now, payload={"version": 1, "draft": draft}
    )
    stored.indexed = True  # see search.reindex_for_event
    if actor is not None and getattr(actor, "is_authenticated", False):
        # A new case has no read marker yet: a plain INSERT instead of update_or_create.
        CaseRead.objects.create(user=actor, case=case, read_at=case.updated_at)
    transaction.on_commit(lambda: events.dispatch(stored))
    case = run_rules(case, actor=actor, event="case.created")
    search_create.remember_created(case, document, contacts)  # see do_receive_email
    return case


def _validate_new(queue, case_type, title, origin, priority, labels) -> None:
    org_id = queue.organisation_id
    if not queue.active:
        raise CaseActionError(
            _("Funktionen %(queue)s är inte aktiv.") % {"queue": queue.name}, code="queue_inactive"
        )
    if case_type.organisation_id != org_id or not case_type.active:
        raise CaseActionError(_("Ärendetypen kan inte användas här."), code="invalid_case_type")
    if not (title or "").strip():
        raise CaseActionError(_("Ärendet måste ha en rubrik."), code="title_required")
    if len(title.strip()) > 300:
        raise CaseActionError(_("Rubriken får vara högst 300 tecken."), code="title_too_long")
    if origin not in Origin.values:
        raise CaseActionError(_("Okänt ursprung."), code="invalid_origin")
    if priority is not None and priority.organisation_id != org_id:
        raise CaseActionError(
            _("Prioriteten hör till en annan organisation."), code="invalid_priority"
        )
    if any(label.organisation_id != org_id for label in labels):
        raise CaseActionError(_("Etiketten hör till en annan organisation."), code="invalid_label")


def _clean_contact(*, person=None, name="", email="", phone="", address="", role="", note=""):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name, email, phone = name.strip(), email.strip(), phone.strip()
    if person is None and not (name or email or phone):
        raise CaseActionError(
            _("Ange en person eller namn, e-post eller telefon."), code="contact_empty"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CaseActionError(_("Ogiltig e-postadress."), code="invalid_email") from None
    return {
        "person": person,
        "name": name[:200],
        "email": email,
        "phone": phone[:40],
        "address": address.strip()[:300],
        "role": role.strip()[:60],
        "note": note,
    }


@transaction.atomic
def do_open(case, *, actor, expected_version=None) -> Case:
    """Open a draft: it enters its queue with the kind of its status."""
    case = begin("open", case, actor, expected_version)
    case.is_draft = False
    case.state = case.status.kind
    return commit_change(
        case,
        actor=actor,
        event="case.opened",
        text=_("Ärendet öppnades."),
        changes={"is_draft": [True, False]},
        fields=["is_draft", "state"],
    )


@transaction.atomic
def do_delete_draft(case, *, actor, expected_version=None) -> None:
    """Delete a draft for good (a case that was opened is removed instead, see ``do_remove``)."""
    case = begin("delete", case, actor, expected_version)
    record(
        AuditAction.DELETE,
        actor=actor,
        obj=case,
        changes={"reference": case.reference, "title": case.title},
    )
    pk, org_id = case.pk, case.organisation_id
    case.delete()
    transaction.on_commit(
        lambda: events.dispatch(
            CaseEvent(
                case_id=None,
                name="case.draft_deleted",
                payload={"case": pk, "organisation": org_id},
            )
        )
    )


@transaction.atomic
def do_change_status(case, *, actor, to, resolution=None, expected_version=None) -> Case:
    """Move the case to status ``to`` along its type's transition table.

    A target of kind *closed* is a close (checks sub-cases and the resolution); leaving a
    closed status is a reopen. All of them end here, in :func:`_apply_status`.
    """
    locked = _lock_for_status(case, actor, to, expected_version)
    return _apply_status(locked, actor, to, resolution)


def _lock_for_status(case, actor, to, expected_version):
    from .base import lock

    locked = lock(case, expected_version=expected_version)
    if to.kind == StatusKind.CLOSED:
        action = "close"
    elif locked.state == CaseState.CLOSED:
        action = "reopen"
    else:
        action = "change_status"
    try:
        check(action, locked, actor)
    except CaseActionError as error:
        # A status outside the table is reported as such, not as "no transitions".
        if error.code != "no_transition":
            raise
    return locked


def _apply_status(case, actor, to, resolution) -> Case:
    check_transition(case.case_type, case.status, to)
    before = {
        "status": case.status.name,
        "resolution": case.resolution_id,
        "assignee": case.assignee_id,
    }
    fields = ["status", "state"]
    from_kind = case.status.kind
    if to.kind == StatusKind.CLOSED:
        require_subcases_closed(case)
        require_closing_form(case)
        if resolution is not None:
            if resolution.case_type_id != case.case_type_id or not resolution.active:
                raise CaseActionError(
                    _("Utfallet hör inte till ärendetypen."), code="invalid_resolution"
                )
        elif case.case_type.resolution_required:
            raise CaseActionError(
                _("Ett utfall måste anges för att avsluta ärendet."), code="resolution_required"
            )
        case.resolution = resolution
        case.closed_at = timezone.now()
        case.closed_by = db_user(actor)
        fields += ["resolution", "closed_at", "closed_by"]
        if case.assignee_id is None and db_user(actor) is not None:
            case.assignee = actor
            fields.append("assignee")
        event, text = "case.closed", _("Ärendet avslutades (%(status)s).") % {"status": to.name}
        if resolution is not None:
            text = _("Ärendet avslutades med utfallet %(resolution)s.") % {
                "resolution": resolution.name
            }
    elif from_kind == StatusKind.CLOSED:
        case.resolution = None
        case.closed_at = None
        case.closed_by = None
        fields += ["resolution", "closed_at", "closed_by"]
        event, text = "case.reopened", _("Ärendet återöppnades (%(status)s).") % {"status": to.name}
    else:
        event = "case.status_changed"
        text = _("Status ändrad från %(from)s till %(to)s.") % {
            "from": case.status.name,
            "to": to.name,
        }
    if resolution is not None and to.kind != StatusKind.CLOSED:
        raise CaseActionError(
            _("Utfall anges bara när ärendet avslutas."), code="invalid_resolution"
        )
    case.status = to
    case.state = to.kind
    after = {"status": to.name, "resolution": case.resolution_id, "assignee": case.assignee_id}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    return commit_change(case, actor=actor, event=event, text=text, changes=changes, fields=fields)


@transaction.atomic
def do_close(case, *, actor, resolution=None, status=None, expected_version=None) -> Case:
    """Resolve and close: to ``status`` or the first closed status the table allows."""
    locked = begin("close", case, actor, expected_version)
    target = status or closing_targets(locked)[0]
    if target.kind != StatusKind.CLOSED:
        raise CaseActionError(
            _("Statusen %(status)s avslutar inte ärendet.") % {"status": target.name},
            code="not_closing",
        )
    return _apply_status(locked, actor, target, resolution)


@transaction.atomic
def do_reopen(case, *, actor, status=None, expected_version=None) -> Case:
    locked = begin("reopen", case, actor, expected_version)
    target = status or non_closing_targets(locked)[0]
    return _apply_status(locked, actor, target, None)


@transaction.atomic
def do_remove(case, *, actor, reason: str = "", expected_version=None) -> Case:
    """Mark the case removed (administrators); it leaves every list but is kept."""
    case = begin("remove", case, actor, expected_version)
    case.removed = True
    case.removed_at = timezone.now()
    text = _("Ärendet togs bort.") + (f" {reason.strip()}" if reason.strip() else "")
    return commit_change(
        case,
        actor=actor,
        event="case.removed",
        text=text,
        changes={"removed": [False, True]},
        fields=["removed", "removed_at"],
    )


@transaction.atomic
def do_reinstate(case, *, actor, expected_version=None) -> Case:
    case = begin("reinstate", case, actor, expected_version)
    case.removed = False
    case.removed_at = None
    return commit_change(
        case,
        actor=actor,
        event="case.reinstated",
        text=_("Ärendet återställdes."),
        changes={"removed": [True, False]},
        fields=["removed", "removed_at"],
    )
