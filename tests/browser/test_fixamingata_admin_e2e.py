"""FixaMinGata settings and moderation in a real browser: the Sandviken administrator adds a
category, hides a report with a reason and puts an address on the abuse list; axe on the
settings page, the category form, the moderation list, a report's moderation page and the
abuse list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sambruk.cases.tests.factories import caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.fixamingata import services
from sambruk.fixamingata.models import AbuseEntry, Category, Report
from sambruk.fixamingata.tests.factories import SANDVIKEN
from sambruk.fixamingata.tests.factories import world as make_world

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"


@pytest.fixture
def fmg(settings, tmp_path, live_server):
    from django.core.cache import cache

    from sambruk.fixamingata import routing

    cache.clear()
    routing.clear_cache()
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FIXAMINGATA_TILE_URL = ""
    w = make_world()
    admin = caseworker(w.sandviken, role="org_admin", email="admin@sandviken.example.se")
    DemoDevice.objects.create(user=admin, name="Demo", confirmed=True)
    w.report = services.submit_report(
        lat=SANDVIKEN[0],
        lon=SANDVIKEN[1],
        category=w.cat(w.sandviken_body, "Gatubelysning"),
        title="Trasig gatlykta",
        detail="Lyktan vid busshållplatsen är släckt.",
        name="Tolvan Tolvansson",
        email="tolvan@example.se",
        source="staff",
    )
    yield w
    cache.clear()
    routing.clear_cache()


def no_violations(page):
    assert axe_violations(page) == [], page.url


def test_settings_and_moderation(live_server, page, fmg):
    base = live_server.url
    page.goto(base + "/konto/logga-in/?next=/")
    page.get_by_label("E-postadress").fill("admin@sandviken.example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/")

    page.get_by_role("link", name="FixaMinGata: inställningar").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sandvikens kommun")
    no_violations(page)
    page.get_by_role("link", name="Lägg till kategori").click()
    page.get_by_label("Namn").fill("Nedskräpning")
    page.get_by_label("E-post", exact=True).fill("inte-en-adress")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()
    no_violations(page)
    page.get_by_label("E-post", exact=True).fill("renhallning@sandviken.example.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("cell", name="Nedskräpning", exact=True)).to_be_visible()
    assert Category.objects.filter(name="Nedskräpning", active=True).exists()

    page.get_by_role("link", name="Moderering").click()
    expect(page.get_by_role("heading", name="FixaMinGata: moderering")).to_be_visible()
    no_violations(page)
    page.get_by_role("link", name="Trasig gatlykta").click()
    no_violations(page)
    page.get_by_label("Skäl").first.fill("Personuppgifter i texten")
    page.get_by_role("button", name="Dölj rapporten").click()
    expect(page.locator(".messages")).to_contain_text("Rapporten är dold.")
    assert Report.objects.get(pk=fmg.report.pk).hidden

    page.get_by_role("link", name="Missbrukslista och flaggade användare").click()
    page.get_by_label("E-postadress eller domän").fill("troll@example.se")
    page.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_role("cell", name="troll@example.se", exact=True)).to_be_visible()
    assert AbuseEntry.objects.filter(value="troll@example.se").exists()
    no_violations(page)
