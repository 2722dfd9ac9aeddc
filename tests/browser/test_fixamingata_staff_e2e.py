"""FixaMinGata staff side in a real browser: a Sandviken caseworker opens a Felanmälan case in
the workspace, chooses a response template in the FixaMinGata panel (htmx fills in the text),
publishes it as the kommun and finds it on the public report page without their name. axe
on the panel and its reply form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sambruk.cases.tests.factories import caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.fixamingata import services
from sambruk.fixamingata.casesetup import ensure_case_setup
from sambruk.fixamingata.models import Report, ReportState, ResponseTemplate
from sambruk.fixamingata.tests.factories import SANDVIKEN
from sambruk.fixamingata.tests.factories import world as make_world

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"
STAFF_NAME = "Gun Gata"


@pytest.fixture
def fmg(settings, tmp_path, live_server):
    from django.core.cache import cache

    from sambruk.fixamingata import routing

    cache.clear()
    routing.clear_cache()
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FIXAMINGATA_TILE_URL = ""  # no tiles offline
    w = make_world()
    _case_type, queue = ensure_case_setup(w.sandviken)
    worker = caseworker(
        w.sandviken, queues=[queue], email="gata@sandviken.example.se", full_name=STAFF_NAME
    )
    DemoDevice.objects.create(user=worker, name="Demo", confirmed=True)
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
    w.template = ResponseTemplate.objects.create(
        body=w.sandviken_body,
        title="Lampan bytt",
        text="Tack! Vi har bytt lampan i gatlyktan.",
        state=ReportState.FIXED,
    )
    yield w
    cache.clear()
    routing.clear_cache()


def test_public_reply_with_template_as_the_kommun(live_server, page, fmg):
    base = live_server.url
    report = fmg.report
    page.goto(base + "/konto/logga-in/?next=/arenden/")
    page.get_by_label("E-postadress").fill("gata@sandviken.example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/arenden/")

    page.goto(f"{base}/arenden/{report.case_id}/")
    panel = page.locator("#fmg-panel")
    expect(panel.get_by_role("heading", name="FixaMinGata")).to_be_visible()
    expect(panel.locator('[data-field="fmg-state"]')).to_have_text("Öppen")
    assert axe_violations(page) == []

    panel.get_by_role("link", name="Svara offentligt").click()
    form = page.locator("#fmg-action-form")
    expect(form.get_by_role("heading", name="Svara offentligt")).to_be_visible()
    # htmx wires up swapped-in elements when it settles (~20 ms later, longer under load): a
    # change before that would go unnoticed, as no person could be that fast.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")
    form.get_by_label("Svarsmall").select_option(label="Lampan bytt")
    # htmx fetches the form again with the template's text and state.
    expect(page.locator("#fmg-action-form").get_by_label("Svar (visas offentligt)")).to_have_value(
        "Tack! Vi har bytt lampan i gatlyktan."
    )
    form = page.locator("#fmg-action-form")
    expect(form.get_by_label("Ny offentlig status")).to_have_value("fixed")
    form.get_by_label("Publicera som kommunen (utan mitt namn)").check()
    assert axe_violations(page) == []
    form.get_by_role("button", name="Publicera svaret").click()

    # Back on the case page (HX-Redirect) with the new public state.
    page.wait_for_selector("text=Svaret är publicerat på FixaMinGata.")
    expect(page.locator('#fmg-panel [data-field="fmg-state"]')).to_have_text("Åtgärdad")

    page.locator('#fmg-panel [data-field="fmg-public-link"]').click()
    page.wait_for_url(f"{base}/fixamingata/rapport/{report.pk}/")
    timeline = page.locator("main")
    expect(timeline).to_contain_text("Tack! Vi har bytt lampan i gatlyktan.")
    expect(timeline).to_contain_text("Sandvikens kommun")
    assert STAFF_NAME not in timeline.inner_text()
    stored = Report.objects.get(pk=report.pk)
    assert stored.state == ReportState.FIXED
    assert stored.updates.get().posted_as_body
