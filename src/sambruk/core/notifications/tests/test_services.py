"""Unit tests of the outbox services (no network: Django's locmem mail backend)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from sambruk.core.notifications import services
from sambruk.core.notifications.models import OutboxMessage, OutboxStatus

from .factories import OutboxMessageFactory


def test_backoff_is_exponential_and_capped(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 30
    assert [services.backoff(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert services.backoff(0) == timedelta(seconds=30)
    assert services.backoff(20) == services.MAX_BACKOFF == timedelta(hours=6)
    assert services.backoff(10_000) == timedelta(hours=6)  # no overflow


def test_backoff_follows_setting(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 5
    assert services.backoff(3) == timedelta(seconds=20)


def test_render_email_both_languages():
    sv = services.render_email("notifications/email/test_message", {"sender_name": "A <b>"})
    en = services.render_email("notifications/email/test_message", {"sender_name": "A <b>"}, "en")
    assert sv["subject"] == "Testmejl från Sambruk"
    assert en["subject"] == "Test e-mail from Sambruk"
    assert "A <b>" in sv["body_text"]
    assert "A &lt;b&gt;" in sv["body_html"]
    assert "\n-- \n" in sv["body_text"]  # signature delimiter of base.txt


@pytest.mark.django_db
def test_invalid_address_is_refused():
    with pytest.raises(ValidationError):
        services.queue_email(to="inte-en-adress", template="notifications/email/test_message")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_queue_and_deliver_with_locmem(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.queue_email(
            to=["a@example.se", "b@example.se"],
            template="notifications/email/test_message",
            reply_to="svar@example.se",
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.se", "b@example.se"]
    assert mail.outbox[0].reply_to == ["svar@example.se"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@pytest.mark.django_db
def test_permanent_smtp_answer_fails_at_once(monkeypatch):
    message = OutboxMessageFactory()

    def refuse(_message):
        raise smtplib.SMTPRecipientsRefused({"x@example.se": (550, b"No such user")})

    monkeypatch.setattr(services, "_send", refuse)
    services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "SMTPRecipientsRefused" in message.last_error


@pytest.mark.django_db
def test_unexpected_error_is_recorded_not_stuck(monkeypatch):
    message = OutboxMessageFactory()

    def broken(_message):
        raise ValueError("bad header")

    monkeypatch.setattr(services, "_send", broken)
    services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error == "ValueError: bad header"


@pytest.mark.django_db
def test_claimed_message_is_not_sent_twice(monkeypatch):
    """A message claimed by another worker (status sending, lease running) is left alone."""
    message = OutboxMessageFactory()
    claimed = services._claim(message.pk)
    assert claimed.status == OutboxStatus.SENDING
    assert services._claim(message.pk) is None
    assert services.deliver(message.pk).status == OutboxStatus.SENDING
    assert mail.outbox == []
    assert message.pk not in services.due_message_ids()


@pytest.mark.django_db
def test_abandoned_claim_is_taken_over_after_lease():
    message = OutboxMessageFactory()
    services._claim(message.pk)  # the worker dies here
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=services.timezone.now() - timedelta(seconds=1)
    )
    assert message.pk in services.due_message_ids()
    assert services.deliver(message.pk).status == OutboxStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_retry_leaves_sent_message_alone(member, org_factory):
    org = org_factory()
    message = OutboxMessageFactory(organisation=org, status=OutboxStatus.SENT, attempts=1)
    assert services.retry(message, actor=member(org, "org_admin")).status == OutboxStatus.SENT
