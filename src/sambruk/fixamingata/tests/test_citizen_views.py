"""Citizen pages over HTTP: every page, the JSON endpoints, and bad input."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sambruk.core.notifications.models import OutboxMessage
from sambruk.fixamingata import services
from sambruk.fixamingata.models import (
    Alert,
    ConfirmationToken,
    Questionnaire,
    Report,
    ReportPhoto,
    ReportState,
    TokenPurpose,
    Update,
)

from .factories import ABROAD, GAVLE, ROAD, SANDVIKEN, SEA

pytestmark = pytest.mark.django_db


def jpeg(name="lykta.jpg", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def form_data(world, point=SANDVIKEN, **kw):
    cat = world.cat(world.sandviken_body, "Gatubelysning")
    return {
        "lat": point[0],
        "lon": point[1],
        "category": cat.pk,
        "title": "Trasig gatlykta",
        "detail": "Lyktan vid busshållplatsen är släckt.",
        "name": "Åsa Öberg",
        "email": "asa@example.se",
        "phone": "070-1234567",
        "idempotency_key": "",
        **kw,
    }


def link_in_mail(smtp, pattern, to=None):
    """The first match of ``pattern`` in a mail received (waiting up to 5 s for it)."""
    deadline = time.monotonic() + 5
    while True:
        for message in smtp.messages:
            if to and message["To"] != to:
                continue
            found = re.search(pattern, message.get_body(preferencelist=("plain",)).get_content())
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail with {pattern}")
        time.sleep(0.05)


MAIL = pytest.mark.django_db(transaction=True)


def confirmed_report(world, point=SANDVIKEN, title="Trasig gatlykta", **kw):
    report = services.submit_report(
        lat=point[0],
        lon=point[1],
        category=kw.pop("category", None) or world.cat(world.sandviken_body, "Gatubelysning"),
        title=title,
        name="Åsa Öberg",
        email=kw.pop("email", "asa@example.se"),
        address_string=kw.pop("address_string", ""),
    )
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.REPORT, object_id=report.pk)
    return services.confirm_report(token.token)


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


# --- report page, updates, questionnaire -------------------------------------------------------
@MAIL
def test_report_page_update_by_anonymous_waits_for_confirmation(client, world, running_smtp):
    report = confirmed_report(world)
    page = client.get(f"/fixamingata/rapport/{report.pk}/")
    assert page.status_code == 200 and "Trasig gatlykta" in page.content.decode()
    response = client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Fortfarande släckt.", "name": "Carl", "email": "carl@example.se"},
    )
    assert response["Location"] == f"/fixamingata/rapport/{report.pk}/skickad/"
    assert (
        "Fortfarande släckt."
        not in client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()
    )
    link = link_in_mail(running_smtp, r"/fixamingata/uppdatering/bekrafta/[\w-]+/")
    html = client.get(link, follow=True).content.decode()
    assert "Din uppdatering är bekräftad" in html and "Fortfarande släckt." in html
    assert client.get(link).status_code == 410


def test_reporter_marks_fixed_and_reopens(client, world):
    report = confirmed_report(world)
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Nu lyser den.", "name": "Åsa", "email": "asa@example.se", "mark_fixed": "on"},
    )
    token = ConfirmationToken.objects.filter(purpose="update").last().token
    client.get(f"/fixamingata/uppdatering/bekrafta/{token}/")
    report.refresh_from_db()
    assert report.state == ReportState.FIXED
    page = client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()
    assert "Åtgärdad" in page and "öppna rapporten igen" in page
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Släckt igen.", "name": "Åsa", "email": "asa@example.se", "reopen": "on"},
    )
    client.get(
        "/fixamingata/uppdatering/bekrafta/"
        f"{ConfirmationToken.objects.filter(purpose='update').last().token}/"
    )
    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED


def test_someone_else_cannot_mark_fixed(client, world):
    report = confirmed_report(world)
    response = client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Lagad?", "name": "Eve", "email": "eve@example.se", "mark_fixed": "on"},
    )
    assert response.status_code == 400
    assert "Bara den som rapporterade" in response.content.decode()
    assert Update.objects.filter(author_email="eve@example.se").count() == 0


def test_update_honeypot_and_empty_text(client, world):
    report = confirmed_report(world)
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "spam", "name": "Bot", "email": "bot@example.se", "webbplats": "x"},
    )
    assert Update.objects.filter(author_email="bot@example.se").count() == 0
    empty = client.post(
        f"/fixamingata/rapport/{report.pk}/", {"text": "", "name": "A", "email": "a@example.se"}
    )
    assert empty.status_code == 400 and "Skriv en uppdatering." in empty.content.decode()


@MAIL
def test_questionnaire_answer_marks_fixed(client, world, running_smtp):
    report = confirmed_report(world)
    Report.objects.filter(pk=report.pk).update(confirmed_at=timezone.now() - timedelta(weeks=5))
    services.send_questionnaires()
    link = link_in_mail(running_smtp, r"/fixamingata/enkat/[\w-]+/")
    page = client.get(link)
    assert page.status_code == 200 and "Är felet åtgärdat?" in page.content.decode()
    missing = client.post(link, {})
    assert missing.status_code == 400 and "Välj ett svar." in missing.content.decode()
    done = client.post(link, {"answer": "fixed", "comment": "Lagat!"}, follow=True)
    assert "Tack för ditt svar!" in done.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.FIXED
    assert Questionnaire.objects.get().answer == "fixed"
    assert client.get(link).status_code == 410


# --- browse, kommun, feeds -------------------------------------------------------------------------
def test_browse_list_filters_and_kommun_page(client, world):
    confirmed_report(world, title="Lykta i Sandviken")
    gavle_cat = world.cat(world.gavle_body, "Snöröjning")
    confirmed_report(world, point=GAVLE, title="Snö i Gävle", category=gavle_cat)
    html = client.get("/fixamingata/rapporter/").content.decode()
    assert "Lykta i Sandviken" in html and "Snö i Gävle" in html and "2 rapporter" in html
    only = client.get("/fixamingata/rapporter/", {"category": "Snöröjning"}).content.decode()
    assert "Snö i Gävle" in only and "Lykta i Sandviken" not in only
    by_kommun = client.get("/fixamingata/rapporter/", {"kommun": "2181"}).content.decode()
    assert "Lykta i Sandviken" in by_kommun and "Snö i Gävle" not in by_kommun
    kommun = client.get("/fixamingata/kommun/2180/").content.decode()
    assert "Rapporter i Gävle kommun" in kommun and "Snö i Gävle" in kommun
    assert "Lykta i Sandviken" not in kommun
    assert client.get("/fixamingata/kommun/9999/").status_code == 404


def test_feeds(client, world):
    confirmed_report(world, title="Lykta i Sandviken")
    rss = client.get("/fixamingata/rss/")
    assert rss.status_code == 200 and b"<rss" in rss.content
    assert "Lykta i Sandviken" in rss.content.decode()
    atom = client.get("/fixamingata/kommun/2181/atom/")
    assert b"http://www.w3.org/2005/Atom" in atom.content
    assert "Lykta i Sandviken" in atom.content.decode()
    assert "Lykta" not in client.get("/fixamingata/kommun/2180/rss/").content.decode()


# --- alerts --------------------------------------------------------------------------------------
@MAIL
def test_alert_subscribe_confirm_and_unsubscribe(client, world, running_smtp):
    response = client.post(
        "/fixamingata/bevaka/", {"kind": "new_in_kommun", "kommun": "2181", "email": "e@example.se"}
    )
    assert response["Location"] == "/fixamingata/bevaka/skickad/"
    alert = Alert.objects.get()
    assert not alert.confirmed
    link = link_in_mail(running_smtp, r"/fixamingata/bevakning/bekrafta/[\w-]+/")
    assert "Bevakningen är startad" in client.get(link).content.decode()
    alert.refresh_from_db()
    assert alert.active
    assert client.get(link).status_code == 410
    # One-click unsubscribe (RFC 8058 POST without a CSRF token) and again by GET: harmless.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    done = csrf_client.post(f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/")
    assert done.status_code == 200 and "Bevakningen är avslutad" in done.content.decode()
    assert (
        client.get(f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/").status_code == 200
    )
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and not alert.active
    assert client.get("/fixamingata/bevakning/avsluta/fel/").status_code == 404


def test_alert_radius_and_report_and_errors(client, world):
    report = confirmed_report(world)
    page = client.get("/fixamingata/bevaka/", {"rapport": report.pk}).content.decode()
    assert "Rapport: Trasig gatlykta" in page
    client.post(
        "/fixamingata/bevaka/",
        {"kind": "report_updates", "report": report.pk, "email": "f@example.se"},
    )
    client.post(
        "/fixamingata/bevaka/",
        {
            "kind": "radius",
            "lat": "60.6",
            "lon": "16.7",
            "radius_m": "500",
            "email": "g@example.se",
        },
    )
    kinds = sorted(Alert.objects.values_list("kind", "radius_m"))
    assert kinds == [("radius", 500), ("report_updates", None)]
    no_kommun = client.post(
        "/fixamingata/bevaka/", {"kind": "new_in_kommun", "email": "h@example.se"}
    )
    assert no_kommun.status_code == 400 and "Välj en kommun." in no_kommun.content.decode()
    no_place = client.post("/fixamingata/bevaka/", {"kind": "radius", "email": "h@example.se"})
    assert no_place.status_code == 400 and "radie på högst 20 km" in no_place.content.decode()
    assert Alert.objects.count() == 2


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


@MAIL
def test_alert_mail_has_one_click_list_unsubscribe(client, world, running_smtp, django_user_model):
    user = django_user_model.objects.create_user(email="bevakare@example.se", password="x-L-1")
    client.force_login(user)  # own address: confirmed at once
    client.post(
        "/fixamingata/bevaka/",
        {"kind": "new_in_kommun", "kommun": "2181", "email": "bevakare@example.se"},
    )
    alert = Alert.objects.get()
    assert alert.active
    client.logout()
    confirmed_report(world, title="Ny lykta")
    assert services.send_alerts() == 1
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        mail = [m for m in running_smtp.messages if m["To"] == "bevakare@example.se"]
        if mail:
            break
        time.sleep(0.05)
    header = str(mail[0]["List-Unsubscribe"]).strip()
    assert header.startswith("<http") and header.endswith(
        f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/>"
    )
    assert mail[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + header.strip("<>").split("://", 1)[1].split("/", 1)[1]
    client.__class__(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None


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
