"""Workspace case changes → public states; staff updates; moving to Trafikverket."""

import pytest

from sambruk.cases import services as case_services
from sambruk.cases.models import Case
from sambruk.cases.tests.factories import caseworker
from sambruk.fixamingata import services
from sambruk.fixamingata.casesetup import ensure_case_setup
from sambruk.fixamingata.errors import ReportError
from sambruk.fixamingata.models import Report, ReportState
from sambruk.fixamingata.states import FMG_STATUSES

from .factories import ROAD, SANDVIKEN
from .test_reports import submit


@pytest.fixture
def confirmed(world):
    return submit(world, source="staff")


@pytest.fixture
def worker(world):
    _type, queue = ensure_case_setup(world.sandviken)
    return caseworker(world.sandviken, queues=[queue])


def test_case_setup_is_idempotent_and_complete(world):
    case_type, queue = ensure_case_setup(world.gavle)
    again = ensure_case_setup(world.gavle)
    assert again == (case_type, queue)
    assert sorted(case_type.statuses.values_list("code", flat=True)) == sorted(
        code for code, *_ in FMG_STATUSES
    )
    assert case_type.transitions.count() == 5 * 10 + 6 * 2


@pytest.mark.parametrize(
    ("code", "state"), [(code, state) for code, _n, _k, state, _i in FMG_STATUSES if code != "ny"]
)
def test_every_workspace_status_shows_its_public_state(
    confirmed, worker, code, state, django_capture_on_commit_callbacks
):
    case = confirmed.case
    target = case.case_type.statuses.get(code=code)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.do_change_status(case, actor=worker, to=target)
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == state
    update = report.updates.get()
    assert update.new_state == state and update.posted_as_body and update.is_public
    assert update.display_name() == report.body.name
    if state == ReportState.FIXED:
        assert report.fixed_at is not None


def test_reopen_in_workspace_reopens_the_report(
    confirmed, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.do_change_status(
            confirmed.case, actor=worker, to=confirmed.case.case_type.statuses.get(code="atgardad")
        )
    assert Report.objects.get(pk=confirmed.pk).state == ReportState.FIXED
    with django_capture_on_commit_callbacks(execute=True):
        case_services.do_reopen(case, actor=worker)
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == ReportState.CONFIRMED and report.fixed_at is None
    assert report.updates.count() == 2


def test_staff_state_change_moves_the_case_once(
    confirmed, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_state(
            confirmed, actor=worker, state=ReportState.IN_PROGRESS, text="Vi åtgärdar."
        )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == ReportState.IN_PROGRESS
    assert Case.objects.get(pk=report.case_id).status.code == "pagar"
    assert [u.text for u in report.updates.all()] == ["Vi åtgärdar."]  # no echo from the event


def test_citizen_cannot_set_states(world, confirmed):
    with pytest.raises(ReportError):
        services.add_update(
            confirmed, text="x", name="A", email="a@example.se", new_state=ReportState.FIXED
        )


def test_move_to_trafikverket(world, confirmed, worker, django_capture_on_commit_callbacks):
    road = world.cat(world.tv_body, ROAD)
    old_case = confirmed.case
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_report(confirmed, actor=worker, category=road, note="Riksväg 80.")
    assert moved.body == world.tv_body
    new_case = Case.objects.get(pk=moved.case_id)
    assert new_case.organisation == world.trafikverket
    assert new_case.queue.name == "FixaMinGata"
    assert new_case.sent_from_id == old_case.pk
    old_case.refresh_from_db()
    assert old_case.status.code == "vidarebefordrad"
    assert moved.state == ReportState.CONFIRMED  # the old case closing does not touch it
    texts = [u.text for u in moved.updates.all()]
    assert texts == ["Ärendet har flyttats till Trafikverket."]
    assert moved.send_state == "unsent"


def test_move_needs_permission_and_an_offered_category(world, confirmed, member):
    outsider = member(world.gavle, "caseworker")
    with pytest.raises(ReportError, match="behörighet"):
        services.move_report(confirmed, actor=outsider, category=world.cat(world.tv_body, ROAD))
    _t, queue = ensure_case_setup(world.sandviken)
    worker = caseworker(world.sandviken, queues=[queue])
    with pytest.raises(ReportError) as error:
        services.move_report(
            confirmed, actor=worker, category=world.cat(world.gavle_body, "Snöröjning")
        )
    assert error.value.code == "category_not_offered"
    assert SANDVIKEN  # the report lies in Sandviken
