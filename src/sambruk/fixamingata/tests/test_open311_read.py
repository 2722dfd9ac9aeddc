"""Open311 GeoReport v2 reads: discovery, services, definitions, request lists and details.

Every JSON answer is checked against the schema-validation JSON Schemas in
``../shared/data/open311/``; every XML answer is parsed with lxml for the same structure.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.fixamingata.open311.testing import (
    BASE,
    assert_errors,
    json_of,
    make_report,
    make_world,
    parse_xml,
    schemas_available,
    validate,
)
from sambruk.fixamingata.tests.factories import GAVLE, SANDVIKEN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not schemas_available(), reason="../shared/data/open311 is absent"),
]
J = {"jurisdiction_id": "2181"}


@pytest.fixture
def w(db):
    return make_world()


def get(client, path, **params):
    return client.get(BASE + path, params)


# --- discovery --------------------------------------------------------------------------
def test_discovery_json_and_xml(client):
    data = json_of(get(client, "discovery.json"))
    validate("discovery", data)
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    root = parse_xml(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


# --- services ---------------------------------------------------------------------------
def test_services_of_a_kommun_include_trafikverket(client, w):
    data = json_of(get(client, "services.json", **J))
    validate("services", data)
    names = [s["service_name"] for s in data]
    assert "Vägar (riksvägar/Trafikverket)" in names and "Hål i vägen" in names
    assert "Snöröjning" not in names  # Gävle's only
    belysning = next(s for s in data if s["service_code"] == "belysning")
    assert belysning == {
        "service_code": "belysning",
        "service_name": "Gatubelysning med frågor",
        "description": "Trasig gatubelysning",
        "metadata": True,
        "type": "realtime",
        "keywords": "lampa,ljus",
        "group": "Gata och trafik",
    }
    assert next(s for s in data if s["service_name"] == "Klotter")["metadata"] is False
    root = parse_xml(get(client, "services.xml", **J))
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    xml_names = [s.findtext("service_name") for s in root]
    assert xml_names == names  # same list, å ä ö intact
    first = root.find("service")
    assert [c.tag for c in first] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"
    ]  # fmt: skip
    assert root.find("service[service_code='belysning']/metadata").text == "true"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_jurisdiction_missing_empty_or_unknown(client, w, fmt):
    assert_errors(get(client, f"services.{fmt}"), 400)
    assert_errors(get(client, f"services.{fmt}", jurisdiction_id=""), 400)  # empty = absent
    assert_errors(get(client, f"services.{fmt}", jurisdiction_id="9999"), 404)
    assert_errors(get(client, f"services.{fmt}", jurisdiction_id="sandviken.se"), 404)


def test_service_definition_has_every_datatype(client, w):
    data = json_of(get(client, "services/belysning.json", **J))
    validate("service-definition", data)
    assert data["service_code"] == "belysning"
    attrs = data["attributes"]
    assert [a["datatype"] for a in attrs] == [
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist", "string"
    ]  # fmt: skip
    assert [a["order"] for a in attrs] == [1, 2, 3, 4, 5, 6, 7]
    assert attrs[0]["code"] == "sträng" and attrs[0]["datatype_description"] == "Står på stolpen"
    assert attrs[4]["required"] is True
    assert attrs[4]["values"] == [
        {"key": "liten", "name": "Liten"},
        {"key": "stor", "name": "Stor"},
    ]
    assert attrs[6]["variable"] is False
    root = parse_xml(get(client, "services/belysning.xml", **J))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    xml_attrs = root.findall("attributes/attribute")
    assert len(xml_attrs) == 7
    assert [c.tag for c in xml_attrs[4]] == [
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    ]  # fmt: skip
    assert [v.findtext("key") for v in xml_attrs[5].findall("values/value")] == ["cykel", "gang"]
    assert xml_attrs[5].find("values/value/name").text == "Cyklister"


def test_service_definition_without_attributes_and_errors(client, w):
    data = json_of(get(client, "services/trafikverket-0.json", **J))
    validate("service-definition", data)
    assert data == {"service_code": "trafikverket-0", "attributes": []}
    assert_errors(get(client, "services/finns-inte.json", **J), 404)
    assert_errors(get(client, "services/finns-inte.xml", **J), 404)
    assert_errors(get(client, "services/belysning.json"), 400)
    # Gävle does not offer Sandviken's category.
    assert_errors(get(client, "services/belysning.json", jurisdiction_id="2180"), 404)


# --- requests ---------------------------------------------------------------------------
@pytest.fixture
def reports(w):
    now = timezone.now()
    lat, lon = SANDVIKEN
    r = {
        "open": make_report(w.attr_cat, lat=lat, lon=lon, title="Släckt lykta på Storgatan"),
        "progress": make_report(
            w.cat(w.sandviken_body, "Klotter"), lat=lat + 0.01, lon=lon, state="in_progress",
            title="Klotter på bron", created_at=now - timedelta(days=3)
        ),
        "fixed": make_report(
            w.cat(w.sandviken_body, "Hål i vägen"), lat=lat, lon=lon + 0.02, state="fixed",
            title="Hål vid skolan", created_at=now - timedelta(days=10)
        ),
        "old": make_report(
            w.cat(w.sandviken_body, "Klotter"), lat=lat, lon=lon, title="Gammal rapport",
            created_at=now - timedelta(days=120)
        ),
        "road": make_report(
            w.cat(w.tv_body, "Vägar (riksvägar/Trafikverket)"), lat=lat, lon=lon,
            title="Spår i vägen", created_at=now - timedelta(days=1)
        ),
        "gavle": make_report(w.cat(w.gavle_body, "Klotter"), lat=GAVLE[0], lon=GAVLE[1]),
        "hidden": make_report(w.cat(w.sandviken_body, "Klotter"), lat=lat, lon=lon),
        "unconfirmed": make_report(
            w.cat(w.sandviken_body, "Klotter"), lat=lat, lon=lon, state="unconfirmed"
        ),
    }  # fmt: skip
    from sambruk.fixamingata.models import Report

    Report.objects.filter(pk=r["hidden"].pk).update(hidden=True)
    return r


def ids(data):
    return [item["service_request_id"] for item in data]


def test_requests_default_window_newest_first_and_never_private(client, reports):
    data = json_of(get(client, "requests.json", **J))
    validate("requests", data)
    r = reports
    assert ids(data) == [
        r["open"].service_request_id,
        r["road"].service_request_id,
        r["progress"].service_request_id,
        r["fixed"].service_request_id,
    ]
    first = data[0]
    assert first["status"] == "open"
    assert first["service_code"] == "belysning"
    assert first["service_name"] == "Gatubelysning med frågor"
    assert first["agency_responsible"] == "Sandvikens kommun"
    assert first["description"] == "Släckt lykta på Storgatan"
    assert first["lat"] == pytest.approx(SANDVIKEN[0]) and first["long"] == pytest.approx(
        SANDVIKEN[1]
    )
    assert first["requested_datetime"][-6:] in ("+01:00", "+02:00")
    fixed = data[3]
    assert fixed["status"] == "closed"
    closed_at = timezone.now() - timedelta(days=2)
    from sambruk.fixamingata.models import Report

    Report.objects.filter(pk=r["fixed"].pk).update(closed_at=closed_at)
    again = json_of(get(client, f"requests/{fixed['service_request_id']}.json"))
    # updated_datetime of a closed request is its close time, in Swedish time.
    assert again[0]["updated_datetime"] == timezone.localtime(closed_at).isoformat(
        timespec="seconds"
    )
    assert data[1]["agency_responsible"] == "Trafikverket"


def test_requests_xml_has_the_same_structure(client, reports):
    root = parse_xml(get(client, "requests.xml", **J))
    assert root.tag == "service_requests" and {c.tag for c in root} == {"request"}
    assert len(root) == 4
    first = root[0]
    assert [c.tag for c in first] == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url",
    ]  # fmt: skip
    assert first.findtext("service_name") == "Gatubelysning med frågor"
    assert first.findtext("description") == "Släckt lykta på Storgatan"
    assert float(first.findtext("lat")) == pytest.approx(SANDVIKEN[0])
    assert first.find("media_url").text is None  # null is an empty element


@pytest.mark.parametrize(
    "status,expected",
    [
        ("open", ["open", "road", "progress"]),
        ("closed", ["fixed"]),
        ("open,closed", ["open", "road", "progress", "fixed"]),
        ("in_progress", ["progress"]),
        ("FIXED", ["fixed"]),
        ("", ["open", "road", "progress", "fixed"]),
    ],
)
def test_status_filter(client, reports, status, expected):
    data = json_of(get(client, "requests.json", status=status, **J))
    validate("requests", data)
    assert ids(data) == [reports[k].service_request_id for k in expected]


def test_service_code_and_date_filters(client, reports):
    r = reports
    data = json_of(get(client, "requests.json", service_code="belysning,trafikverket-0", **J))
    assert ids(data) == [r["open"].service_request_id, r["road"].service_request_id]
    now = timezone.now()
    start = (now - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = timezone.localtime(now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S%z")
    end = end[:-2] + ":" + end[-2:]  # ±HH:MM
    data = json_of(get(client, "requests.json", start_date=start, end_date=end, **J))
    assert ids(data) == [r["progress"].service_request_id]
    # Without a zone: Swedish time.
    naive = timezone.localtime(now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%S")
    data = json_of(get(client, "requests.json", start_date=naive, **J))
    validate("requests", data)
    assert ids(data) == [r["old"].service_request_id]
    # Only end_date: the 90 days before it.
    data = json_of(get(client, "requests.json", end_date=naive, **J))
    assert data == []


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "igår"},
        {"start_date": "2024-13-45T00:00:00Z"},
        {"end_date": "2024-05-01T25:00:00+02:00"},
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"},  # > 90 d
        {"start_date": "2024-05-01T00:00:00Z", "end_date": "2024-04-01T00:00:00Z"},  # reversed
        {"status": "open,kanske"},
        {"page": "0"},
        {"page_size": "1001"},
        {"page_size": "tio"},
        {"lat": "60.6"},
        {"lat": "95", "long": "16"},
        {"radius": "100"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_list_parameters_are_400(client, w, params, fmt):
    items = assert_errors(get(client, f"requests.{fmt}", **params, **J), 400)
    assert items[0]["description"]


def test_requests_need_a_known_jurisdiction(client, w):
    assert_errors(get(client, "requests.json"), 400)
    assert_errors(get(client, "requests.xml", jurisdiction_id=""), 400)
    assert_errors(get(client, "requests.json", jurisdiction_id="0000"), 404)


def test_service_request_id_list_overrides_other_filters(client, reports):
    r = reports
    wanted = [r["old"], r["fixed"], r["hidden"], r["unconfirmed"], r["gavle"]]
    data = json_of(
        get(
            client,
            "requests.json",
            service_request_id=",".join(x.service_request_id for x in wanted) + ",999999",
            status="open",
            service_code="belysning",
            start_date="igår",  # ignored too
            **J,
        )
    )
    validate("requests", data)
    # Hidden, unconfirmed and other kommuner's reports are never shown.
    assert sorted(ids(data)) == sorted([r["fixed"].service_request_id, r["old"].service_request_id])


def test_paging_and_radius_extensions(client, reports):
    r = reports
    page1 = json_of(get(client, "requests.json", page_size="2", **J))
    page2 = json_of(get(client, "requests.json", page_size="2", page="2", **J))
    page3 = json_of(get(client, "requests.json", page_size="2", page="3", **J))
    assert ids(page1) + ids(page2) == [
        r[k].service_request_id for k in ("open", "road", "progress", "fixed")
    ]
    assert page3 == []
    # ~1.1 km north: "progress" only within 300 m of its point; all near ones within 2 km.
    near = json_of(
        get(client, "requests.json", lat=str(SANDVIKEN[0] + 0.01), long=str(SANDVIKEN[1]),
            radius="300", **J)
    )  # fmt: skip
    validate("requests", near)
    assert ids(near) == [r["progress"].service_request_id]
    wide = json_of(
        get(client, "requests.json", lat=str(SANDVIKEN[0]), long=str(SANDVIKEN[1]),
            radius="2000", **J)
    )  # fmt: skip
    assert set(ids(wide)) == {
        r[k].service_request_id for k in ("open", "road", "progress", "fixed")
    }
    default_radius = json_of(
        get(client, "requests.json", lat=str(SANDVIKEN[0]), long=str(SANDVIKEN[1]), **J)
    )
    assert set(ids(default_radius)) == {r[k].service_request_id for k in ("open", "road")}


def test_extensions_true_adds_extended_attributes(client, reports):
    data = json_of(get(client, "requests.json", extensions="true", status="in_progress", **J))
    validate("requests", data)
    assert data[0]["extended_attributes"] == {
        "status": "in_progress",
        "title": "Klotter på bron",
        "detail": "",
    }
    plain = json_of(get(client, "requests.json", status="in_progress", **J))
    assert "extended_attributes" not in plain[0]


def test_one_request(client, reports):
    r = reports
    rid = r["fixed"].service_request_id
    data = json_of(get(client, f"requests/{rid}.json"))
    validate("requests", data)
    assert len(data) == 1 and data[0]["service_request_id"] == rid
    assert data[0]["status"] == "closed"
    validate("request", data[0])
    root = parse_xml(get(client, f"requests/{rid}.xml", **J))
    assert root.tag == "service_requests" and root[0].findtext("service_request_id") == rid
    for missing in ("999999", r["hidden"].service_request_id, r["unconfirmed"].service_request_id):
        assert_errors(get(client, f"requests/{missing}.json"), 404)
        assert_errors(get(client, f"requests/{missing}.xml"), 404)
    # Another kommun's jurisdiction_id does not find it; an unknown one is 404 too.
    assert_errors(get(client, f"requests/{rid}.json", jurisdiction_id="2180"), 404)
    assert_errors(get(client, f"requests/{rid}.json", jurisdiction_id="1"), 404)


@pytest.mark.parametrize(
    "created,closed",
    [
        ("2025-01-15T23:59:59.999999+00:00", None),  # winter, +01:00, next local day
        ("2025-07-01T22:30:05.5+00:00", "2025-10-26T00:59:59+00:00"),  # summer; before DST end
        ("2025-03-30T01:00:00+00:00", "2025-10-26T01:00:00+00:00"),  # at both DST changes
    ],
)
def test_dates_are_swedish_time_with_offset_to_the_second(client, w, created, closed):
    """The list's dates (formatted by PostgreSQL there, by Python on SQLite) are exactly
    ``isoformat(timespec="seconds")`` of the Swedish local time."""
    from datetime import datetime

    from sambruk.fixamingata.models import Report

    created_at = datetime.fromisoformat(created)
    closed_at = datetime.fromisoformat(closed) if closed else None
    report = make_report(w.cat(w.sandviken_body, "Klotter"), lat=SANDVIKEN[0], lon=SANDVIKEN[1])
    Report.objects.filter(pk=report.pk).update(
        created_at=created_at,
        updated_at=created_at,
        closed_at=closed_at,
        state="fixed" if closed else "confirmed",
    )
    window = {"start_date": created[:10], "end_date": (created_at + timedelta(days=1)).isoformat()}
    for data in (
        json_of(get(client, "requests.json", **J, **window)),
        json_of(get(client, f"requests/{report.service_request_id}.json")),
    ):
        validate("requests", data)
        local = timezone.localtime
        assert data[0]["requested_datetime"] == local(created_at).isoformat(timespec="seconds")
        assert data[0]["updated_datetime"] == local(closed_at or created_at).isoformat(
            timespec="seconds"
        )


def test_media_url_and_status_notes(client, w, settings):
    import io

    from PIL import Image

    from sambruk.fixamingata.services import set_state

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "bild.jpg"
    report = make_report(
        w.cat(w.sandviken_body, "Klotter"), lat=SANDVIKEN[0], lon=SANDVIKEN[1], photos=[buffer]
    )
    staff = _staff(w)
    set_state(report, actor=staff, state="fixed", text="Vi har tvättat bort klottret.")
    data = json_of(get(client, f"requests/{report.service_request_id}.json"))
    validate("requests", data)
    item = data[0]
    assert item["media_url"].startswith(settings.SITE_URL.rstrip("/") + "/")
    assert item["status_notes"] == "Vi har tvättat bort klottret."
    assert item["status"] == "closed"
    media = client.get(item["media_url"][len(settings.SITE_URL.rstrip("/")) :])
    assert media.status_code in (200, 404)  # served by the media server in production


def _staff(w):
    from sambruk.core.accounts.tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, organisation=w.sandviken, role="caseworker")
    return user


# --- formats and unknown paths -----------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    ["services.html", "services.csv", "requests.", "discovery", "requests/1.yaml", "nope.json",
     "services/x/y.json", ""],
)  # fmt: skip
def test_unknown_format_or_path_is_a_json_404(client, w, path):
    response = get(client, path, **J)
    items = assert_errors(response, 404)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert items[0]["description"]


def test_unknown_path_with_xml_suffix_answers_xml(client):
    root = parse_xml(client.get(BASE + "nope.xml"))
    assert root.tag == "errors"


def test_wrong_method_is_405_in_the_spec_format(client, w):
    response = client.delete(BASE + "services.xml")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert parse_xml(response).find("error/code").text == "405"
    response = client.post(BASE + "services.json", J)
    assert response.status_code == 405
    assert json_of(response)[0]["code"] == 405


def test_request_list_query_count_does_not_grow_with_rows(client, reports, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, "requests.json", **J)  # the kommun and the labels are cached in process
    with CaptureQueriesContext(connection) as few:
        assert len(json_of(get(client, "requests.json", **J))) == 4
    for _n in range(6):
        make_report(w.cat(w.sandviken_body, "Klotter"), lat=SANDVIKEN[0], lon=SANDVIKEN[1])
    with CaptureQueriesContext(connection) as many:
        assert len(json_of(get(client, "requests.json", **J))) == 10
    assert len(many) == len(few) == 1  # photos, staff notes and dates in the same statement
    report_queries = [q["sql"] for q in many if 'FROM "fixamingata_report"' in q["sql"]]
    assert len(report_queries) == 1


def test_request_list_is_cached_briefly_by_its_normalised_query(client, w, settings):
    settings.FIXAMINGATA_OPEN311_CACHE_SECONDS = 30
    light = w.cat(w.sandviken_body, "Gatubelysning")
    make_report(light, lat=SANDVIKEN[0], lon=SANDVIKEN[1], title="Första")
    first = json_of(get(client, "requests.json", jurisdiction_id="2181", status="open"))
    assert [r["description"] for r in first] == ["Första"]
    make_report(light, lat=SANDVIKEN[0], lon=SANDVIKEN[1], title="Andra")
    # The same query (parameter order and empty parameters do not matter): the cached answer.
    again = client.get(BASE + "requests.json?status=open&service_code=&jurisdiction_id=2181")
    validate("requests", json_of(again))
    assert json_of(again) == first
    assert again["Access-Control-Allow-Origin"] == "*"
    # Another query, the XML format, or the cache turned off: fresh.
    fresh = json_of(get(client, "requests.json", jurisdiction_id="2181"))
    assert {r["description"] for r in fresh} == {"Första", "Andra"}
    assert len(parse_xml(get(client, "requests.xml", **J, status="open"))) == 2
    settings.FIXAMINGATA_OPEN311_CACHE_SECONDS = 0
    assert len(json_of(get(client, "requests.json", jurisdiction_id="2181", status="open"))) == 2


@pytest.mark.parametrize(
    "query", ["service_code=a%00b", "status=open%00", "jurisdiction_id=2181%00"]
)
def test_nul_bytes_in_parameters_are_a_400_in_the_spec_format(client, query):
    response = client.get(f"/open311/v2/requests.json?jurisdiction_id=2181&{query}")
    assert response.status_code == 400
    body = response.json()
    assert body[0]["code"] == 400 and "otillåtna tecken" in body[0]["description"]


@pytest.mark.parametrize("path", ["services/a%00b.json", "requests/1%00.json", "tokens/x%00.json"])
def test_nul_bytes_in_the_path_are_a_400_in_the_spec_format(client, path):
    response = client.get(f"/open311/v2/{path}?jurisdiction_id=2181")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
