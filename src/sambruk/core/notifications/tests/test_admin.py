"""The outbox admin is read-only, with a "Försök igen" action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.notifications.models import OutboxStatus

from .factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, login):
    user = UserFactory(is_superuser=True, is_staff=True)
    return login(client, user)


def test_changelist_and_readonly(admin_client):
    message = OutboxMessageFactory(failed=True)
    changelist = reverse("admin:notifications_outboxmessage_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert message.subject in response.content.decode()
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    change = reverse("admin:notifications_outboxmessage_change", args=[message.pk])
    response = admin_client.get(change)
    assert response.status_code == 200  # view only
    assert 'name="subject"' not in response.content.decode()
    response = admin_client.post(change, {"subject": "Ändrat"})
    assert response.status_code == 403
    delete = reverse("admin:notifications_outboxmessage_delete", args=[message.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_retry_action(admin_client, django_capture_on_commit_callbacks):
    failed = OutboxMessageFactory(failed=True)
    sent = OutboxMessageFactory(status=OutboxStatus.SENT)
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:notifications_outboxmessage_changelist"),
            {"action": "retry_messages", "_selected_action": [str(failed.pk), str(sent.pk)]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING
    assert failed.attempts == 0
    assert sent.status == OutboxStatus.SENT
