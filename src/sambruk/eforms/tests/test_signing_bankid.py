"""E-service signing with ``ELEG_SIGNER=bankid`` over HTTP against the BankID RP simulator."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from sambruk.cases.models import Case
from sambruk.core.accounts.eleg.signing import text_hash
from tests.bankid_simulator import TOLVAN, Simulator

from ..models import Signature, SubmissionStatus
from ..services import signing
from .test_submissions_support import citizen_login, fill_kontakt, make_eservice, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator(settings, tmp_path):
    settings.DEMO_MODE = True  # the citizen logs in with the Test-legitimation
    settings.MEDIA_ROOT = str(tmp_path)
    sim = Simulator().start()
    settings.BANKID_BASE_URL = sim.base_url
    settings.ELEG_SIGNER = "bankid"
    yield sim
    sim.stop()


def test_single_signer_with_bankid_waits_then_records_signature_and_case(org_factory, simulator):
    citizen = Client()
    citizen_login(citizen, 0)
    sub, _loc = start(citizen, make_eservice(org_factory(), signing="single"))
    fill_kontakt(citizen, sub)
    waiting = citizen.post(url("sign", sub), REMOTE_ADDR="198.51.100.7")
    assert waiting.status_code == 200
    assert "Skriv under med BankID" in waiting.text
    assert "bankid:///?autostarttoken=" in waiting.text
    path, body = simulator.requests[-1]
    assert path == "/rp/v6.0/sign" and body["endUserIp"] == "198.51.100.7"
    assert body["requirement"] == {"personalNumber": TOLVAN}
    visible = base64.b64decode(body["userVisibleData"]).decode()
    sub.refresh_from_db()
    assert f"Kontrollsumma (SHA-256): {signing.content_hash(sub)}" in visible
    assert base64.b64decode(body["userNonVisibleData"]).hex() == text_hash(visible)
    qr_path = waiting.text.split('<img src="')[1].split('"')[0]
    assert citizen.get(qr_path)["Content-Type"] == "image/svg+xml"
    # "Jag har skrivit under – fortsätt": pending twice (RFA1, RFA9), then complete.
    first = citizen.get(url("sign", sub) + "?klar=1")
    assert first.status_code == 200 and "Starta BankID-appen." in first.text
    second = citizen.get(url("sign", sub) + "?klar=1")
    assert "säkerhetskod" in second.text
    assert not Case.objects.exists()
    done = citizen.get(url("sign", sub) + "?klar=1")
    assert done.status_code == 302 and done["Location"] == url("receipt", sub)
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and Case.objects.count() == 1
    signature = Signature.objects.get(submission=sub)
    assert signature.method == "bankid" and signature.civic_number == TOLVAN
    assert signature.loa == "http://id.elegnamnden.se/loa/1.0/loa3"
    assert signature.content_hash == sub.content_hash


def test_bankid_cancel_by_user_leaves_the_draft_unsigned(org_factory, simulator):
    citizen = Client()
    citizen_login(citizen, 0)
    sub, _loc = start(citizen, make_eservice(org_factory(), signing="single"))
    fill_kontakt(citizen, sub)
    citizen.post(url("sign", sub))
    # A second order for the same person makes BankID cancel the first one (RFA3).
    other = Client()
    citizen_login(other, 0)
    sub2, _loc = start(other, make_eservice(org_factory(), signing="single"))
    fill_kontakt(other, sub2)
    other.post(url("sign", sub2))
    response = citizen.get(url("sign", sub) + "?klar=1")
    assert response.status_code == 400
    assert "Åtgärden avbröts. Försök igen." in response.text
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.DRAFT and not Signature.objects.exists()
