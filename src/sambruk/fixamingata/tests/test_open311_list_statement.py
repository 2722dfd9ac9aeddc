"""Open311 request lists through the statement compiled once per shape (performance pass 4):
the same SQL, rows and bytes as the queryset built for each request."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sambruk.fixamingata.open311 import formatters, queries
from sambruk.fixamingata.open311.testing import BASE, make_report, make_world
from sambruk.fixamingata.tests.factories import SANDVIKEN

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "2181"}


@pytest.fixture
def w(db):
    return make_world()


@pytest.fixture
def listed(w):
    from PIL import Image

    from sambruk.fixamingata.models import Report

    lat, lon = SANDVIKEN
    now = timezone.now()
    klotter = w.cat(w.sandviken_body, "Klotter")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "bild.jpg"
    made = [
        make_report(klotter, lat=lat, lon=lon, title="Med bild", photos=[buffer]),
        make_report(klotter, lat=lat, lon=lon, title="Pågår", state="in_progress",
                    created_at=now - timedelta(days=2)),
        make_report(klotter, lat=lat, lon=lon, title="Lagad", state="fixed",
                    created_at=now - timedelta(days=5)),
        make_report(klotter, lat=lat, lon=lon, title="Gammal", created_at=now - timedelta(days=200)),
        make_report(w.cat(w.tv_body, "Vägar (riksvägar/Trafikverket)"), lat=lat, lon=lon,
                    title="Väg", created_at=now - timedelta(days=1)),
    ]  # fmt: skip
    Report.objects.filter(pk=made[0].pk).update(media_urls=["https://example.org/a.jpg"])
    return made


def _kommun():
    from sambruk.fixamingata.routing import kommun_by_code

    return kommun_by_code("2181")


@pytest.mark.parametrize(
    ("statuses", "offset", "limit"),
    [(["open"], 0, 1000), (["closed"], 0, 1000), (["open", "closed"], 1, 2), (["fixed"], 0, 5)],
)
def test_precompiled_statement_is_the_querysets_own(listed, statuses, offset, limit):
    kommun = _kommun()
    states = queries.states_for(statuses)
    end = timezone.now() + timedelta(minutes=1)
    start = end - timedelta(days=90)
    statement = queries._list_statement(len(states), offset, limit)
    assert statement is not None  # the common list never builds its queryset
    with CaptureQueriesContext(connection) as general:
        expected = queries._rows(
            queries._list_queryset(kommun.pk, states, start, end), offset, limit
        )
    with CaptureQueriesContext(connection) as precompiled:
        rows = statement.rows(kommun.pk, states, start, end)
    assert rows == expected and all(type(row) is tuple for row in rows)
    assert [q["sql"] for q in precompiled] == [q["sql"] for q in general]
    if statuses == ["open"]:
        assert len(rows) == 3  # Med bild, Pågår, Väg (Gammal is outside the window)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_list_answer_is_the_same_bytes_as_without_the_precompiled_statement(
    client, listed, monkeypatch, fmt
):
    paths = [
        f"{BASE}requests.{fmt}?jurisdiction_id=2181&status=open",
        f"{BASE}requests.{fmt}?jurisdiction_id=2181",
        f"{BASE}requests.{fmt}?jurisdiction_id=2181&status=open,closed&page=2&page_size=2",
    ]
    fast = [client.get(p) for p in paths]
    monkeypatch.setattr(queries, "_list_statement", lambda *args: None)
    slow = [client.get(p) for p in paths]
    assert [r.status_code for r in fast] == [200, 200, 200]
    assert [r.content for r in fast] == [r.content for r in slow]
    assert b"https://example.org/a.jpg" not in fast[0].content  # the photo wins
    assert b"/media/fixamingata/" in fast[0].content


def test_filter_hooks_run_only_when_their_parameters_are_given(client, listed):
    near = client.get(BASE + "requests.json", {**J, "lat": "0", "long": "0", "radius": "10"})
    assert near.status_code == 200 and near.json() == []  # the hook narrowed the list
    assert client.get(BASE + "requests.json", {**J, "radius": "10"}).status_code == 400
    assert len(client.get(BASE + "requests.json", J).json()) == 4  # Gammal is too old


@pytest.mark.parametrize(
    "name",
    [
        "fixamingata/2026/11/bild_Ab-1.jpg",
        "fixamingata/2026/11/bild med mellanslag.jpg",
        "fixamingata/2026/11/båt.jpg",
        "med mellanslag.jpg",
        "åäö.jpg",
        "fixamingata/../../etc/passwd",
        "fixamingata/./bild.jpg",
        "a//b.jpg",
        "c:/bild.jpg",
        "bild.jpg?x=1#y",
        "/rot.jpg",
        "%41.jpg",
    ],
)
@pytest.mark.parametrize("media_url", ["/media/", "https://cdn.example.org/m/"])
def test_photo_urls_equal_the_storage_urls(settings, name, media_url):
    settings.MEDIA_URL = media_url
    assert formatters.photo_urls()(name) == formatters.photo_url(name)


def test_a_hooks_error_still_comes_before_a_paging_error(client, w):
    response = client.get(BASE + "requests.json", {**J, "lat": "x", "long": "1", "page": "y"})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("lat ")
