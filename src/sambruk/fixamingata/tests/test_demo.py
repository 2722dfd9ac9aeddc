"""The demo loader: ≥50 reports in mixed states as cases, the Open311 key, idempotent."""

import pytest

from sambruk.core.api.models import ApiClient, hash_token
from sambruk.core.demo import loaders
from sambruk.fixamingata.models import Category, Report


@pytest.fixture
def demo_loaded(db, settings):
    from sambruk.core.organisations.services import load_reference_data

    settings.FIXAMINGATA_RATE_LIMITS = {}
    load_reference_data()
    for loader in loaders():
        if loader.order <= 20:
            loader.load(lambda msg: None)


def test_demo_data(demo_loaded):
    reports = Report.objects.all()
    assert reports.count() >= 50
    assert {r.kommun.kommunkod for r in reports} == {"2181", "2180"}
    states = set(reports.values_list("state", flat=True))
    assert {"unconfirmed", "confirmed", "in_progress", "fixed", "not_responsible"} <= states
    assert all(r.case_id for r in reports.exclude(state="unconfirmed"))
    fixed = reports.filter(state="fixed").first()
    assert fixed.case.status.kind == "closed"
    for code in ("2181", "2180"):
        assert Category.objects.filter(body__organisation__kommunkod=code).count() >= 10
    assert Category.objects.filter(body__organisation__slug="trafikverket").count() == 1
    client = ApiClient.objects.get(token_hash=hash_token("demo-open311-key"))
    assert client.organisation.kommunkod == "2181"
    assert "fixamingata.submit_report" in client.scopes

    count = reports.count()
    for loader in loaders():
        if loader.name == "fixamingata":
            loader.load(lambda msg: None)
    assert Report.objects.count() == count
    assert ApiClient.objects.filter(token_hash=hash_token("demo-open311-key")).count() == 1
