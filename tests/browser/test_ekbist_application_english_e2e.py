"""The e-application in English in a real browser (Playwright + Chromium, DEMO_MODE): an
applicant whose browser asks for English fills in the housing page in English; axe finds no
WCAG 2.1 AA violations on it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.services.application import publish_eservice
from sambruk.ekbist.tests.application_support import PAGES, TOLVAN, citizen_login, page_url, start

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_housing_page_in_english_is_accessible(live_server, browser, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    eservice = publish_eservice(OrganisationFactory(name="Sandvikens kommun", slug="sandviken"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    citizen_login(client, TOLVAN)
    sub, _loc = start(client, eservice)
    assert sub.language == "en"

    context = browser.new_context(locale="en-GB")
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + page_url(sub, PAGES["boende"]))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Housing"
    page.get_by_label("Rented apartment, first-hand contract (förstahandskontrakt)").check()
    page.get_by_label("Number of rooms").fill("3")
    page.get_by_label("Landlord").fill("Sandvikenhus AB")
    page.get_by_label("Rent or fee per month").fill("7800")
    assert page.get_by_text("Hur bor du?").count() == 0
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("^Next$")).click()
    page.wait_for_url(re.compile(r".*/sida/3/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Occupation"
    context.close()
