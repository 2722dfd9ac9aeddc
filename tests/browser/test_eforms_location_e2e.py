"""The location field's map picker (eforms/location.js) in a real browser: a click on the
map fills latitude/longitude, the arrow keys move the pin, typed coordinates move the pin,
and axe finds no WCAG 2.1 AA violations. Tiles are switched off (no network)."""

from __future__ import annotations

import re

import pytest

from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.eforms.tests.test_submissions_support import make_eservice

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMA = {
    "formatVersion": 1,
    "title": {"sv": "Anmäl en plats"},
    "pages": [
        {
            "title": {"sv": "Platsen"},
            "fields": [
                {
                    "type": "location",
                    "name": "plats",
                    "label": {"sv": "Var är det?"},
                    "required": True,
                    "requireCoordinates": True,
                },
                {"type": "text", "name": "namn", "label": {"sv": "Namn"}},
            ],
        }
    ],
}


@pytest.fixture
def location_service(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FIXAMINGATA_TILE_URL = ""  # no tiles offline
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    return make_eservice(org, schema=SCHEMA, signing="none", login_required=False)


def open_page(page, base, eservice):
    page.goto(f"{base}/e-tjanster/sandviken/{eservice.slug}/")
    page.get_by_role("button", name="Starta").click()
    page.wait_for_url(re.compile(r".*/sida/0/$"))
    page.wait_for_selector(".eforms-map.leaflet-container")


def test_click_and_keyboard_set_the_coordinates(live_server, page, location_service):
    open_page(page, live_server.url, location_service)
    lat = page.get_by_label("Latitud")
    lon = page.get_by_label("Longitud")
    assert lat.input_value() == "" and lon.input_value() == ""
    the_map = page.get_by_role("application", name="Karta för att välja plats")
    assert the_map.is_visible()
    assert axe_violations(page) == []

    the_map.click(position={"x": 120, "y": 90})
    clicked = (float(lat.input_value()), float(lon.input_value()))
    assert 54 < clicked[0] < 71 and 0 < clicked[1] < 35  # around Sweden at zoom 5
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert "Vald plats: latitud" in page.locator(".eforms-map-status").inner_text()

    # Keyboard: focus the map, the pin moves east and north with the arrow keys.
    the_map.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    moved = (float(lat.input_value()), float(lon.input_value()))
    assert moved[0] > clicked[0] and moved[1] > clicked[1]

    # Typed coordinates (the accessible fallback) move the pin.
    lat.fill("60.6167")
    lon.fill("16.7667")
    lon.press("Tab")
    pin = page.evaluate(
        "() => document.querySelector('.leaflet-marker-icon').getAttribute('title')"
    )
    assert pin == "Vald plats"
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile("Till sammanfattningen|Nästa")).click()
    page.wait_for_url(re.compile(r".*/sammanfattning/$"))
    assert "60.6167" in page.content() or "60,6167" in page.content()
