"""Webhooks: signed deliveries to a real receiver on loopback, retries, failing, resume."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from sambruk.channel.services.webhooks import backoff, create_subscription, deliver_due
from sambruk.channel.webhooks import sign, verify_signature
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory

SECRET = "whsec_test"  # noqa: S105


# --- signatures (no database) -------------------------------------------------------------


def test_verify_signature_accepts_a_fresh_genuine_request():
    body = b'{"event": "case.created"}'
    headers = sign(SECRET, body)
    assert verify_signature(SECRET, body, headers)
    assert verify_signature(
        SECRET, body, headers["X-Sambruk-Signature"], headers["X-Sambruk-Timestamp"]
    )
    lower = {k.lower(): v for k, v in headers.items()}
    assert verify_signature(SECRET, body, lower)


def _flip_last(signature: str) -> str:
    """The signature with its last hex digit changed (always a different value)."""
    return signature[:-1] + ("1" if signature[-1] == "0" else "0")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b, h: (b + b" ", h),  # body changed
        lambda b, h: (b, {**h, "X-Sambruk-Signature": _flip_last(h["X-Sambruk-Signature"])}),
        lambda b, h: (b, {**h, "X-Sambruk-Signature": "sha1=" + "0" * 40}),
        lambda b, h: (b, {**h, "X-Sambruk-Signature": "garbage"}),
        lambda b, h: (b, {**h, "X-Sambruk-Timestamp": str(int(h["X-Sambruk-Timestamp"]) + 1)}),
        lambda b, h: (b, {**h, "X-Sambruk-Timestamp": "abc"}),
        lambda b, h: (b, {"X-Sambruk-Signature": h["X-Sambruk-Signature"]}),
        lambda b, h: (b, {}),
    ],
)
def test_verify_signature_refuses_forgeries(mutate):
    body = b'{"event": "case.created"}'
    body2, headers = mutate(body, sign(SECRET, body))
    assert not verify_signature(SECRET, body2, headers)


def test_verify_signature_refuses_other_secret_and_replays():
    body = b"{}"
    assert not verify_signature("other", body, sign(SECRET, body))
    old = sign(SECRET, body, timestamp=int(time.time()) - 301)
    assert not verify_signature(SECRET, body, old)  # a replay after 5 minutes
    assert verify_signature(SECRET, body, old, tolerance=600)


# --- delivery -----------------------------------------------------------------------------


@pytest.fixture
def kommun(db):
    class K:
        pass

    k = K()
    k.org = OrganisationFactory()
    k.case_type = CaseTypeFactory(organisation=k.org)
    k.queue = QueueFactory(organisation=k.org, default_case_type=k.case_type)
    k.worker = caseworker(k.org, queues=[k.queue])
    return k


def _event(k, capture):
    with capture(execute=True):
        return CaseFactory(queue=k.queue, actor=k.worker)


def test_delivered_signed_and_retried_after_a_failure(
    kommun, receiver, django_capture_on_commit_callbacks
):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url=receiver.url, secret=SECRET
    )
    receiver.codes = [500]  # first answer 500, then 200
    case = _event(kommun, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1 and delivery.response_code == 500
    assert delivery.next_attempt_at > timezone.now() + backoff(1) - dt.timedelta(seconds=5)
    assert len(receiver.requests) == 1

    assert deliver_due() == 0  # not due yet: backoff
    assert deliver_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert delivery.response_code == 200 and delivery.delivered_at is not None

    assert len(receiver.requests) == 2
    for request in receiver.requests:
        assert verify_signature(SECRET, request["body"], request["headers"])
    body = json.loads(receiver.requests[1]["body"])
    assert body["event"] == "case.created"
    assert body["case"] == {"id": case.pk, "reference": case.reference}
    assert body["delivery"] == delivery.pk
    assert receiver.requests[1]["headers"]["X-Sambruk-Delivery"] == str(delivery.pk)
    assert receiver.requests[1]["headers"]["X-Sambruk-Attempt"] == "2"
    # The same body both times: receivers deduplicate on the delivery id.
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]


def test_event_type_filter(kommun, receiver, django_capture_on_commit_callbacks):
    create_subscription(
        actor=None,
        organisation=kommun.org,
        name="Bara stängda",
        url=receiver.url,
        event_types=["case.closed"],
    )
    _event(kommun, django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.count() == 0 and receiver.requests == []


def test_permanent_failure_marks_failing_holds_and_resume_loses_nothing(
    kommun, receiver, settings, member, login, django_capture_on_commit_callbacks
):
    settings.CHANNEL_WEBHOOK_MAX_ATTEMPTS = 2
    sub = create_subscription(actor=None, organisation=kommun.org, name="Trasig", url=receiver.url)
    receiver.codes = [500, 503]
    _event(kommun, django_capture_on_commit_callbacks)
    first = WebhookDelivery.objects.get()
    deliver_due(now=first.next_attempt_at)
    first.refresh_from_db()
    sub.refresh_from_db()
    assert first.status == DeliveryStatus.FAILED and first.attempts == 2
    assert sub.state == "failing" and sub.failing_since is not None
    assert AuditEvent.objects.filter(object_type="channel.webhooksubscription").count() == 2

    _event(kommun, django_capture_on_commit_callbacks)  # while failing: held, not sent
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.HELD).count() == 1
    assert len(receiver.requests) == 2

    # An administrator fixes the receiver and resumes through the API.
    api = login(APIClient(), member(kommun.org, "org_admin"))
    log = api.get("/api/webhook-deliveries/", {"subscription": sub.pk}).json()["results"]
    assert {x["status"] for x in log} == {"failed", "held"}
    failed = next(x for x in log if x["status"] == "failed")
    assert failed["response_code"] == 503 and failed["attempts"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        resumed = api.post(f"/api/webhooks/{sub.pk}/resume/")
    assert resumed.status_code == 200 and resumed.json()["state"] == "active"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(receiver.requests) == 4


def test_subscriptions_api(kommun, member, login, settings):
    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = False
    admin = login(APIClient(), member(kommun.org, "org_admin"))
    bad = admin.post("/api/webhooks/", {"name": "x", "url": "http://intern/"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    made = admin.post(
        "/api/webhooks/",
        {"name": "Växel", "url": "https://1.1.1.1/in", "event_types": ["case.closed"]},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["secret"].startswith("whsec_")
    pk = made.json()["id"]
    shown = admin.get(f"/api/webhooks/{pk}/").json()
    assert "secret" not in shown
    rotated = admin.patch(f"/api/webhooks/{pk}/", {"new_secret": True}, format="json")
    assert rotated.json()["secret"] != made.json()["secret"]
    other = login(APIClient(), member(OrganisationFactory(), "org_admin"))
    assert other.get(f"/api/webhooks/{pk}/").status_code == 404
    assert other.delete(f"/api/webhooks/{pk}/").status_code == 404
    worker = login(APIClient(), kommun.worker)
    assert worker.get("/api/webhooks/").status_code == 403
    assert admin.delete(f"/api/webhooks/{pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()
