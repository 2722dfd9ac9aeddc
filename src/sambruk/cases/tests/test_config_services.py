"""Configuration services: permission, validation against the organisation, refusals of
deletes in use, audit events, and the transition table as the engine enforces it."""

from __future__ import annotations

import pytest

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import CaseType, Label, Queue, StaffGroup, Status, Transition
from sambruk.cases.services import config
from sambruk.core.audit.models import AuditEvent

from .factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker


def refused(expected, fn, /, *args, **kwargs) -> str:
    with pytest.raises(CaseActionError) as error:
        fn(*args, **kwargs)
    assert error.value.code == expected, error.value.message
    return error.value.message


def test_caseworker_and_other_organisation_admin_are_refused(setup, org_factory):
    refused(
        "permission_denied",
        config.do_save_label,
        setup.org,
        actor=setup.worker,
        name="Vinter",
    )
    outsider = caseworker(org_factory(), role="org_admin")
    message = refused(
        "permission_denied",
        config.do_save_transitions,
        setup.case_type,
        actor=outsider,
        pairs=[],
    )
    assert "behörighet" in message
    refused("permission_denied", config.do_delete_queue, setup.queue, actor=outsider)
    assert Transition.objects.filter(case_type=setup.case_type).count() == 6
    assert not Label.objects.filter(name="Vinter").exists()


def test_save_case_type_validates_and_audits(setup):
    case_type = config.do_save_case_type(
        setup.org,
        actor=setup.admin,
        name="Parkering",
        code="parkering",
        default_days_to_due="10",
        retention_months=36,
        retention_action="anonymise",
        closing_form=[{"name": "plats", "type": "choice", "choices": ["Gata", "Torg"]}],
    )
    assert case_type.closing_form == [
        {
            "name": "plats",
            "label": "plats",
            "type": "choice",
            "required": False,
            "choices": ["Gata", "Torg"],
        }
    ]
    created = AuditEvent.objects.get(object_type="cases.casetype", object_id=str(case_type.pk))
    assert (created.action, created.actor, created.organisation_id) == (
        "create",
        setup.admin,
        setup.org.pk,
    )
    assert created.changes["code"] == "parkering"
    refused(
        "duplicate",
        config.do_save_case_type,
        setup.org,
        actor=setup.admin,
        name="Annan",
        code="parkering",
    )
    refused(
        "invalid_form",
        config.do_save_case_type,
        setup.org,
        actor=setup.admin,
        name="X",
        code="x",
        closing_form=[{"name": "a"}, {"name": "a"}],
    )
    refused(
        "invalid_form",
        config.do_save_case_type,
        setup.org,
        actor=setup.admin,
        name="X",
        code="x",
        closing_form=[{"name": "a", "type": "color"}],
    )
    refused(
        "invalid_code",
        config.do_save_case_type,
        setup.org,
        actor=setup.admin,
        name="X",
        code="med mellanslag",
    )
    assert CaseType.objects.filter(organisation=setup.org).count() == 2


def test_status_rules(setup):
    ny, pagar = setup.status["ny"], setup.status["pagar"]
    # Another status becomes the start status: the old one stops being it.
    config.do_save_status(
        setup.case_type,
        actor=setup.admin,
        instance=pagar,
        name=pagar.name,
        code=pagar.code,
        order=pagar.order,
        kind=pagar.kind,
        is_initial=True,
    )
    ny.refresh_from_db()
    assert not ny.is_initial and setup.case_type.initial_status == pagar
    message = refused(
        "last_initial",
        config.do_save_status,
        setup.case_type,
        actor=setup.admin,
        instance=pagar,
        name="Pågår",
        code="pagar",
        kind="open",
        is_initial=False,
    )
    assert "startstatus" in message
    refused("last_initial", config.do_delete_status, pagar, actor=setup.admin)
    refused(
        "initial_closed",
        config.do_save_status,
        setup.case_type,
        actor=setup.admin,
        name="Klar",
        code="klar2",
        kind="closed",
        is_initial=True,
    )


def test_status_in_use_cannot_be_deleted_or_change_kind(setup):
    CaseFactory(queue=setup.queue, actor=setup.worker, case_type=setup.case_type)
    ny = setup.status["ny"]
    config.do_save_status(
        setup.case_type,
        actor=setup.admin,
        instance=setup.status["pagar"],
        name="Pågår",
        code="pagar",
        kind="open",
        is_initial=True,
    )
    ny.refresh_from_db()
    message = refused("in_use", config.do_delete_status, ny, actor=setup.admin)
    assert "används av 1 ärenden" in message
    refused(
        "in_use",
        config.do_save_status,
        setup.case_type,
        actor=setup.admin,
        instance=ny,
        name="Ny",
        code="ny",
        kind="on_hold",
    )
    vantar = setup.status["vantar"]
    config.do_delete_status(vantar, actor=setup.admin)
    assert not Status.objects.filter(pk=vantar.pk).exists()
    assert not Transition.objects.filter(to_status_id=vantar.pk).exists()
    deleted = AuditEvent.objects.get(object_type="cases.status", action="delete")
    assert deleted.changes == {"name": "Väntar på svar", "code": "vantar"}


def test_transition_table_saved_in_one_go_and_enforced(setup):
    s = setup.status
    case = CaseFactory(queue=setup.queue, actor=setup.worker, case_type=setup.case_type)
    config.do_save_transitions(
        setup.case_type,
        actor=setup.admin,
        pairs=[(s["ny"], s["avslutad"]), (s["avslutad"].pk, s["ny"].pk)],
    )
    table = set(
        Transition.objects.filter(case_type=setup.case_type).values_list(
            "from_status__code", "to_status__code"
        )
    )
    assert table == {("ny", "avslutad"), ("avslutad", "ny")}
    event = AuditEvent.objects.get(object_type="cases.casetype", action="update")
    assert "Ny → Pågår" in event.changes["transitions_removed"]
    assert event.changes["transitions_added"] == ["Avslutad → Ny"]
    message = refused(
        "transition_not_allowed",
        services.do_change_status,
        case,
        actor=setup.worker,
        to=s["pagar"],
    )
    assert "Ny till Pågår" in message
    case = services.do_change_status(case, actor=setup.worker, to=s["avslutad"])
    assert case.state == "closed"
    # A self-transition or another type's status: refused, the table unchanged.
    refused(
        "invalid_transition",
        config.do_save_transitions,
        setup.case_type,
        actor=setup.admin,
        pairs=[(s["ny"], s["ny"])],
    )
    other = CaseTypeFactory(organisation=setup.org).statuses.first()
    refused(
        "status_wrong_type",
        config.do_save_transitions,
        setup.case_type,
        actor=setup.admin,
        pairs=[(s["ny"], other)],
    )
    assert Transition.objects.filter(case_type=setup.case_type).count() == 2


def test_queue_members_must_belong_to_the_organisation(setup, org_factory):
    other_org = org_factory()
    stranger = caseworker(other_org)
    foreign_group = StaffGroup.objects.create(organisation=other_org, name="Främlingar")
    refused(
        "user_outside_organisation",
        config.do_save_queue,
        setup.org,
        actor=setup.admin,
        name="Ny funktion",
        members=[stranger],
    )
    refused(
        "wrong_group",
        config.do_save_queue,
        setup.org,
        actor=setup.admin,
        name="Ny funktion",
        member_groups=[foreign_group],
    )
    refused(
        "wrong_case_type",
        config.do_save_queue,
        setup.org,
        actor=setup.admin,
        name="Ny funktion",
        default_case_type=CaseTypeFactory(organisation=other_org),
    )
    group = config.do_save_group(setup.org, actor=setup.admin, name="Helg", members=[setup.other])
    queue = config.do_save_queue(
        setup.org,
        actor=setup.admin,
        name="Ny funktion",
        members=[setup.worker],
        member_groups=[group],
    )
    assert {u.pk for u in queue.members.all()} == {setup.worker.pk}
    assert queue.has_member(setup.other) and not queue.has_member(setup.admin)
    queue = config.do_save_queue(
        setup.org, actor=setup.admin, instance=queue, name="Ny funktion", members=[]
    )
    event = AuditEvent.objects.filter(object_type="cases.queue", action="update").get()
    assert event.changes == {"members": [[setup.worker.pk], []], "member_groups": [[group.pk], []]}
    refused("duplicate", config.do_save_queue, setup.org, actor=setup.admin, name=setup.queue.name)


def test_deletes_in_use_are_refused(setup):
    case = CaseFactory(queue=setup.queue, actor=setup.worker, case_type=setup.case_type)
    assert "öppna ärenden" in refused(
        "in_use", config.do_delete_queue, setup.queue, actor=setup.admin
    )
    assert "inaktiveras" in refused(
        "in_use",
        config.do_save_queue,
        setup.org,
        actor=setup.admin,
        instance=setup.queue,
        name=setup.queue.name,
        active=False,
    )
    refused("in_use", config.do_delete_case_type, setup.case_type, actor=setup.admin)
    label = config.do_save_label(setup.org, actor=setup.admin, name="Is")
    services.do_add_label(case, actor=setup.worker, label=label)
    assert "sitter på 1 ärenden" in refused(
        "in_use", config.do_delete_label, label, actor=setup.admin
    )
    group = config.do_save_group(setup.org, actor=setup.admin, name="Natt")
    config.do_save_queue(
        setup.org,
        actor=setup.admin,
        instance=setup.queue,
        name=setup.queue.name,
        members=list(setup.queue.members.all()),
        member_groups=[group],
    )
    refused("in_use", config.do_delete_group, group, actor=setup.admin)
    # A priority named by a rule cannot go; once the rule is gone it can.
    priority = config.do_save_priority(setup.org, actor=setup.admin, name="Akut", colour="#aa0000")
    target = QueueFactory(organisation=setup.org)
    rule = services.do_save_rule(
        target,
        actor=setup.admin,
        name="Akut",
        action="set_priority",
        params={"priority": priority.pk},
    )
    assert "”Akut”" in refused("in_use", config.do_delete_priority, priority, actor=setup.admin)
    services.do_delete_rule(rule, actor=setup.admin)
    config.do_delete_priority(priority, actor=setup.admin)
    # An empty queue is deleted, with its audit event.
    config.do_delete_queue(target, actor=setup.admin)
    assert not Queue.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(object_type="cases.queue", action="delete").count() == 1


def test_resolution_in_use_cannot_be_deleted(setup):
    resolution = config.do_save_resolution(setup.case_type, actor=setup.admin, name="Klart")
    case = CaseFactory(queue=setup.queue, actor=setup.worker, case_type=setup.case_type)
    services.do_close(case, actor=setup.worker, resolution=resolution)
    assert "Gör det inaktivt" in refused(
        "in_use", config.do_delete_resolution, resolution, actor=setup.admin
    )
    config.do_save_resolution(
        setup.case_type, actor=setup.admin, instance=resolution, name="Klart", active=False
    )
    resolution.refresh_from_db()
    assert resolution.active is False
