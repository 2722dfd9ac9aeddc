"""Versions: create, edit drafts, publish, retire; a published version cannot change."""

from __future__ import annotations

import pytest

from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.models import AuditEvent

from ..models import FormVersion, ImmutableVersionError, VersionStatus
from ..services import definitions as services
from .factories import EServiceFactory, simple_schema


@pytest.fixture
def admin(org_factory, member):
    org = org_factory()
    return member(org, "org_admin"), org


def test_create_edit_publish_and_new_draft(admin):
    user, org = admin
    v1 = services.create_definition(actor=user, organisation=org, code="kontakt", name="Kontakt")
    assert (v1.number, v1.status) == (1, VersionStatus.DRAFT)
    schema = simple_schema()
    assert services.update_draft(v1, actor=user, schema=schema) == []
    assert FormVersion.objects.get(pk=v1.pk).schema == schema

    bad = simple_schema()
    bad["pages"][0]["fields"][0]["min"] = 1
    errors = services.update_draft(v1, actor=user, schema=bad)
    assert [str(e) for e in errors] == [
        "Sida 1, fält ”namn”: egenskapen ”min” gäller inte fälttypen text."
    ]
    assert FormVersion.objects.get(pk=v1.pk).schema == schema  # not saved

    published = services.publish(v1, actor=user)
    assert published.status == VersionStatus.PUBLISHED and published.published_by == user
    with pytest.raises(CaseActionError) as refused:
        services.update_draft(v1, actor=user, schema=simple_schema())
    assert "är publicerad och kan inte ändras" in refused.value.message

    v2 = services.create_draft_version(v1.definition, actor=user, from_version=v1)
    assert (v2.number, v2.status, v2.schema) == (2, VersionStatus.DRAFT, schema)
    with pytest.raises(CaseActionError) as twice:
        services.create_draft_version(v1.definition, actor=user)
    assert twice.value.code == "draft_exists"
    actions = list(
        AuditEvent.objects.filter(object_type="eforms.formversion").values_list("action", flat=True)
    )
    assert actions.count("create") == 2 and actions.count("update") == 2


def test_publish_refuses_an_invalid_draft_and_a_published_version(admin):
    user, org = admin
    version = services.create_definition(actor=user, organisation=org, code="x", name="X")
    FormVersion.objects.filter(pk=version.pk).update(schema={"pages": []})
    with pytest.raises(CaseActionError) as invalid:
        services.publish(version, actor=user)
    assert "kan inte publiceras" in invalid.value.message and "”pages”: får inte vara tom" in (
        invalid.value.message
    )
    FormVersion.objects.filter(pk=version.pk).update(schema=simple_schema())
    services.publish(version, actor=user)
    with pytest.raises(CaseActionError) as again:
        services.publish(version, actor=user)
    assert again.value.code == "not_draft"


def test_retire_refused_while_an_active_e_service_uses_the_version(admin):
    user, org = admin
    service = EServiceFactory(form_version__definition__organisation=org)
    with pytest.raises(CaseActionError) as in_use:
        services.retire(service.form_version, actor=user)
    assert f"används av e-tjänsten ”{service.name}”" in in_use.value.message
    service.active = False
    service.save()
    assert services.retire(service.form_version, actor=user).status == VersionStatus.RETIRED


def test_model_guard_refuses_changes_to_a_published_version(admin):
    user, org = admin
    version = services.create_definition(actor=user, organisation=org, code="g", name="G")
    services.publish(version, actor=user)
    version.refresh_from_db()
    version.schema = {"pages": [{"title": "Ändrad", "fields": []}]}
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        FormVersion.objects.filter(pk=version.pk).update(schema={})
    with pytest.raises(ImmutableVersionError):
        FormVersion.objects.filter(pk=version.pk).delete()
    fresh = FormVersion.objects.get(pk=version.pk)
    with pytest.raises(ImmutableVersionError):
        fresh.delete()
    fresh.status = VersionStatus.DRAFT
    with pytest.raises(ImmutableVersionError):
        fresh.save()
    assert FormVersion.objects.get(pk=version.pk).schema["pages"][0]["title"] != "Ändrad"
    assert FormVersion.objects.get(pk=version.pk).status == VersionStatus.PUBLISHED
    # a draft can still be changed and deleted
    draft = services.create_draft_version(version.definition, actor=user)
    draft.schema = simple_schema()
    draft.save()
    draft.delete()
