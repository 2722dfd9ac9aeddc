"""Transition tests generated from the configured table.

Every allowed (from, to) pair of :data:`DEFAULT_TABLE` succeeds; every other pair of distinct
statuses is refused with the clear Swedish message, and nothing is written.
"""

import itertools

import pytest

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseLogEntry, StatusKind
from sambruk.cases.workflow import allowed_targets

from .factories import DEFAULT_STATUSES, DEFAULT_TABLE

CODES = [code for code, *_ in DEFAULT_STATUSES]
ALLOWED = set(DEFAULT_TABLE)
FORBIDDEN = [(a, b) for a, b in itertools.permutations(CODES, 2) if (a, b) not in ALLOWED]


def _case_in(setup, code):
    case = services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Övergång"
    )
    status = setup.status[code]
    extra = {"closed_at": case.created_at} if status.kind == StatusKind.CLOSED else {}
    Case.objects.filter(pk=case.pk).update(
        status=status, state=status.kind, **extra
    )  # test setup only
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("from_code,to_code", sorted(ALLOWED))
def test_allowed_transition_succeeds(setup, from_code, to_code):
    case = _case_in(setup, from_code)
    to = setup.status[to_code]
    result = services.do_change_status(
        case, actor=setup.worker, to=to, expected_version=case.version
    )
    assert result.status == to
    assert result.state == to.kind
    assert result.version == case.version + 1
    assert (result.closed_at is not None) == (to.kind == StatusKind.CLOSED)
    assert CaseLogEntry.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("from_code,to_code", FORBIDDEN)
def test_forbidden_transition_is_refused(setup, from_code, to_code):
    case = _case_in(setup, from_code)
    frm, to = setup.status[from_code], setup.status[to_code]
    with pytest.raises(CaseActionError) as err:
        services.do_change_status(case, actor=setup.worker, to=to)
    assert err.value.code == "transition_not_allowed"
    assert err.value.message == f"Övergången från {frm.name} till {to.name} är inte tillåten."
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == frm and fresh.version == case.version
    assert CaseLogEntry.objects.filter(case=case).count() == 1


def test_table_is_what_allowed_targets_reports(setup):
    for code in CODES:
        targets = {s.code for s in allowed_targets(setup.case_type, setup.status[code])}
        assert targets == {b for a, b in ALLOWED if a == code}


def test_status_of_another_type_is_refused(setup):
    from .factories import CaseTypeFactory

    other_type = CaseTypeFactory(organisation=setup.org)
    case = _case_in(setup, "ny")
    with pytest.raises(CaseActionError) as err:
        services.do_change_status(
            case, actor=setup.worker, to=other_type.statuses.get(code="pagar")
        )
    assert err.value.code == "status_wrong_type"
