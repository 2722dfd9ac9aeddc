"""Factories for e-service tests: a valid definition document and versions in each state."""

from __future__ import annotations

import copy

import factory
from django.utils import timezone

from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory
from sambruk.core.organisations.tests.factories import OrganisationFactory

from ..models import EService, FormDefinition, FormVersion, VersionStatus

SIMPLE_SCHEMA = {
    "formatVersion": 1,
    "title": {"sv": "Kontakta kommunen", "en": "Contact the municipality"},
    "pages": [
        {
            "title": {"sv": "Ditt ärende", "en": "Your errand"},
            "fields": [
                {"type": "text", "name": "namn", "label": {"sv": "Namn", "en": "Name"}, "required": True},
                {"type": "email", "name": "epost", "label": "E-post", "hint": "Vi svarar hit."},
                {"type": "textarea", "name": "fraga", "label": "Din fråga", "required": True},
            ],
        }
    ],
}  # fmt: skip


def simple_schema() -> dict:
    return copy.deepcopy(SIMPLE_SCHEMA)


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormDefinition

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"formular-{n}")
    name = factory.Sequence(lambda n: f"Formulär {n}")


class FormVersionFactory(factory.django.DjangoModelFactory):
    """``FormVersionFactory(published=True)`` gives a published version."""

    class Meta:
        model = FormVersion

    definition = factory.SubFactory(FormDefinitionFactory)
    number = factory.Sequence(lambda n: n + 1)
    schema = factory.LazyFunction(simple_schema)

    class Params:
        published = factory.Trait(
            status=VersionStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )


class EServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EService

    organisation = factory.SelfAttribute("form_version.definition.organisation")
    form_version = factory.SubFactory(FormVersionFactory, published=True)
    slug = factory.Sequence(lambda n: f"e-tjanst-{n}")
    name = factory.Sequence(lambda n: f"E-tjänst {n}")
    queue = factory.LazyAttribute(lambda o: QueueFactory(organisation=o.organisation))
    case_type = factory.LazyAttribute(lambda o: CaseTypeFactory(organisation=o.organisation))
