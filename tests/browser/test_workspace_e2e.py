"""End to end in a real browser: a caseworker picks a case from the inbox, adds a note and
sends it to another queue; a second caseworker takes it, resolves and closes it."""

from __future__ import annotations

import pytest

from sambruk.cases.models import Case, CaseState
from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"


@pytest.fixture
def office(settings):
    settings.DEMO_MODE = True
    org = OrganisationFactory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org, name="Felanmälan", resolutions=["Åtgärdat"])
    case_type.resolution_required = True
    case_type.save()
    contact = QueueFactory(organisation=org, name="Kontaktcenter", default_case_type=case_type)
    streets = QueueFactory(organisation=org, name="Gata och park")
    anna = caseworker(org, queues=[contact], email="anna@example.se", full_name="Anna Ek")
    bo = caseworker(org, queues=[streets], email="bo@example.se", full_name="Bo Al")
    for user in (anna, bo):
        DemoDevice.objects.create(user=user, name="Demo", confirmed=True)
    case = CaseFactory(queue=contact, actor=bo, case_type=case_type, title="Trasig gatlykta")
    CaseFactory(queue=contact, actor=bo, case_type=case_type, title="Klotter på skolan")
    return {"case": case, "contact": contact, "streets": streets}


def log_in(page, base, email):
    page.goto(base + "/konto/logga-in/?next=/arenden/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/arenden/")


def test_pick_note_send_then_resolve_and_close(live_server, browser, office):
    base = live_server.url
    case = office["case"]

    # Caseworker 1: inbox → case → take it → note → send to Gata och park.
    csp_errors = []
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, base, "anna@example.se")
    page.on(  # from here on: the workspace's own pages
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.get_by_role("link", name="Kontaktcenter").click()
    assert page.get_by_role("heading", name="Inkorg: Kontaktcenter").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=case.reference).click()
    assert page.get_by_role("heading", name=f"{case.reference}: Trasig gatlykta").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Ta ärendet").click()
    page.wait_for_selector('[data-action="unassign"]')
    assert "Anna Ek" in page.locator('[data-field="assignee"]').inner_text()

    page.get_by_role("link", name="Lägg till anteckning").click()
    page.get_by_role("textbox", name="Anteckning").fill(
        "Lyktan vid torget är trasig, gatukontoret tar det."
    )
    page.get_by_role("button", name="Lägg till anteckning").click()
    page.wait_for_selector("text=Klart: Lägg till anteckning.")

    page.get_by_role("link", name="Logg").click()
    page.wait_for_selector("text=Lyktan vid torget är trasig")
    assert "?tab=logg" in page.url

    page.get_by_role("link", name="Skicka till funktion").click()
    page.get_by_role("combobox", name="Funktion").select_option(label="Gata och park")
    page.get_by_role("button", name="Skicka till funktion").click()
    page.wait_for_selector("text=Klart: Skicka till funktion.")
    assert csp_errors == []  # no inline script or style anywhere on the way
    context.close()

    case.refresh_from_db()
    assert case.queue == office["streets"] and case.assignee is None

    # Caseworker 2: inbox of Gata och park → take it → close with a resolution.
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, base, "bo@example.se")
    page.get_by_role("link", name="Gata och park").click()
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Ta ärendet").click()
    page.wait_for_selector('[data-action="unassign"]')

    page.get_by_role("link", name="Avsluta").click()
    page.get_by_role("button", name="Avsluta").click()  # no resolution yet: refused
    page.get_by_role("alert").wait_for()
    assert "Utfall" in page.get_by_role("alert").inner_text()
    page.get_by_role("combobox", name="Utfall").select_option(label="Åtgärdat")
    page.get_by_role("button", name="Avsluta").click()
    page.wait_for_selector("text=Klart: Avsluta.")
    assert page.locator('[data-field="status"]').inner_text().startswith("Avslutad")
    assert page.locator('[data-field="resolution"]').inner_text() == "Åtgärdat"
    assert page.locator('[data-action="reopen"]').is_visible()
    assert axe_violations(page) == []
    context.close()

    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.CLOSED
    assert case.resolution.name == "Åtgärdat"
    assert case.assignee.email == "bo@example.se"
    assert case.log.filter(kind="note", text__startswith="Lyktan vid torget").exists()


def test_keyboard_shortcuts(live_server, page, office):
    base = live_server.url
    log_in(page, base, "anna@example.se")
    page.goto(base + f"/arenden/funktion/{office['contact'].pk}/")
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == office["case"].reference
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/arenden/{office['case'].pk}/")
    page.keyboard.press("a")
    page.wait_for_selector('[data-action="unassign"]')
    page.keyboard.press("g")
    page.keyboard.press("m")
    page.wait_for_url("**/arenden/mina/")
    assert office["case"].reference in page.content()
    page.keyboard.press("?")
    page.wait_for_url("**/arenden/hjalp/")
    assert axe_violations(page) == []
