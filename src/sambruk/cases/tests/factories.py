"""Factories for the case engine.

``CaseTypeFactory`` builds a realistic configuration: statuses Ny (initial, open), Pågår (open),
Väntar (on hold), Avslutad (closed) and the transition table :data:`DEFAULT_TABLE`.
``CaseFactory`` goes through :func:`do_create`, so a case always has a reference, a log entry,
an audit event and a stored event; traits (``draft``, ``assigned``, ``closed``, ``restricted``)
run the real services too.
"""

from __future__ import annotations

import factory

from sambruk.cases import services
from sambruk.cases.models import (
    CaseType,
    Label,
    Priority,
    Queue,
    Resolution,
    Status,
    StatusKind,
    Transition,
)
from sambruk.core.accounts.tests.factories import MembershipFactory, UserFactory
from sambruk.core.organisations.tests.factories import OrganisationFactory

#: (code, name, kind, initial)
DEFAULT_STATUSES = [
    ("ny", "Ny", StatusKind.OPEN, True),
    ("pagar", "Pågår", StatusKind.OPEN, False),
    ("vantar", "Väntar på svar", StatusKind.ON_HOLD, False),
    ("avslutad", "Avslutad", StatusKind.CLOSED, False),
]
#: Allowed (from, to) status codes.
DEFAULT_TABLE = [
    ("ny", "pagar"),
    ("ny", "avslutad"),
    ("pagar", "vantar"),
    ("pagar", "avslutad"),
    ("vantar", "pagar"),
    ("avslutad", "pagar"),
]


class CaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseType
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Ärendetyp {n}")
    code = factory.Sequence(lambda n: f"typ-{n}")
    default_days_to_due = 14

    @factory.post_generation
    def workflow(obj, create, extracted, **kwargs):
        """``workflow=(statuses, table)`` to override; ``workflow=False`` for none."""
        if not create or extracted is False:
            return
        statuses, table = extracted or (DEFAULT_STATUSES, DEFAULT_TABLE)
        by_code = {}
        for order, (code, name, kind, initial) in enumerate(statuses):
            by_code[code] = Status.objects.create(
                case_type=obj, code=code, name=name, kind=kind, is_initial=initial, order=order
            )
        for a, b in table:
            Transition.objects.create(case_type=obj, from_status=by_code[a], to_status=by_code[b])

    @factory.post_generation
    def resolutions(obj, create, extracted, **kwargs):
        if create:
            for name in extracted or ():
                Resolution.objects.create(case_type=obj, name=name)


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Funktion {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.add(*extracted)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Prioritet {n}")
    rank = factory.Sequence(int)


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Etikett {n}")


def caseworker(organisation, *, queues=(), role="caseworker", **kwargs):
    """A user with ``role`` in ``organisation`` and a member of ``queues``."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    for queue in queues:
        queue.members.add(user)
    return user


class CaseFactory(factory.Factory):
    """Builds a case through the services. ``CaseFactory(queue=q, actor=u, assigned=True)``.

    Without ``queue``/``actor`` a fresh organisation, queue, case type and caseworker are made.
    """

    class Meta:
        model = dict

    draft = False
    assigned = False
    closed = False
    restricted = False
    queue = None
    actor = None
    case_type = None
    title = factory.Sequence(lambda n: f"Testärende {n}")
    description = "Beskrivning"

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        queue,
        actor,
        case_type,
        title,
        description,
        draft,
        assigned,
        closed,
        restricted,
    ):
        if queue is None:
            queue = QueueFactory(
                organisation=(case_type.organisation if case_type else OrganisationFactory())
            )
        if case_type is None:
            case_type = queue.default_case_type or CaseTypeFactory(organisation=queue.organisation)
        if actor is None:
            actor = caseworker(queue.organisation, queues=[queue])
        case = services.do_create(
            actor=actor,
            queue=queue,
            case_type=case_type,
            title=title,
            description=description,
            draft=draft,
        )
        if restricted:
            case = services.do_restrict(case, actor=actor)
        if assigned or closed:
            case = services.do_assign(case, actor=actor)
        if closed:
            case = services.do_close(case, actor=actor, resolution=case_type.resolutions.first())
        return case
