from sambruk.cases.models import CaseState, Transition

from .factories import DEFAULT_TABLE, CaseFactory, CaseTypeFactory


def test_case_type_factory_builds_the_table(db):
    ct = CaseTypeFactory()
    assert ct.initial_status.code == "ny"
    pairs = set(
        Transition.objects.filter(case_type=ct).values_list("from_status__code", "to_status__code")
    )
    assert pairs == set(DEFAULT_TABLE)


def test_case_factory_traits(db):
    assert CaseFactory().state == CaseState.OPEN
    assert CaseFactory(draft=True).state == CaseState.DRAFT
    assert CaseFactory(assigned=True).assignee is not None
    closed = CaseFactory(closed=True)
    assert closed.state == CaseState.CLOSED and closed.closed_at is not None
    assert CaseFactory(restricted=True).restricted
