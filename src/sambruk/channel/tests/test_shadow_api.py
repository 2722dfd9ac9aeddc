"""Shadow cases through the REST API, as an external system (bearer token) uses it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sambruk.channel.models import ShadowCase, ShadowCaseLogEntry
from sambruk.channel.queries import shadow_cases_for
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/shadow-cases/"

CREATE = {
    "system_name": "Bygglov (e-Bygglov)",
    "external_id": "BN 2026-17",
    "civic_number": "19121212-1212",
    "title": "Bygglov för carport",
    "status": "Mottagen",
    "content": [{"key": "Fastighet", "value": "Kungen 3"}],
    "log": [{"at": "2026-03-01T09:00:00+01:00", "message": "Ansökan mottagen"}],
}


@pytest.fixture
def org():
    return OrganisationFactory()


def test_create_is_idempotent_update_merges_and_close(org, api_for):
    api = api_for(org)
    first = api.post(URL, CREATE, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["civic_number"] == "19121212-****"
    assert body["log"][0]["message"] == "Ansökan mottagen"
    again = api.post(URL, CREATE, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert ShadowCase.objects.count() == 1 and ShadowCaseLogEntry.objects.count() == 1

    patch = api.patch(
        f"{URL}{body['id']}/",
        {
            "status": "Under handläggning",
            "content": [{"key": "Handläggare", "value": "Bygglovsenheten"}],
            "log": [{"message": "Handläggning påbörjad"}],
        },
        format="json",
    )
    assert patch.status_code == 200, patch.content
    assert patch.json()["content"] == [
        {"key": "Fastighet", "value": "Kungen 3"},
        {"key": "Handläggare", "value": "Bygglovsenheten"},
    ]
    assert [e["message"] for e in patch.json()["log"]] == [
        "Ansökan mottagen",
        "Handläggning påbörjad",
    ]
    closed = api.post(
        f"{URL}{body['id']}/close/",
        {"status": "Beviljad", "log": [{"message": "Beslut: beviljat"}]},
        format="json",
    )
    assert closed.status_code == 200
    assert closed.json()["closed"] is True and closed.json()["status"] == "Beviljad"
    # Mina sidor sees it through the query.
    [view] = shadow_cases_for("191212121212")
    assert view.closed and view.system_name == "Bygglov (e-Bygglov)" and len(view.log) == 3
    # Lookup by external id.
    found = api.get(URL, {"system_name": "Bygglov (e-Bygglov)", "external_id": "BN 2026-17"})
    assert [x["id"] for x in found.json()["results"]] == [body["id"]]
    assert AuditEvent.objects.filter(object_type="channel.shadowcase", action="create").count() == 1
    assert AuditEvent.objects.filter(object_type="channel.shadowcase", action="update").count() == 2


@pytest.mark.parametrize(
    "change,field",
    [
        ({"civic_number": "19121212-1213"}, "civic_number"),
        ({"civic_number": "abc"}, "civic_number"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"content": "Fastighet=Kungen"}, "content"),
        ({"content": [{"key": "a"}]}, "content"),
        ({"content": [{"key": "a", "value": "1", "extra": 2}]}, "content"),
        ({"content": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "content"),
        ({"log": [{"at": "igår", "message": "x"}]}, "log"),
        ({"log": [{"message": ""}]}, "log"),
        ({"closed": "kanske"}, "closed"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_payload_answers_400_in_the_error_shape_and_writes_nothing(org, api_for, change, field):
    api = api_for(org)
    response = api.post(URL, {**CREATE, **change}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert ShadowCase.objects.count() == 0
    assert ShadowCaseLogEntry.objects.count() == 0


def test_not_json_and_not_an_object(org, api_for):
    api = api_for(org)
    broken = api.post(URL, "{nope", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    listed = api.post(URL, [CREATE], format="json")
    assert listed.status_code == 400 and listed.json()["code"] == "invalid"


def test_moving_a_case_to_another_person_is_refused(org, api_for):
    api = api_for(org)
    assert api.post(URL, CREATE, format="json").status_code == 201
    other = api.post(URL, {**CREATE, "civic_number": "198112189876"}, format="json")
    assert other.status_code == 400 and "civic_number" in other.json()["errors"]
    assert ShadowCase.objects.get().civic_number == "191212121212"


def test_other_organisations_client_cannot_touch_it(org, api_for):
    mine = api_for(org)
    theirs = api_for(OrganisationFactory())
    pk = mine.post(URL, CREATE, format="json").json()["id"]
    assert theirs.get(f"{URL}{pk}/").status_code == 404
    assert theirs.patch(f"{URL}{pk}/", {"title": "Kapad"}, format="json").status_code == 404
    assert theirs.post(f"{URL}{pk}/close/", {}, format="json").status_code == 404
    assert theirs.get(URL).json()["results"] == []
    # The same external id in their organisation is their own case.
    assert theirs.post(URL, CREATE, format="json").status_code == 201
    assert ShadowCase.objects.get(pk=pk).title == "Bygglov för carport"
    assert ShadowCase.objects.count() == 2


def test_authentication_and_scopes(org, api_for):
    assert APIClient().post(URL, CREATE, format="json").status_code == 401
    reader = api_for(org, scopes=["channel.view_shadowcase"])
    refused = reader.post(URL, CREATE, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert reader.get(URL).status_code == 200


def test_staff_session_must_name_the_organisation_when_it_has_several(org, member, login):
    from sambruk.core.accounts.tests.factories import MembershipFactory

    other = OrganisationFactory()
    user = member(org, "integration")
    MembershipFactory(user=user, organisation=other, role="integration")
    client = login(APIClient(), user)
    missing = client.post(URL, CREATE, format="json")
    assert missing.status_code == 400 and "organisation" in missing.json()["errors"]
    made = client.post(URL, {**CREATE, "organisation": other.pk}, format="json")
    assert made.status_code == 201 and made.json()["organisation"] == other.pk


def test_list_audits_one_read_per_returned_row_and_person(org, api_for):
    api = api_for(org)
    api.post(URL, CREATE, format="json")
    api.post(
        URL,
        {**CREATE, "external_id": "BN 2026-18", "civic_number": "19811218-9876"},
        format="json",
    )
    reads = AuditEvent.objects.filter(object_type="channel.shadowcase", action="read")
    assert not reads.exists()

    page = api.get(URL, {"page_size": 1}).json()
    assert len(page["results"]) == 1
    only = page["results"][0]["id"]
    assert list(reads.values_list("object_id", flat=True)) == [str(only)]

    found = api.get(URL, {"external_id": "BN 2026-18"}).json()["results"]
    assert len(found) == 1
    event = reads.filter(object_id=str(found[0]["id"])).latest("pk")
    assert event.person_civic_number == "198112189876"
    assert event.purpose == "Integration: skuggärende" and event.organisation_id == org.pk

    every = api.get(URL).json()["results"]
    assert len(every) == 2
    assert reads.count() == 4
    assert set(reads.values_list("person_civic_number", flat=True)) == {
        "191212121212",
        "198112189876",
    }
    # An empty answer reads nobody.
    assert api.get(URL, {"external_id": "finns inte"}).json()["results"] == []
    assert reads.count() == 4
