"""Citizen pages over HTTP: the report flow, the JSON endpoints, bad input, the PWA."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sambruk.core.notifications.models import OutboxMessage
from sambruk.fixamingata import services
from sambruk.fixamingata.models import (
    ConfirmationToken,
    Report,
    ReportPhoto,
    ReportState,
    TokenPurpose,
)

from .citizen_support import MAIL, confirmed_report, form_data, jpeg, link_in_mail
from .factories import ABROAD, GAVLE, ROAD, SANDVIKEN, SEA

pytestmark = pytest.mark.django_db


# --- pages ------------------------------------------------------------------------------
def test_start_page_has_map_config_search_and_manifest(client, world, settings):
    settings.FIXAMINGATA_TILE_URL = "https://tiles.example.se/{z}/{x}/{y}.png"
    confirmed_report(world)
    response = client.get("/fixamingata/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script id="fmg-config" type="application/json">' in html
    assert "https://tiles.example.se/{z}/{x}/{y}.png" in html
    assert 'rel="manifest" href="/fixamingata/manifest.webmanifest"' in html
    assert "Trasig gatlykta" in html  # recent reports
    assert "<script>" not in html  # no inline script (strict CSP)


def test_page_scripts_get_their_strings_from_the_javascript_catalog(client, world):
    html = client.get("/fixamingata/").content.decode()
    catalog = html.index('src="/jsi18n/"')
    assert catalog < html.index("fixamingata/fmg.js")  # both deferred: the catalog runs first
    js = client.get("/jsi18n/")
    assert js.status_code == 200 and "javascript" in js["Content-Type"]
    assert "django.gettext = function" in js.content.decode()


def test_report_form_for_a_point_offers_the_categories_there(client, world):
    response = client.get("/fixamingata/rapportera/", {"lat": SANDVIKEN[0], "lon": SANDVIKEN[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Platsen ligger i Sandvikens kommun." in html
    assert ">Gatubelysning<" in html
    assert f">{ROAD} (Trafikverket)<" in html
    assert "Snöröjning" not in html  # Gävle's category


def test_report_form_without_js_by_kommun_and_by_search(client, world):
    by_kommun = client.get("/fixamingata/rapportera/", {"kommun": "2180"}).content.decode()
    assert "Platsen ligger i Gävle kommun." in by_kommun and "Snöröjning" in by_kommun
    by_search = client.get("/fixamingata/rapportera/", {"q": "sandviken"}).content.decode()
    assert "Platsen ligger i Sandvikens kommun." in by_search
    nothing = client.get("/fixamingata/rapportera/", {"q": "Ingenstansby"}).content.decode()
    assert "Hittade ingen plats som heter så." in nothing


def test_report_form_outside_sweden(client, world):
    html = client.get("/fixamingata/rapportera/", {"lat": SEA[0], "lon": SEA[1]}).content.decode()
    assert "Platsen ligger inte i någon svensk kommun." in html


@MAIL
def test_submit_anonymous_mails_a_link_then_confirm_shows_the_report(client, world, running_smtp):
    data = form_data(world, photo1=jpeg())
    response = client.post("/fixamingata/rapportera/", data)
    assert response.status_code == 302
    assert response["Location"] == "/fixamingata/rapportera/skickad/"
    page = client.get(response["Location"]).content.decode()
    assert "Kolla din e-post" in page and "asa@example.se" in page

    report = Report.objects.get()
    assert report.state == ReportState.UNCONFIRMED and report.photos.count() == 1
    assert client.get(f"/fixamingata/rapport/{report.pk}/").status_code == 404  # not public

    link = link_in_mail(running_smtp, r"http://\S+/fixamingata/bekrafta/[\w-]+/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirmed = client.get("/" + path, follow=True)
    html = confirmed.content.decode()
    assert confirmed.status_code == 200
    assert "Din rapport är bekräftad" in html and "Öppen" in html
    photo = client.get(f"/fixamingata/rapport/{report.pk}/bild/1/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"

    again = client.get("/" + path)
    assert again.status_code == 410
    assert "Länken har redan använts." in again.content.decode()
    assert f"/fixamingata/rapport/{report.pk}/" in again.content.decode()


def test_expired_token_page(client, world):
    client.post("/fixamingata/rapportera/", form_data(world))
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.REPORT)
    token.expires_at = timezone.now() - timedelta(minutes=1)
    token.save()
    response = client.get(f"/fixamingata/bekrafta/{token.token}/")
    assert response.status_code == 410
    assert "Länken har slutat gälla" in response.content.decode()
    assert Report.objects.get().state == ReportState.UNCONFIRMED
    unknown = client.get("/fixamingata/bekrafta/finns-inte/")
    assert unknown.status_code == 404 and "Länken är ogiltig" in unknown.content.decode()


def test_logged_in_citizen_is_confirmed_at_once(client, world, django_user_model):
    user = django_user_model.objects.create_user(
        email="medborgare@example.se", password="x-Lösenord-1"
    )
    client.force_login(user)
    response = client.post("/fixamingata/rapportera/", form_data(world, name="", email=""))
    report = Report.objects.get()
    assert response["Location"] == f"/fixamingata/rapport/{report.pk}/"
    assert report.state == ReportState.CONFIRMED and report.case_id is not None
    assert report.reporter_email == "medborgare@example.se"


def test_idempotency_key_stores_one_report(client, world):
    data = form_data(world, idempotency_key="abc123")
    client.post("/fixamingata/rapportera/", data)
    client.post("/fixamingata/rapportera/", data)
    assert Report.objects.count() == 1


# --- bad input -----------------------------------------------------------------------------
def test_missing_category_title_and_email_are_summarised(client, world):
    response = client.post(
        "/fixamingata/rapportera/", form_data(world, category="", title="", email="inte-epost")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in html
    assert 'href="#id_category"' in html and "Välj en kategori." in html
    assert "Ange en giltig e-postadress." in html
    assert Report.objects.count() == 0 and not OutboxMessage.objects.exists()


def test_outside_sweden_is_refused(client, world):
    response = client.post("/fixamingata/rapportera/", form_data(world, point=ABROAD))
    assert response.status_code == 400
    assert "Platsen ligger inte i någon svensk kommun." in response.content.decode()
    assert Report.objects.count() == 0


def test_category_of_another_kommun_is_refused(client, world):
    gavle_cat = world.cat(world.gavle_body, "Snöröjning")
    response = client.post("/fixamingata/rapportera/", form_data(world, category=gavle_cat.pk))
    assert response.status_code == 400 and "Välj en kategori." in response.content.decode()
    assert Report.objects.count() == 0


def test_corrupt_photo_stores_nothing(client, world, settings, tmp_path):
    bad = io.BytesIO(b"\xff\xd8\xff\xe0 inte en bild")
    bad.name = "trasig.jpg"
    response = client.post("/fixamingata/rapportera/", form_data(world, photo1=jpeg(), photo2=bad))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_photo2"' in html and "Bilden kunde inte läsas" in html
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0
    assert not OutboxMessage.objects.exists()


def test_honeypot_answers_as_usual_but_stores_nothing(client, world):
    response = client.post("/fixamingata/rapportera/", form_data(world, webbplats="http://spam"))
    assert (
        response.status_code == 302 and response["Location"] == "/fixamingata/rapportera/skickad/"
    )
    assert Report.objects.count() == 0 and not OutboxMessage.objects.exists()


def test_rate_limit_is_a_clear_error(client, world, settings):
    settings.FIXAMINGATA_RATE_LIMITS = {"report_ip": (1, 3600)}
    client.post("/fixamingata/rapportera/", form_data(world))
    response = client.post("/fixamingata/rapportera/", form_data(world, title="Igen"))
    assert response.status_code == 400
    assert "för många på kort tid" in response.content.decode()
    assert Report.objects.count() == 1


# --- JSON endpoints ------------------------------------------------------------------------
def test_categories_json(client, world):
    data = client.get("/fixamingata/kategorier/", {"lat": GAVLE[0], "lon": GAVLE[1]}).json()
    assert data["kommun"] == {"name": "Gävle kommun", "kommunkod": "2180"}
    names = [c["name"] for c in data["categories"]]
    assert "Snöröjning" in names and ROAD in names


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": SEA[0], "lon": SEA[1]}, "Platsen ligger inte i någon svensk kommun."),
        ({"lat": ABROAD[0], "lon": ABROAD[1]}, "Platsen ligger inte i någon svensk kommun."),
        ({"lat": "abc", "lon": "1"}, "Ange platsen som latitud och longitud."),
        ({}, "Ange platsen som latitud och longitud."),
    ],
)
def test_categories_json_bad_points(client, world, params, message):
    response = client.get("/fixamingata/kategorier/", params)
    assert response.status_code == 400 and response.json()["error"] == message


def test_nearby_json_lists_open_reports_within_250_m(client, world):
    near = confirmed_report(world, title="Nära")
    far = confirmed_report(world, point=(SANDVIKEN[0] + 0.01, SANDVIKEN[1]), title="Långt bort")
    data = client.get(
        "/fixamingata/nara/", {"lat": SANDVIKEN[0] + 0.001, "lon": SANDVIKEN[1]}
    ).json()
    assert [r["id"] for r in data["reports"]] == [near.pk]
    assert 100 < data["reports"][0]["distance_m"] < 120
    assert far.pk not in [r["id"] for r in data["reports"]]


def test_search_json_finds_kommun_and_streets_without_network(client, world, settings):
    settings.FIXAMINGATA_GEOCODER_URL = ""
    confirmed_report(world, title="Lykta", address_string="Storgatan 5")
    results = client.get("/fixamingata/sok/", {"q": "Sandvik"}).json()["results"]
    assert results[0]["label"] == "Sandvikens kommun" and results[0]["kind"] == "kommun"
    street = client.get("/fixamingata/sok/", {"q": "storgatan"}).json()["results"]
    assert street[0]["label"] == "Storgatan 5, Sandvikens kommun"
    assert abs(street[0]["lat"] - SANDVIKEN[0]) < 1e-6
    assert client.get("/fixamingata/sok/", {"q": "x"}).json()["results"] == []


def test_pins_json_bbox_filters_and_limit(client, world):
    open_one = confirmed_report(world, title="Öppen")
    fixed = confirmed_report(world, title="Lagad", email="bo@example.se")
    services.add_update(fixed, text="Lagat", email="bo@example.se", name="Bo", mark_fixed=True)
    services.confirm_update(ConfirmationToken.objects.filter(purpose="update").last().token)
    bbox = "16.5,60.5,17.0,60.8"
    pins = client.get("/fixamingata/pins/", {"bbox": bbox}).json()
    assert {p["id"] for p in pins["pins"]} == {open_one.pk, fixed.pk}
    assert pins["truncated"] is False
    only_fixed = client.get("/fixamingata/pins/", {"bbox": bbox, "status": "fixed"}).json()
    assert [(p["id"], p["state"]) for p in only_fixed["pins"]] == [(fixed.pk, "fixed")]
    assert client.get("/fixamingata/pins/", {"bbox": "17.1,60.6,17.2,60.7"}).json()["pins"] == []
    kommun = client.get("/fixamingata/pins/", {"bbox": bbox, "kommun": "2180"}).json()
    assert kommun["pins"] == []
    bad = client.get("/fixamingata/pins/", {"bbox": "1,2,3"})
    assert bad.status_code == 400 and "bbox" in bad.json()["error"]


def test_pins_json_caps_at_500(client, world):
    report = confirmed_report(world)
    rows = []
    for i in range(505):
        r = Report(
            **{
                f.attname: getattr(report, f.attname)
                for f in Report._meta.concrete_fields
                if f.attname not in ("id", "service_request_id", "token", "case_id")
            }
        )
        r.lat = SANDVIKEN[0] + i * 1e-5
        rows.append(r)
    Report.objects.bulk_create(rows)
    data = client.get("/fixamingata/pins/", {"bbox": "16.5,60.5,17.0,60.8"}).json()
    assert len(data["pins"]) == 500 and data["truncated"] is True


# --- PWA ----------------------------------------------------------------------------------------------
def test_manifest_and_service_worker(client, db):
    manifest = client.get("/fixamingata/manifest.webmanifest")
    data = manifest.json()
    assert manifest["Content-Type"].startswith("application/manifest+json")
    assert data["name"] == "FixaMinGata" and data["start_url"] == "/fixamingata/"
    assert data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        from django.contrib.staticfiles import finders

        path = finders.find(icon["src"].removeprefix("/static/"))
        size = int(icon["sizes"].split("x")[0])
        assert Image.open(path).size == (size, size)
    sw = client.get("/fixamingata/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/fixamingata/"
    assert "/static/fixamingata/fmg.js" in sw.content.decode()


def test_extra_questions_of_the_category_are_asked_and_validated(client, world):
    cat = world.cat(world.sandviken_body, "Gatubelysning")
    cat.attributes = [
        {
            "code": "antal",
            "datatype": "singlevaluelist",
            "required": True,
            "order": 1,
            "description": "Hur många lampor är släckta?",
            "values": [{"key": "1", "name": "En"}, {"key": "flera", "name": "Flera"}],
        }
    ]
    cat.save()
    page = client.get("/fixamingata/rapportera/", {"lat": SANDVIKEN[0], "lon": SANDVIKEN[1]})
    assert f'name="attr-{cat.pk}-antal"' in page.content.decode()
    missing = client.post("/fixamingata/rapportera/", form_data(world))
    assert missing.status_code == 400
    assert "Hur många lampor är släckta? måste anges." in missing.content.decode()
    assert Report.objects.count() == 0
    client.post("/fixamingata/rapportera/", form_data(world, **{f"attr-{cat.pk}-antal": "flera"}))
    assert Report.objects.get().attributes == {"antal": "flera"}
