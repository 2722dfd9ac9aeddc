import factory

from sambruk.core.organisations.models import Organisation, OrganisationType, OrgUnit


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    type = OrganisationType.KOMMUN
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.Sequence(lambda n: f"testkommun-{n}")
    kommunkod = factory.Sequence(lambda n: f"{9000 + n % 999:04d}")

    class Params:
        agency = factory.Trait(type=OrganisationType.MYNDIGHET, kommunkod=None)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
