"""Contact lookup: plugin registry, protection of addresses, audit, API, case contacts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from rest_framework.test import APIClient

from sambruk.cases import services as case_services
from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.lookup import (
    ContactInfo,
    lookup_contact,
    person_for_contact,
    register_plugin,
    registered_plugins,
)
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.core.persons.models import Person, Protection

pytestmark = pytest.mark.django_db

URL = "/api/contact-lookup/"


@pytest.fixture
def persons(db):
    tolvan = Person.objects.create(
        civic_number="191212121212",
        given_name="Tolvan",
        family_name="Tolvansson",
        street_address="Storgatan 1",
        postal_code="81130",
        city="Sandviken",
    )
    skyddad = Person.objects.create(
        civic_number="198112189876",
        given_name="Sigrid",
        family_name="Skyddad",
        street_address="Hemliga vägen 2",
        postal_code="81131",
        city="Sandviken",
        protection=Protection.SKYDDAD_FOLKBOKFORING,
    )
    return tolvan, skyddad


@pytest.fixture
def org():
    return OrganisationFactory()


def test_demo_plugin_returns_name_and_address_and_audits(persons, org, member):
    worker = member(org, "caseworker")
    data = lookup_contact("19121212-1212", user=worker, organisation=org)
    assert data["full_name"] == "Tolvan Tolvansson"
    assert data["street_address"] == "Storgatan 1" and data["address_hidden"] is False
    assert AuditEvent.objects.filter(
        action="read", object_type="channel.contactlookup", person_civic_number="191212121212"
    ).exists()
    assert lookup_contact("194107086995", user=worker, organisation=org) is None
    with pytest.raises(ValidationError):
        lookup_contact("19121212-1213", user=worker, organisation=org)


def test_protected_address_only_with_view_protected(persons, org, member):
    from sambruk.core.accounts.tests.factories import MembershipFactory

    worker = member(org, "caseworker")
    hidden = lookup_contact("198112189876", user=worker, organisation=org)
    assert hidden["full_name"] == "Sigrid Skyddad" and hidden["address_hidden"] is True
    assert hidden["street_address"] is None and hidden["city"] is None
    MembershipFactory(user=worker, organisation=org, role="protected_data")
    worker = type(worker).objects.get(pk=worker.pk)  # permissions are cached per instance
    shown = lookup_contact("198112189876", user=worker, organisation=org)
    assert shown["street_address"] == "Hemliga vägen 2"


def test_plugin_setting_and_registry(persons, org, member, settings):
    @register_plugin("test-register")
    class FixedRegister:
        def lookup(self, civic_number):
            return ContactInfo(civic_number, "Test", "Testsson", street_address="Provgatan 9")

    assert {"demo", "none", "test-register"} <= set(registered_plugins())
    worker = member(org, "caseworker")
    settings.CONTACT_LOOKUP_PLUGIN = "test-register"
    assert lookup_contact("191212121212", user=worker)["street_address"] == "Provgatan 9"
    settings.CONTACT_LOOKUP_PLUGIN = "none"
    assert lookup_contact("191212121212", user=worker) is None
    settings.CONTACT_LOOKUP_PLUGIN = "no.such.Plugin"
    with pytest.raises(ImproperlyConfigured):
        lookup_contact("191212121212", user=worker)


def test_api(persons, org, member, login):
    worker = login(APIClient(), member(org, "caseworker"))
    found = worker.get(URL, {"civic_number": "198112189876"})
    assert found.status_code == 200
    assert found.json()["street_address"] is None and found.json()["is_protected"] is True
    assert worker.get(URL, {"civic_number": "194107086995"}).status_code == 404
    bad = worker.get(URL, {"civic_number": "12"})
    assert bad.status_code == 400 and "civic_number" in bad.json()["errors"]
    assert APIClient().get(URL, {"civic_number": "191212121212"}).status_code == 401
    auditor = login(APIClient(), member(org, "auditor"))
    assert auditor.get(URL, {"civic_number": "191212121212"}).status_code == 403


def test_case_engine_adds_the_looked_up_person_as_contact(persons, org):
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue])
    case = CaseFactory(queue=queue, actor=worker)
    person = person_for_contact("19121212-1212", user=worker, organisation=org)
    contact = case_services.do_add_contact(case, actor=worker, person=person, role="Sökande")
    assert contact.person.full_name == "Tolvan Tolvansson"
    assert person_for_contact("194107086995", user=worker, organisation=org) is None
