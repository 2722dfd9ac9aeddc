"""The BankID RP API v6 client over HTTP against the local simulator (tests/bankid_simulator.py)."""

from __future__ import annotations

import base64

import pytest

from sambruk.core.accounts.eleg.bankid import messages
from sambruk.core.accounts.eleg.bankid.client import BankIDClient, BankIDError
from sambruk.core.accounts.eleg.bankid.qr import qr_data
from sambruk.core.accounts.eleg.signing import BankIDSigner, text_hash
from tests.bankid_simulator import EXPIRES, TOLVAN, USER_CANCELS, Simulator


@pytest.fixture
def simulator():
    sim = Simulator().start()
    yield sim
    sim.stop()


@pytest.fixture
def bankid(simulator):
    return BankIDClient(simulator.base_url, cert=None, verify=False)


def test_qr_code_matches_the_published_hmac_vectors():
    token = "67df3917-fa0d-44e5-b327-edcc928297f8"
    secret = "d28db9a7-4cde-429e-a983-359be676944c"
    assert qr_data(token, secret, 0) == (
        "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0."
        "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
    )
    assert qr_data(token, secret, 1).endswith(
        ".1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
    )
    assert qr_data(token, secret, 2).endswith(
        ".2.a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3"
    )


def test_auth_then_collect_progresses_to_complete(bankid, simulator):
    order = bankid.auth(end_user_ip="192.0.2.10")
    assert order.order_ref and order.auto_start_token and order.qr_start_token
    assert order.qr_data().startswith(f"bankid.{order.qr_start_token}.")
    path, body = simulator.requests[-1]
    assert path == "/rp/v6.0/auth" and body == {"endUserIp": "192.0.2.10"}

    first = bankid.collect(order.order_ref)
    assert (first.status, first.hint_code) == ("pending", "outstandingTransaction")
    assert first.user_message == "Starta BankID-appen."
    second = bankid.collect(order.order_ref)
    assert (second.status, second.hint_code) == ("pending", "userSign")
    assert "säkerhetskod" in second.user_message
    done = bankid.collect(order.order_ref)
    assert done.status == "complete"
    assert done.personal_number == TOLVAN
    assert done.completion["user"]["givenName"] == "Tolvan"


def test_sign_sends_base64_texts_and_requires_visible_data(bankid, simulator):
    bankid.sign(
        end_user_ip="192.0.2.10",
        user_visible_data="Jag intygar att uppgifterna är riktiga.",
        user_non_visible_data=b"\x01\x02",
        requirement={"personalNumber": TOLVAN},
    )
    _path, body = simulator.requests[-1]
    assert base64.b64decode(body["userVisibleData"]).decode() == (
        "Jag intygar att uppgifterna är riktiga."
    )
    assert base64.b64decode(body["userNonVisibleData"]) == b"\x01\x02"
    with pytest.raises(ValueError):
        bankid.sign(end_user_ip="192.0.2.10", user_visible_data="")
    with pytest.raises(ValueError):
        bankid.auth(end_user_ip="")


def test_second_order_for_the_same_person_is_already_in_progress(bankid):
    bankid.auth(end_user_ip="192.0.2.10", requirement={"personalNumber": TOLVAN})
    with pytest.raises(BankIDError) as exc:
        bankid.auth(end_user_ip="192.0.2.10", requirement={"personalNumber": TOLVAN})
    assert exc.value.error_code == "alreadyInProgress"
    assert exc.value.status == 400
    assert "redan påbörjats" in exc.value.user_message


def test_invalid_parameters(bankid):
    with pytest.raises(BankIDError) as exc:
        bankid.collect("finns-inte")
    assert exc.value.error_code == "invalidParameters"
    assert exc.value.user_message == "Okänt fel. Försök igen."


def test_cancel_ends_the_order(bankid):
    order = bankid.auth(end_user_ip="192.0.2.10")
    bankid.cancel(order.order_ref)
    result = bankid.collect(order.order_ref)
    assert (result.status, result.hint_code) == ("failed", "cancelled")
    assert result.user_message == "Åtgärden avbröts. Försök igen."


@pytest.mark.parametrize(
    ("pnr", "hint", "text"),
    [
        (USER_CANCELS, "userCancel", "Åtgärden avbröts."),
        (EXPIRES, "expiredTransaction", "svarar inte"),
    ],
)
def test_failures_map_to_rfa_messages(bankid, pnr, hint, text):
    order = bankid.auth(end_user_ip="192.0.2.10", requirement={"personalNumber": pnr})
    result = bankid.wait_for_completion(order.order_ref, interval=0)
    assert (result.status, result.hint_code) == ("failed", hint)
    assert text in result.user_message


def test_rfa_table():
    assert messages.rfa_for("pending", "outstandingTransaction", autostart=True) == "RFA13"
    assert messages.rfa_for("pending", "started") == "RFA15"
    assert messages.rfa_for("failed", "certificateErr") == "RFA16"
    assert messages.rfa_for("failed", "somethingNew") == "RFA22"


@pytest.mark.django_db
def test_bankid_signer_completes_for_the_right_person(bankid):
    signer = BankIDSigner(bankid)
    text = "Ansökan om skolskjuts för Tolvan."
    order = signer.start(text, person_civic_number=TOLVAN, end_user_ip="192.0.2.10")
    assert order.qr_url.endswith("/qr.svg")
    assert signer.collect(order).status == "pending"
    assert signer.collect(order).status == "pending"
    status = signer.collect(order)
    assert status.status == "complete"
    c = status.completion
    assert (c.civic_number, c.given_name, c.family_name) == (TOLVAN, "Tolvan", "Tolvansson")
    assert c.text_hash == text_hash(text)
    assert c.loa.endswith("loa3") and c.signature
    # The completion stays readable (page poller and the e-service both collect).
    assert signer.collect(order).completion == c


@pytest.mark.django_db
def test_bankid_qr_and_status_views(client, bankid, settings):
    settings.BANKID_BASE_URL = bankid.base_url
    settings.DEMO_MODE = True
    order = BankIDSigner(bankid).start("Text", person_civic_number=TOLVAN, end_user_ip="192.0.2.1")
    # Only the citizen the order belongs to sees its QR code and status.
    assert client.get(order.qr_url).status_code == 404
    client.post("/konto/e-legitimation/test/", {"person": "0"})  # Tolvan, demo test login
    response = client.get(order.qr_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    status = client.get(order.status_url).json()
    assert status == {
        "status": "pending",
        "message": "Starta BankID-appen.",
        "hint_code": "outstandingTransaction",
    }
