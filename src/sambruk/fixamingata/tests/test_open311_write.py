"""Open311 writes: POST requests (api_key, attributes, location, media_url), tokens,
and the mySociety servicerequestupdates (GET and POST)."""

from __future__ import annotations

import pytest

from sambruk.fixamingata.models import Report, Update
from sambruk.fixamingata.open311.testing import (
    API_KEY,
    BASE,
    OTHER_KEY,
    assert_errors,
    json_of,
    make_report,
    make_world,
    parse_xml,
    schemas_available,
    validate,
)
from sambruk.fixamingata.tests.factories import ABROAD, GAVLE, SANDVIKEN, SEA

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not schemas_available(), reason="../shared/data/open311 is absent"),
]


@pytest.fixture
def w(db):
    return make_world()


def valid(**extra):
    data = {
        "api_key": API_KEY,
        "jurisdiction_id": "2181",
        "service_code": "belysning",
        "lat": str(SANDVIKEN[0]),
        "long": str(SANDVIKEN[1]),
        "attribute[storlek]": "stor",
        "description": "Lampan vid busshållplatsen är släckt.",
        "first_name": "Åsa",
        "last_name": "Öberg",
        "email": "asa@example.se",
        "phone": "070-123 45 67",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def post(client, path, data):
    return client.post(BASE + path, data)


def test_post_request_creates_a_confirmed_report_and_case(client, w):
    response = post(
        client,
        "requests.json",
        valid(**{"attribute[fara][]": ["cykel", "gang"]}, device_id="app-7", account_id="k-42"),
    )
    assert response.status_code == 200
    data = json_of(response)
    validate("post", data)
    report = Report.objects.get(service_request_id=data[0]["service_request_id"])
    assert report.source == "open311" and report.api_client_id == w.client.pk
    assert report.state == "confirmed" and report.kommun == w.sandviken
    assert report.reporter_name == "Åsa Öberg" and report.reporter_email == "asa@example.se"
    assert report.attributes == {"storlek": "stor", "fara": ["cykel", "gang"]}
    assert report.case is not None
    assert report.case.queue.organisation == w.sandviken
    assert (report.pinpointed, report.device_id, report.account_id) == (True, "app-7", "k-42")
    assert report.title == "Lampan vid busshållplatsen är släckt."
    # It is public at once.
    shown = json_of(client.get(BASE + f"requests/{report.service_request_id}.json"))
    validate("requests", shown)
    assert shown[0]["service_code"] == "belysning" and shown[0]["status"] == "open"


def test_post_request_xml_answer(client, w):
    response = post(client, "requests.xml", valid())
    root = parse_xml(response)
    assert root.tag == "service_requests"
    assert [c.tag for c in root[0]] == ["service_request_id", "service_notice"]
    assert Report.objects.filter(service_request_id=root[0].findtext("service_request_id"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "fel-nyckel"])
def test_post_without_a_valid_api_key_is_403(client, w, fmt, key):
    assert_errors(post(client, f"requests.{fmt}", valid(api_key=key)), 403)
    assert not Report.objects.exists()


def test_api_key_without_the_scope_or_inactive_is_403(client, w):
    from sambruk.core.api.services import set_active, set_scopes

    set_scopes(w.client, actor=None, scopes=["fixamingata.view_report"])
    assert_errors(post(client, "requests.json", valid()), 403)
    set_scopes(w.client, actor=None, scopes=["fixamingata.submit_report"])
    set_active(w.client, actor=None, active=False)
    assert_errors(post(client, "requests.json", valid()), 403)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "extra,status",
    [
        ({"service_code": None}, 400),
        ({"service_code": ""}, 400),
        ({"service_code": "finns-inte"}, 404),
        ({"jurisdiction_id": None}, 400),
        ({"jurisdiction_id": "9999"}, 404),
        ({"attribute[storlek]": None}, 400),  # required attribute missing
        ({"attribute[storlek]": "jättestor"}, 400),  # not a key of the singlevaluelist
        ({"attribute[fara][]": ["cykel", "häst"]}, 400),
        ({"attribute[antal]": "många"}, 400),
        ({"attribute[sedan]": "i går"}, 400),
        ({"lat": None}, 400),  # long alone
        ({"lat": "norr"}, 400),
        ({"lat": None, "long": None}, 400),  # no location at all
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"description": "x" * 4001}, 400),
        ({"email": "inte-en-adress"}, 400),
    ],
)
def test_post_request_rejections_store_nothing(client, w, extra, status):
    assert_errors(post(client, "requests.json", valid(**extra)), status)
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_too_many_fields_is_a_400_in_the_open311_format(client, w, fmt, settings):
    data = valid(**{f"attribute[x{n}]": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    errors = assert_errors(post(client, f"requests.{fmt}", data), 400)
    assert "för många parametrar" in errors[0]["description"]
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_errors(client.get(f"{BASE}requests.{fmt}?{query}"), 400)
    assert_errors(client.post(f"{BASE}servicerequestupdates.{fmt}", data), 400)
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_oversized_body_is_a_413_in_the_open311_format(client, w, fmt, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = valid(description="x" * 20_000)
    errors = assert_errors(post(client, f"requests.{fmt}", data), 413)
    assert "för stor" in errors[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("point", [SEA, ABROAD])
def test_point_outside_sweden(client, w, point):
    items = assert_errors(
        post(client, "requests.json", valid(lat=str(point[0]), long=str(point[1]))), 400
    )
    assert items[0]["description"] == "Platsen ligger inte i någon svensk kommun."


def test_point_in_another_kommun_than_the_jurisdiction(client, w):
    items = assert_errors(
        post(client, "requests.xml", valid(lat=str(GAVLE[0]), long=str(GAVLE[1]))), 400
    )
    assert "Gävle" in items[0]["description"]


def test_unknown_attribute_codes_pass_and_html_is_stripped(client, w):
    data = json_of(
        post(
            client,
            "requests.json",
            valid(
                **{
                    "attribute[okand]": "x",
                    "description": "Titel: <b>Mörk gata</b>\nBeskrivning: Alla lampor är släckta.",
                    "media_url": ["https://bilder.example.se/1.jpg", ""],
                }
            ),
        )
    )
    report = Report.objects.get(service_request_id=data[0]["service_request_id"])
    assert report.title == "Mörk gata"
    assert report.detail == "Alla lampor är släckta."
    assert report.attributes == {"storlek": "stor"}
    assert report.media_urls == ["https://bilder.example.se/1.jpg"]
    shown = json_of(client.get(BASE + f"requests/{report.service_request_id}.json"))
    validate("requests", shown)
    assert shown[0]["media_url"] == "https://bilder.example.se/1.jpg"


def test_address_only_request_is_placed_in_the_kommun(client, w):
    from sambruk.core.organisations.geo import kommun_at

    data = json_of(
        post(
            client,
            "requests.json",
            valid(lat=None, long=None, address_id="#NOTPINPOINTED#", address_string="Storgatan 1"),
        )
    )
    report = Report.objects.get(service_request_id=data[0]["service_request_id"])
    assert report.address_string == "Storgatan 1"
    assert kommun_at(report.lat, report.lon) == "2181"
    assert "inte utmärkt på kartan" in report.detail
    assert report.pinpointed is False
    shown = json_of(client.get(BASE + f"requests/{report.service_request_id}.json"))
    validate("requests", shown)
    assert shown[0]["address"] == "Storgatan 1"
    # The stored point is only the kommun's: no coordinates are published for it.
    assert shown[0]["lat"] is None and shown[0]["long"] is None
    # Nor is it a pin on the map or a "nearby report" at the kommun's point.
    lat, lon = report.lat, report.lon
    bbox = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    pins = client.get("/fixamingata/pins/", {"bbox": bbox}).json()["pins"]
    assert report.pk not in [p["id"] for p in pins]
    nearby = client.get("/fixamingata/nara/", {"lat": lat, "lon": lon})
    assert report.title not in nearby.content.decode()
    xml = parse_xml(client.get(BASE + f"requests/{report.service_request_id}.xml"))
    assert xml.findtext("request/lat") in (None, "") and xml.findtext("request/address") == (
        "Storgatan 1"
    )


def test_fixmystreet_id_makes_a_post_idempotent(client, w):
    first = json_of(post(client, "requests.json", valid(**{"attribute[fixmystreet_id]": "77"})))
    again = json_of(post(client, "requests.json", valid(**{"attribute[fixmystreet_id]": "77"})))
    assert first == again and Report.objects.count() == 1


def test_token_flow(client, w):
    data = json_of(post(client, "requests.json", valid()))
    report = Report.objects.get(service_request_id=data[0]["service_request_id"])
    answer = json_of(client.get(BASE + f"tokens/{report.token}.json"))
    validate("post", answer)
    assert answer == [{"service_request_id": report.service_request_id, "token": report.token}]
    root = parse_xml(client.get(BASE + f"tokens/{report.token}.xml", {"jurisdiction_id": "2181"}))
    assert root[0].findtext("service_request_id") == report.service_request_id
    assert_errors(client.get(BASE + "tokens/okand.json"), 404)
    assert_errors(client.get(BASE + f"tokens/{report.token}.xml", {"jurisdiction_id": "2180"}), 404)


def test_reporter_on_the_abuse_list_gets_a_token_that_never_resolves(client, w):
    from sambruk.fixamingata.models import AbuseEntry

    AbuseEntry.objects.create(kind="domain", value="spam.example")
    data = json_of(post(client, "requests.json", valid(email="x@spam.example")))
    validate("post", data)
    assert list(data[0]) == ["token"]
    report = Report.objects.get(token=data[0]["token"])
    assert report.hidden and report.case is None
    assert json_of(client.get(BASE + f"tokens/{data[0]['token']}.json")) == [
        {"token": data[0]["token"]}
    ]


# --- servicerequestupdates -------------------------------------------------------------
def update(report, **extra):
    data = {
        "api_key": API_KEY,
        "service_request_id": report.service_request_id,
        "update_id": "ext-1",
        "status": "FIXED",
        "updated_datetime": "2025-03-01T10:00:00+01:00",
        "description": "Lampan är utbytt.",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def report(w):
    return make_report(w.attr_cat, lat=SANDVIKEN[0], lon=SANDVIKEN[1])


def test_post_update_changes_state_and_case(client, w, report):
    photo = "https://kommun.example.se/bilder/ext-1.jpg"
    response = post(client, "servicerequestupdates.json", update(report, media_url=photo))
    assert response.status_code == 200
    data = json_of(response)
    validate("post_update", data)
    row = Update.objects.get(pk=int(data[0]["update_id"]))
    assert row.text == "Lampan är utbytt." and row.posted_as_body and row.is_public
    assert row.external_update_id == "ext-1" and row.media_url == photo
    assert row.external_updated_at.isoformat() == "2025-03-01T09:00:00+00:00"
    report.refresh_from_db()
    assert report.state == "fixed" and report.closed_at is not None
    assert report.case.status.kind == "closed"
    # Visible in the list FixMyStreet polls, and on the request.
    listed = json_of(client.get(BASE + "servicerequestupdates.json", {"jurisdiction_id": "2181"}))
    validate("updates", listed)
    assert [(u["update_id"], u["status"], u["description"]) for u in listed] == [
        (data[0]["update_id"], "fixed", "Lampan är utbytt.")
    ]
    assert listed[0]["updated_datetime"][-6:] in ("+01:00", "+02:00")
    assert listed[0]["media_url"] == photo
    root = parse_xml(client.get(BASE + "servicerequestupdates.xml", {"jurisdiction_id": "2181"}))
    assert root.tag == "service_request_updates" and root[0].tag == "request_update"
    assert root[0].findtext("status") == "fixed"
    shown = json_of(client.get(BASE + f"requests/{report.service_request_id}.json"))
    assert shown[0]["status"] == "closed" and shown[0]["status_notes"] == "Lampan är utbytt."


def test_post_update_rejections(client, w, report):
    items = assert_errors(
        post(client, "servicerequestupdates.json", update(report, status=None, update_id="")),
        400,
    )
    assert len(items) == 2  # several errors at once
    assert_errors(post(client, "servicerequestupdates.xml", update(report, api_key=None)), 403)
    assert_errors(
        post(client, "servicerequestupdates.json", update(report, api_key=OTHER_KEY)), 403
    )
    assert_errors(
        post(client, "servicerequestupdates.json", update(report, service_request_id="0")), 404
    )
    assert_errors(post(client, "servicerequestupdates.json", update(report, status="HAPPY")), 400)
    assert_errors(
        post(client, "servicerequestupdates.json", update(report, updated_datetime="igår")), 400
    )
    assert not Update.objects.exists()
    assert post(client, "servicerequestupdates.json", update(report)).status_code == 200
    items = assert_errors(post(client, "servicerequestupdates.json", update(report)), 400)
    assert "finns redan" in items[0]["description"]
    assert Update.objects.count() == 1


def test_unchanged_status_adds_a_note_only(client, w, report):
    response = post(
        client,
        "servicerequestupdates.json",
        update(report, status="UNCHANGED", description="Vi tittar på det."),
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.state == "confirmed"
    listed = json_of(client.get(BASE + "servicerequestupdates.json", {"jurisdiction_id": "2181"}))
    assert [u["status"] for u in listed] == ["open"]


def test_get_updates_needs_jurisdiction_and_a_valid_window(client, w):
    assert_errors(client.get(BASE + "servicerequestupdates.json"), 400)
    assert_errors(
        client.get(
            BASE + "servicerequestupdates.xml", {"jurisdiction_id": "2181", "start_date": "x"}
        ),
        400,
    )
    assert (
        json_of(client.get(BASE + "servicerequestupdates.json", {"jurisdiction_id": "2180"})) == []
    )
