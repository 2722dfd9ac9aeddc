"""FixaMinGata end to end in a real browser: a citizen finds Sandviken, places a pin, picks a
category, fills in the report with a photo and submits; the confirmation e-mail arrives at a
real SMTP server on loopback; the link from the mail confirms the report; a Sandviken
caseworker logs in and finds the report as a case in the workspace. axe on every public page.
Map tiles are switched off (empty tile URL), so nothing reaches the network."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from sambruk.cases.tests.factories import caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.notifications.tests.conftest import (  # noqa: F401
    running_smtp,
    smtp_server,
)
from sambruk.fixamingata.casesetup import ensure_case_setup
from sambruk.fixamingata.models import Report, ReportState
from sambruk.fixamingata.tests.factories import world as make_world

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"


@pytest.fixture
def fmg(settings, tmp_path, live_server):
    from django.core.cache import cache

    cache.clear()
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FIXAMINGATA_TILE_URL = ""  # no tiles offline
    settings.FIXAMINGATA_GEOCODER_URL = ""  # place search by kommun and street names
    w = make_world()
    _case_type, queue = ensure_case_setup(w.sandviken)
    worker = caseworker(
        w.sandviken, queues=[queue], email="gata@sandviken.example.se", full_name="Gun Gata"
    )
    DemoDevice.objects.create(user=worker, name="Demo", confirmed=True)
    yield w
    cache.clear()


def photo_with_gps(path) -> str:
    image = Image.new("RGB", (320, 240), (180, 40, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (60.0, 37.0, 0.0), 3: "E", 4: (16.0, 46.0, 0.0)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    path.write_bytes(buf.getvalue())
    return str(path)


def confirm_link(smtp, to) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in smtp.messages:
            if message["To"] == to:
                text = message.get_body(preferencelist=("plain",)).get_content()
                found = re.search(r"http://\S+/fixamingata/bekrafta/[\w-]+/", text)
                if found:
                    return found.group(0)
        time.sleep(0.05)
    raise AssertionError("no confirmation mail")


def test_report_from_pin_to_case_in_the_workspace(
    live_server,
    browser,
    fmg,
    running_smtp,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    base = live_server.url
    context = browser.new_context(locale="sv-SE", service_workers="block")
    page = context.new_page()
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # Start page: search for the kommun (no geocoder: our own search), the pin is placed.
    page.goto(base + "/fixamingata/")
    page.wait_for_selector("#fmg-map.leaflet-container")
    assert axe_violations(page) == []
    page.get_by_label("Sök plats: kommun eller gata").fill("Sandviken")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("button", name="Sandvikens kommun").click()
    page.get_by_role("link", name="Rapportera ett fel här").click()

    # Report form: the place is known; moving the pin by clicking the map asks for the
    # categories at the new point (JSON) and fills the hidden fields.
    page.wait_for_url("**/fixamingata/rapportera/?lat=*")
    assert page.locator("#fmg-location").inner_text() == "Platsen ligger i Sandvikens kommun."
    page.wait_for_selector("#fmg-map.leaflet-container")
    lat_before = page.locator('#fmg-report-form input[name="lat"]').input_value()
    page.locator("#fmg-map").click(position={"x": 60, "y": 60})
    page.wait_for_function(
        "v => document.querySelector('#fmg-report-form input[name=lat]').value !== v",
        arg=lat_before,
    )
    expect(page.locator("#fmg-location")).to_have_text("Platsen ligger i Sandvikens kommun.")
    assert "Inga öppna rapporter i närheten." in page.locator("#fmg-nearby").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("combobox", name="Kategori", exact=True).select_option(label="Gatubelysning")
    page.get_by_role("textbox", name="Rubrik", exact=True).fill("Släckt gatlykta vid skolan")
    page.get_by_label("Beskrivning").fill("Lyktan vid övergångsstället är släckt sedan i måndags.")
    page.get_by_label("Bild 1").set_input_files(photo_with_gps(tmp_path / "lykta.jpg"))
    page.get_by_role("textbox", name="Namn", exact=True).fill("Åsa Öberg")
    page.get_by_role("textbox", name="E-postadress").fill("asa@example.se")
    page.get_by_label("Telefon").fill("070-123 45 67")
    page.get_by_label("Visa mitt namn offentligt").check()
    page.get_by_role("button", name="Skicka rapporten").click()

    page.get_by_role("heading", name="Kolla din e-post").wait_for()
    report = Report.objects.get()
    assert report.state == ReportState.UNCONFIRMED and report.kommun == fmg.sandviken
    assert report.photos.count() == 1

    # The link from the e-mail, received by the SMTP server on loopback, confirms it.
    page.goto(confirm_link(running_smtp, "asa@example.se"))
    page.get_by_role("heading", name="Släckt gatlykta vid skolan").wait_for()
    assert "Din rapport är bekräftad" in page.content()
    assert page.locator('[data-field="state"]').inner_text() == "Öppen"
    assert page.get_by_text("Bekräftad", exact=True).is_visible()
    assert page.locator(".fmg-photo-list img").evaluate("img => img.naturalWidth") == 320
    assert axe_violations(page) == []

    page.goto(base + "/fixamingata/rapporter/")
    page.wait_for_selector("#fmg-map .leaflet-interactive")  # the pin from /pins/
    assert page.get_by_role("link", name="Släckt gatlykta vid skolan").is_visible()
    assert axe_violations(page) == []
    assert csp_errors == []
    context.close()

    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED and report.case is not None

    # The caseworker of Sandviken finds the report as a case in the FixaMinGata queue.
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(base + "/konto/logga-in/?next=/arenden/")
    page.get_by_label("E-postadress").fill("gata@sandviken.example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/arenden/")
    page.get_by_role("link", name="FixaMinGata").first.click()
    page.get_by_role("link", name=report.case.reference).click()
    heading = f"{report.case.reference}: Släckt gatlykta vid skolan"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert "Gatubelysning" in page.content()
    context.close()
