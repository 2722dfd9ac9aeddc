"""Schemathesis-style fuzzing of every Open311 endpoint in-process: random paths, formats,
methods and parameters never give a 500 (or any status outside the spec's), and every error
is the spec's error list in the requested format."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sambruk.fixamingata.open311.testing import (
    API_KEY,
    BASE,
    make_report,
    make_world,
    schemas_available,
    validate,
)
from sambruk.fixamingata.tests.factories import SANDVIKEN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not schemas_available(), reason="../shared/data/open311 is absent"),
]

ALLOWED = {200, 400, 403, 404, 405}
NAMES = [
    "jurisdiction_id", "service_code", "service_request_id", "start_date", "end_date",
    "status", "page", "page_size", "lat", "long", "radius", "extensions", "api_key",
    "address_string", "address_id", "description", "media_url", "email", "first_name",
    "update_id", "updated_datetime", "attribute[storlek]", "attribute[fara][]",
    "attribute[antal]", "attribute[sedan]",
]  # fmt: skip
SPECIAL = st.sampled_from(
    ["", "2181", "2180", "0000", "belysning", "open", "closed,open", "FIXED", "1", "-1",
     "1e309", "NaN", "60.62", "16.77", "2025-01-01T00:00:00Z", "2025-01-01", "true",
     API_KEY, "stor", "cykel", "<b>x</b>", "Å,Ä,Ö", "%00", "\x00", "a" * 5000]
)  # fmt: skip
VALUES = st.one_of(SPECIAL, st.text(max_size=40))
PARAMS = st.dictionaries(st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=3))
PATHS = st.sampled_from(
    ["discovery", "services", "services/belysning", "services/{rand}", "requests",
     "requests/{id}", "requests/{rand}", "tokens/{rand}", "servicerequestupdates", "{rand}"]
)  # fmt: skip
FORMATS = st.sampled_from(["json", "xml", "html", "", "JSON"])
SEGMENT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(
    lambda s: s.replace("/", "").replace("?", "").replace("#", "") or "x"
)


@pytest.fixture
def world(db):
    w = make_world()
    w.report = make_report(w.attr_cat, lat=SANDVIKEN[0], lon=SANDVIKEN[1])
    return w


def check(response, fmt: str) -> None:
    assert response.status_code in ALLOWED, (response.status_code, response.content[:300])
    content_type = response["Content-Type"]
    assert "html" not in content_type
    if content_type.startswith("text/xml"):
        assert fmt == "xml"
        root = etree.fromstring(response.content)
        if response.status_code != 200:
            assert root.tag == "errors" and len(root) >= 1
            for error in root:
                assert [c.tag for c in error] == ["code", "description"]
                assert int(error.findtext("code")) == response.status_code
    else:
        assert content_type == "application/json; charset=utf-8"
        data = json.loads(response.content)
        if response.status_code != 200:
            validate("errors", data)
            assert {e["code"] for e in data} == {response.status_code}


def fuzz_settings(n: int):
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


@fuzz_settings(150)
@given(path=PATHS, fmt=FORMATS, params=PARAMS, rand=SEGMENT)
def test_get_fuzz(client, world, path, fmt, params, rand):
    url = BASE + path.format(id=world.report.service_request_id, rand=rand) + "." + fmt
    response = client.get(url, params)
    check(response, fmt.lower())
    if response.status_code == 200 and fmt == "json":
        data = json.loads(response.content)
        if path == "requests" or path.startswith("requests/"):
            validate("requests", data)
        elif path == "services":
            validate("services", data)
        elif path.startswith("services/"):
            validate("service-definition", data)


@fuzz_settings(80)
@given(
    path=st.sampled_from(["requests", "servicerequestupdates", "services"]),
    fmt=st.sampled_from(["json", "xml"]),
    params=PARAMS,
    with_key=st.booleans(),
)
def test_post_fuzz(client, world, path, fmt, params, with_key):
    data = dict(params)
    if with_key:
        data["api_key"] = [API_KEY]
        data.setdefault("jurisdiction_id", ["2181"])
        data.setdefault("service_code", ["belysning"])
    response = client.post(BASE + f"{path}.{fmt}", data)
    check(response, fmt)
    if response.status_code == 200 and fmt == "json" and path == "requests":
        validate("post", json.loads(response.content))


@fuzz_settings(40)
@given(method=st.sampled_from(["put", "patch", "delete", "options", "head"]), fmt=FORMATS)
def test_other_methods(client, world, method, fmt):
    response = getattr(client, method)(BASE + f"requests.{fmt}")
    if method == "options" and fmt.lower() in ("json", "xml"):
        assert response.status_code == 204
    elif method == "head":
        assert response.status_code in (400, 404)
    else:
        check(response, fmt.lower())
