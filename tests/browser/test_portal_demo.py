"""The demo in a real browser (Playwright + Chromium): after ``load_demo`` Tolvan Tolvansson
logs in with the Test-legitimation and Mina sidor lists cases of three modules, a shadow case
with its source and a draft, without WCAG 2.1 AA violations (axe); the draft's link opens the
e-service where he left off."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FIXAMINGATA_RATE_LIMITS = {}
    call_command("load_demo", verbosity=0)


def test_tolvan_follows_the_demo_cases_and_resumes_his_draft(live_server, browser, demo):
    base = live_server.url
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/mina-sidor/")
    page.wait_for_url(re.compile(r".*/konto/e-legitimation/.*"))
    if "/test/" not in page.url:
        page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile("^Tolvan Tolvansson")).check()
    page.get_by_role("button", name="Logga in som testperson").click()
    page.wait_for_url(base + "/mina-sidor/")

    ongoing = page.locator("section[aria-labelledby=open-title]")
    for text in (
        "Kontakta kommunen",
        "Gatlyktan utanför Testgatan 12 är släckt",
        "FixaMinGata",
        "Ansökan om ekonomiskt bistånd",
        "Bygglov för nybyggnad av garage",
        "Från Bygglov (e-Bygglov)",
    ):
        assert ongoing.get_by_text(text).first.is_visible(), text
    assert page.get_by_role("heading", name="Utkast att fortsätta med").is_visible()
    assert axe_violations(page) == []

    # The FixaMinGata report opens as a case.
    ongoing.get_by_role("link", name="Gatlyktan utanför Testgatan 12 är släckt").click()
    page.wait_for_url(re.compile(r".*/mina-sidor/arende/\d+/$"))
    assert page.get_by_role("heading", name="Gatlyktan utanför Testgatan 12 är släckt").is_visible()
    page.go_back()

    # The draft opens on the page he had begun, with his answer kept.
    drafts = page.locator("section[aria-labelledby=drafts-title]")
    drafts.get_by_role("link", name="Kontakta kommunen").click()
    page.wait_for_url(re.compile(r".*/e-tjanster/.+/sida/1/$"))
    assert page.get_by_text("Vad gäller det?").first.is_visible()
    assert page.locator("[name=omrade]").evaluate_all(
        "els => els.some(e => e.value === 'gata' && (e.tagName === 'SELECT' || e.checked))"
    )
    assert axe_violations(page) == []
    context.close()
