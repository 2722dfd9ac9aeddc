"""Applicants with skyddad folkbokföring / sekretessmarkering: what the e-service tells them,
what the caseworker sees, and that every access is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import Person
from sambruk.ekbist.models import Application

from .application_support import (  # noqa: F401  (fixtures)
    MARKERAD,
    SKYDDAD,
    TOLVAN,
    citizen_login,
    eservice,
    page_url,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def person(pnr, given, family, protection="ingen"):
    return Person.objects.create(
        civic_number=pnr,
        given_name=given,
        family_name=family,
        street_address="Hemlig adress 9" if protection != "ingen" else "Testgatan 12",
        postal_code="81134",
        city="Sandviken",
        protection=protection,
    )


@pytest.mark.parametrize(
    ("index", "pnr", "protection"),
    [
        (SKYDDAD, "199001012385", "skyddad_folkbokforing"),
        (MARKERAD, "196503152388", "sekretessmarkering"),
    ],
)
def test_protected_applicant_is_told_how_data_is_protected(eservice, index, pnr, protection):  # noqa: F811
    person(pnr, "Skyddad", "Demoperson", protection)
    citizen = Client()
    citizen_login(citizen, index)
    sub, _loc = start(citizen, eservice)
    assert sub.data["skyddad"] == "yes"
    page = citizen.get(page_url(sub, 0))
    assert "Du har skyddade personuppgifter" in page.text
    assert "varje gång någon läser" in page.text
    assert "Hemlig adress" not in page.text


def test_unprotected_applicant_gets_no_protection_text(eservice):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _loc = start(citizen, eservice)
    assert sub.data["skyddad"] == "no"
    page = citizen.get(page_url(sub, 0))
    assert "data-show-when" in page.text  # the text exists only behind its rule


def _application(org, applicant, co=""):
    return Application.objects.create(
        organisation=org,
        kind="nyansokan",
        state="submitted",
        period=dt.date(2026, 12, 1),
        applicant=applicant,
        co_applicant=co,
        data={
            "version": 1,
            "period": "2026-12",
            "members": [
                {"role": "sokande", "name": "Tolvan Tolvansson", "civic_number": applicant},
                *([{"role": "medsokande", "name": "Markerad", "civic_number": co}] if co else []),
            ],
            "housing": {"type": "hyresratt", "rent": 5000, "address": ""},
            "incomes": [],
        },
    )


def test_caseworker_without_permission_never_sees_the_address(org_factory, member, login):
    org = org_factory()
    person("191212121212", "Tolvan", "Tolvansson")
    person("196503152388", "Markerad", "Demosson", "sekretessmarkering")
    application = _application(org, "196503152388")
    worker = member(org, role="ekbist_caseworker")
    response = login(Client(), worker).get(reverse("ekbist:application", args=[application.pk]))
    assert response.status_code == 200
    assert "Hemlig adress" not in response.text and "Skyddad – visas inte" in response.text
    assert "skyddade personuppgifter" in response.text
    reads = AuditEvent.objects.filter(action="read", actor=worker)
    assert reads.filter(object_id=str(application.pk)).exists()
    assert reads.filter(person_civic_number="196503152388").count() >= 1

    allowed = member(org, role="ekbist_caseworker")
    from sambruk.core.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=allowed, organisation=org, role="protected_data")
    response = login(Client(), allowed).get(reverse("ekbist:application", args=[application.pk]))
    assert "Hemlig adress 9" in response.text
    assert AuditEvent.objects.filter(action="read", actor=allowed).exists()


def test_application_page_needs_the_role_and_the_organisation(org_factory, member, login):
    org, other = org_factory(), org_factory()
    person("191212121212", "Tolvan", "Tolvansson")
    application = _application(org, "191212121212")
    url = reverse("ekbist:application", args=[application.pk])
    assert login(Client(), member(org, role="caseworker")).get(url).status_code == 403
    assert login(Client(), member(other, role="ekbist_caseworker")).get(url).status_code == 404
    ok = login(Client(), member(org, role="ekbist_caseworker")).get(url)
    assert ok.status_code == 200 and "Testgatan 12" in ok.text
