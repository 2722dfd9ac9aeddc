"""Webhook secrets: encrypted at rest, rotated without downtime (two signatures during the
grace period), shown once and masked afterwards, never in the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from sambruk.channel.services.webhooks import create_subscription, update_subscription
from sambruk.channel.webhooks import sign, verify_signature
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory

OLD = "whsec_old-secret-0123456789"  # noqa: S105
HEX = re.compile(r"^sha256=[0-9a-f]{64}$")


def raw_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM channel_webhooksubscription WHERE id = %s", [pk])
        return cursor.fetchone()[0]


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


# --- signatures (no database) -------------------------------------------------------------


def test_two_signatures_any_match_is_enough():
    body = b'{"event": "case.closed"}'
    headers = sign(["whsec_new", OLD], body)
    parts = headers["X-Sambruk-Signature"].split(",")
    assert len(parts) == 2 and all(HEX.match(p) for p in parts)
    assert verify_signature("whsec_new", body, headers)
    assert verify_signature(OLD, body, headers)
    assert not verify_signature("whsec_other", body, headers)
    # A receiver switching secrets may pass both of its own.
    assert verify_signature(["whsec_other", OLD], body, headers)
    # Spaces after the comma and unknown schemes are tolerated; a forged value is not.
    spaced = {**headers, "X-Sambruk-Signature": "v9=abc, " + parts[1]}
    assert verify_signature(OLD, body, spaced)
    wrong = [c for c in "0123" if c != parts[0][-1]]
    forged = {
        **headers,
        "X-Sambruk-Signature": f"{parts[0][:-1]}{wrong[0]},{parts[0][:-1]}{wrong[1]}",
    }
    assert not verify_signature("whsec_new", body, forged)


# --- at rest ------------------------------------------------------------------------------


def test_the_column_holds_only_ciphertext(kommun):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url="https://1.1.1.1/in", secret=OLD
    )
    raw = raw_secret(sub.pk)
    assert raw.startswith("fernet:") and OLD not in raw
    assert WebhookSubscription.objects.get(pk=sub.pk).secret == OLD
    update_subscription(sub, actor=None, secret=True)
    sub.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret, previous_secret FROM channel_webhooksubscription WHERE id = %s",
            [sub.pk],
        )
        new_raw, previous_raw = cursor.fetchone()
    assert sub.previous_secret == OLD and sub.secret.startswith("whsec_")
    assert previous_raw.startswith("fernet:") and OLD not in previous_raw
    assert new_raw.startswith("fernet:") and sub.secret not in new_raw


# --- rotation without downtime ------------------------------------------------------------


def test_rotation_signs_with_both_secrets_during_grace_then_only_the_new(
    kommun, receiver, member, login, django_capture_on_commit_callbacks
):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url=receiver.url, secret=OLD
    )
    _event(kommun, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    before = receiver.requests[0]
    assert HEX.match(before["headers"]["X-Sambruk-Signature"])

    api = login(APIClient(), member(kommun.org, "org_admin"))
    rotated = api.patch(f"/api/webhooks/{sub.pk}/", {"new_secret": True}, format="json")
    assert rotated.status_code == 200, rotated.content
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != OLD
    until = dt.datetime.fromisoformat(rotated.json()["previous_secret_until"])
    assert dt.timedelta(hours=23) < until - timezone.now() <= dt.timedelta(hours=24)

    # During the grace period: a receiver with the old secret and one with the new accept.
    _event(kommun, django_capture_on_commit_callbacks)
    during = receiver.requests[1]
    assert len(during["headers"]["X-Sambruk-Signature"].split(",")) == 2
    assert verify_signature(OLD, during["body"], during["headers"])
    assert verify_signature(new, during["body"], during["headers"])
    assert all(d.status == DeliveryStatus.DELIVERED for d in WebhookDelivery.objects.all())

    # After it: only the new secret signs.
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        previous_secret_until=timezone.now() - dt.timedelta(seconds=1)
    )
    shown = api.get(f"/api/webhooks/{sub.pk}/").json()
    assert shown["previous_secret_until"] is None
    _event(kommun, django_capture_on_commit_callbacks)
    after = receiver.requests[2]
    assert HEX.match(after["headers"]["X-Sambruk-Signature"])
    assert verify_signature(new, after["body"], after["headers"])
    assert not verify_signature(OLD, after["body"], after["headers"])


def test_revoke_old_secret_at_once(
    kommun, receiver, member, login, django_capture_on_commit_callbacks
):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Läckt", url=receiver.url, secret=OLD
    )
    api = login(APIClient(), member(kommun.org, "org_admin"))
    rotated = api.patch(
        f"/api/webhooks/{sub.pk}/",
        {"new_secret": True, "revoke_old_secret": True},
        format="json",
    ).json()
    assert rotated["previous_secret_until"] is None
    _event(kommun, django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    assert verify_signature(rotated["secret"], request["body"], request["headers"])
    assert not verify_signature(OLD, request["body"], request["headers"])


def test_grace_period_is_a_setting(kommun, settings):
    settings.CHANNEL_WEBHOOK_SECRET_GRACE_HOURS = 2
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url="https://1.1.1.1/in"
    )
    sub = update_subscription(sub, actor=None, secret=True)
    left = sub.previous_secret_until - timezone.now()
    assert dt.timedelta(hours=1, minutes=59) < left <= dt.timedelta(hours=2)


# --- shown once, masked afterwards, never audited ---------------------------------------


def test_secret_shown_once_masked_afterwards_and_never_audited(kommun, member, login):
    api = login(APIClient(), member(kommun.org, "org_admin"))
    made = api.post(
        "/api/webhooks/", {"name": "Växel", "url": "https://1.1.1.1/in"}, format="json"
    ).json()
    first = made["secret"]
    assert made["secret_hint"] == f"whsec_…{first[-4:]}"
    pk = made["id"]
    shown = api.get(f"/api/webhooks/{pk}/").json()
    assert "secret" not in shown and shown["secret_hint"] == f"whsec_…{first[-4:]}"
    listed = api.get("/api/webhooks/").content.decode()
    assert first not in listed
    second = api.patch(f"/api/webhooks/{pk}/", {"new_secret": True}, format="json").json()
    renamed = api.patch(f"/api/webhooks/{pk}/", {"name": "Ny växel"}, format="json").json()
    assert "secret" not in renamed

    events = AuditEvent.objects.filter(object_type="channel.webhooksubscription", object_id=pk)
    assert events.count() == 3
    dump = json.dumps(list(events.values()), ensure_ascii=False, default=str)  # every column
    assert first not in dump and second["secret"] not in dump
    assert first[-8:] not in dump and second["secret"][-8:] not in dump


def test_page_shows_the_hint_and_a_new_secret_once(kommun, member, login):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url="https://1.1.1.1/in", secret=OLD
    )
    client = login(Client(), member(kommun.org, "org_admin"))
    page = client.get(f"/kanal/webhooks/{sub.pk}/").content.decode()
    assert "whsec_…6789" in page and OLD not in page

    made = client.post(f"/kanal/webhooks/{sub.pk}/", {"action": "new_secret"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    sub.refresh_from_db()
    text = made.content.decode()
    assert sub.secret in text and OLD not in text
    assert "Den nya hemligheten visas bara nu" in text
    again = client.get(f"/kanal/webhooks/{sub.pk}/").content.decode()
    assert sub.secret not in again and f"whsec_…{sub.secret[-4:]}" in again
    assert "Den tidigare hemligheten signerar också leveranserna" in again
    assert sub.state == "active"  # the resume form was not what was posted

    worker = login(Client(), member(kommun.org, "caseworker"))
    assert worker.post(f"/kanal/webhooks/{sub.pk}/", {"action": "new_secret"}).status_code == 403


# --- a secret encrypted with a key that is gone ------------------------------------------


def test_unknown_key_is_a_visible_delivery_failure_not_a_crash(
    kommun, receiver, member, login, settings, django_capture_on_commit_callbacks, caplog
):
    sub = create_subscription(
        actor=None, organisation=kommun.org, name="Växel", url=receiver.url, secret=OLD
    )
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    _event(kommun, django_capture_on_commit_callbacks)
    assert receiver.requests == []  # never signed with garbage
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.status == DeliveryStatus.PENDING
    assert "FIELD_ENCRYPTION_KEYS" in delivery.last_error
    assert "kan inte läsas" in delivery.last_error
    assert "cannot be decrypted" in caplog.text

    client = login(Client(), member(kommun.org, "org_admin"))
    page = client.get(f"/kanal/webhooks/{sub.pk}/")
    assert page.status_code == 200
    assert "kan inte läsas (okänd krypteringsnyckel)" in page.content.decode()
    api = login(APIClient(), member(kommun.org, "org_admin"))
    shown = api.get(f"/api/webhooks/{sub.pk}/")
    assert shown.status_code == 200
    # Saving other fields keeps the unreadable value as it was.
    raw = raw_secret(sub.pk)
    assert api.patch(f"/api/webhooks/{sub.pk}/", {"name": "X"}, format="json").status_code == 200
    assert raw_secret(sub.pk) == raw
    # The way out: a new secret (the old one is unreadable, so no grace period).
    rotated = api.patch(f"/api/webhooks/{sub.pk}/", {"new_secret": True}, format="json").json()
    assert rotated["previous_secret_until"] is None
    from sambruk.channel.services.webhooks import deliver_due

    assert deliver_due(now=timezone.now() + dt.timedelta(hours=1)) == 1
    request = receiver.requests[0]
    assert verify_signature(rotated["secret"], request["body"], request["headers"])
