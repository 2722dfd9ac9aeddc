"""Gallring: delete or anonymise closed cases N months after closing, per case type.

A case type with ``retention_months`` set culls its closed cases whose ``closed_at`` is
older than that, with its ``retention_action``:

* **delete** — the case and everything under it (contacts, log, events, conversations,
  messages, attachments and their stored files, forms) is deleted;
* **anonymise** — what identifies people is removed: title, description, notes and the
  text of contact/conversation/form log entries, the change history in log data and event
  payloads, contacts' personal fields (persons detached), conversation topics, message
  bodies, participants, attachments (and files) and form data. What statistics need stays:
  organisation, type, queue, status, resolution, labels, priority, origin, dates.

Each culled case leaves a :class:`RetentionRecord` (what, when, by which rule) and an audit
event by "gallring" (no user) with the purpose "Gallring enligt ärendetyp X". Work is done
in batches of :data:`BATCH_SIZE` cases per transaction, walking primary keys upwards, so a
large backlog never holds one long transaction and every run makes progress.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction

from .models import (
    Attachment,
    Case,
    CaseContact,
    CaseEvent,
    CaseFormData,
    CaseLogEntry,
    CaseState,
    CaseType,
    Conversation,
    ConversationParticipant,
    LogKind,
    Message,
    RetentionAction,
    RetentionRecord,
)
from .system import SystemActor, audit

log = logging.getLogger(__name__)

BATCH_SIZE = 500
ANONYMISED = "[avidentifierad]"


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus whole calendar months (the day clamped to the month's length)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def rule_text(case_type: CaseType) -> str:
    action = RetentionAction(case_type.retention_action).label
    return _("%(action)s %(months)s månader efter avslut (ärendetyp %(type)s)") % {
        "action": action,
        "months": case_type.retention_months,
        "type": case_type.name,
    }


def due_cases(case_type: CaseType, now: datetime):
    """Closed cases of ``case_type`` past retention, not already culled."""
    cutoff = months_before(now, case_type.retention_months)
    qs = Case.objects.filter(case_type=case_type, state=CaseState.CLOSED, closed_at__lt=cutoff)
    if case_type.retention_action == RetentionAction.ANONYMISE:
        done = RetentionRecord.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            reference=OuterRef("reference"),
            action=RetentionAction.ANONYMISE,
        )
        qs = qs.exclude(Exists(done))
    return qs


def run_retention(now: datetime | None = None) -> dict:
    """Cull every due case; return ``{"deleted": n, "anonymised": n}``."""
    now = now or timezone.now()
    totals = {"deleted": 0, "anonymised": 0}
    case_types = CaseType.objects.filter(retention_months__gt=0).select_related("organisation")
    for case_type in case_types.order_by("pk"):
        key = "anonymised" if case_type.retention_action == RetentionAction.ANONYMISE else "deleted"
        last_pk = 0
        while True:
            ids = list(
                due_cases(case_type, now)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                break
            last_pk = ids[-1]
            totals[key] += _cull_batch(case_type, ids, now)
    if any(totals.values()):
        log.info("Gallring: %s", totals)
    return totals


@transaction.atomic
def _cull_batch(case_type: CaseType, ids: list[int], now: datetime) -> int:
    # Re-check inside the transaction: a case reopened meanwhile is left alone.
    cases = list(
        due_cases(case_type, now)
        .filter(pk__in=ids)
        .select_for_update(of=("self",))
        .select_related("case_type")
    )
    if not cases:
        return 0
    actor = SystemActor("gallring")
    purpose = _("Gallring enligt ärendetyp %(type)s") % {"type": case_type.name}
    description = rule_text(case_type)
    anonymise = case_type.retention_action == RetentionAction.ANONYMISE
    RetentionRecord.objects.bulk_create(
        [
            RetentionRecord(
                organisation_id=case.organisation_id,
                case_type_name=case_type.name,
                reference=case.reference,
                action=case_type.retention_action,
                created_at=case.created_at,
                closed_at=case.closed_at,
                rule=description[:200],
            )
            for case in cases
        ]
    )
    for case in cases:
        audit(
            AuditAction.UPDATE if anonymise else AuditAction.DELETE,
            actor=actor,
            obj=case,
            organisation=case.organisation_id,
            purpose=purpose,
            changes={"reference": case.reference, "retention": case_type.retention_action},
            object_repr=case.reference,
        )
    pks = [case.pk for case in cases]
    _delete_files(pks)
    if anonymise:
        _anonymise(pks)
    else:
        Case.objects.filter(pk__in=pks).delete()
    transaction.on_commit(lambda: _reindex(pks))
    return len(cases)


def _reindex(case_ids: list[int]) -> None:
    """The search index must not keep what was culled (deleted ids lose their document)."""
    from .search import reindex_cases

    reindex_cases(case_ids)


def _delete_files(case_ids: list[int]) -> None:
    """Delete the attachments; their stored files go once the transaction has committed."""
    attachments = Attachment.objects.filter(case_id__in=case_ids)
    names = [(a.file.storage, a.file.name) for a in attachments.only("file") if a.file.name]
    attachments.delete()

    def remove_files():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:  # a missing file is already gone; log anything else
                log.warning("Gallring: could not delete stored file %s", name)

    transaction.on_commit(remove_files)


def _anonymise(case_ids: list[int]) -> None:
    Case.objects.filter(pk__in=case_ids).update(
        title=_("Avidentifierat ärende"), description="", updated_at=timezone.now()
    )
    CaseContact.objects.filter(case_id__in=case_ids).update(
        person=None, name=ANONYMISED, email="", phone="", address="", note=""
    )
    personal_kinds = [LogKind.NOTE, LogKind.CONTACT, LogKind.CONVERSATION, LogKind.FORM]
    CaseLogEntry.objects.filter(case_id__in=case_ids, kind__in=personal_kinds).update(
        text=ANONYMISED
    )
    CaseLogEntry.objects.filter(case_id__in=case_ids).update(data={})
    CaseEvent.objects.filter(case_id__in=case_ids).update(payload={})
    Message.objects.filter(conversation__case_id__in=case_ids).update(body="")
    ConversationParticipant.objects.filter(conversation__case_id__in=case_ids).delete()
    Conversation.objects.filter(case_id__in=case_ids).update(topic=ANONYMISED)
    CaseFormData.objects.filter(case_id__in=case_ids).delete()
