"""Staff log-in: password, then TOTP; lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sambruk.core.accounts.models import DemoDevice
from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.audit.models import AuditEvent

PASSWORD = "Lösenord-för-test-1"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def staff(db):
    user = UserFactory(email="kalle@example.se")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


def post_login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_password_then_totp_gives_a_verified_session(client, staff):
    user, device = staff
    response = post_login(client, "kalle@example.se", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp")
    # Password alone is not enough for staff pages or the API.
    assert client.get(reverse("audit:person_log")).status_code in (302, 403)
    assert client.get("/api/me/").status_code in (401, 403)

    response = client.post(reverse("accounts:otp"), {"token": current_code(device)})
    assert response.status_code == 302
    page = client.get("/")
    assert "Dina moduler" in page.content.decode()
    assert client.get("/api/me/").json()["id"] == user.pk
    assert AuditEvent.objects.filter(action="login", actor=user).exists()


def test_wrong_totp_is_refused_with_a_swedish_message(client, staff):
    post_login(client, "kalle@example.se", PASSWORD)
    response = client.post(reverse("accounts:otp"), {"token": "000000"})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/api/me/").status_code in (401, 403)


def test_wrong_password_gives_a_clear_message_and_is_audited(client, staff):
    response = post_login(client, "kalle@example.se", "fel-lösenord")
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").exists()


def test_invalid_email_is_explained(client, db):
    response = post_login(client, "inte-en-adress", "x")
    assert "Ange en giltig e-postadress" in response.content.decode()


def test_lockout_after_repeated_failures(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "kalle@example.se", "fel-lösenord")
    # Even the right password is refused now.
    response = post_login(client, "kalle@example.se", PASSWORD)
    assert response.status_code == 429
    assert "tillfälligt låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_without_device_must_enrol(client, db):
    UserFactory(email="ny@example.se")
    post_login(client, "ny@example.se", PASSWORD)
    response = client.get(reverse("accounts:otp"))
    assert response.status_code == 302 and response.url == reverse("accounts:otp_setup")
    page = client.get(response.url)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__email="ny@example.se", confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_demo_device_accepts_fixed_code_only_in_demo_mode(client, db, settings):
    user = UserFactory(email="demo@example.se")
    DemoDevice.objects.create(user=user, name="Demo", confirmed=True)
    settings.DEMO_MODE = False
    post_login(client, "demo@example.se", PASSWORD)
    response = client.post(reverse("accounts:otp"), {"token": "000000"})
    assert "Koden stämmer inte" in response.content.decode()
    settings.DEMO_MODE = True
    response = client.post(reverse("accounts:otp"), {"token": "000000"})
    assert response.status_code == 302
    assert client.get("/api/me/").status_code == 200


def test_open_redirect_is_refused(client, staff):
    user, device = staff
    client.post(
        reverse("accounts:login"),
        {"username": "kalle@example.se", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    response = client.post(reverse("accounts:otp"), {"token": current_code(device)})
    assert response.url == "/"


def test_citizen_accounts_cannot_use_staff_login(client, db):
    UserFactory(email="invanare@example.se", kind="citizen")
    response = post_login(client, "invanare@example.se", PASSWORD)
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord" in response.content.decode()
