"""A caseworker logs in with password and second factor in a real browser; pages pass axe."""

from __future__ import annotations

import pytest

from sambruk.core.accounts.models import DemoDevice, Membership
from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.organisations.tests.factories import OrganisationFactory

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def auditor(settings):
    settings.DEMO_MODE = True
    user = UserFactory(email="granskare@example.se", full_name="Greta Granskare")
    Membership.objects.create(user=user, organisation=OrganisationFactory(), role="auditor")
    DemoDevice.objects.create(user=user, name="Demo", confirmed=True)
    return user


def test_login_two_steps_and_start_page(live_server, page, auditor):
    page.goto(live_server.url + "/konto/logga-in/")
    assert axe_violations(page) == []
    # Errors are summarised and linked to the field.
    page.get_by_role("button", name="Fortsätt").click()
    assert page.get_by_role("alert").is_visible()
    assert "Ange din e-postadress" in page.content()
    assert axe_violations(page) == []

    page.get_by_label("E-postadress").fill("granskare@example.se")
    page.get_by_label("Lösenord").fill("Lösenord-för-test-1")
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Välkommen, Greta").is_visible()
    assert page.get_by_role("link", name="Logguppföljning").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Logguppföljning").click()
    page.get_by_label("Personnummer eller samordningsnummer").fill("19121212-1212")
    page.get_by_role("button", name="Visa logg").click()
    assert "19121212-****" in page.content()
    assert axe_violations(page) == []


def test_skip_link_and_language_switch(live_server, page, db):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Hoppa till huvudinnehållet" in focused
    page.get_by_role("button", name="In English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").first.is_visible()
    assert axe_violations(page) == []
