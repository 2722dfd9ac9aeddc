"""In a real browser: a caseworker opens "Lägg till kontakt", types a personnummer, clicks
"Hämta uppgifter" (htmx), gets name and address from the register, adds the contact and
sees it on the Kontakter tab. axe finds no WCAG 2.1 AA violations in the form."""

from __future__ import annotations

import pytest

from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.core.persons.models import Person

from .conftest import axe_violations
from .test_workspace_e2e import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lookup_fills_the_form_and_adds_the_person(live_server, browser, settings):
    settings.DEMO_MODE = True
    org = OrganisationFactory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org, name="Felanmälan")
    queue = QueueFactory(organisation=org, name="Kontaktcenter", default_case_type=case_type)
    anna = caseworker(org, queues=[queue], email="anna@example.se", full_name="Anna Ek")
    DemoDevice.objects.create(user=anna, name="Demo", confirmed=True)
    case = CaseFactory(queue=queue, actor=anna, case_type=case_type, title="Trasig gatlykta")
    Person.objects.create(
        civic_number="191212121212",
        given_name="Tolvan",
        family_name="Tolvansson",
        street_address="Storgatan 1",
        postal_code="81130",
        city="Sandviken",
    )

    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    log_in(page, base, "anna@example.se")
    page.goto(f"{base}/arenden/{case.pk}/")
    page.get_by_role("link", name="Lägg till kontakt").click()
    page.get_by_label("Personnummer").fill("19121212-1212")
    page.get_by_role("button", name="Hämta uppgifter").click()
    page.wait_for_selector("text=hämtades från registret")
    assert page.get_by_label("Namn").input_value() == "Tolvan Tolvansson"
    assert page.get_by_label("Adress").input_value() == "Storgatan 1, 81130 Sandviken"
    assert axe_violations(page) == []
    assert AuditEvent.objects.filter(
        object_type="channel.contactlookup", person_civic_number="191212121212"
    ).exists()

    page.get_by_label("Roll").fill("Anmälare")
    page.get_by_role("button", name="Lägg till kontakt").click()
    page.wait_for_selector("text=Klart: Lägg till kontakt.")
    page.get_by_role("link", name="Kontakter").click()
    page.wait_for_selector("text=Tolvan Tolvansson")
    assert case.contacts.get().person.civic_number == "191212121212"
