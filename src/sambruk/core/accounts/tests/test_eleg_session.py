"""Demo test login, citizen idle timeout, logout everywhere, LoA and the demo signer."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from sambruk.core.accounts.eleg.oidc import ElegError
from sambruk.core.accounts.eleg.signing import DemoSigner, text_hash
from sambruk.core.accounts.models import User, UserKind
from sambruk.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TEST_URL = "/konto/e-legitimation/test/"


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    settings.PRODUCTION = False
    return settings


def test_login_choice_page(client, demo):
    response = client.get("/konto/e-legitimation/?next=/e-tjanster/x/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Logga in med e-legitimation" in body
    assert f"{TEST_URL}?next=/e-tjanster/x/" in body.replace("%2F", "/")


def test_test_login_lists_demo_persons_with_banner(client, demo):
    response = client.get(TEST_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "TESTINLOGGNING – inte en riktig e-legitimation" in body
    assert "Tolvan Tolvansson (19121212-1212)" in body


def test_test_login_logs_in_with_loa_test_and_returns_to_next(client, demo):
    response = client.post(TEST_URL, {"person": "0", "next": "/e-tjanster/kontakta/sida-3/"})
    assert response.status_code == 302
    assert response["Location"] == "/e-tjanster/kontakta/sida-3/"
    user = User.objects.get(civic_number="191212121212")
    assert user.kind == UserKind.CITIZEN and user.last_loa == "test"
    assert client.session["eleg_loa"] == "test"
    event = AuditEvent.objects.get(action="login", actor=user, purpose="e-legitimation")
    assert event.changes["method"] == "test"
    status = client.get("/konto/e-legitimation/inloggning/")
    assert status.status_code == 200
    assert 'id="eleg-loa">test<' in status.content.decode()
    assert 'src="/static/accounts/session-timeout.js"' in status.content.decode()


def test_eleg_login_writes_one_login_event_with_method_loa_and_issuer(client, demo):
    client.post(TEST_URL, {"person": "0", "next": "/"})
    user = User.objects.get(civic_number="191212121212")
    events = list(AuditEvent.objects.filter(action="login", actor=user))
    assert len(events) == 1
    assert events[0].changes == {"method": "test", "loa": "test", "issuer": "test"}
    assert events[0].purpose == "e-legitimation"
    assert events[0].object_id == str(user.pk)


def test_test_login_without_choice_is_refused(client, demo):
    response = client.post(TEST_URL, {"next": "/"})
    assert response.status_code == 400
    assert "Välj en testperson." in response.content.decode()


def test_test_login_is_404_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert client.get(TEST_URL).status_code == 404
    assert client.post(TEST_URL, {"person": "0"}).status_code == 404
    settings.DEMO_MODE = True
    settings.PRODUCTION = True
    assert client.get(TEST_URL).status_code == 404
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()


def test_idle_timeout_sends_back_to_login_with_next(client, demo):
    demo.CITIZEN_IDLE_TIMEOUT_SECONDS = 60
    client.post(TEST_URL, {"person": "0"})
    assert client.get("/konto/e-legitimation/inloggning/").status_code == 200
    session = client.session
    session["eleg_last_seen"] = time.time() - 61  # the citizen was away for 61 s
    session.save()
    response = client.get("/e-tjanster/kontakta/sida-2/?utkast=7")
    assert response.status_code == 302
    assert response["Location"] == (
        "/konto/e-legitimation/?next=%2Fe-tjanster%2Fkontakta%2Fsida-2%2F%3Futkast%3D7"
    )
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], follow=True)
    assert "inaktiv en stund" in page.content.decode()
    assert "e-tjanster%2Fkontakta%2Fsida-2" in page.content.decode()


def test_ping_extends_the_session(client, demo):
    demo.CITIZEN_IDLE_TIMEOUT_SECONDS = 60
    client.post(TEST_URL, {"person": "0"})
    session = client.session
    session["eleg_last_seen"] = time.time() - 50
    session.save()
    response = client.post("/konto/e-legitimation/forlang/")
    assert response.status_code == 200
    assert response.json()["seconds_left"] >= 55
    assert client.post("/konto/e-legitimation/forlang/").status_code == 200


def test_ping_when_logged_out_answers_401(client):
    assert client.post("/konto/e-legitimation/forlang/").status_code == 401


def test_staff_are_not_subject_to_the_citizen_timeout(client, member, org_factory, login, demo):
    demo.CITIZEN_IDLE_TIMEOUT_SECONDS = 1
    staff = member(org_factory())
    login(client, staff)
    session = client.session
    session["eleg_last_seen"] = time.time() - 3600
    session.save()
    client.get("/")
    assert client.session.get("_auth_user_id") == str(staff.pk)


def test_logout_everywhere_ends_other_sessions(demo):
    phone, laptop = Client(), Client()
    phone.post(TEST_URL, {"person": "0"})
    laptop.post(TEST_URL, {"person": "0"})
    assert laptop.get("/konto/e-legitimation/inloggning/").status_code == 200

    response = phone.post("/konto/e-legitimation/logga-ut-overallt/")
    assert response.status_code == 302
    assert "_auth_user_id" not in phone.session

    response = laptop.get("/konto/e-legitimation/inloggning/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/e-legitimation/?next=")
    assert "_auth_user_id" not in laptop.session
    # A new login works again.
    laptop.post(TEST_URL, {"person": "0"})
    assert laptop.get("/konto/e-legitimation/inloggning/").status_code == 200
    assert AuditEvent.objects.filter(action="logout", changes__everywhere=True).count() == 1


def test_htmx_request_after_timeout_gets_401(client, demo):
    demo.CITIZEN_IDLE_TIMEOUT_SECONDS = 60
    client.post(TEST_URL, {"person": "0"})
    session = client.session
    session["eleg_last_seen"] = time.time() - 120
    session.save()
    response = client.get("/konto/e-legitimation/inloggning/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "login_url" in response.json()


def test_demo_signer(demo):
    signer = DemoSigner()
    order = signer.start("Jag skriver under.", person_civic_number="191212121212", end_user_ip="")
    status = signer.collect(order)
    assert status.status == "complete"
    assert status.completion.loa == "test"
    assert status.completion.given_name == "Tolvan"
    assert status.completion.text_hash == text_hash("Jag skriver under.")
    assert status.completion.signature.startswith("TEST-")
    assert signer.collect(order).status == "failed"  # used up


def test_demo_signer_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ElegError):
        DemoSigner()
