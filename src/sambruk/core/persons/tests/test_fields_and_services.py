"""PersonnummerField in the database, and the audited write services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons import services
from sambruk.core.persons.fields import PersonnummerFormField
from sambruk.core.persons.models import Person, Protection
from sambruk.core.persons.tests.factories import PersonFactory, fictional_civic_number

pytestmark = pytest.mark.django_db


# --- PersonnummerField ------------------------------------------------------------------
@pytest.mark.parametrize("text", ["19121212-1212", "121212+1212", "191212121212"])
def test_field_round_trips_through_the_database(text):
    person = Person.objects.create(civic_number=text, given_name="Tolvan", family_name="Tolvansson")
    assert person.civic_number == "191212121212"  # normalised on save
    person.refresh_from_db()
    assert person.civic_number == "191212121212"
    assert Person.objects.filter(civic_number="121212+1212").get() == person
    assert Person.objects.filter(civic_number="19121212-1212").get() == person
    assert person.personnummer.masked() == "19121212-****"


def test_coordination_number_round_trips():
    person = PersonFactory(civic_number="701063-2391")
    person.refresh_from_db()
    assert person.civic_number == "197010632391"
    assert person.personnummer.is_coordination_number


def test_field_rejects_invalid_numbers_on_save_and_in_lookups():
    with pytest.raises(ValidationError), transaction.atomic():
        Person.objects.create(civic_number="191212121213", given_name="A", family_name="B")
    with pytest.raises(ValidationError):
        Person.objects.filter(civic_number="inte ett nummer").exists()
    assert not Person.objects.exists()


def test_form_field_normalises_and_explains_in_swedish():
    field = PersonnummerFormField()
    assert field.clean("121212-1212") == "201212121212"
    with pytest.raises(ValidationError, match="kontrollsiffra"):
        field.clean("121212-1213")
    with pytest.raises(ValidationError, match="Ange ett personnummer"):
        field.clean("")


# --- services ---------------------------------------------------------------------------
def test_create_person_is_audited(member, org_factory):
    actor = member(org_factory(), "org_admin")
    person = services.create_person(
        actor=actor,
        civic_number="121212+1212",
        given_name="Tolvan",
        family_name="Tolvansson",
        city="Sandviken",
    )
    assert person.civic_number == "191212121212"
    event = AuditEvent.objects.get(action="create")
    assert event.actor == actor
    assert event.person_id == person.pk
    assert event.person_civic_number == "191212121212"
    assert event.object_type == "persons.person"
    assert event.changes["city"] == [None, "Sandviken"]
    assert event.changes["given_name"] == [None, "Tolvan"]


@pytest.mark.parametrize("bad", ["19121212-1213", "Tolvan", "", "19121212+1212"])
def test_create_person_with_invalid_number_writes_nothing(bad):
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, civic_number=bad, given_name="A", family_name="B")
    assert "civic_number" in exc.value.message_dict
    assert "personnum" in exc.value.message_dict["civic_number"][0].lower()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_person_rejects_duplicates_and_unknown_fields():
    services.create_person(
        actor=None, civic_number="19121212-1212", given_name="A", family_name="B"
    )
    with pytest.raises(ValidationError, match="finns redan"):
        services.create_person(
            actor=None, civic_number="121212+1212", given_name="C", family_name="D"
        )
    with pytest.raises(TypeError):
        services.create_person(
            actor=None,
            civic_number=fictional_civic_number(3),
            given_name="A",
            family_name="B",
            created_at=None,
        )
    assert Person.objects.count() == 1


def test_update_person_audits_changed_fields_only(member, org_factory):
    actor = member(org_factory(), "org_admin")
    person = PersonFactory(city="Sandviken", given_name="Tolvan")
    services.update_person(person, actor=actor, city="Gävle", given_name="Tolvan")
    assert person.city == "Gävle"
    person.refresh_from_db()
    assert person.city == "Gävle"
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"city": ["Sandviken", "Gävle"]}
    assert event.person_id == person.pk

    services.update_person(person, actor=actor, city="Gävle")  # no change: no event
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_update_person_invalid_number_changes_nothing():
    person = PersonFactory()
    before = person.civic_number
    with pytest.raises(ValidationError):
        services.update_person(person, actor=None, civic_number="19121212-1213")
    person.refresh_from_db()
    assert person.civic_number == before
    assert not AuditEvent.objects.exists()


def test_audit_trail_keeps_protected_addresses_out():
    person = PersonFactory(protected=True, street_address="Hemliga vägen 7")
    services.update_person(person, actor=None, street_address="Ännu hemligare gränd 3")
    event = AuditEvent.objects.get(action="update")
    assert "hemlig" not in str(event.changes).lower()
    assert event.changes == {"street_address": ["***", "***"]}

    created = services.create_person(
        actor=None,
        civic_number=fictional_civic_number(5),
        given_name="Skyddad",
        family_name="Testsson",
        street_address="Hemliga vägen 9",
        protection=Protection.SKYDDAD_FOLKBOKFORING,
    )
    event = AuditEvent.objects.get(action="create", person=created)
    assert "Hemliga" not in str(event.changes)


def test_get_or_create_person():
    person, created = services.get_or_create_person(
        actor=None, civic_number="121212+1212", given_name="Tolvan", family_name="Tolvansson"
    )
    assert created
    again, created = services.get_or_create_person(
        actor=None, civic_number="191212121212", given_name="Annat", family_name="Namn"
    )
    assert not created
    assert again == person
    assert again.given_name == "Tolvan"
    assert AuditEvent.objects.filter(action="create").count() == 1


def test_get_or_create_person_needs_names_for_new_persons_and_valid_numbers():
    with pytest.raises(ValidationError):
        services.get_or_create_person(actor=None, civic_number="19121212-1212")
    with pytest.raises(ValidationError):
        services.get_or_create_person(
            actor=None, civic_number="19121212-1211", given_name="A", family_name="B"
        )
    assert not Person.objects.exists()
