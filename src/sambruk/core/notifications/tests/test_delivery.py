"""The outbox end to end against a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from sambruk.core.notifications import services
from sambruk.core.notifications.models import OutboxMessage, OutboxStatus
from sambruk.core.notifications.tasks import deliver_due

TEMPLATE = "notifications/email/test_message"


def queue(org=None, *, to="anna.andersson@example.se", language="sv", sender="Åsa & Co"):
    return services.queue_email(
        to=to,
        template=TEMPLATE,
        context={
            "sender_name": sender,
            "organisation_name": getattr(org, "name", ""),
            "queued_at": timezone.now(),
        },
        language=language,
        organisation=org,
    )


@pytest.mark.django_db(transaction=True)
def test_queued_in_transaction_is_delivered_on_commit(running_smtp, org_factory):
    org = org_factory()
    with transaction.atomic():
        message = queue(org)
        # Nothing leaves before the business transaction commits.
        assert running_smtp.envelopes == []

    received = running_smtp.wait_for(1)
    assert len(received) == 1
    envelope = running_smtp.envelopes[0]
    assert envelope.rcpt_tos == ["anna.andersson@example.se"]
    mail = received[0]
    assert mail["To"] == "anna.andersson@example.se"
    assert mail["Subject"] == "Testmejl från Sambruk"
    assert mail["Message-ID"] == message.message_id
    assert message.message_id.startswith("<") and message.message_id.endswith("@sambruk.localhost>")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    # Plain text is not HTML-escaped; the HTML part is.
    assert "Det här är ett testmejl som Åsa & Co skickade" in text
    assert org.name in text
    assert '<html lang="sv">' in html
    assert "Åsa &amp; Co" in html
    assert "Åsa & Co" not in html

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_english_when_language_is_en(running_smtp):
    with transaction.atomic():
        queue(language="en", sender="Alex")
    mail = running_smtp.wait_for(1)[0]
    assert mail["Subject"] == "Test e-mail from Sambruk"
    assert "This is a test e-mail that Alex sent" in mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert '<html lang="en">' in html
    assert "Testmejl" not in html


@pytest.mark.django_db(transaction=True)
def test_rollback_sends_nothing_and_leaves_no_row(running_smtp):
    class BusinessError(Exception):
        pass

    with pytest.raises(BusinessError), transaction.atomic():
        queue()
        raise BusinessError

    assert OutboxMessage.objects.count() == 0
    assert deliver_due() == 0
    assert running_smtp.wait_for(1, timeout=0.5) == []


@pytest.mark.django_db(transaction=True)
def test_server_down_then_delivered_once_by_periodic_retry(smtp_server, clock, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 30
    before = clock.now()
    with transaction.atomic():
        message = queue()
    after = clock.now()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert (
        before + timedelta(seconds=30) <= message.next_attempt_at <= after + timedelta(seconds=30)
    )

    # Not due yet: the periodic task leaves it alone even though the server is back.
    smtp_server.start()
    assert deliver_due() == 0
    assert smtp_server.envelopes == []

    clock.advance(seconds=31)
    assert deliver_due() == 1
    assert len(smtp_server.wait_for(1)) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""

    # Running the periodic task again (or the task for the message) sends nothing more.
    clock.advance(hours=1)
    assert deliver_due() == 0
    services.deliver(message.pk)
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


@pytest.mark.django_db(transaction=True)
def test_periodic_task_entry_point(running_smtp):
    from sambruk.tasks import retry_due_outbox

    message = OutboxMessage.objects.create(
        to=["a@example.se"], subject="Hej", body_text="Hej\n", message_id="<x1@sambruk.localhost>"
    )
    assert retry_due_outbox.call_local() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert running_smtp.wait_for(1)[0]["Message-ID"] == "<x1@sambruk.localhost>"


@pytest.mark.django_db(transaction=True)
def test_permanent_failure_then_retry_from_utskick(
    smtp_server, clock, settings, client, org_factory, member, login
):
    from django.urls import reverse

    from sambruk.core.audit.models import AuditEvent

    settings.OUTBOX_MAX_ATTEMPTS = 3
    org = org_factory()
    with transaction.atomic():
        message = queue(org, to="bo.berg@example.se")
    for _ in range(2):
        clock.advance(hours=7)  # past the largest backoff
        deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    assert "ConnectionRefusedError" in message.last_error
    clock.advance(hours=7)
    assert deliver_due() == 0  # failed messages are not retried automatically

    admin = member(org, "org_admin")
    login(client, admin)
    page = client.get(reverse("notifications:outbox"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "bo.berg@example.se" in content
    assert "Misslyckat" in content
    assert reverse("notifications:retry", args=[message.pk]) in content
    assert AuditEvent.objects.filter(
        action="read", actor=admin, object_type="notifications.outboxmessage"
    ).exists()

    smtp_server.start()
    response = client.post(reverse("notifications:retry", args=[message.pk]), {"status": "failed"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:outbox") + "?status=failed"

    assert len(smtp_server.wait_for(1)) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    event = AuditEvent.objects.get(action="update", object_id=str(message.pk))
    assert event.actor == admin
    assert event.changes["status"] == ["failed", "pending"]
