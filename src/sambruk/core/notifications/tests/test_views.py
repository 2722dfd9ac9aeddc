"""/utskick/: tenancy, permissions, 2FA, audit, retry and the test e-mail form."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from sambruk.core.audit.models import AuditEvent
from sambruk.core.notifications.models import OutboxMessage, OutboxStatus

from .factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

URL = "/utskick/"


@pytest.fixture
def orgs(org_factory):
    return org_factory(name="Kommun A"), org_factory(name="Kommun B")


@pytest.fixture
def messages_ab(orgs):
    a, b = orgs
    return (
        OutboxMessageFactory(organisation=a, failed=True, to=["anna@a.example.se"]),
        OutboxMessageFactory(organisation=b, failed=True, to=["bertil@b.example.se"]),
    )


def test_url_name():
    assert reverse("notifications:outbox") == URL


def test_admin_sees_own_organisations_failed_messages_only(
    client, orgs, messages_ab, member, login
):
    a, _b = orgs
    sent = OutboxMessageFactory(organisation=a, status=OutboxStatus.SENT, to=["sent@a.example.se"])
    admin = member(a, "org_admin")
    login(client, admin)

    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "anna@a.example.se" in content
    assert "bertil@b.example.se" not in content
    assert "sent@a.example.se" not in content  # default filter: pending and failed
    assert "Försök igen" in content
    assert "Skicka testmejl" in content

    content = client.get(URL, {"status": "sent"}).content.decode()
    assert "sent@a.example.se" in content
    assert "anna@a.example.se" not in content

    event = AuditEvent.objects.filter(action="read", actor=admin).latest("at")
    assert event.object_type == "notifications.outboxmessage"
    assert event.purpose == "Uppföljning av utskick"
    assert event.changes["shown"] == [str(sent.pk)]


def test_retry_of_other_organisations_message_is_404(client, orgs, messages_ab, member, login):
    a, _b = orgs
    _msg_a, msg_b = messages_ab
    login(client, member(a, "org_admin"))
    response = client.post(reverse("notifications:retry", args=[msg_b.pk]))
    assert response.status_code == 404
    msg_b.refresh_from_db()
    assert msg_b.status == OutboxStatus.FAILED


def test_retry_puts_message_back_and_delivers(
    client, orgs, messages_ab, member, login, django_capture_on_commit_callbacks
):
    a, _b = orgs
    msg_a, _msg_b = messages_ab
    login(client, member(a, "org_admin"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("notifications:retry", args=[msg_a.pk]))
    assert response.status_code == 302
    msg_a.refresh_from_db()
    assert msg_a.status == OutboxStatus.PENDING
    assert msg_a.attempts == 0
    assert len(callbacks) == 1
    callbacks[0]()
    msg_a.refresh_from_db()
    assert msg_a.status == OutboxStatus.SENT
    assert mail.outbox[0].to == ["anna@a.example.se"]


def test_retry_needs_retry_permission_in_that_organisation(
    client, orgs, messages_ab, member, login, monkeypatch
):
    """View permission in B via another role is not enough to retry B's message."""
    from sambruk.core.accounts import roles
    from sambruk.core.accounts.tests.factories import MembershipFactory

    reader = roles.Role("outbox_reader_test", "Läsare", {"notifications.view_outboxmessage"})
    monkeypatch.setitem(roles._ROLES, reader.code, reader)  # removed again after the test
    a, b = orgs
    _msg_a, msg_b = messages_ab
    user = member(a, "org_admin")
    MembershipFactory(user=user, organisation=b, role=reader.code)
    login(client, user)
    assert "bertil@b.example.se" in client.get(URL).content.decode()
    assert client.post(reverse("notifications:retry", args=[msg_b.pk])).status_code == 403


def test_user_without_permission_gets_403(client, orgs, messages_ab, member, login):
    a, _b = orgs
    msg_a, _msg_b = messages_ab
    login(client, member(a, "caseworker"))
    assert client.get(URL).status_code == 403
    assert client.post(reverse("notifications:retry", args=[msg_a.pk])).status_code == 403
    assert client.post(URL, {"to": "x@example.se"}).status_code == 403


def test_anonymous_is_redirected_to_login(client, messages_ab):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/utskick/" in response["Location"]
    response = client.post(reverse("notifications:retry", args=[messages_ab[0].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_only_session_is_not_enough(client, orgs, member):
    a, _b = orgs
    client.force_login(member(a, "org_admin"))  # no verified second factor
    assert client.get(URL).status_code in (302, 403)


def test_get_is_not_allowed_on_retry(client, orgs, messages_ab, member, login):
    login(client, member(orgs[0], "org_admin"))
    assert client.get(reverse("notifications:retry", args=[messages_ab[0].pk])).status_code == 405


def test_send_test_message(client, orgs, member, login, django_capture_on_commit_callbacks):
    a, _b = orgs
    admin = member(a, "org_admin", full_name="Åsa Admin")
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"to": "drift@a.example.se", "organisation": a.pk, "language": "en"}
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(template="notifications/email/test_message")
    assert message.organisation == a
    assert message.language == "en"
    assert message.status == OutboxStatus.SENT
    assert mail.outbox[0].subject == "Test e-mail from Sambruk"
    assert "Åsa Admin" in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action="create", object_id=str(message.pk), actor=admin
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "drift@a.example.se" in page


def test_send_test_message_to_other_organisation_is_refused(client, orgs, member, login):
    a, b = orgs
    login(client, member(a, "org_admin"))
    response = client.post(URL, {"to": "x@example.se", "organisation": b.pk, "language": "sv"})
    assert response.status_code == 400  # B is not a choice
    assert not OutboxMessage.objects.exists()


def test_send_test_message_invalid_address_shows_error_summary(client, orgs, member, login):
    a, _b = orgs
    login(client, member(a, "org_admin"))
    response = client.post(URL, {"to": "inte en adress", "organisation": a.pk, "language": "sv"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "error-summary" in content
    assert not OutboxMessage.objects.exists()


def test_page_in_english(client, orgs, messages_ab, member, login):
    login(client, member(orgs[0], "org_admin"))
    content = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Retry" in content
    assert "Send test e-mail" in content
