"""Generated tenant-isolation test.

Walks every installed model that is owned by an organisation (it declares ``tenant_field``
or has an ``organisation`` foreign key) and proves that a member of kommun A sees none of
kommun B's rows — through ``restrict()`` and through every registered API list/detail
endpoint. A new module that adds an organisation-owned model is covered automatically, and
fails here if the model has no ``restrict()``.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from model_bakery import baker
from rest_framework.test import APIClient

from sambruk.core.accounts.roles import register_role
from sambruk.core.api.registry import router_registrations

# Fictional test personnummer (Skatteverket's published test number) for PersonnummerField.
baker.generators.add("sambruk.core.persons.fields.PersonnummerField", lambda: "191212121212")

# Models that carry an organisation but are not tenant data, with the reason.
NOT_TENANT_OWNED: dict[str, str] = {}


def tenant_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_TENANT_OWNED:
            continue
        field_name = getattr(model, "tenant_field", None)
        if field_name is None:
            try:
                field = model._meta.get_field("organisation")
            except FieldDoesNotExist:
                continue
            if not isinstance(field, models.ForeignKey):
                continue
        found.append(model)
    return found


def view_permission(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


TENANT_MODELS = tenant_models()


def _tenant_path(model) -> str:
    return getattr(model, "tenant_field", "organisation")


def make_row(model, organisation, _depth=0):
    """Create a row of ``model`` owned by ``organisation``.

    Every required foreign key to Organisation points at ``organisation``, and every required
    foreign key to another tenant model gets a row of that model in the same organisation,
    so the row is consistent (e.g. a case log entry of a case of kommun A).
    """
    from sambruk.core.organisations.models import Organisation

    values = {}
    optional = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            if (
                (field.null or field.blank)
                and field.editable  # derived data such as Case.search_vector stays empty
                and not field.primary_key
                and not field.choices
            ):
                optional.append(field.name)
            continue
        related = field.related_model
        if related is Organisation:
            values[field.name] = organisation
        elif field.null and field.name != _tenant_head(model):
            continue
        elif related in TENANT_MODELS and _depth < 4:
            values[field.name] = make_row(related, organisation, _depth + 1)
    # Optional plain fields are filled so that "at least one of" constraints hold.
    return baker.make(model, _fill_optional=optional, **values)


def _tenant_head(model) -> str:
    return _tenant_path(model).split("__", 1)[0]


@pytest.fixture
def two_tenants(db, org_factory, member):
    register_role(
        "tenant_test_all",
        "Test: allt",
        {view_permission(m) for m in TENANT_MODELS},
        module="tests",
    )
    a, b = org_factory(), org_factory()
    user_a = member(a, "tenant_test_all")
    return a, b, user_a


def test_every_tenant_model_is_found():
    labels = {m._meta.label_lower for m in TENANT_MODELS}
    assert {"organisations.orgunit", "accounts.membership", "audit.auditevent"} <= labels


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label_lower)
def test_restrict_hides_other_tenants_rows(two_tenants, model):
    a, b, user_a = two_tenants
    assert hasattr(model._default_manager.all(), "restrict"), (
        f"{model._meta.label} is organisation-owned but its manager has no restrict()"
    )
    row_a = make_row(model, a)
    row_b = make_row(model, b)
    visible = set(
        model._default_manager.all()
        .restrict(user_a, view_permission(model))
        .values_list("pk", flat=True)
    )
    assert row_a.pk in visible
    assert row_b.pk not in visible


def _api_endpoints():
    for prefix, viewset, _basename in router_registrations():
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model is None:
            model = getattr(viewset, "tenant_model", None)
        if model is None:
            meta = getattr(getattr(viewset, "serializer_class", None), "Meta", None)
            model = getattr(meta, "model", None)
        if model in TENANT_MODELS:
            yield pytest.param(prefix, model, id=prefix)


@pytest.mark.parametrize("prefix,model", list(_api_endpoints()))
def test_api_hides_other_tenants_rows(two_tenants, prefix, model):
    a, b, user_a = two_tenants
    row_a = make_row(model, a)
    row_b = make_row(model, b)
    client = APIClient()
    client.force_authenticate(user_a)
    listing = client.get(f"/api/{prefix}/", {"page_size": 500})
    assert listing.status_code == 200, listing.content
    body = listing.json()
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    ids = {str(item.get("id")) for item in items}
    assert str(row_a.pk) in ids
    assert str(row_b.pk) not in ids
    assert client.get(f"/api/{prefix}/{row_b.pk}/").status_code == 404
    assert client.get(f"/api/{prefix}/{row_a.pk}/").status_code == 200


def test_superuser_sees_all(two_tenants, db):
    from sambruk.core.accounts.tests.factories import UserFactory
    from sambruk.core.organisations.models import OrgUnit

    a, b, _ = two_tenants
    make_row(OrgUnit, a)
    make_row(OrgUnit, b)
    admin = UserFactory(is_superuser=True)
    assert OrgUnit.objects.restrict(admin, "organisations.view_orgunit").count() == 2


def test_api_client_sees_only_its_organisation(two_tenants):
    from sambruk.core.api.services import create_api_client
    from sambruk.core.audit.models import AuditEvent
    from sambruk.core.organisations.models import OrgUnit

    a, b, _ = two_tenants
    unit_a, unit_b = make_row(OrgUnit, a), make_row(OrgUnit, b)
    client_obj, token = create_api_client(
        actor=None, organisation=a, name="Integration", scopes=["organisations.view_orgunit"]
    )
    visible = set(
        OrgUnit.objects.restrict(client_obj.user, "organisations.view_orgunit").values_list(
            "pk", flat=True
        )
    )
    assert visible == {unit_a.pk}
    assert unit_b.pk not in visible
    assert AuditEvent.objects.filter(object_type="api.apiclient", action="create").exists()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    me = api.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["organisations"][0]["id"] == a.pk
    listing = api.get("/api/orgunits/")
    assert listing.status_code == 200
    assert {row["id"] for row in listing.json()["results"]} == {unit_a.pk}


def test_api_client_without_scope_is_refused(two_tenants):
    from sambruk.core.api.services import create_api_client

    a, *_ = two_tenants
    _client, token = create_api_client(actor=None, organisation=a, name="Smal", scopes=[])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/orgunits/").status_code == 403


def test_bad_and_revoked_tokens_are_refused(two_tenants):
    from sambruk.core.api.services import create_api_client, set_active

    a, *_ = two_tenants
    client_obj, token = create_api_client(
        actor=None, organisation=a, name="Spärras", scopes=["organisations.view_orgunit"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer fel-token")
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Ogiltig eller spärrad token."
    set_active(client_obj, actor=None, active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/me/").status_code == 401
    # Only the hash is stored.
    client_obj.refresh_from_db()
    assert token not in (client_obj.token_hash, client_obj.token_prefix)
