"""An e-service's start page in a real browser (Playwright + Chromium, DEMO_MODE): in English the
catalogue and start page show the English name, a Swedish-only description is marked
lang="sv"; with optional login the visitor chooses between starting anonymously and logging in
with e-legitimation first (then the form is prefilled). axe finds no WCAG 2.1 AA violations."""

from __future__ import annotations

import re

import pytest

from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.eforms.models import Submission
from sambruk.eforms.tests.test_submissions_support import make_eservice

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eservice(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    return make_eservice(
        org,
        slug="kontakta-kommunen",
        name="Kontakta kommunen",
        name_en="Contact the municipality",
        description="Ställ en fråga eller lämna en synpunkt.",
    )


def test_english_start_page_shows_english_name_and_marks_swedish(live_server, browser, eservice):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/e-tjanster/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Contact the municipality").click()
    page.wait_for_url(re.compile(r".*/e-tjanster/sandviken/kontakta-kommunen/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Contact the municipality"
    description = page.locator(".eservice-description")
    assert description.get_attribute("lang") == "sv"
    assert "Ställ en fråga" in description.inner_text()
    assert axe_violations(page) == []
    context.close()


def test_optional_login_offers_both_and_login_prefills(live_server, browser, eservice):
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(base + "/e-tjanster/sandviken/kontakta-kommunen/")
    assert page.get_by_role("button", name="Starta utan inloggning").is_visible()
    login = page.get_by_role("link", name="Logga in med e-legitimation och starta")
    assert login.is_visible()
    assert axe_violations(page) == []
    login.click()
    page.wait_for_url(re.compile(r".*/konto/e-legitimation/.*"))
    if "/test/" not in page.url:
        page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile("^Tolvan Tolvansson")).check()
    page.get_by_role("button", name="Logga in som testperson").click()
    page.wait_for_url(base + "/e-tjanster/sandviken/kontakta-kommunen/")
    assert page.get_by_role("button", name="Starta utan inloggning").count() == 0
    page.get_by_role("button", name="Starta", exact=True).click()
    page.wait_for_url(re.compile(r".*/sida/0/$"))
    sub = Submission.objects.get()
    assert sub.user is not None and sub.data["personnummer"] == "191212121212"
    assert "Tolvan Tolvansson" in page.content()
    context.close()
