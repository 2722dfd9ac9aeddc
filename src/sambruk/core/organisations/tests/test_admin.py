import pytest

from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.organisations.services import load_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user_client(client, login):
    user = UserFactory(is_staff=True, is_superuser=True)
    return login(client, user)


@pytest.mark.parametrize(
    "query", ["", "?q=2181", "?q=Sandviken", "?q=212000-1967", "?type__exact=region&lanskod=21"]
)
def test_organisation_changelist(admin_user_client, query):
    load_reference_data()
    response = admin_user_client.get(f"/admin/organisations/organisation/{query}")
    assert response.status_code == 200


def test_orgunit_changelist(admin_user_client, org_factory):
    from sambruk.core.organisations.tests.factories import OrgUnitFactory

    OrgUnitFactory(organisation=org_factory())
    response = admin_user_client.get("/admin/organisations/orgunit/?q=Enhet")
    assert response.status_code == 200
