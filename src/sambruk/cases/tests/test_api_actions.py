"""Every case action through ``POST /api/cases/{id}/actions/<name>/``, by token and by session.

Each test checks what a client observes: the answered case, the row afterwards, and for
refusals the status, the Swedish message and that nothing was written.
"""

from __future__ import annotations

import pytest

from .. import services
from ..actions import available_actions
from ..models import Case, CaseContact, CaseLogEntry, CaseRead, LogKind
from .factories import CaseFactory, CaseTypeFactory, LabelFactory, PriorityFactory, QueueFactory
from .test_api_support import actor_fixture, fresh, session_actor, token_actor  # noqa: F401

pytestmark = pytest.mark.django_db


def act(actor, case, name, body=None):
    return actor.post(f"/api/cases/{case.pk}/actions/{name}/", body or {})


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def case(setup):
    return CaseFactory(queue=setup.queue, actor=setup.worker, title="Gatlampa")


def test_assign_by_session_and_refused_for_api_client(actor, setup, case):
    response = act(actor, case, "assign")
    if actor.kind == "session":
        assert ok(response)["assignee"]["id"] == setup.worker.pk
    else:
        # An API client is not a member of any queue: it cannot take a case.
        assert response.status_code == 400
        assert response.json()["code"] == "not_queue_member"
        assert "är inte medlem i funktionen" in response.json()["detail"]
        assert fresh(case).assignee is None


def test_assign_to_and_unassign(actor, setup, case):
    body = ok(act(actor, case, "assign_to", {"user": setup.other.pk}))
    assert body["assignee"]["id"] == setup.other.pk
    assert body["version"] == 2
    assert "unassign" in body["available_actions"]
    body = ok(act(actor, case, "unassign", {"expected_version": 2}))
    assert body["assignee"] is None
    assert fresh(case).assignee is None


def test_assign_to_someone_outside_the_organisation_is_a_field_error(
    actor, case, org_factory, member
):
    stranger = member(org_factory())
    response = act(actor, case, "assign_to", {"user": stranger.pk})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"user"}
    assert fresh(case).version == 1


def test_send_to_queue_in_same_and_other_organisation(actor, setup, case, org_factory):
    second = QueueFactory(organisation=setup.org)
    body = ok(act(actor, case, "send_to_queue", {"queue": second.pk, "note": "För er"}))
    assert body["queue"]["id"] == second.pk
    other_org = org_factory()
    other_type = CaseTypeFactory(organisation=other_org)
    foreign = QueueFactory(organisation=other_org, default_case_type=other_type)
    body = ok(act(actor, case, "send_to_queue", {"queue": foreign.pk}))
    assert body["id"] == case.pk  # the caller's own case
    received = Case.objects.get(sent_from=case)
    assert received.organisation == other_org
    # The sender may read the received case, not its log.
    assert actor.get(f"/api/cases/{received.pk}/").status_code == 200
    assert actor.get(f"/api/cases/{received.pk}/log/").json()["results"] == []


def test_change_status_close_and_reopen(actor, setup, case):
    body = ok(act(actor, case, "change_status", {"status": setup.status["pagar"].pk}))
    assert body["status"]["code"] == "pagar"
    body = ok(act(actor, case, "close", {"expected_version": body["version"]}))
    assert body["state"] == "closed"
    assert body["closed_at"] is not None
    assert "reopen" in body["available_actions"]
    body = ok(act(actor, case, "reopen"))
    assert body["state"] == "open"
    assert body["status"]["code"] == "pagar"


def test_change_status_outside_the_table_is_refused(actor, setup, case):
    response = act(actor, case, "change_status", {"status": setup.status["vantar"].pk})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Övergången från Ny till Väntar på svar är inte tillåten.",
        "code": "transition_not_allowed",
    }
    assert fresh(case).version == 1


def test_status_of_another_case_type_is_a_field_error(actor, setup, case):
    foreign = CaseTypeFactory(organisation=setup.org).statuses.get(code="pagar")
    response = act(actor, case, "change_status", {"status": foreign.pk})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status"}


def test_close_with_resolution(actor, setup):
    case_type = CaseTypeFactory(
        organisation=setup.org, resolution_required=True, resolutions=["Åtgärdat", "Avvisat"]
    )
    case = CaseFactory(queue=setup.queue, actor=setup.worker, case_type=case_type)
    missing = act(actor, case, "close")
    assert missing.status_code == 400
    assert missing.json()["code"] == "resolution_required"
    resolution = case_type.resolutions.get(name="Åtgärdat")
    body = ok(act(actor, case, "close", {"resolution": resolution.pk}))
    assert body["resolution"] == {"id": resolution.pk, "name": "Åtgärdat"}


def test_change_details(actor, setup, case):
    priority = PriorityFactory(organisation=setup.org)
    body = ok(act(actor, case, "change_priority", {"priority": priority.pk}))
    assert body["priority"]["id"] == priority.pk
    assert ok(act(actor, case, "change_priority", {"priority": None}))["priority"] is None
    assert ok(act(actor, case, "change_due_date", {"due_date": "2031-05-01"}))["due_date"] == (
        "2031-05-01"
    )
    assert ok(act(actor, case, "change_due_date", {"due_date": None}))["due_date"] is None
    assert ok(act(actor, case, "change_title", {"title": "Ny rubrik"}))["title"] == "Ny rubrik"
    body = ok(act(actor, case, "change_description", {"description": "Mer text"}))
    assert body["description"] == "Mer text"
    new_type = CaseTypeFactory(organisation=setup.org)
    body = ok(act(actor, case, "change_type", {"case_type": new_type.pk}))
    assert body["case_type"]["id"] == new_type.pk
    assert body["status"]["id"] == new_type.initial_status.pk
    assert body["version"] == 8
    texts = list(CaseLogEntry.objects.filter(case=case).values_list("text", flat=True))
    assert "Rubriken ändrades." in texts


def test_labels(actor, setup, case, org_factory):
    label = LabelFactory(organisation=setup.org, name="Belysning")
    body = ok(act(actor, case, "add_label", {"label": label.pk}))
    assert body["labels"] == [{"id": label.pk, "name": "Belysning"}]
    again = act(actor, case, "add_label", {"label": label.pk})
    assert again.status_code == 400
    assert again.json()["code"] == "unchanged"
    assert ok(act(actor, case, "remove_label", {"label": label.pk}))["labels"] == []
    foreign = LabelFactory(organisation=org_factory())
    response = act(actor, case, "add_label", {"label": foreign.pk})
    assert set(response.json()["errors"]) == {"label"}


def test_add_contact_and_note(actor, case):
    body = ok(
        act(
            actor,
            case,
            "add_contact",
            {"name": "Kalle Kontakt", "phone": "070-123", "role": "Anmälare"},
        )
    )
    assert [c["name"] for c in body["contacts"]] == ["Kalle Kontakt"]
    empty = act(actor, case, "add_contact", {"role": "Anmälare"})
    assert empty.status_code == 400
    assert CaseContact.objects.filter(case=case).count() == 1
    body = ok(act(actor, case, "add_note", {"text": "Kontaktade elbolaget."}))
    note = CaseLogEntry.objects.filter(case=case, kind=LogKind.NOTE).get()
    assert note.text == "Kontaktade elbolaget."
    assert body["version"] == 3


def test_restrict_and_unrestrict(actor, setup, case, login):
    body = ok(act(actor, case, "restrict"))
    assert body["restricted"] is True
    other = session_actor(setup.other, login)
    assert other.get(f"/api/cases/{case.pk}/").status_code == 404
    assert ok(act(actor, case, "unrestrict"))["restricted"] is False
    assert other.get(f"/api/cases/{case.pk}/").status_code == 200


def test_open_and_delete_drafts(actor, setup):
    made = ok(
        actor.post("/api/cases/", {"queue": setup.queue.pk, "title": "U", "draft": True}), 201
    )
    draft = Case.objects.get(pk=made["id"])
    assert made["available_actions"] == ["open", "delete", *made["available_actions"][2:]]
    body = ok(act(actor, draft, "open"))
    assert body["is_draft"] is False
    assert body["state"] == "open"
    second = ok(
        actor.post("/api/cases/", {"queue": setup.queue.pk, "title": "U", "draft": True}), 201
    )
    gone = actor.post(f"/api/cases/{second['id']}/actions/delete_draft/", {})
    assert gone.status_code == 204
    assert not Case.objects.filter(pk=second["id"]).exists()
    refused = act(actor, draft, "delete_draft")
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_draft"


def test_remove_and_reinstate_need_the_admin_permission(actor, setup, case, login):
    refused = act(actor, case, "remove", {"reason": "Dubblett"})
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Du saknar behörighet för detta.",
        "code": "permission_denied",
    }
    assert "remove" not in available_actions(fresh(case), actor.user)
    admin = (
        token_actor(setup.org, roles=("caseworker", "org_admin"))
        if actor.kind == "token"
        else session_actor(setup.admin, login)
    )
    assert ok(act(admin, case, "remove", {"reason": "Dubblett"}))["removed"] is True
    assert ok(act(admin, case, "reinstate"))["removed"] is False


def test_mark_read_and_unread(actor, case):
    assert ok(act(actor, case, "mark_read"))["unread"] is False
    assert CaseRead.objects.filter(case=case, user=actor.user).exists()
    assert ok(act(actor, case, "mark_unread"))["unread"] is True
    stale = act(actor, case, "mark_read", {"expected_version": 7})
    assert stale.status_code == 409
    assert not CaseRead.objects.filter(case=case, user=actor.user).exists()


def test_subcases(actor, setup, case):
    child = ok(act(actor, case, "create_subcase", {"title": "Beställ lampa"}), 201)
    assert child["parent"] == case.pk
    assert child["title"] == "Beställ lampa"
    parent = actor.get(f"/api/cases/{case.pk}/").json()
    assert [s["id"] for s in parent["subcases"]] == [child["id"]]
    other = CaseFactory(queue=setup.queue, actor=setup.worker)
    linked = ok(act(actor, case, "link_subcase", {"child": other.pk}))
    assert {s["id"] for s in linked["subcases"]} == {child["id"], other.pk}
    body = ok(act(actor, other, "unlink_subcase"))
    assert body["parent"] is None
    assert fresh(other).parent is None


def test_stale_version_is_409_and_nothing_is_written(actor, setup, case):
    services.do_change_title(case, actor=setup.other, title="Ändrad av någon annan")
    response = act(actor, case, "change_title", {"title": "Min rubrik", "expected_version": 1})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Ärendet har ändrats av någon annan. Ladda om sidan och försök igen.",
        "code": "stale",
    }
    assert fresh(case).title == "Ändrad av någon annan"
    assert fresh(case).version == 2


def test_action_not_available_is_refused_with_the_swedish_message(actor, case):
    assert "reopen" not in available_actions(fresh(case), actor.user)
    response = act(actor, case, "reopen")
    assert response.status_code == 400
    assert response.json() == {"detail": "Ärendet är inte avslutat.", "code": "not_closed"}


@pytest.mark.parametrize(
    "name,body",
    [
        ("change_title", {}),
        ("change_title", {"title": ""}),
        ("change_title", {"title": "x", "expected_version": "en"}),
        ("change_due_date", {"due_date": "igår"}),
        ("change_priority", {"priority": 10**40}),
        ("add_note", {"text": None}),
        ("assign_to", {"user": True}),
        ("restrict", {"users": "alla"}),
        ("link_subcase", {"child": -1}),
    ],
)
def test_bad_action_bodies_are_400_with_field_errors(actor, case, name, body):
    response = act(actor, case, name, body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]
    assert fresh(case).version == 1
    assert CaseLogEntry.objects.filter(case=case).count() == 1


def test_unknown_action_is_404(actor, case):
    assert act(actor, case, "explode").status_code == 404
