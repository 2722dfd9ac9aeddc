"""Queue members as groups: a user in a member group of a queue is a member of the queue."""

from __future__ import annotations

import pytest

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, StaffGroup
from sambruk.cases.predicates import is_queue_member, member_queues, queue_members

from .factories import CaseFactory, QueueFactory, caseworker


@pytest.fixture
def g(setup):
    """``setup`` plus a group "Helgjour" (Gun) that is a member group of the queue."""
    setup.gun = caseworker(setup.org, full_name="Gun Gruppmedlem")
    setup.outsider = caseworker(setup.org, full_name="Olle Utanför")
    setup.group = StaffGroup.objects.create(organisation=setup.org, name="Helgjour")
    setup.group.members.add(setup.gun)
    setup.queue.member_groups.add(setup.group)
    return setup


def test_direct_and_group_members_are_members(g):
    assert is_queue_member(g.queue, g.worker)
    assert is_queue_member(g.queue, g.gun)
    assert not is_queue_member(g.queue, g.outsider)
    assert not is_queue_member(g.queue, None)
    assert set(queue_members(g.queue)) == {g.worker, g.other, g.gun}


def test_member_both_ways_is_listed_once(g):
    g.group.members.add(g.worker)
    members = list(queue_members(g.queue))
    assert members.count(g.worker) == 1
    assert len(members) == 3


def test_inactive_users_and_other_queues_groups_do_not_count(g):
    g.gun.is_active = False
    g.gun.save(update_fields=["is_active"])
    other_queue = QueueFactory(organisation=g.org)
    other_group = StaffGroup.objects.create(organisation=g.org, name="Annan grupp")
    other_group.members.add(g.outsider)
    other_queue.member_groups.add(other_group)

    assert not is_queue_member(g.queue, g.gun)
    assert not is_queue_member(g.queue, g.outsider)
    assert is_queue_member(other_queue, g.outsider)
    assert set(queue_members(g.queue)) == {g.worker, g.other}


def test_group_of_another_organisation_does_not_count(g, org_factory):
    foreign_org = org_factory()
    foreign_group = StaffGroup.objects.create(organisation=foreign_org, name="Främmande")
    foreign_group.members.add(g.outsider)
    g.queue.member_groups.add(foreign_group)

    assert not is_queue_member(g.queue, g.outsider)


def test_group_member_can_take_a_case_and_be_assigned(g):
    case = CaseFactory(queue=g.queue, actor=g.worker, case_type=g.case_type)
    taken = services.do_assign(case, actor=g.gun)
    assert Case.objects.get(pk=taken.pk).assignee == g.gun

    other = CaseFactory(queue=g.queue, actor=g.worker, case_type=g.case_type)
    assigned = services.do_assign_to(other, actor=g.worker, to=g.gun)
    assert Case.objects.get(pk=assigned.pk).assignee == g.gun


def test_leaving_the_group_ends_membership(g):
    case = CaseFactory(queue=g.queue, actor=g.worker, case_type=g.case_type)
    g.group.members.remove(g.gun)

    with pytest.raises(CaseActionError) as error:
        services.do_assign_to(case, actor=g.worker, to=g.gun)
    assert error.value.code == "not_queue_member"
    assert "Gun Gruppmedlem är inte medlem i funktionen" in error.value.message
    assert Case.objects.get(pk=case.pk).assignee is None


def test_member_queues_is_the_reverse(g):
    second = QueueFactory(organisation=g.org)
    second.members.add(g.gun)
    g.group.members.add(g.worker)  # member of g.queue both ways: listed once

    assert set(member_queues(g.gun)) == {g.queue, second}
    assert list(member_queues(g.worker)) == [g.queue]
    assert not member_queues(g.outsider).exists()
