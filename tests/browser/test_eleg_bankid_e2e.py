"""BankID waiting pages in a real browser (Playwright + Debian Chromium) against the BankID RP
API v6 simulator (tests/bankid_simulator.py, one step per collect): the animated QR code is
reloaded every second, the status is polled every 2 s and its message follows the order
(RFA1 → RFA9), and the page moves on by itself when the order is complete — for the citizen
login (htmx polling) and for signing an e-service (JSON polling, then the signature and the
case). A cancelled order shows BankID's message. axe finds no WCAG 2.1 AA violations."""

from __future__ import annotations

import re

import pytest

from sambruk.cases.models import Case
from sambruk.core.accounts.models import User
from sambruk.eforms.models import Signature, SubmissionStatus
from sambruk.eforms.tests.factories import EServiceFactory
from tests.bankid_simulator import TOLVAN, USER_CANCELS, Simulator

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RFA1 = "Starta BankID-appen."
RFA9 = "Skriv in din säkerhetskod i BankID-appen"


@pytest.fixture
def simulator(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    sim = Simulator().start()
    settings.BANKID_BASE_URL = sim.base_url
    yield sim
    sim.stop()


# Every text the status region shows, kept across the navigation that follows completion.
RECORD_STATUS = """
new MutationObserver(() => {
  const el = document.getElementById("bankid-message");
  const text = el ? el.textContent.trim() : "";
  const seen = JSON.parse(sessionStorage.getItem("bankid-seen") || "[]");
  if (text && seen[seen.length - 1] !== text) {
    seen.push(text);
    sessionStorage.setItem("bankid-seen", JSON.stringify(seen));
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def new_page(browser):
    context = browser.new_context(locale="sv-SE")
    context.add_init_script(RECORD_STATUS)
    return context.new_page()


def seen_statuses(page) -> list[str]:
    return page.evaluate("JSON.parse(sessionStorage.getItem('bankid-seen') || '[]')")


def qr_frames(page, count=2) -> list[str]:
    """``count`` successive ``src`` values of the QR image, each one loaded (an SVG)."""
    frames = []
    for _i in range(count):
        handle = page.wait_for_function(
            """(previous) => { const i = document.querySelector("img[data-bankid-qr]");
               return i && i.getAttribute("src") !== previous && i.complete
                 && i.naturalWidth > 0 && i.getAttribute("src"); }""",
            arg=frames[-1] if frames else None,
            timeout=10_000,
        )
        frames.append(handle.json_value())
    return frames


def test_login_wait_page_animates_qr_polls_and_logs_in(live_server, browser, simulator, settings):
    settings.BANKID_LOGIN = True
    base = live_server.url
    page = new_page(browser)
    page.goto(base + "/konto/e-legitimation/?next=/e-tjanster/")
    page.get_by_role("link", name="Logga in med BankID").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Starta BankID").click()
    page.wait_for_url(base + "/konto/e-legitimation/bankid/vantar/")
    status = page.get_by_role("status").filter(has_text=re.compile("BankID"))
    assert RFA1 in status.inner_text()
    assert (
        page.get_by_role("link", name="Öppna BankID på den här enheten")
        .get_attribute("href")
        .startswith("bankid:///?autostarttoken=")
    )
    assert axe_violations(page) == []
    frames = qr_frames(page, 2)
    assert frames[0] != frames[1]  # a new QR code every second (animated)
    # htmx collects every 2 s: pending RFA1, then RFA9 (userSign), then complete → next.
    page.wait_for_url(base + "/e-tjanster/", timeout=30_000)
    seen = seen_statuses(page)
    assert RFA1 in seen[0] and any(RFA9 in text for text in seen[1:]), seen
    user = User.objects.get(civic_number=TOLVAN)
    page.goto(base + "/konto/e-legitimation/inloggning/")
    assert page.get_by_text(user.full_name).first.is_visible()
    paths = [p for p, _b in simulator.requests]
    assert paths.count("/rp/v6.0/auth") == 1 and paths.count("/rp/v6.0/collect") == 3


def test_login_cancel_returns_to_start(live_server, browser, simulator, settings):
    settings.BANKID_LOGIN = True
    base = live_server.url
    page = new_page(browser)
    page.goto(base + "/konto/e-legitimation/bankid/?next=/e-tjanster/")
    page.get_by_role("button", name="Starta BankID").click()
    page.wait_for_url(base + "/konto/e-legitimation/bankid/vantar/")
    page.get_by_role("button", name="Avbryt").click()
    page.wait_for_load_state()
    assert "/rp/v6.0/cancel" in [p for p, _b in simulator.requests]
    assert "vantar" not in page.url
    assert axe_violations(page) == []


@pytest.fixture
def bankid_eservice(settings, simulator, org_factory):
    settings.DEMO_MODE = True  # the citizen logs in with the Test-legitimation
    settings.ELEG_SIGNER = "bankid"
    org = org_factory(name="Sandvikens kommun", slug="sandviken")
    return EServiceFactory(
        form_version__definition__organisation=org,
        organisation=org,
        slug="kontakt-bankid",
        name="Kontakta kommunen (BankID)",
        login_required=True,
        signing="single",
    )


def fill_and_sign(page, base, eservice, person):
    page.goto(f"{base}/e-tjanster/sandviken/{eservice.slug}/")
    page.get_by_role("link", name="Logga in med e-legitimation och starta").click()
    page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile(f"^{person}")).check()
    page.get_by_role("button", name="Logga in som testperson").click()
    page.get_by_role("button", name="Starta").click()
    page.wait_for_url(re.compile(r".*/sida/0/$"))
    page.get_by_label("Namn").fill(person)
    page.get_by_label("Din fråga").fill("När töms soptunnorna på Storgatan?")
    page.get_by_role("button", name="Till sammanfattningen").click()
    page.wait_for_url(re.compile(r".*/sammanfattning/$"))
    page.get_by_role("button", name="Skriv under med e-legitimation").click()
    page.get_by_role("heading", name="Skriv under med BankID").wait_for()


def test_sign_wait_page_animates_qr_polls_then_submits(live_server, browser, bankid_eservice):
    base = live_server.url
    page = new_page(browser)
    fill_and_sign(page, base, bankid_eservice, "Tolvan Tolvansson")
    status = page.locator("#bankid-message")
    assert status.get_attribute("role") == "status"
    assert RFA1 in status.inner_text()
    assert axe_violations(page) == []
    frames = qr_frames(page, 2)
    assert frames[0] != frames[1]
    # JSON status every 2 s: RFA9 (userSign), then complete → the page continues by itself.
    page.wait_for_url(re.compile(r".*/kvittens/$"), timeout=30_000)
    seen = seen_statuses(page)
    assert RFA1 in seen[0] and any(RFA9 in text for text in seen[1:]), seen
    assert axe_violations(page) == []
    signature = Signature.objects.get()
    assert signature.method == "bankid" and signature.civic_number == TOLVAN
    case = Case.objects.get()
    assert case.reference in page.content()
    assert signature.submission.status == SubmissionStatus.SUBMITTED


def test_sign_cancelled_in_the_app_shows_the_message(
    live_server, browser, bankid_eservice, simulator
):
    base = live_server.url
    page = new_page(browser)
    fill_and_sign(page, base, bankid_eservice, "Testa Påhittadsson")  # USER_CANCELS
    page.get_by_role("status").get_by_text("Åtgärden avbröts.").wait_for(timeout=15_000)
    assert not page.get_by_role("img", name="QR-kod att skanna med BankID-appen").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Jag har skrivit under – fortsätt").click()
    page.wait_for_url(re.compile(r".*/underskrift/\?klar=1$"))
    assert page.get_by_text(re.compile("Underskriften|avbröts")).first.is_visible()
    assert not Case.objects.exists() and not Signature.objects.exists()
    [(_path, body)] = [(p, b) for p, b in simulator.requests if p == "/rp/v6.0/sign"]
    assert body["requirement"] == {"personalNumber": USER_CANCELS}
