"""Shadow cases through the service and the query used by Mina sidor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sambruk.channel.models import ShadowCase
from sambruk.channel.queries import shadow_cases_for
from sambruk.channel.services import close_shadow_case, upsert_shadow_case
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _create(org, **kw):
    args = {
        "organisation": org,
        "system_name": "e-Bygglov",
        "external_id": "BYGG-2026-17",
        "civic_number": "19121212-1212",
        "title": "Bygglov för carport",
        "status": "Mottagen",
        "content": [{"key": "Fastighet", "value": "Sandviken Kungen 3"}],
        "log": [{"at": T1, "message": "Ansökan mottagen"}],
    }
    args.update(kw)
    return upsert_shadow_case(**args)


def test_create_update_close_and_query():
    org = OrganisationFactory()
    sc, created = _create(org)
    assert created and sc.civic_number == "191212121212"
    again, created = _create(org)
    assert not created and again.pk == sc.pk
    assert ShadowCase.objects.count() == 1 and sc.log.count() == 1

    upsert_shadow_case(
        organisation=org,
        system_name="e-Bygglov",
        external_id="BYGG-2026-17",
        status="Under handläggning",
        content=[
            {"key": "Handläggare", "value": "Anna"},
            {"key": "Fastighet", "value": "Sandviken Kungen 4"},
        ],
        log=[{"at": T2, "message": "Handläggare utsedd"}],
    )
    close_shadow_case(sc, status="Beviljad")
    [view] = shadow_cases_for("19121212-1212")
    assert view.system_name == "e-Bygglov" and view.closed and view.status == "Beviljad"
    assert view.content == [
        {"key": "Fastighet", "value": "Sandviken Kungen 4"},
        {"key": "Handläggare", "value": "Anna"},
    ]
    assert [e["message"] for e in view.log] == ["Ansökan mottagen", "Handläggare utsedd"]
    assert view.log[0]["at"] == T1
    assert AuditEvent.objects.filter(object_type="channel.shadowcase").count() == 3
    assert shadow_cases_for("198112189876") == []
    assert shadow_cases_for("nonsense") == []


def test_same_external_id_in_two_organisations_are_two_cases():
    a, b = OrganisationFactory(), OrganisationFactory()
    _create(a)
    _create(b)
    assert ShadowCase.objects.count() == 2


def test_bad_input_writes_nothing():
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        _create(org, civic_number="19121212-1213")
    with pytest.raises(ValidationError):
        _create(org, title="")
    with pytest.raises(ValidationError):
        _create(org, content=[{"value": "x"}])
    _create(org)
    with pytest.raises(ValidationError):
        _create(org, civic_number="198112189876")
    assert ShadowCase.objects.count() == 1
