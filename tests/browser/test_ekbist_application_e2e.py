"""Ansökan om ekonomiskt bistånd end to end in a real browser (Playwright + Chromium, DEMO_MODE):
Tolvan applies with medsökande Testa and a child, fetches her own data through Självservice
(the SSBTEK simulator over HTTP), reviews it, is stopped by the missing hyresavi, signs with
the demo signer; Testa signs through the e-mailed link; the caseworker sees the application
with each fetched value's provenance. axe finds no WCAG 2.1 AA violations on the pages."""

from __future__ import annotations

import re

import pytest

from sambruk.core.accounts.tests.factories import MembershipFactory
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.eforms.tests.test_submissions_support import PNG
from sambruk.ekbist.models import Application, FetchedValue
from sambruk.ekbist.services.application import publish_eservice
from sambruk.ekbist.tests.application_support import ssbtek_sim  # noqa: F401

from .conftest import axe_violations
from .test_workspace_e2e import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandviken(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    return {"org": org, "eservice": publish_eservice(org)}


def _next(page, step: int):
    page.get_by_role("button", name=re.compile("^(Nästa|Till sammanfattningen)$")).click()
    page.wait_for_url(re.compile(rf".*/sida/{step}/$"))


def _group(page, name: str):
    return page.get_by_role("group", name=re.compile(name))


def _log_in_citizen(page, name: str):
    page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile(f"^{name}")).check()
    page.get_by_role("button", name="Logga in som testperson").click()


def test_couple_applies_with_selfservice_and_two_signers(
    live_server,
    browser,
    sandviken,
    running_smtp,  # noqa: F811
    ssbtek_sim,  # noqa: F811
):
    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    page.goto(f"{base}/e-tjanster/sandviken/ekonomiskt-bistand/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Logga in med e-legitimation och starta").click()
    _log_in_citizen(page, "Tolvan Tolvansson")
    page.get_by_role("button", name="Starta").click()
    page.wait_for_url(re.compile(r".*/sida/0/$"))
    assert page.get_by_text("Du har skyddade personuppgifter (skyddad").is_hidden()
    assert _group(page, "Vad gäller ansökan").get_by_label(re.compile("^Nyansökan")).is_checked()
    page.get_by_label("Din e-postadress").fill("tolvan@example.se")
    assert axe_violations(page) == []
    _next(page, 1)

    # The household: medsökande and one child.
    page.get_by_role("button", name="Lägg till rad i Person i hushållet").click()
    page.wait_for_selector("fieldset.eforms-row")
    _group(page, "Söker du tillsammans").get_by_label("Ja").check()
    page.get_by_label("Medsökandes namn").fill("Testa Påhittadsson")
    page.get_by_label("Medsökandes personnummer").fill("198112189876")
    row = page.locator("fieldset.eforms-row").first
    row.get_by_label("Namn").fill("Lilla Tolvansson")
    row.get_by_label("Barn eller ungdom").check()
    row.get_by_label("Födelsedatum").fill("2019-05-01")
    row.get_by_label("Bor hos mig hela tiden").check()
    _group(row, "Äter lunch").get_by_label("Ja").check()
    assert axe_violations(page) == []
    _next(page, 2)

    page.get_by_label("Hyresrätt, förstahandskontrakt").check()
    page.get_by_label("Antal rum").fill("3")
    page.get_by_label("Antal personer som bor i bostaden").fill("3")
    page.get_by_label("Hyresvärd").fill("Sandvikenhus AB")
    page.get_by_label("Hyra eller avgift per månad").fill("7800")
    assert axe_violations(page) == []
    _next(page, 3)

    _group(page, "^Du: sysselsättning").get_by_label(re.compile("^Arbetssökande")).check()
    page.get_by_label("Du: din planering hos Arbetsförmedlingen").fill("Söker lagerjobb.")
    _group(page, "^Medsökande: sysselsättning").get_by_label(re.compile("SFI")).check()
    assert axe_violations(page) == []
    _next(page, 4)

    # Självservice: consent, fetch over SSBTEK, review, accept.
    assert axe_violations(page) == []
    _group(page, "Jag samtycker").get_by_label("Ja").check()
    page.get_by_role("button", name="Nästa").click()
    page.wait_for_url(re.compile(r".*/sjalvservice/$"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Hämta mina uppgifter").click()
    page.wait_for_selector("text=hämtat från Försäkringskassan")
    assert "Bostadsbidrag" in page.content() and "8712 kr" in page.content()
    assert axe_violations(page) == []
    page.get_by_label(re.compile("^Barnbidrag")).uncheck()
    page.get_by_role("button", name="Använd valda uppgifter och fortsätt").click()
    page.wait_for_url(re.compile(r".*/sida/5/$"))
    assert page.locator("fieldset.eforms-row").count() == 2
    assert axe_violations(page) == []
    _next(page, 6)

    page.get_by_label("Hyra eller avgift för bostaden").check()
    page.get_by_label("Hushållsel", exact=True).check()
    page.get_by_label("Hushållsel, kronor per månad").fill("450")
    assert axe_violations(page) == []
    _next(page, 7)
    assert axe_violations(page) == []
    _next(page, 8)

    # The hyresavi is required because rent is applied for.
    page.get_by_role("button", name="Nästa").click()
    page.wait_for_selector(".error-summary")
    assert "Hyresavi eller hyreskontrakt" in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Hyresavi eller hyreskontrakt").set_input_files(
        {"name": "hyresavi.png", "mimeType": "image/png", "buffer": PNG}
    )
    _next(page, 9)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Till sammanfattningen").click()
    page.wait_for_url(re.compile(r".*/sammanfattning/$"))
    assert "hyresavi.png" in page.content() and "Sandvikenhus AB" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skriv under med e-legitimation").click()
    page.get_by_label("Medsökandes e-postadress").fill("testa@example.se")
    page.get_by_label(re.compile("^Medsökandes personnummer")).fill("198112189876")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_selector("text=Inbjudan är skickad")
    assert not Application.objects.filter(state="submitted").exists()

    [mail] = running_smtp.wait_for(1)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(/e-tjanster/medsokande/[^/\s]+/)", body).group(1)
    second = browser.new_context(locale="sv-SE").new_page()
    second.goto(base + link)
    _log_in_citizen(second, "Testa Påhittadsson")
    second.wait_for_selector("text=Sandvikenhus AB")
    assert axe_violations(second) == []
    second.get_by_role("button", name="Skriv under med e-legitimation").click()
    second.wait_for_selector("text=underskriven av båda")

    application = Application.objects.get(state="submitted")
    assert application.applicant == "191212121212"
    assert application.co_applicant == "198112189876"
    sources = sorted((i["type"], i["source"]) for i in application.data["incomes"])
    assert sources == [("a_kassa", "SO"), ("bostadsbidrag", "FK")]
    assert application.case.attachments.count() == 1
    assert not FetchedValue.objects.get(field="income:fk:barnbidrag").accepted

    # The caseworker sees the application with the provenance of each fetched value.
    worker = MembershipFactory(
        organisation=sandviken["org"], role="ekbist_caseworker", user__email="siri@example.se"
    ).user
    from sambruk.core.accounts.models import DemoDevice

    worker.set_password(PASSWORD)
    worker.save()
    DemoDevice.objects.create(user=worker, name="Demo", confirmed=True)
    staff = browser.new_context(locale="sv-SE").new_page()
    log_in(staff, base, "siri@example.se")
    staff.goto(f"{base}/ekonomiskt-bistand/ansokningar/{application.pk}/")
    assert staff.get_by_text(re.compile("hämtat från Försäkringskassan")).first.is_visible()
    assert "godkänd och oförändrad" in staff.content()
    assert axe_violations(staff) == []
