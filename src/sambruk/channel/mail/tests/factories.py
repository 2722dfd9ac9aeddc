"""Factories for the e-mail channel."""

from __future__ import annotations

import factory

from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory
from sambruk.channel.mail.models import EmailAccessPoint
from sambruk.core.organisations.tests.factories import OrganisationFactory


class EmailAccessPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAccessPoint
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Ingång {n}")
    address = factory.Sequence(lambda n: f"ingang{n}@kommun.example")
    queue = factory.LazyAttribute(lambda o: QueueFactory(organisation=o.organisation))
    case_type = factory.LazyAttribute(lambda o: CaseTypeFactory(organisation=o.organisation))

    @factory.post_generation
    def labels(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.labels.add(*extracted)
