"""The event feed: JSON and Atom, after cursors, authentication, catch-up."""

from __future__ import annotations

import pytest
from lxml import etree
from rest_framework.test import APIClient

from sambruk.cases import services as case_services
from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.api.feed import make_cursor
from sambruk.channel.models import FeedEntry
from sambruk.channel.services.feed import catch_up
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def kommun(db):
    class K:
        pass

    k = K()
    k.org = OrganisationFactory()
    k.case_type = CaseTypeFactory(organisation=k.org)
    k.queue = QueueFactory(organisation=k.org, default_case_type=k.case_type)
    k.worker = caseworker(k.org, queues=[k.queue])
    return k


def _cases(k, n, capture):
    with capture(execute=True):
        cases = [CaseFactory(queue=k.queue, actor=k.worker) for _ in range(n)]
    return cases


def _page(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_json_paging_has_no_gaps_no_duplicates_and_replays(
    kommun, api_for, django_capture_on_commit_callbacks
):
    cases = _cases(kommun, 5, django_capture_on_commit_callbacks)
    api = api_for(kommun.org)
    first = _page(api, page_size=2)
    assert [x["seq"] for x in first["results"]] == [1, 2] and first["has_more"]
    assert first["results"][0]["name"] == "case.created"
    second = _page(api, page_size=2, after=first["after"])
    assert [x["seq"] for x in second["results"]] == [3, 4]
    replay = _page(api, page_size=2, after=first["after"])
    assert replay["results"] == second["results"]
    third = _page(api, page_size=2, after=second["after"])
    assert [x["seq"] for x in third["results"]] == [5] and not third["has_more"]
    # New events appear after the last cursor, nothing before it is repeated.
    with django_capture_on_commit_callbacks(execute=True):
        case_services.do_change_title(cases[0], actor=kommun.worker, title="Ny rubrik")
    fourth = _page(api, page_size=2, after=third["after"])
    assert [(x["seq"], x["name"]) for x in fourth["results"]] == [(6, "case.title_changed")]
    assert fourth["results"][0]["data"]["changed"] == ["title"]
    # Following next from the start visits every entry once.
    seen, url = [], f"{URL}?page_size=4"
    while True:
        body = api.get(url).json()
        seen += [x["seq"] for x in body["results"]]
        if not body["has_more"]:
            break
        url = body["next"]
    assert seen == [1, 2, 3, 4, 5, 6]


def test_atom_is_valid_and_pages(kommun, api_for, django_capture_on_commit_callbacks):
    cases = _cases(kommun, 3, django_capture_on_commit_callbacks)
    api = api_for(kommun.org)
    response = api.get(URL, {"format": "atom", "page_size": 2})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert cases[0].reference in entries[0].find(f"{ATOM}title").text
    ids = {e.find(f"{ATOM}id").text for e in entries}
    nxt = root.find(f"{ATOM}link[@rel='next']").get("href")
    following = etree.fromstring(api.get(nxt).content)
    more = [e.find(f"{ATOM}id").text for e in following.findall(f"{ATOM}entry")]
    assert len(more) == 1 and more[0] not in ids
    # The same feed by Accept header.
    accepted = api.get(URL, HTTP_ACCEPT="application/atom+xml")
    assert etree.fromstring(accepted.content).tag == f"{ATOM}feed"


def test_authentication_is_required(kommun, api_for):
    for params in ({}, {"format": "atom"}):
        response = APIClient().get(URL, params)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    no_scope = api_for(kommun.org, scopes=["channel.view_shadowcase"])
    assert no_scope.get(URL).status_code == 403


def test_staff_session_with_the_permission(kommun, member, login):
    user = member(kommun.org, "org_admin")
    client = login(APIClient(), user)
    assert client.get(URL).status_code == 200
    worker = login(APIClient(), kommun.worker)
    assert worker.get(URL).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "atom"])
def test_malformed_and_foreign_cursors_answer_400(kommun, api_for, fmt):
    api = api_for(kommun.org)
    other = OrganisationFactory()
    for cursor in ("garbage", make_cursor(other.pk, 3), make_cursor(kommun.org.pk, 3) + "x"):
        response = api.get(URL, {"after": cursor, "format": fmt})
        assert response.status_code == 400, cursor
        body = response.json()
        assert body["code"] == "invalid" and "after" in body["errors"]
    assert api.get(URL, {"page_size": "0"}).status_code == 400
    assert api.get(URL, {"page_size": "x"}).status_code == 400


def test_other_organisation_sees_nothing(kommun, api_for, django_capture_on_commit_callbacks):
    _cases(kommun, 2, django_capture_on_commit_callbacks)
    assert _page(api_for(OrganisationFactory()))["results"] == []


def test_catch_up_publishes_events_whose_subscriber_never_ran(
    kommun, api_for, django_capture_on_commit_callbacks
):
    _cases(kommun, 1, django_capture_on_commit_callbacks)  # published by the subscriber
    # Without executing on-commit callbacks the subscriber never runs (a worker "died").
    missed = CaseFactory(queue=kommun.queue, actor=kommun.worker)
    assert FeedEntry.objects.count() == 1
    assert catch_up() == 1
    assert catch_up() == 0
    results = _page(api_for(kommun.org))["results"]
    assert [(x["seq"], x["name"]) for x in results] == [(1, "case.created"), (2, "case.created")]
    assert results[1]["case_id"] == missed.pk
