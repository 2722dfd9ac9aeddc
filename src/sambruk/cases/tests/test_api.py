"""The case REST API as a client sees it: list, retrieve, create, sub-resources, configuration.

Every test that acts runs twice through the ``actor`` fixture: with an API client's bearer
token and with a caseworker's verified session.
"""

from __future__ import annotations

import pytest

from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import Person

from .. import services
from ..actions import available_actions
from ..models import Case, CaseLogEntry, LogKind, Origin
from .factories import CaseFactory, CaseTypeFactory, LabelFactory, PriorityFactory, QueueFactory
from .factories import caseworker as make_caseworker
from .test_api_support import actor_fixture, fresh, session_actor, token_actor  # noqa: F401

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- list and retrieve ---------------------------------------------------------------------
def test_list_and_retrieve(actor, setup):
    case = CaseFactory(queue=setup.queue, actor=setup.worker, title="Trasig gatlampa")
    listing = actor.get("/api/cases/")
    assert listing.status_code == 200, listing.content
    assert ids(listing) == {case.pk}
    detail = actor.get(f"/api/cases/{case.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["reference"] == case.reference
    assert body["title"] == "Trasig gatlampa"
    assert body["status"]["code"] == "ny"
    assert body["version"] == 1
    assert body["available_actions"] == available_actions(fresh(case), actor.user)


def test_available_actions_follow_the_engine(actor, setup):
    case = CaseFactory(queue=setup.queue, actor=setup.worker, closed=True)
    body = actor.get(f"/api/cases/{case.pk}/").json()
    assert "reopen" in body["available_actions"]
    assert "close" not in body["available_actions"]
    assert body["available_actions"] == available_actions(fresh(case), actor.user)
    short = actor.get(f"/api/cases/{case.pk}/available-actions/").json()
    assert short == {"version": body["version"], "available_actions": body["available_actions"]}


def test_other_organisations_cases_answer_404(actor, setup, org_factory):
    other_org = org_factory()
    theirs = CaseFactory(queue=QueueFactory(organisation=other_org))
    mine = CaseFactory(queue=setup.queue, actor=setup.worker)
    assert ids(actor.get("/api/cases/", {"page_size": 500})) == {mine.pk}
    for path in ("", "log/", "notes/", "attachments/", "available-actions/"):
        assert actor.get(f"/api/cases/{theirs.pk}/{path}").status_code == 404, path
    refused = actor.post(f"/api/cases/{theirs.pk}/actions/add_note/", {"text": "Hej"})
    assert refused.status_code == 404
    assert not CaseLogEntry.objects.filter(case=theirs, kind=LogKind.NOTE).exists()


def test_restricted_case_is_invisible_to_others(setup, login):
    case = CaseFactory(queue=setup.queue, actor=setup.other, restricted=True)
    worker = session_actor(setup.worker, login)
    assert case.pk not in ids(worker.get("/api/cases/"))
    assert worker.get(f"/api/cases/{case.pk}/").status_code == 404
    assert token_actor(setup.org).get(f"/api/cases/{case.pk}/").status_code == 404
    named = session_actor(setup.other, login)
    assert case.pk in ids(named.get("/api/cases/"))


def test_unauthenticated_and_unverified_are_refused(setup, client):
    CaseFactory(queue=setup.queue, actor=setup.worker)
    assert client.get("/api/cases/").status_code in (401, 403)
    client.force_login(setup.worker)  # password only, no second factor
    assert client.get("/api/cases/").status_code in (401, 403)


def test_filters(actor, setup):
    label = LabelFactory(organisation=setup.org, name="Gata")
    second_queue = QueueFactory(organisation=setup.org, members=[setup.worker])
    plain = CaseFactory(queue=setup.queue, actor=setup.worker, title="Skylt")
    mine = CaseFactory(queue=setup.queue, actor=setup.worker, assigned=True)
    labelled = services.do_add_label(
        CaseFactory(queue=second_queue, actor=setup.worker), actor=setup.worker, label=label
    )
    closed = CaseFactory(queue=setup.queue, actor=setup.worker, closed=True)
    removed = services.do_remove(
        CaseFactory(queue=setup.queue, actor=setup.worker), actor=setup.admin
    )
    services.do_change_due_date(
        plain, actor=setup.worker, due_date=plain.created_at.date().replace(year=2000)
    )

    def listed(**params):
        response = actor.get("/api/cases/", params)
        assert response.status_code == 200, response.content
        return ids(response)

    assert removed.pk not in listed()
    assert listed(removed="true") == {removed.pk}
    assert listed(state="closed") == {closed.pk}
    assert listed(queue=second_queue.pk) == {labelled.pk}
    assert listed(label=label.pk) == {labelled.pk}
    assert listed(assignee="none") == {plain.pk, labelled.pk}
    assert listed(assignee=setup.worker.pk) == {mine.pk, closed.pk}
    assert listed(overdue="true") == {plain.pk}
    assert listed(status=setup.status["avslutad"].pk) == {closed.pk}
    assert listed(case_type=setup.case_type.pk) >= {plain.pk, mine.pk}
    assert listed(created_before="2001-01-01") == set()
    assert plain.pk in listed(created_after="2001-01-01")
    if actor.kind == "session":
        assert listed(assignee="me") == {mine.pk, closed.pk}


def test_text_search(actor, setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lamp = CaseFactory(queue=setup.queue, actor=setup.worker, title="Trasig gatlampa")
        CaseFactory(queue=setup.queue, actor=setup.worker, title="Hål i vägen")
    assert ids(actor.get("/api/cases/", {"q": "gatlampa"})) == {lamp.pk}
    assert ids(actor.get("/api/cases/", {"q": lamp.reference})) == {lamp.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"queue": "abc"},
        {"assignee": "someone"},
        {"state": "weird"},
        {"overdue": "maybe"},
        {"created_after": "2024-13-45"},
        {"created_after": "0001-01-01"},
        {"status": "99999999999999999999999"},
    ],
)
def test_bad_filters_are_400(actor, params):
    response = actor.get("/api/cases/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == set(params)


def test_cursor_pagination(actor, setup):
    made = [CaseFactory(queue=setup.queue, actor=setup.worker) for _ in range(3)]
    first = actor.get("/api/cases/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = actor.http.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert seen == sorted((c.pk for c in made), reverse=True)


# --- create --------------------------------------------------------------------------------
def test_create(actor, setup):
    label = LabelFactory(organisation=setup.org)
    priority = PriorityFactory(organisation=setup.org)
    response = actor.post(
        "/api/cases/",
        {
            "queue": setup.queue.pk,
            "title": "Ny anmälan",
            "description": "Via integration",
            "labels": [label.pk],
            "priority": priority.pk,
            "due_date": "2030-01-31",
            "origin": "phone",
            "contacts": [{"name": "Anna Anmälare", "email": "anna@example.se", "role": "Anmälare"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/cases/{case.pk}/"
    assert case.title == "Ny anmälan"
    assert case.case_type == setup.case_type  # the queue's default type
    assert case.origin == (Origin.API if actor.kind == "token" else Origin.PHONE)
    assert case.created_by == actor.user
    assert [lb["id"] for lb in body["labels"]] == [label.pk]
    assert body["priority"]["id"] == priority.pk
    assert body["due_date"] == "2030-01-31"
    assert body["contacts"][0]["name"] == "Anna Anmälare"
    assert body["available_actions"] == available_actions(case, actor.user)
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).exists()


def test_create_draft_is_visible_only_to_its_creator(actor, setup, login):
    response = actor.post(
        "/api/cases/", {"queue": setup.queue.pk, "title": "Utkast", "draft": True}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["is_draft"] is True
    assert body["state"] == "draft"
    other = session_actor(setup.other, login)
    assert other.get(f"/api/cases/{body['id']}/").status_code == 404


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({}, {"queue", "title"}),
        ({"title": "x"}, {"queue"}),
        ({"queue": "abc", "title": "x"}, {"queue"}),
        ({"queue": 10**30, "title": "x"}, {"queue"}),
        ({"queue": "QUEUE", "title": ""}, {"title"}),
        ({"queue": "QUEUE", "title": "x" * 301}, {"title"}),
        ({"queue": "QUEUE", "title": "x", "due_date": "31/12"}, {"due_date"}),
        ({"queue": "QUEUE", "title": "x", "labels": "a"}, {"labels"}),
        ({"queue": "QUEUE", "title": "x", "contacts": [{}]}, {"contacts"}),
        ({"queue": "QUEUE", "title": "x", "contacts": [{"email": "nej"}]}, {"contacts"}),
        ({"queue": "QUEUE", "title": "x", "origin": "fax"}, {"origin"}),
        ({"queue": "OTHER_QUEUE", "title": "x"}, {"queue"}),
        ({"queue": "QUEUE", "case_type": "OTHER_TYPE", "title": "x"}, {"case_type"}),
    ],
)
def test_create_with_bad_body_is_400_and_writes_nothing(actor, setup, org_factory, payload, fields):
    other_org = org_factory()
    swap = {
        "QUEUE": setup.queue.pk,
        "OTHER_QUEUE": QueueFactory(organisation=other_org).pk,
        "OTHER_TYPE": CaseTypeFactory(organisation=other_org).pk,
    }
    payload = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    before = (Case.objects.count(), AuditEvent.objects.count())
    response = actor.post("/api/cases/", payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == fields
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_create_body_that_is_not_an_object_is_400(actor):
    for raw in ("[1, 2]", "null", '"text"', "{broken"):
        response = actor.http.post("/api/cases/", raw, content_type="application/json")
        assert response.status_code == 400, raw
    assert not Case.objects.exists()


def test_create_without_create_permission_is_403(setup):
    reader = token_actor(setup.org, roles=())
    response = reader.post("/api/cases/", {"queue": setup.queue.pk, "title": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Case.objects.exists()


# --- sub-resources -------------------------------------------------------------------------
def test_log_and_notes(actor, setup):
    case = CaseFactory(queue=setup.queue, actor=setup.worker)
    added = actor.post(f"/api/cases/{case.pk}/notes/", {"text": "Ringde anmälaren."})
    assert added.status_code == 201, added.content
    assert added.json()["text"] == "Ringde anmälaren."
    notes = actor.get(f"/api/cases/{case.pk}/notes/").json()["results"]
    assert [n["text"] for n in notes] == ["Ringde anmälaren."]
    log = actor.get(f"/api/cases/{case.pk}/log/").json()["results"]
    assert [e["kind"] for e in log] == ["system", "note"]
    assert log[1]["actor"]["id"] == actor.user.pk
    empty = actor.post(f"/api/cases/{case.pk}/notes/", {"text": ""})
    assert empty.status_code == 400
    assert "text" in empty.json()["errors"]
    stale = actor.post(f"/api/cases/{case.pk}/notes/", {"text": "Sent", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert CaseLogEntry.objects.filter(case=case, kind=LogKind.NOTE).count() == 1


def test_attachments_upload_list_and_audited_download(actor, setup, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    case = CaseFactory(queue=setup.queue, actor=setup.worker)
    upload = SimpleUploadedFile("anteckning.txt", "Hej från API:t\n".encode(), "text/plain")
    response = actor.http.post(
        f"/api/cases/{case.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["original_name"] == "anteckning.txt"
    listing = actor.get(f"/api/cases/{case.pk}/attachments/").json()["results"]
    assert [a["id"] for a in listing] == [attachment["id"]]
    url = f"/api/cases/{case.pk}/attachments/{attachment['id']}/download/"
    download = actor.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "Hej från API:t\n".encode()
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="read",
        object_type="cases.attachment",
        object_id=str(attachment["id"]),
        actor=actor.user,
    ).exists()
    assert actor.get(f"/api/cases/{case.pk}/attachments/999999/download/").status_code == 404


def test_protected_person_contact_hides_address(setup, login):
    person = Person.objects.create(
        civic_number="199001012385",
        given_name="Skyddad",
        family_name="Person",
        street_address="Hemlig väg 1",
        email="hemlig@example.se",
        protection="skyddad_folkbokforing",
    )
    case = services.do_create(
        actor=setup.worker,
        queue=setup.queue,
        case_type=setup.case_type,
        title="Skyddad",
        contacts=[{"person": person, "address": "Hemlig väg 1", "role": "Sökande"}],
    )
    body = session_actor(setup.worker, login).get(f"/api/cases/{case.pk}/").json()
    contact = body["contacts"][0]
    assert contact["person"]["street_address"] is None
    assert contact["person"]["protected_data_hidden"] is True
    assert contact["person"]["civic_number"].endswith("-****")
    assert contact["address"] is None
    assert "Hemlig" not in str(body)
    assert AuditEvent.objects.filter(action="read", person=person).exists()
    allowed = make_caseworker(setup.org, queues=[setup.queue])
    from sambruk.core.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=allowed, organisation=setup.org, role="protected_data")
    shown = session_actor(allowed, login).get(f"/api/cases/{case.pk}/").json()["contacts"][0]
    assert shown["person"]["street_address"] == "Hemlig väg 1"


# --- configuration -------------------------------------------------------------------------
def test_configuration_endpoints_are_per_organisation(actor, setup, org_factory):
    other_org = org_factory()
    theirs = {
        "case-types": CaseTypeFactory(organisation=other_org).pk,
        "queues": QueueFactory(organisation=other_org).pk,
        "labels": LabelFactory(organisation=other_org).pk,
        "priorities": PriorityFactory(organisation=other_org).pk,
    }
    mine = {
        "case-types": setup.case_type.pk,
        "queues": setup.queue.pk,
        "labels": LabelFactory(organisation=setup.org).pk,
        "priorities": PriorityFactory(organisation=setup.org).pk,
    }
    for prefix in theirs:
        listing = actor.get(f"/api/{prefix}/")
        assert listing.status_code == 200, prefix
        assert ids(listing) == {mine[prefix]}, prefix
        assert actor.get(f"/api/{prefix}/{theirs[prefix]}/").status_code == 404
        assert actor.get(f"/api/{prefix}/{mine[prefix]}/").status_code == 200
    case_type = actor.get(f"/api/case-types/{setup.case_type.pk}/").json()
    assert [s["code"] for s in case_type["statuses"]] == ["ny", "pagar", "vantar", "avslutad"]
    by_id = {s["id"]: s["code"] for s in case_type["statuses"]}
    pairs = {(by_id[t["from_status"]], by_id[t["to_status"]]) for t in case_type["transitions"]}
    assert ("ny", "pagar") in pairs
    assert ("avslutad", "ny") not in pairs
