"""E-services end to end in a real browser (Playwright + Debian Chromium, DEMO_MODE):
"Kontakta kommunen" with the keyboard only from the catalogue to the receipt, then the case in
a caseworker's inbox; the two-signer application with an attachment, the co-applicant
signing through the e-mailed link. axe finds no WCAG 2.1 AA violations on the citizen pages."""

from __future__ import annotations

import re

import pytest

from sambruk.cases.models import Case
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.eforms.demo import EXAMPLES, ensure_eservice
from sambruk.eforms.tests.test_submissions_support import PNG

from .conftest import axe_violations
from .test_workspace_e2e import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandviken(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    case_type = CaseTypeFactory(organisation=org, name="Synpunkt")
    queue = QueueFactory(organisation=org, name="Kundtjänst")
    worker = caseworker(org, queues=[queue], email="anna@example.se", full_name="Anna Ek")
    DemoDevice.objects.create(user=worker, name="Demo", confirmed=True)
    services = [ensure_eservice(org, spec, queue=queue, case_type=case_type) for spec in EXAMPLES]
    return {"org": org, "queue": queue, "contact": services[0], "application": services[1]}


def tab_to(page, matches, limit=60):
    """Press Tab until the focused element's text/label matches (keyboard only)."""
    for _i in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return '';
            const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
            return (label + ' ' + (e.innerText || e.value || '')).trim(); }"""
        )
        if re.search(matches, focused):
            return focused
    raise AssertionError(f"Tab never reached {matches!r}")


def test_kontakta_kommunen_keyboard_only_to_case_in_workspace(live_server, browser, sandviken):
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(base + "/")
    tab_to(page, "^E-tjänster för invånare")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/e-tjanster/")
    assert axe_violations(page) == []
    tab_to(page, "^Kontakta kommunen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/kontakta-kommunen/$"))
    assert axe_violations(page) == []
    tab_to(page, "^Starta")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/sida/0/$"))

    # Page 1: an error first (required name left empty), then corrected.
    tab_to(page, "^E-post")
    page.keyboard.type("anna.invanare@example.se")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert axe_violations(page) == []
    tab_to(page, "^Namn")
    page.keyboard.type("Anna Invånare")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/sida/1/$"))
    assert axe_violations(page) == []

    # Page 2: the select by keyboard, the message, then "Till sammanfattningen".
    tab_to(page, "^Vad gäller det")
    page.keyboard.type("Gator")
    tab_to(page, "^Ditt meddelande")
    page.keyboard.type("Gatlyktan vid torget är trasig.")
    tab_to(page, "^Till sammanfattningen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/sammanfattning/$"))
    assert "Gatlyktan vid torget är trasig." in page.content()
    assert axe_violations(page) == []
    tab_to(page, "^Skicka in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/kvittens/$"))
    assert axe_violations(page) == []
    case = Case.objects.get()
    assert case.reference in page.content()
    context.close()

    staff = browser.new_context(locale="sv-SE").new_page()
    log_in(staff, base, "anna@example.se")
    staff.goto(f"{base}/arenden/funktion/{sandviken['queue'].pk}/")
    assert staff.get_by_role("link", name=case.reference).is_visible()


def test_two_signers_with_attachment(live_server, browser, sandviken, running_smtp):  # noqa: F811
    base = live_server.url
    application = sandviken["application"]
    first = browser.new_context(locale="sv-SE").new_page()
    first.goto(f"{base}/e-tjanster/sandviken/{application.slug}/")
    first.get_by_role("link", name="Logga in med e-legitimation och starta").click()
    first.get_by_role("link", name="Välj en testperson").click()
    first.get_by_label(re.compile("^Tolvan Tolvansson")).wait_for()
    assert axe_violations(first) == []  # the Test-legitimation page
    first.get_by_label(re.compile("^Tolvan Tolvansson")).check()
    first.get_by_role("button", name="Logga in som testperson").click()
    first.get_by_role("button", name="Starta").click()
    first.wait_for_url(re.compile(r".*/sida/0/$"))
    assert first.get_by_label("Personnummer").input_value().replace("-", "").endswith("1212121212")
    first.get_by_label("E-post").fill("tolvan@example.se")
    first.get_by_label("Bostadens adress").fill("Testgatan 12, Sandviken")
    first.get_by_role("button", name="Nästa").click()
    first.wait_for_url(re.compile(r".*/sida/1/$"))
    first.get_by_label("Namn").first.fill("Tolvan Tolvansson")
    first.get_by_role("button", name="Nästa").click()
    first.wait_for_url(re.compile(r".*/sida/2/$"))
    first.get_by_label("Vilken anpassning söker du för?").fill("Ramp vid entrén.")
    first.get_by_label("Intyg från arbetsterapeut").set_input_files(
        {"name": "intyg.png", "mimeType": "image/png", "buffer": PNG}
    )
    assert axe_violations(first) == []
    first.get_by_role("button", name="Nästa").click()
    first.wait_for_url(re.compile(r".*/sida/3/$"))
    first.get_by_label("Medsökandes namn").fill("Testa Påhittadsson")
    first.get_by_role("button", name="Till sammanfattningen").click()
    first.wait_for_url(re.compile(r".*/sammanfattning/$"))
    assert "intyg.png" in first.content()
    assert axe_violations(first) == []
    first.get_by_role("button", name="Skriv under med e-legitimation").click()
    first.get_by_label("Medsökandes e-postadress").wait_for()
    assert axe_violations(first) == []  # the invite form
    first.get_by_label("Medsökandes e-postadress").fill("testa@example.se")
    first.get_by_role("button", name="Skicka inbjudan").click()
    first.wait_for_selector("text=Inbjudan är skickad")
    assert axe_violations(first) == []

    [mail] = running_smtp.wait_for(1)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(/e-tjanster/medsokande/[^/\s]+/)", body).group(1)
    second = browser.new_context(locale="sv-SE").new_page()
    second.goto(base + link)
    second.get_by_role("link", name="Välj en testperson").click()
    second.get_by_label(re.compile("^Testa Påhittadsson")).check()
    second.get_by_role("button", name="Logga in som testperson").click()
    second.wait_for_selector("text=Ramp vid entrén.")
    assert axe_violations(second) == []
    second.get_by_role("button", name="Skriv under med e-legitimation").click()
    second.wait_for_selector("text=underskriven av båda")
    assert axe_violations(second) == []  # the co-applicant's signed-by-both page
    # The link used again: the 410 invitation error page.
    again = second.goto(base + link)
    assert again.status == 410 and "redan underskriven" in second.content()
    assert axe_violations(second) == []

    case = Case.objects.get()
    assert case.queue_id == sandviken["queue"].pk
    assert list(case.attachments.values_list("original_name", flat=True)) == ["intyg.png"]
    assert case.contacts.count() == 2

    # The case in the workspace as staff, with the signatures on the "Formulär" tab.
    staff = browser.new_context(locale="sv-SE").new_page()
    log_in(staff, base, "anna@example.se")
    staff.goto(f"{base}/arenden/funktion/{sandviken['queue'].pk}/")
    staff.get_by_role("link", name=case.reference).click()
    staff.wait_for_url(re.compile(rf".*/arenden/{case.pk}/.*"))
    staff.get_by_role("link", name="Formulär").click()
    staff.wait_for_selector("table.signatures")
    assert staff.locator("table.signatures tbody tr").count() == 2
    assert "Medsökande" in staff.locator("table.signatures").inner_text()
    assert "Ramp vid entrén." in staff.content()
