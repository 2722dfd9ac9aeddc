import pytest
from django.core.exceptions import ValidationError

from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.models import OrgUnitKind
from sambruk.core.organisations.services import create_orgunit
from sambruk.core.organisations.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_create_orgunit_audits(org_factory, member):
    org = org_factory()
    actor = member(org, "org_admin")
    forv = create_orgunit(
        org, actor=actor, name="Socialförvaltningen", kind=OrgUnitKind.FORVALTNING
    )
    unit = create_orgunit(org, actor=actor, name="Försörjningsstöd", kind="avdelning", parent=forv)
    assert unit.parent == forv and unit.organisation == org
    assert forv.subtree_ids() == [forv.pk, unit.pk]
    event = AuditEvent.objects.get(object_type="organisations.orgunit", object_id=str(unit.pk))
    assert event.action == "create"
    assert event.actor == actor
    assert event.organisation_id == org.pk


def test_parent_must_belong_to_same_organisation(org_factory, member):
    org, other = org_factory(), org_factory()
    foreign = OrgUnitFactory(organisation=other)
    with pytest.raises(ValidationError) as excinfo:
        create_orgunit(org, actor=member(org), name="Enhet", kind="enhet", parent=foreign)
    assert "annan organisation" in str(excinfo.value)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("name", "kind"), [("", "enhet"), ("   ", "enhet"), ("Enhet", "bogus")])
def test_invalid_input(org_factory, name, kind):
    org = org_factory()
    with pytest.raises(ValidationError):
        create_orgunit(org, actor=None, name=name, kind=kind)


def test_duplicate_top_level_name_refused(org_factory):
    org = org_factory()
    create_orgunit(org, actor=None, name="Kommunledningen", kind="forvaltning")
    with pytest.raises(ValidationError, match="redan en enhet"):
        create_orgunit(org, actor=None, name="Kommunledningen", kind="forvaltning")
    # the same name in another organisation is fine
    create_orgunit(org_factory(), actor=None, name="Kommunledningen", kind="forvaltning")
