"""The add-contact form's "Hämta uppgifter": lookup in the configured register (the demo
plugin: the person register), protected addresses hidden, audited, then added as contact."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.cases.tests.factories import CaseFactory
from sambruk.core.accounts.tests.factories import MembershipFactory
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import Person, Protection

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def register(db):
    tolvan = Person.objects.create(
        civic_number="191212121212",
        given_name="Tolvan",
        family_name="Tolvansson",
        care_of="Familjen Test",
        street_address="Storgatan 1",
        postal_code="81130",
        city="Sandviken",
    )
    skyddad = Person.objects.create(
        civic_number="198112189876",
        given_name="Sigrid",
        family_name="Skyddad",
        street_address="Hemliga vägen 9",
        postal_code="80320",
        city="Gävle",
        protection=Protection.SKYDDAD_FOLKBOKFORING,
    )
    return tolvan, skyddad


@pytest.fixture
def case(ws):
    return CaseFactory(queue=ws.queue, actor=ws.worker)


def lookup(client, case, civic_number, **extra):
    data = {"version": case.version, "civic_number": civic_number, "role": "Anmälare"}
    return client.post(reverse("workspace:contact_lookup", args=[case.pk]), data, **extra)


def reads(civic_number):
    return AuditEvent.objects.filter(
        object_type="channel.contactlookup", action="read", person_civic_number=civic_number
    )


def test_form_offers_the_lookup(ws, case):
    page = ws.client.get(reverse("workspace:action", args=[case.pk, "add_contact"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="civic_number"' in html and "Hämta uppgifter" in html


def test_lookup_fills_name_and_address_and_is_audited(ws, case, register):
    answer = lookup(ws.client, case, "19121212-1212", **HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'value="Tolvan Tolvansson"' in html
    assert 'value="c/o Familjen Test, Storgatan 1, 81130 Sandviken"' in html
    assert 'value="19121212-1212"' in html
    assert 'value="Anmälare"' in html  # what the caseworker typed is kept
    assert "hämtades från registret" in html
    event = reads("191212121212").get()
    assert event.actor == ws.worker and event.organisation_id == ws.org.pk
    # Without htmx (a plain POST) the whole page comes back.
    page = lookup(ws.client, case, "191212121212")
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert reads("191212121212").count() == 2


def test_protected_address_hidden_without_view_protected(ws, case, register, login, client):
    html = lookup(ws.client, case, "198112189876", **HTMX).content.decode()
    assert 'value="Sigrid Skyddad"' in html
    assert "Hemliga vägen" not in html and "80320" not in html
    assert "skyddade personuppgifter" in html and "Adressen visas inte" in html
    assert reads("198112189876").count() == 1

    MembershipFactory(user=ws.other, organisation=ws.org, role="protected_data")
    other = login(client, ws.other)
    html = lookup(other, case, "198112189876", **HTMX).content.decode()
    assert 'value="Hemliga vägen 9, 80320 Gävle"' in html
    assert "Lämna inte ut adressen" in html


@pytest.mark.parametrize(
    ("civic_number", "message"),
    [
        ("19121212-1213", "ersonnummer"),  # wrong check digit
        ("abc", "ersonnummer"),
        ("", "Skriv personnumret först."),
        ("20101010-1010", "finns inte i registret"),  # valid, unknown
    ],
)
def test_bad_or_unknown_number_gives_a_swedish_message(ws, case, register, civic_number, message):
    answer = lookup(ws.client, case, civic_number, **HTMX)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert case.contacts.count() == 0


def test_submit_adds_the_register_person_as_contact(ws, case, register):
    _tolvan, skyddad = register
    url = reverse("workspace:action", args=[case.pk, "add_contact"])
    answer = ws.client.post(
        url,
        {
            "version": case.version,
            "civic_number": "19811218-9876",
            "name": "Sigrid Skyddad",
            "address": "",
            "role": "Sökande",
        },
    )
    assert answer.status_code == 302, answer.content.decode()
    contact = case.contacts.get()
    assert contact.person == skyddad and contact.role == "Sökande" and contact.address == ""
    assert reads("198112189876").exists()
    tab = ws.client.get(reverse("workspace:case", args=[case.pk]), {"tab": "kontakter"})
    html = tab.content.decode()
    assert "Sigrid Skyddad" in html and "Hemliga vägen" not in html


def test_submit_with_an_unknown_or_invalid_number_adds_nothing(ws, case, register):
    url = reverse("workspace:action", args=[case.pk, "add_contact"])
    for number, message in [("20101010-1010", "finns inte i registret"), ("123", "ersonnummer")]:
        answer = ws.client.post(url, {"version": case.version, "civic_number": number})
        assert answer.status_code == 400
        assert message in answer.content.decode()
    assert case.contacts.count() == 0


def test_none_plugin_finds_nobody(ws, case, register, settings):
    settings.CONTACT_LOOKUP_PLUGIN = "none"
    html = lookup(ws.client, case, "191212121212", **HTMX).content.decode()
    assert "finns inte i registret" in html and "Tolvansson" not in html


def test_other_organisations_case_is_404(ws, register, org_factory):
    from sambruk.cases.tests.factories import QueueFactory, caseworker

    other_org = org_factory()
    queue = QueueFactory(organisation=other_org)
    theirs = CaseFactory(queue=queue, actor=caseworker(other_org, queues=[queue]))
    assert lookup(ws.client, theirs, "191212121212").status_code == 404
    assert not reads("191212121212").exists()
