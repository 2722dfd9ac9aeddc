"""Protected persons: what viewers see, in helpers, templates, the API and the admin."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from rest_framework.test import APIClient

from sambruk.core.accounts.tests.factories import MembershipFactory
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import PROTECTED_FIELDS
from sambruk.core.persons.protection import can_see_protected, visible_person_data
from sambruk.core.persons.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("sambruk.core.persons.tests.urls")]

SECRET_ADDRESS = "Hemliga vägen 7"
SECRET_EMAIL = "skyddad.person@example.se"
SECRET_PHONE = "070-123 45 67"
HIDDEN_TEXT = "Skyddade personuppgifter – adressen visas inte"
LOOKUP = "/api/persons/lookup/"


@pytest.fixture
def org(org_factory):
    return org_factory()


@pytest.fixture
def caseworker(member, org):
    return member(org, "caseworker")


@pytest.fixture
def authorised(member, org):
    """Caseworker who also holds the role protected_data in the same organisation."""
    user = member(org, "caseworker")
    MembershipFactory(user=user, organisation=org, role="protected_data")
    return user


@pytest.fixture(params=["protected", "marked"])
def protected_person(request):
    return PersonFactory(
        **{request.param: True},
        given_name="Skyddad",
        street_address=SECRET_ADDRESS,
        email=SECRET_EMAIL,
        phone=SECRET_PHONE,
        care_of="Hemlig c/o",
        postal_code="11122",
        city="Hemligstad",
    )


def secrets_in(text: str) -> list[str]:
    return [s for s in (SECRET_ADDRESS, SECRET_EMAIL, SECRET_PHONE, "Hemligstad") if s in text]


def reads(person) -> int:
    return AuditEvent.objects.filter(action="read", person=person).count()


# --- visible_person_data ----------------------------------------------------------------
def test_caseworker_does_not_see_protected_fields(caseworker, org, protected_person):
    assert not can_see_protected(caseworker, org)
    data = visible_person_data(protected_person, caseworker, organisation=org, purpose="Ärende 1")
    for name in PROTECTED_FIELDS:
        assert data[name] is None
    assert data["protected_data_hidden"] is True
    assert data["hidden_fields"] == list(PROTECTED_FIELDS)
    assert data["full_name"] == "Skyddad " + protected_person.family_name
    assert data["civic_number"].endswith("-****")
    assert not secrets_in(json.dumps(data, default=str))
    event = AuditEvent.objects.get(action="read", person=protected_person)
    assert event.actor == caseworker
    assert event.purpose == "Ärende 1"
    assert event.organisation_id == org.pk
    assert event.person_civic_number == protected_person.civic_number


def test_authorised_user_sees_protected_fields_and_is_audited(authorised, org, protected_person):
    assert can_see_protected(authorised, org)
    data = visible_person_data(protected_person, authorised, organisation=org, purpose="Utredning")
    assert data["street_address"] == SECRET_ADDRESS
    assert data["email"] == SECRET_EMAIL
    assert data["phone"] == SECRET_PHONE
    assert data["protected_data_hidden"] is False
    assert (
        AuditEvent.objects.filter(
            action="read", person=protected_person, actor=authorised, purpose="Utredning"
        ).count()
        == 1
    )


def test_protected_data_role_in_another_organisation_does_not_count(
    member, org, org_factory, protected_person
):
    user = member(org, "caseworker")
    MembershipFactory(user=user, organisation=org_factory(), role="protected_data")
    data = visible_person_data(protected_person, user, organisation=org, purpose="x")
    assert data["street_address"] is None


def test_unprotected_person_is_shown_without_audit_unless_asked(caseworker, org):
    person = PersonFactory()
    data = visible_person_data(person, caseworker, organisation=org)
    assert data["street_address"] == person.street_address
    assert data["protected_data_hidden"] is False
    assert reads(person) == 0
    visible_person_data(person, caseworker, organisation=org, purpose="Uppslag", audit=True)
    assert reads(person) == 1


def test_full_civic_number_on_request(caseworker, org):
    person = PersonFactory(civic_number="19121212-1212")
    assert visible_person_data(person, caseworker)["civic_number"] == "19121212-****"
    assert visible_person_data(person, caseworker, full_civic_number=True)["civic_number"] == (
        "19121212-1212"
    )


def test_audit_cannot_be_switched_off_for_protected_persons(caseworker, protected_person):
    visible_person_data(protected_person, caseworker, audit=False)
    assert reads(protected_person) == 1


def test_anonymous_viewer_sees_no_protected_fields(protected_person):
    from django.contrib.auth.models import AnonymousUser

    data = visible_person_data(protected_person, AnonymousUser(), purpose="x")
    assert data["street_address"] is None
    assert reads(protected_person) == 1


# --- template tags ----------------------------------------------------------------------
def render_card(user, person, **context):
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% load persons %}{% person_card person purpose="Ärendevy" %}')
    return template.render(Context({"request": request, "person": person, **context}))


def test_card_hides_protected_fields_from_caseworker(caseworker, org, protected_person):
    html = render_card(caseworker, protected_person, organisation=org)
    assert HIDDEN_TEXT in html
    assert not secrets_in(html)
    assert "Skyddad" in html
    assert protected_person.personnummer.masked() in html
    assert AuditEvent.objects.filter(
        action="read", person=protected_person, purpose="Ärendevy", organisation=org
    ).exists()


def test_card_shows_protected_fields_to_authorised_user(authorised, org, protected_person):
    html = render_card(authorised, protected_person, organisation=org)
    assert HIDDEN_TEXT not in html
    assert SECRET_ADDRESS in html
    assert SECRET_EMAIL in html
    assert reads(protected_person) == 1


def test_card_for_unprotected_person(caseworker):
    person = PersonFactory(street_address="Öppna gatan 2")
    html = render_card(caseworker, person)
    assert "Öppna gatan 2" in html
    assert HIDDEN_TEXT not in html


def test_civic_masked_filter():
    person = PersonFactory(civic_number="19121212-1212")
    template = Template(
        "{% load persons %}{{ p|civic_masked }}|{{ s|civic_masked }}|{{ bad|civic_masked }}"
    )
    html = template.render(Context({"p": person, "s": "701063-2391", "bad": "121212-1213"}))
    assert html == "19121212-****|19701063-****|"


# --- API look-up ------------------------------------------------------------------------
def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_lookup_hides_protected_fields_from_caseworker(caseworker, protected_person):
    response = api(caseworker).post(
        LOOKUP,
        {"personnummer": protected_person.personnummer.short(), "purpose": "Ärende 2026-7"},
        format="json",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert not secrets_in(body)
    data = response.json()
    assert data["street_address"] is None
    assert data["email"] is None
    assert data["protected_data_hidden"] is True
    assert data["civic_number"] == protected_person.personnummer.long()
    event = AuditEvent.objects.get(action="read", person=protected_person)
    assert event.purpose == "Ärende 2026-7"
    assert event.actor == caseworker


def test_lookup_shows_protected_fields_to_authorised_user(authorised, org, protected_person):
    response = api(authorised).post(
        LOOKUP,
        {"personnummer": protected_person.civic_number, "purpose": "Utredning"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["street_address"] == SECRET_ADDRESS
    assert SECRET_EMAIL in response.content.decode()
    event = AuditEvent.objects.get(action="read", person=protected_person)
    assert event.organisation_id == org.pk
    assert event.purpose == "Utredning"


def test_lookup_of_unprotected_person_is_audited(caseworker):
    person = PersonFactory(civic_number="121212-1212")
    response = api(caseworker).post(
        LOOKUP, {"personnummer": "201212121212", "purpose": "Kontroll"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["street_address"] == person.street_address
    assert AuditEvent.objects.filter(action="read", person=person, purpose="Kontroll").count() == 1


def test_lookup_not_found(caseworker):
    response = api(caseworker).post(
        LOOKUP, {"personnummer": "19121212-1212", "purpose": "Kontroll"}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Ingen person med det personnumret finns registrerad.",
        "code": "not_found",
    }
    assert not AuditEvent.objects.filter(action="read").exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("19121212-1213", "kontrollsiffra"),
        ("Tolvan", "10 eller 12 siffror"),
        ("19121212+1212", "Plustecken"),
        ("19990230-1234", "födelsedatum"),
    ],
)
def test_lookup_invalid_number(caseworker, number, message):
    response = api(caseworker).post(
        LOOKUP, {"personnummer": number, "purpose": "Kontroll"}, format="json"
    )
    assert response.status_code == 400
    data = response.json()
    assert message in data["detail"]
    assert data["code"] == "invalid_personnummer"
    assert message in data["errors"]["personnummer"][0]


@pytest.mark.parametrize(
    "body", [{"personnummer": "19121212-1212"}, {"personnummer": "19121212-1212", "purpose": ""}]
)
def test_lookup_requires_purpose(caseworker, body):
    PersonFactory(civic_number="19121212-1212")
    response = api(caseworker).post(LOOKUP, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Ange syftet med uppslaget."
    assert not AuditEvent.objects.exists()


def test_lookup_requires_view_person(member, org):
    PersonFactory(civic_number="19121212-1212")
    auditor = member(org, "auditor")
    response = api(auditor).post(
        LOOKUP, {"personnummer": "19121212-1212", "purpose": "x"}, format="json"
    )
    assert response.status_code == 403
    assert api().post(
        LOOKUP, {"personnummer": "19121212-1212", "purpose": "x"}, format="json"
    ).status_code in (401, 403)
    assert not AuditEvent.objects.exists()


def test_lookup_for_an_organisation_the_user_has_no_rights_in(caseworker, org_factory):
    PersonFactory(civic_number="19121212-1212")
    response = api(caseworker).post(
        LOOKUP,
        {"personnummer": "19121212-1212", "purpose": "x", "organisation": org_factory().pk},
        format="json",
    )
    assert response.status_code == 403


def test_lookup_with_session_login(client, login, caseworker, protected_person):
    login(client, caseworker)
    response = client.post(
        LOOKUP,
        {"personnummer": protected_person.civic_number, "purpose": "Ärende"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert not secrets_in(response.content.decode())
    assert reads(protected_person) == 1


# --- admin ------------------------------------------------------------------------------
@pytest.fixture
def staff_admin(db):
    from django.contrib.auth.models import Permission

    from sambruk.core.accounts.tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="persons",
            codename__in=["view_person", "change_person", "add_person"],
        )
    )
    return user


def test_admin_changelist_never_lists_addresses(client, login, staff_admin, protected_person):
    open_person = PersonFactory(street_address="Öppna gatan 2", civic_number="19121212-1212")
    login(client, staff_admin)
    html = client.get("/admin/persons/person/").content.decode()
    assert "19121212-****" in html
    assert "19121212-1212" not in html
    assert "Öppna gatan 2" not in html
    assert not secrets_in(html)
    assert open_person.family_name in html


@pytest.mark.parametrize("query", ["19121212-1212", "121212+1212", "191212121212"])
def test_admin_search_by_civic_number(client, login, staff_admin, query):
    tolvan = PersonFactory(civic_number="19121212-1212", family_name="Tolvansson")
    other = PersonFactory()
    login(client, staff_admin)
    html = client.get("/admin/persons/person/", {"q": query}).content.decode()
    assert tolvan.family_name in html
    assert other.family_name not in html


def test_admin_hides_protected_fields_from_non_superusers(
    client, login, staff_admin, protected_person
):
    login(client, staff_admin)
    response = client.get(f"/admin/persons/person/{protected_person.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not secrets_in(html)
    assert HIDDEN_TEXT in html
    assert reads(protected_person) == 1


def test_admin_shows_protected_fields_to_superusers(client, login, protected_person):
    from sambruk.core.accounts.tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    login(client, superuser)
    html = client.get(f"/admin/persons/person/{protected_person.pk}/change/").content.decode()
    assert SECRET_ADDRESS in html
    assert reads(protected_person) == 1


def test_admin_save_goes_through_the_service(client, login, staff_admin):
    person = PersonFactory(city="Sandviken")
    login(client, staff_admin)
    response = client.post(
        f"/admin/persons/person/{person.pk}/change/",
        {
            "civic_number": person.civic_number,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "care_of": "",
            "street_address": person.street_address,
            "postal_code": person.postal_code,
            "city": "Gävle",
            "email": person.email,
            "phone": person.phone,
            "protection": "ingen",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.city == "Gävle"
    event = AuditEvent.objects.get(action="update", person=person)
    assert event.changes == {"city": ["Sandviken", "Gävle"]}
