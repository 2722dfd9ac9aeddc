"""Publishing case events to the feed and fanning them out to webhook subscriptions.

The case engine writes a stored ``CaseEvent`` in the same transaction as the change: that row
is the outbox. :func:`publish_events` copies events into :class:`FeedEntry` rows numbered
per organisation under a lock, and in the same transaction writes one
:class:`WebhookDelivery` per interested subscription. It runs from the case-event subscriber
(after commit) and from :func:`catch_up` (periodic), so an event whose subscriber never ran
(a worker died after the commit) is published a few minutes later: nothing is lost.
Publishing is idempotent (``FeedEntry.case_event_id`` is unique).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import (
    DeliveryStatus,
    FeedEntry,
    FeedState,
    SubscriptionState,
    WebhookDelivery,
    WebhookSubscription,
)

log = logging.getLogger(__name__)

CATCH_UP_WINDOW = dt.timedelta(hours=2)


def _describe(event) -> tuple[int | None, dict]:
    """(organisation id, entry fields) of a stored or unsaved case event."""
    payload = event.payload or {}
    case = event.case if event.case_id else None
    org_id = case.organisation_id if case is not None else payload.get("organisation")
    changes = payload.get("changes") or {}
    data = {"changed": sorted(changes) if isinstance(changes, dict) else []}
    if "version" in payload:
        data["version"] = payload["version"]
    return org_id, {
        "case_event_id": event.pk,
        "name": event.name,
        "case_id": event.case_id or payload.get("case"),
        "case_reference": case.reference if case is not None else "",
        "at": event.at or timezone.now(),
        "data": data,
    }


def _lock_state(org_id) -> FeedState:
    state = FeedState.objects.select_for_update().filter(organisation_id=org_id).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            FeedState.objects.get_or_create(organisation_id=org_id)
    except IntegrityError:  # created concurrently
        pass
    return FeedState.objects.select_for_update().get(organisation_id=org_id)


def publish_events(events) -> list[FeedEntry]:
    """Publish case events (stored ``CaseEvent`` rows, or unsaved ones for deleted drafts)."""
    by_org: dict[int, list[dict]] = defaultdict(list)
    for event in events:
        org_id, fields = _describe(event)
        if org_id is None:
            log.warning("case event %s without organisation: not published", event.name)
            continue
        by_org[org_id].append(fields)
    published: list[FeedEntry] = []
    for org_id, items in by_org.items():
        published.extend(_publish_for(org_id, items))
    return published


@transaction.atomic
def _publish_for(org_id: int, items: list[dict]) -> list[FeedEntry]:
    state = _lock_state(org_id)
    ids = [x["case_event_id"] for x in items if x["case_event_id"] is not None]
    done = set(
        FeedEntry.objects.filter(case_event_id__in=ids).values_list("case_event_id", flat=True)
        if ids
        else []
    )
    new = []
    seen = set()
    for fields in items:
        eid = fields["case_event_id"]
        if eid is not None and (eid in done or eid in seen):
            continue
        seen.add(eid)
        state.last_seq += 1
        new.append(FeedEntry(organisation_id=org_id, seq=state.last_seq, **fields))
    if not new:
        return []
    FeedEntry.objects.bulk_create(new)
    state.save(update_fields=["last_seq"])
    if not all(e.pk for e in new):  # backends without RETURNING ids
        new = list(
            FeedEntry.objects.filter(
                organisation_id=org_id, seq__gt=state.last_seq - len(new)
            ).order_by("seq")
        )
    _fan_out(org_id, new)
    return new


def _fan_out(org_id: int, entries: list[FeedEntry]) -> None:
    subs = list(WebhookSubscription.objects.filter(organisation_id=org_id))
    if not subs:
        return
    now = timezone.now()
    rows = []
    for sub in subs:
        status = (
            DeliveryStatus.PENDING if sub.state == SubscriptionState.ACTIVE else DeliveryStatus.HELD
        )
        for entry in entries:
            if sub.wants(entry.name):
                rows.append(
                    WebhookDelivery(
                        subscription=sub, entry=entry, status=status, next_attempt_at=now
                    )
                )
    WebhookDelivery.objects.bulk_create(rows)
    if any(r.status == DeliveryStatus.PENDING for r in rows):
        from .webhooks import schedule_due

        transaction.on_commit(schedule_due, robust=True)


def catch_up(window: dt.timedelta = CATCH_UP_WINDOW) -> int:
    """Publish stored case events of the last ``window`` that were not published yet."""
    from sambruk.cases.queries import stored_events_since

    since = timezone.now() - window
    published = FeedEntry.objects.filter(at__gte=since, case_event_id__isnull=False).values(
        "case_event_id"
    )
    missing = stored_events_since(since).exclude(pk__in=published)
    count = 0
    batch: list = []
    for event in missing.iterator(chunk_size=2000):
        batch.append(event)
        if len(batch) >= 2000:
            count += len(publish_events(batch))
            batch = []
    if batch:
        count += len(publish_events(batch))
    if count:
        log.warning("feed catch-up published %s case events that had been missed", count)
    return count
