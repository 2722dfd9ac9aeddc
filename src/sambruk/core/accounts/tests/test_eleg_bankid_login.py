"""Log in with BankID over HTTP against the RP API simulator (tests/bankid_simulator.py)."""

from __future__ import annotations

import pytest

from sambruk.core.accounts.models import User, UserKind
from sambruk.core.audit.models import AuditEvent
from tests.bankid_simulator import TOLVAN, Simulator

pytestmark = pytest.mark.django_db
START = "/konto/e-legitimation/bankid/"
WAIT = "/konto/e-legitimation/bankid/vantar/"
COLLECT = "/konto/e-legitimation/bankid/status/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def simulator(settings):
    sim = Simulator().start()
    settings.BANKID_BASE_URL = sim.base_url
    settings.BANKID_LOGIN = True
    yield sim
    sim.stop()


def test_bankid_login_is_off_unless_configured(client, settings):
    settings.BANKID_LOGIN = False
    assert client.get(START).status_code == 404
    assert START not in client.get("/konto/e-legitimation/").text


def test_waiting_page_shows_qr_autostart_and_polls_with_htmx(client, simulator):
    assert 'href="/konto/e-legitimation/bankid/?next=' in client.get("/konto/e-legitimation/").text
    response = client.post(START, {"next": "/e-tjanster/"}, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302 and response["Location"] == WAIT
    path, body = simulator.requests[-1]
    assert path == "/rp/v6.0/auth" and body == {"endUserIp": "192.0.2.44"}
    page = client.get(WAIT)
    html = page.text
    order_ref = client.session["eleg_bankid_login"]
    assert page.status_code == 200
    assert f'hx-get="{COLLECT}" hx-trigger="every 2s"' in html
    assert "bankid:///?autostarttoken=" in html and "&amp;redirect=null" in html
    assert f'data-bankid-qr="/konto/e-legitimation/bankid/{order_ref}/qr.svg"' in html
    assert "/static/accounts/bankid-qr.js" in html and "<script>" not in html
    assert "Starta BankID-appen." in html
    qr = client.get(f"/konto/e-legitimation/bankid/{order_ref}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    # Another browser cannot see the QR code of this order.
    from django.test import Client

    assert Client().get(f"/konto/e-legitimation/bankid/{order_ref}/qr.svg").status_code == 404


def test_login_end_to_end_after_collects(client, simulator):
    client.post(START, {"next": "/e-tjanster/"}, REMOTE_ADDR="192.0.2.44")
    first = client.get(COLLECT, **HTMX)
    assert first.status_code == 200
    assert "Starta BankID-appen." in first.text and 'hx-trigger="every 2s"' in first.text
    second = client.get(COLLECT, **HTMX)
    assert "säkerhetskod" in second.text  # RFA9 (userSign)
    done = client.get(COLLECT, **HTMX)
    assert done.status_code == 204 and done["HX-Redirect"] == "/e-tjanster/"
    user = User.objects.get(civic_number=TOLVAN)
    assert user.kind == UserKind.CITIZEN and user.full_name == "Tolvan Tolvansson"
    assert client.session["eleg_loa"] == "http://id.elegnamnden.se/loa/1.0/loa3"
    assert client.session["eleg_method"] == "bankid"
    events = AuditEvent.objects.filter(action="login", actor=user)
    assert [e.changes["method"] for e in events] == ["bankid"]
    status = client.get("/konto/e-legitimation/inloggning/")
    assert status.status_code == 200 and "Tolvan Tolvansson" in status.text
    assert [p for p, _b in simulator.requests].count("/rp/v6.0/collect") == 3


def test_login_without_javascript_continues_by_link(client, simulator):
    client.post(START, {"next": "/"})
    pending = client.get(COLLECT)
    assert pending.status_code == 200 and "<h1>Logga in med BankID</h1>" in pending.text
    client.get(COLLECT)
    done = client.get(COLLECT)
    assert done.status_code == 302 and done["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_second_login_for_same_person_fails_both_with_rfa_messages(client, simulator):
    from django.test import Client

    client.post(START, {"next": "/"})
    other = Client()
    refused = other.post(START, {"next": "/"})
    assert refused.status_code == 503
    assert "En identifiering eller underskrift för det här personnumret" in refused.text  # RFA4
    failed = client.get(COLLECT, **HTMX)  # BankID cancelled the first order (RFA3)
    assert "Åtgärden avbröts. Försök igen." in failed.text
    assert "hx-trigger" not in failed.text and "Försök igen" in failed.text
    assert "_auth_user_id" not in client.session
    assert client.get(WAIT)["Location"] == START


def test_cancel_button_cancels_the_order(client, simulator):
    client.post(START, {"next": "/"})
    response = client.post("/konto/e-legitimation/bankid/avbryt/")
    assert response.status_code == 302
    assert simulator.requests[-1][0] == "/rp/v6.0/cancel"
    assert "eleg_bankid_login" not in client.session
