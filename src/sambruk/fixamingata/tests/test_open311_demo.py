"""The demo Open311 client: a POST with ``demo-open311-key`` becomes a case in Sandviken's
workspace, and the demo reports are served as schema-valid Open311 lists."""

from __future__ import annotations

import pytest

from sambruk.core.demo import loaders
from sambruk.fixamingata.open311.testing import BASE, json_of, schemas_available, validate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not schemas_available(), reason="../shared/data/open311 is absent"),
]


@pytest.fixture
def demo(db, settings):
    from sambruk.core.organisations.services import load_reference_data

    settings.FIXAMINGATA_RATE_LIMITS = {}
    load_reference_data()
    for loader in loaders():
        if loader.order <= 20:
            loader.load(lambda msg: None)


def test_demo_key_post_becomes_a_case_in_sandvikens_workspace(client, demo, login):
    from sambruk.core.accounts.models import User
    from sambruk.fixamingata.casesetup import ensure_case_setup
    from sambruk.fixamingata.models import Report

    response = client.post(
        BASE + "requests.json",
        {
            "api_key": "demo-open311-key",
            "jurisdiction_id": "2181",
            "service_code": "gatubelysning",
            "lat": "60.6167",
            "long": "16.7667",
            "attribute[antal]": "flera",
            "description": "Titel: Mörkt på Köpmangatan\nBeskrivning: Tre lyktor är släckta.",
            "first_name": "Örjan",
            "last_name": "Ågren",
            "email": "orjan@example.se",
        },
    )
    assert response.status_code == 200, response.content
    data = json_of(response)
    validate("post", data)
    report = Report.objects.get(service_request_id=data[0]["service_request_id"])
    assert report.case.queue.organisation.kommunkod == "2181"

    worker = User.objects.get(email="handlaggare@sandviken.example.se")
    _type, queue = ensure_case_setup(report.case.queue.organisation)
    login(client, worker)
    page = client.get(f"/arenden/funktion/{queue.pk}/")
    assert page.status_code == 200
    assert "Mörkt på Köpmangatan" in page.content.decode()

    listed = json_of(client.get(BASE + "requests.json", {"jurisdiction_id": "2181"}))
    validate("requests", listed)
    assert listed[0]["service_request_id"] == report.service_request_id
    assert len(listed) >= 25  # the demo reports of Sandviken, unconfirmed ones excluded
    assert {r["status"] for r in listed} == {"open", "closed"}
    gavle = json_of(
        client.get(BASE + "requests.json", {"jurisdiction_id": "2180", "status": "closed"})
    )
    validate("requests", gavle)
    assert gavle and all(r["status"] == "closed" for r in gavle)
