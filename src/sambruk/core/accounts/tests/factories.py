import factory

from sambruk.core.accounts.models import Membership, User
from sambruk.core.organisations.tests.factories import OrganisationFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.se")
    full_name = factory.Sequence(lambda n: f"Test Testsson {n}")
    password = factory.django.Password("Lösenord-för-test-1")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "caseworker"
