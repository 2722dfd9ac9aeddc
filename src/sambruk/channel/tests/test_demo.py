"""The channel's demo loader: idempotent, Tolvan's shadow cases, the integration token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sambruk.channel.demo import DEMO_CHANNEL_TOKEN, load_channel_demo
from sambruk.channel.models import ShadowCase, ShadowCaseLogEntry
from sambruk.channel.queries import shadow_cases_for
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_usable():
    OrganisationFactory(kommunkod="2181", name="Sandvikens kommun")
    load_channel_demo(lambda *_: None)
    load_channel_demo(lambda *_: None)
    assert ShadowCase.objects.count() == 2 and ShadowCaseLogEntry.objects.count() == 6
    views = shadow_cases_for("191212121212")
    assert {v.system_name for v in views} == {"Bygglov (e-Bygglov)"}
    assert sorted(v.closed for v in views) == [False, True]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {DEMO_CHANNEL_TOKEN}")
    assert len(api.get("/api/shadow-cases/").json()["results"]) == 2
    assert api.get("/api/events/").status_code == 200
