import pytest
from rest_framework.test import APIClient

from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.organisations.services import load_reference_data
from sambruk.core.organisations.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

KOMMUN_AT = "/api/organisations/kommun-at/"


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.fixture
def reference_data():
    load_reference_data()


def test_kommun_at_found(api, reference_data):
    from sambruk.core.organisations.models import Organisation

    response = api.get(KOMMUN_AT, {"lat": "60.6167", "lon": "16.7667"})
    assert response.status_code == 200
    assert response.json() == {
        "kommunkod": "2181",
        "name": "Sandvikens kommun",
        "organisation_id": Organisation.objects.get(kommunkod="2181").pk,
    }


def test_kommun_at_accepts_decimal_comma(api, reference_data):
    response = api.get(KOMMUN_AT, {"lat": "59,3293", "lon": "18,0686"})
    assert response.status_code == 200
    assert response.json()["kommunkod"] == "0180"


def test_kommun_at_without_reference_rows(api):
    response = api.get(KOMMUN_AT, {"lat": "57.7089", "lon": "11.9746"})
    assert response.status_code == 200
    assert response.json() == {
        "kommunkod": "1480",
        "name": "Göteborgs kommun",
        "organisation_id": None,
    }


def test_kommun_at_outside_sweden(api):
    response = api.get(KOMMUN_AT, {"lat": "58.5", "lon": "19.5"})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Punkten ligger inte i någon svensk kommun.",
        "code": "not_found",
    }


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "60.6"},
        {"lon": "16.7"},
        {"lat": "abc", "lon": "16.7"},
        {"lat": "nan", "lon": "16.7"},
        {"lat": "inf", "lon": "16.7"},
        {"lat": "200", "lon": "16.7"},
        {"lat": "60.6", "lon": "-181"},
        {"lat": "", "lon": ""},
    ],
)
def test_kommun_at_bad_input(api, params):
    response = api.get(KOMMUN_AT, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body) == {"detail", "code"}
    assert "lat" in body["detail"] or "latitud" in body["detail"]


def test_list_filters(api, reference_data):
    response = api.get("/api/organisations/", {"type": "kommun", "kommunkod": "2181", "lan": "21"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["kommunkod"], r["name"], r["lan_name"]) for r in results] == [
        ("2181", "Sandvikens kommun", "Gävleborgs län")
    ]

    response = api.get("/api/organisations/", {"type": "kommun", "lan": "21", "page_size": 500})
    assert len(response.json()["results"]) == 10  # Gävleborgs län has ten kommuner

    response = api.get("/api/organisations/", {"type": "myndighet", "page_size": 500})
    names = [r["name"] for r in response.json()["results"]]
    assert len(names) == 12 and names == sorted(names)

    response = api.get("/api/organisations/", {"type": "region", "lan": "21"})
    assert [r["name"] for r in response.json()["results"]] == ["Region Gävleborg"]


def test_list_pages_through_everything(api, reference_data):
    seen, url = [], "/api/organisations/"
    while url:
        body = api.get(url).json()
        seen.extend(r["id"] for r in body["results"])
        url = body["next"]
    assert len(seen) == len(set(seen)) == 323


def test_retrieve(api, reference_data):
    from sambruk.core.organisations.models import Organisation

    org = Organisation.objects.get(slug="trafikverket")
    body = api.get(f"/api/organisations/{org.pk}/").json()
    assert body["organisationsnummer"] == "202100-6297"
    assert body["type"] == "myndighet"


def test_read_only(api, reference_data):
    assert api.post("/api/organisations/", {"name": "X"}).status_code == 405


@pytest.mark.parametrize(
    "url", ["/api/organisations/", KOMMUN_AT + "?lat=60.6&lon=16.7", "/api/orgunits/"]
)
def test_unauthenticated(url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)


def test_orgunits_restricted_to_own_organisation(org_factory, member):
    mine, other = org_factory(), org_factory()
    unit = OrgUnitFactory(organisation=mine)
    foreign = OrgUnitFactory(organisation=other)
    client = APIClient()
    client.force_authenticate(member(mine, "caseworker"))
    response = client.get("/api/orgunits/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [unit.pk]
    assert client.get(f"/api/orgunits/{foreign.pk}/").status_code == 404
    assert client.get(f"/api/orgunits/{unit.pk}/").json()["name"] == unit.name


def test_orgunits_need_permission(org_factory):
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get("/api/orgunits/").status_code == 403


def test_schema_documents_kommun_at(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/organisations/kommun-at/"]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"lat", "lon"} <= params
    assert {"200", "400", "404"} <= set(operation["responses"])
    list_params = {p["name"] for p in schema["paths"]["/api/organisations/"]["get"]["parameters"]}
    assert {"type", "kommunkod", "lan"} <= list_params
