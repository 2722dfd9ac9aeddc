"""Webhook subscriptions (audited changes) and delivery (claim → POST → record outcome).

A delivery row is written with its feed entry (see :mod:`.feed`). Sending follows the
outbox pattern of ``core.notifications``: *claim* the row in a short transaction (status
``sending``, attempt counted, a lease as ``next_attempt_at``), *POST* outside any
transaction, *record* the outcome: ``delivered`` on 2xx; otherwise back to ``pending``
with exponential backoff; after ``CHANNEL_WEBHOOK_MAX_ATTEMPTS`` the delivery is
``failed`` and the subscription is marked *failing*: its pending deliveries are held
(``held``) and new events are held too, until an administrator resumes it — then every held
or failed delivery is sent again. Nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.crypto import DecryptionError, Undecryptable, reveal

from .. import netguard
from .. import webhooks as signing
from ..models import (
    DeliveryStatus,
    FeedEntry,
    SubscriptionState,
    WebhookDelivery,
    WebhookSubscription,
)
from ..models.webhooks import new_secret

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
BASE_BACKOFF = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=6)
TIMEOUT = (5, 15)  # connect, read (seconds)
USER_AGENT = "Sambruk-Webhooks/1.0"


def max_attempts() -> int:
    return int(getattr(settings, "CHANNEL_WEBHOOK_MAX_ATTEMPTS", 10))


def secret_grace() -> dt.timedelta:
    """How long the previous secret still signs deliveries after a new one."""
    return dt.timedelta(hours=float(getattr(settings, "CHANNEL_WEBHOOK_SECRET_GRACE_HOURS", 24)))


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … after ``attempts`` failures, capped at 6 hours."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# --- subscriptions -----------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    allow_http = getattr(settings, "CHANNEL_WEBHOOK_ALLOW_HTTP", settings.DEBUG)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError(
            {"url": _("Adressen måste vara en fullständig https-adress.")}, code="invalid"
        )
    try:
        netguard.check_url(url)  # resolved now; again before every delivery
    except netguard.AddressRefused as exc:
        log.info("webhook URL refused: %s", exc.message)
        raise ValidationError({"url": exc.message}, code="address_refused") from None
    return url


def _clean_event_types(event_types) -> list[str]:
    if event_types in (None, ""):
        return []
    if not isinstance(event_types, list | tuple) or not all(
        isinstance(x, str) and 0 < len(x) <= 60 for x in event_types
    ):
        raise ValidationError(
            {"event_types": _("Händelsetyperna ska vara en lista med namn.")}, code="invalid"
        )
    return sorted(set(event_types))


@transaction.atomic
def create_subscription(
    *, actor, organisation, name: str, url: str, event_types=None, secret: str | None = None
) -> WebhookSubscription:
    """A new subscription; ``secret`` defaults to a new random one (read it from the result).

    The secret is stored encrypted and never written to the audit trail.
    """
    if not (name or "").strip():
        raise ValidationError({"name": _("Ange ett namn.")}, code="required")
    sub = WebhookSubscription.objects.create(
        organisation=organisation,
        name=name.strip(),
        url=_clean_url(url),
        event_types=_clean_event_types(event_types),
        secret=secret or new_secret(),
    )
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=sub,
        changes={"url": sub.url, "event_types": sub.event_types},
    )
    return sub


@transaction.atomic
def update_subscription(
    sub: WebhookSubscription, *, actor, grace: dt.timedelta | None = None, **fields
) -> WebhookSubscription:
    """Change ``name``, ``url``, ``event_types`` or ``secret`` (``secret=True``: a new one).

    A new secret does not break the receiver: the old one keeps signing deliveries too (a
    second signature) for ``grace`` (default ``CHANNEL_WEBHOOK_SECRET_GRACE_HOURS``;
    ``dt.timedelta(0)``: the old secret is revoked at once, e.g. after a leak).
    """
    sub = WebhookSubscription.objects.select_for_update().get(pk=sub.pk)
    changes = {}
    if "name" in fields and fields["name"] and fields["name"].strip() != sub.name:
        changes["name"] = [sub.name, fields["name"].strip()]
        sub.name = fields["name"].strip()
    if "url" in fields and fields["url"] is not None:
        url = _clean_url(fields["url"])
        if url != sub.url:
            changes["url"] = [sub.url, url]
            sub.url = url
    if "event_types" in fields and fields["event_types"] is not None:
        types = _clean_event_types(fields["event_types"])
        if types != sub.event_types:
            changes["event_types"] = [sub.event_types, types]
            sub.event_types = types
    if fields.get("secret"):
        now = timezone.now()
        grace = secret_grace() if grace is None else grace
        old = sub.secret
        if grace > dt.timedelta(0) and old and not isinstance(old, Undecryptable):
            sub.previous_secret, sub.previous_secret_until = old, now + grace
        else:  # revoked at once (or the old one cannot be read anyway)
            sub.previous_secret, sub.previous_secret_until = "", None
        sub.secret = new_secret() if fields["secret"] is True else str(fields["secret"])
        # Never the secrets themselves: a marker and until when the old one still signs.
        changes["secret"] = "ny"  # noqa: S105
        changes["previous_secret_until"] = (
            sub.previous_secret_until.isoformat() if sub.previous_secret_until else None
        )
    if changes:
        sub.save()
        record(AuditAction.UPDATE, actor=actor, obj=sub, changes=changes)
    return sub


@transaction.atomic
def pause_subscription(sub: WebhookSubscription, *, actor) -> WebhookSubscription:
    """Stop sending (new events are kept as held deliveries)."""
    sub = WebhookSubscription.objects.select_for_update().get(pk=sub.pk)
    if sub.state != SubscriptionState.PAUSED:
        before = sub.state
        sub.state = SubscriptionState.PAUSED
        sub.save(update_fields=["state", "updated_at"])
        _hold(sub)
        record(AuditAction.UPDATE, actor=actor, obj=sub, changes={"state": [before, sub.state]})
    return sub


@transaction.atomic
def resume_subscription(sub: WebhookSubscription, *, actor) -> int:
    """Make a failing or paused subscription active; resend held and failed deliveries.

    Returns the number of deliveries queued again.
    """
    sub = WebhookSubscription.objects.select_for_update().get(pk=sub.pk)
    before = sub.state
    sub.state = SubscriptionState.ACTIVE
    sub.failing_since = None
    sub.save(update_fields=["state", "failing_since", "updated_at"])
    count = WebhookDelivery.objects.filter(
        subscription=sub, status__in=[DeliveryStatus.HELD, DeliveryStatus.FAILED]
    ).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=sub,
        changes={"state": [before, sub.state], "requeued": count},
    )
    transaction.on_commit(schedule_due, robust=True)
    return count


@transaction.atomic
def delete_subscription(sub: WebhookSubscription, *, actor) -> None:
    record(AuditAction.DELETE, actor=actor, obj=sub, changes={"url": sub.url})
    sub.delete()


def _hold(sub) -> None:
    WebhookDelivery.objects.filter(
        subscription=sub, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    ).update(status=DeliveryStatus.HELD)


# --- delivery ----------------------------------------------------------------------------


def entry_json(entry: FeedEntry) -> dict:
    """An event as the feed (JSON) and webhooks show it."""
    return {
        "id": f"urn:sambruk:event:{entry.organisation_id}:{entry.seq}",
        "seq": entry.seq,
        "organisation": entry.organisation_id,
        "event": entry.name,
        "at": entry.at,
        "case": {"id": entry.case_id, "reference": entry.case_reference} if entry.case_id else None,
        "data": entry.data,
    }


def body_for(delivery: WebhookDelivery) -> bytes:
    payload = {**entry_json(delivery.entry), "delivery": delivery.pk}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")


def _due(now) -> Q:
    return Q(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
        next_attempt_at__lte=now,
        subscription__state=SubscriptionState.ACTIVE,
    )


def _claim(ids, now) -> list[WebhookDelivery]:
    """Claim the due deliveries among ``ids`` in one short transaction (others skip them)."""
    with transaction.atomic():
        qs = WebhookDelivery.objects.filter(_due(now), pk__in=list(ids))
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        claimed = list(qs.values_list("pk", flat=True))
        if claimed:
            WebhookDelivery.objects.filter(pk__in=claimed).update(
                status=DeliveryStatus.SENDING,
                attempts=F("attempts") + 1,
                next_attempt_at=now + LEASE,
                last_attempt_at=now,
            )
    if not claimed:
        return []
    return list(
        WebhookDelivery.objects.filter(pk__in=claimed)
        .select_related("subscription", "entry")
        .order_by("pk")
    )


def _refusal(delivery: WebhookDelivery, checked: dict) -> str:
    """Why the delivery's URL may not be called now ("" when it may); one DNS lookup per
    URL and batch (``checked``). The connection itself is checked again (``netguard``)."""
    url = delivery.subscription.url
    if url not in checked:
        try:
            netguard.check_url(url)
            checked[url] = ""
        except netguard.AddressRefused as exc:
            checked[url] = f"Stoppad: {exc.message}"[:500]
    return checked[url]


def signing_secrets(sub: WebhookSubscription, now=None) -> list[str]:
    """The secrets that sign a delivery now: the current one, then the previous one during
    its grace period. :class:`DecryptionError` when the current one cannot be decrypted."""
    secrets = [reveal(sub.secret)]
    if sub.previous_secret_valid(now):
        try:
            secrets.append(reveal(sub.previous_secret))
        except DecryptionError:
            log.error("webhook subscription %s: previous secret unreadable, not used", sub.pk)
    return secrets


def _post(session, delivery: WebhookDelivery, checked: dict) -> tuple[int | None, str]:
    refusal = _refusal(delivery, checked)
    if refusal:
        return None, refusal
    try:
        secrets = signing_secrets(delivery.subscription)
    except DecryptionError as exc:
        log.error("webhook subscription %s: secret unreadable", delivery.subscription_id)
        return None, str(exc)[:500]
    body = body_for(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.EVENT_HEADER: delivery.entry.name,
        signing.DELIVERY_HEADER: str(delivery.pk),
        "X-Sambruk-Attempt": str(delivery.attempts),
        **signing.sign(secrets, body),
    }
    try:
        response = session.post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        response.close()
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}"


def deliver_batch(ids, *, session=None, now=None) -> list[WebhookDelivery]:
    """Claim, send and record the due deliveries among ``ids``; returns those attempted.

    Deliveries that are not due (delivered, failed, held, claimed by another worker or
    waiting for their backoff) are left alone.
    """
    now = now or timezone.now()
    claimed = _claim(ids, now)
    if not claimed:
        return []
    own = session is None
    session = session or netguard.guarded_session()
    checked: dict[str, str] = {}
    try:
        outcomes = [(d, *_post(session, d, checked)) for d in claimed]
    finally:
        if own:
            session.close()
    finished = timezone.now()
    ok: dict[int, list[int]] = {}
    for delivery, code, error in outcomes:
        delivery.response_code, delivery.last_error = code, error
        if not error:
            ok.setdefault(code, []).append(delivery.pk)
            delivery.status = DeliveryStatus.DELIVERED
        elif delivery.attempts >= max_attempts():
            _give_up(delivery, code, error, finished)
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status = DeliveryStatus.PENDING
            nxt = max(finished, now) + backoff(delivery.attempts)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.PENDING,
                response_code=code,
                last_error=error,
                next_attempt_at=nxt,
            )
            log.warning(
                "webhook delivery %s to %s attempt %s failed (%s), next at %s",
                delivery.pk,
                delivery.subscription.url,
                delivery.attempts,
                error,
                nxt,
            )
    if ok:
        with transaction.atomic():
            for code, pks in ok.items():
                WebhookDelivery.objects.filter(pk__in=pks).update(
                    status=DeliveryStatus.DELIVERED,
                    response_code=code,
                    last_error="",
                    delivered_at=finished,
                    next_attempt_at=None,
                )
    return [d for d, _code, _error in outcomes]


def deliver(delivery_id, *, session=None, now=None) -> WebhookDelivery | None:
    """Send one due delivery; returns it afterwards, or ``None`` if it was not due."""
    if not deliver_batch([delivery_id], session=session, now=now):
        return None
    return WebhookDelivery.objects.get(pk=delivery_id)


@transaction.atomic
def _give_up(delivery, code, error, now) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, response_code=code, last_error=error, next_attempt_at=None
    )
    sub = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
    if sub.state == SubscriptionState.ACTIVE:
        sub.state = SubscriptionState.FAILING
        sub.failing_since = now
        sub.save(update_fields=["state", "failing_since", "updated_at"])
        _hold(sub)
        record(
            AuditAction.UPDATE,
            obj=sub,
            actor_label="webhook-leverans",
            changes={"state": ["active", "failing"], "error": error},
        )
    log.error(
        "webhook subscription %s (%s) marked failing after %s attempts: %s",
        sub.pk,
        sub.url,
        delivery.attempts,
        error,
    )


def due_delivery_ids(*, now=None, limit: int = 1000) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


BATCH = 50


def deliver_due(*, now=None, limit: int = 1000) -> int:
    """Send every due delivery (first attempts and retries); return how many succeeded."""
    ok = 0
    ids = due_delivery_ids(now=now, limit=limit)
    with netguard.guarded_session() as session:
        for i in range(0, len(ids), BATCH):
            try:
                done = deliver_batch(ids[i : i + BATCH], session=session, now=now)
            except Exception:  # one broken batch must not stop the others
                log.exception("webhook deliveries %s crashed", ids[i : i + BATCH])
                continue
            ok += sum(1 for d in done if d.status == DeliveryStatus.DELIVERED)
    return ok


_window = {"second": None}


def schedule_due() -> None:
    """Queue the huey task that sends due deliveries (called on commit after new events).

    At most twice per second per process: the first call in a one-second window queues the
    task now and once more one second later, so every delivery committed in the window is
    picked up by the later run without one task per event. Immediate mode (tests): always.
    """
    from huey.contrib.djhuey import HUEY

    from ..tasks import deliver_webhooks

    if HUEY.immediate:
        deliver_webhooks()
        return
    second = int(time.monotonic())
    if _window["second"] == second:
        return
    _window["second"] = second
    deliver_webhooks()
    deliver_webhooks.schedule(delay=1)
