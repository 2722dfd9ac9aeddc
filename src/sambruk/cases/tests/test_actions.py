"""``available_actions`` matches the services.

For many case situations and users: every returned action succeeds through its service
with valid arguments; every action not returned is refused by its service.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from sambruk.cases import services
from sambruk.cases.actions import available_actions
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, StatusKind
from sambruk.cases.predicates import CHECKS
from sambruk.cases.workflow import allowed_targets

from .factories import CaseTypeFactory, LabelFactory, PriorityFactory, QueueFactory, caseworker


class Rollback(Exception):
    pass


def _other_member(case, s, user):
    for candidate in (s.worker, s.other):
        if candidate.pk != case.assignee_id:
            return candidate


def _status_target(case, closing):
    """An allowed target of the wanted kind, else some other status (which must be refused)."""
    targets = [
        t
        for t in allowed_targets(case.case_type, case.status)
        if (t.kind == StatusKind.CLOSED) == closing
    ]
    if targets:
        return targets[0]
    return (
        case.case_type.statuses.exclude(pk=case.status_id).exclude(kind=StatusKind.CLOSED).first()
    )


RUN = {
    "open": lambda c, u, s: services.do_open(c, actor=u),
    "delete": lambda c, u, s: services.do_delete_draft(c, actor=u),
    "assign": lambda c, u, s: services.do_assign(c, actor=u),
    "assign_to": lambda c, u, s: services.do_assign_to(c, actor=u, to=_other_member(c, s, u)),
    "unassign": lambda c, u, s: services.do_unassign(c, actor=u),
    "send_to": lambda c, u, s: services.do_send_to_queue(c, actor=u, queue=s.queue2),
    "change_type": lambda c, u, s: services.do_change_type(c, actor=u, case_type=s.case_type2),
    "change_priority": lambda c, u, s: services.do_change_priority(c, actor=u, priority=s.priority),
    "change_due_date": lambda c, u, s: services.do_change_due_date(
        c, actor=u, due_date=datetime.date(2031, 5, 1)
    ),
    "change_title": lambda c, u, s: services.do_change_title(c, actor=u, title="Ändrad"),
    "change_description": lambda c, u, s: services.do_change_description(
        c, actor=u, description="Ändrad"
    ),
    "add_label": lambda c, u, s: services.do_add_label(c, actor=u, label=s.label2),
    "remove_label": lambda c, u, s: services.do_remove_label(
        c, actor=u, label=c.labels.first() or s.label
    ),
    "add_contact": lambda c, u, s: services.do_add_contact(c, actor=u, name="Kontakt"),
    "add_note": lambda c, u, s: services.do_add_note(c, actor=u, text="Anteckning"),
    "change_status": lambda c, u, s: services.do_change_status(
        c, actor=u, to=_status_target(c, False)
    ),
    "close": lambda c, u, s: services.do_close(c, actor=u),
    "reopen": lambda c, u, s: services.do_reopen(c, actor=u),
    "restrict": lambda c, u, s: services.do_restrict(c, actor=u),
    "unrestrict": lambda c, u, s: services.do_unrestrict(c, actor=u),
    "remove": lambda c, u, s: services.do_remove(c, actor=u),
    "reinstate": lambda c, u, s: services.do_reinstate(c, actor=u),
    "mark_read": lambda c, u, s: services.do_mark_read(c, actor=u),
    "mark_unread": lambda c, u, s: services.do_mark_unread(c, actor=u),
    "create_subcase": lambda c, u, s: services.do_create_subcase(c, actor=u, title="Del"),
    "link_subcase": lambda c, u, s: services.do_link_subcase(c, actor=u, child=s.loose),
    "unlink_parent": lambda c, u, s: services.do_unlink_subcase(c, actor=u),
    "start_conversation": lambda c, u, s: services.do_start_conversation(c, actor=u, topic="Ämne"),
    "post_message": lambda c, u, s: services.do_post_message(
        services.do_start_conversation(c, actor=u, topic="Ämne"), actor=u, body="Hej"
    ),
    "add_attachment": lambda c, u, s: services.do_add_attachment(
        c, actor=u, uploaded_file=SimpleUploadedFile("a.txt", b"Hej")
    ),
    "submit_form": lambda c, u, s: services.do_submit_form(
        c, actor=u, form_code="closing", data={}
    ),
}


def test_every_action_has_a_service_runner():
    assert set(RUN) == set(CHECKS)


def _scenarios(s):
    w = s.worker

    def new(**kw):
        return services.do_create(actor=w, queue=s.queue, case_type=s.case_type, title="Fall", **kw)

    cases = {"open_unassigned": new(), "draft": new(draft=True)}
    cases["assigned_to_worker"] = services.do_assign(new(), actor=w)
    cases["assigned_to_other"] = services.do_assign(new(), actor=s.other)
    cases["closed"] = services.do_close(new(), actor=w)
    cases["on_hold"] = services.do_change_status(
        services.do_change_status(new(), actor=w, to=s.status["pagar"]),
        actor=w,
        to=s.status["vantar"],
    )
    cases["restricted"] = services.do_restrict(new(), actor=w)
    cases["removed"] = services.do_remove(new(), actor=s.admin)
    labelled = services.do_add_label(new(), actor=w, label=s.label)
    cases["labelled"] = labelled
    parent = new()
    child = services.do_create_subcase(parent, actor=w, title="Under")
    cases["with_open_subcase"] = Case.objects.get(pk=parent.pk)
    cases["subcase"] = child
    return cases


@pytest.fixture
def world(setup, org_factory):
    s = setup
    s.queue2 = QueueFactory(organisation=s.org, name="Andra funktionen")
    s.case_type2 = CaseTypeFactory(organisation=s.org)
    s.priority = PriorityFactory(organisation=s.org)
    s.label = LabelFactory(organisation=s.org)
    s.label2 = LabelFactory(organisation=s.org)
    s.loose = services.do_create(actor=s.worker, queue=s.queue, case_type=s.case_type, title="Lös")
    s.outsider = caseworker(org_factory())
    s.cases = _scenarios(s)
    return s


def _attempt(fn):
    """Run ``fn`` and roll it back. Returns None on success or the CaseActionError."""
    try:
        with transaction.atomic():
            fn()
            raise Rollback
    except Rollback:
        return None
    except CaseActionError as error:
        return error


def test_available_actions_match_services(world):
    s = world
    users = {"worker": s.worker, "other": s.other, "admin": s.admin, "outsider": s.outsider}
    checked = 0
    for case_name, case in s.cases.items():
        for user_name, user in users.items():
            fresh = Case.objects.get(pk=case.pk)
            allowed = set(available_actions(fresh, user))
            for action, run in RUN.items():
                if action == "change_status" and fresh.is_closed:
                    continue  # a status change out of "closed" is a reopen (its own action)
                error = _attempt(
                    lambda run=run, pk=case.pk, user=user: run(Case.objects.get(pk=pk), user, s)
                )
                where = f"{action} on {case_name} by {user_name}"
                if action in allowed:
                    assert error is None, f"{where}: offered but refused ({error})"
                else:
                    assert error is not None, f"{where}: not offered but the service allowed it"
                checked += 1
    assert checked > 1000


def test_some_expected_action_sets(world):
    s = world
    c = s.cases
    assert "assign" in available_actions(c["open_unassigned"], s.worker)
    assert "assign" not in available_actions(c["assigned_to_other"], s.worker)
    assert available_actions(c["open_unassigned"], s.outsider) == []
    assert set(available_actions(c["draft"], s.worker)) >= {"open", "delete", "change_title"}
    assert "close" not in available_actions(c["with_open_subcase"], s.worker)
    assert "reopen" in available_actions(c["closed"], s.worker)
    assert "close" not in available_actions(c["on_hold"], s.worker)
    assert available_actions(c["restricted"], s.other) == []
    assert set(available_actions(c["removed"], s.admin)) == {
        "reinstate",
        "mark_read",
        "mark_unread",
    }
