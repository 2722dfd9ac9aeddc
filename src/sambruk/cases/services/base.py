"""The write path shared by every case service."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import _jsonable

from .. import events, search
from ..errors import CaseActionError
from ..models import Case, CaseEvent, CaseLogEntry, CaseRead, LogKind
from ..predicates import check
from ..system import audit, db_user, is_system

STALE_MESSAGE = N_("Ärendet har ändrats av någon annan. Ladda om sidan och försök igen.")

# The search index follows every write: each stored case event (dispatched on commit by
# commit_change and do_create) re-indexes its case (``search.reindex_case``).
events.subscribe(search.reindex_for_event)


def lock(case, *, expected_version=None) -> Case:
    """Lock the case row and return a fresh instance; refuse a stale ``expected_version``.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the row. SQLite has no row locks and ignores
    ``FOR UPDATE``; there a no-op ``UPDATE`` first takes the database write lock, so the read
    that follows sees the last committed version (another process waits on busy_timeout
    instead of both writers reading the same version).
    """
    if connection.vendor == "sqlite":
        Case.objects.filter(pk=case.pk).update(version=F("version"))
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("case_type", "status", "queue", "organisation")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != int(expected_version):
        raise CaseActionError(_(STALE_MESSAGE), code="stale")
    return locked


def begin(action: str, case, actor, expected_version=None) -> Case:
    """Lock, check the version, and run the action's precondition check."""
    locked = lock(case, expected_version=expected_version)
    check(action, locked, actor)
    return locked


def commit_change(
    case: Case,
    *,
    actor,
    event: str,
    text: str,
    changes: dict | None = None,
    fields: list[str] | None = None,
    kind: str = LogKind.SYSTEM,
    data: dict | None = None,
    visible_to_citizen: bool = False,
    audit_action: str = AuditAction.UPDATE,
    indexed: bool = False,
) -> Case:
    """Save ``fields`` with a bumped version, then log, audit, store the event, mark read.

    ``indexed``: the caller already wrote the case's search document in this transaction
    (the event then skips the re-index after commit, see ``search.reindex_for_event``)."""
    now = timezone.now()
    case.version += 1
    case.updated_at = now
    save_fields = sorted({*(fields or []), "version", "updated_at"})
    case.save(update_fields=save_fields)
    changes = _jsonable(changes or {})
    if is_system(actor):  # a queue rule: its own sentence, and which rule it was
        text = actor.log_text or text
        data = {**(data or {}), **actor.data, "actor_label": actor.label}
    CaseLogEntry.objects.create(
        case=case,
        at=now,
        actor=db_user(actor),
        kind=kind,
        text=text,
        data={**(data or {}), **({"changes": changes} if changes else {})},
        visible_to_citizen=visible_to_citizen,
    )
    audit(audit_action, actor=actor, obj=case, organisation=case.organisation_id, changes=changes)
    stored = CaseEvent.objects.create(
        case=case,
        name=event,
        actor=db_user(actor),
        at=now,
        payload={"version": case.version, "changes": changes},
    )
    if indexed:
        stored.indexed = True
    touch_read(case, actor, case.updated_at)
    transaction.on_commit(lambda: events.dispatch(stored))
    return run_rules(case, actor=actor, event=event, changes=changes)


def run_rules(case: Case, *, actor, event: str, changes: dict | None = None) -> Case:
    """Evaluate the queue rules after a change, inside its transaction (see ``cases.rules``).

    Called at the end of every write (:func:`commit_change`, and ``do_create``). Returns the
    case as the rules left it. Changes made by a rule do not run rules again.
    """
    from ..rules import evaluate_after

    return evaluate_after(case, actor=actor, event=event, changes=changes or {})


def touch_read(case, user, at=None) -> None:
    """The actor has seen their own change."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    CaseRead.objects.update_or_create(
        user=user, case=case, defaults={"read_at": at or timezone.now()}
    )


def user_label(user) -> str:
    if user is None:
        return _("ingen")
    return getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)
