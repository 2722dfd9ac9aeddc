import datetime

import pytest
from django.utils import timezone

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseContact, CaseEvent, CaseLogEntry, CaseState, LogKind
from sambruk.cases.queries import is_unread
from sambruk.core.audit.models import AuditEvent

from .factories import CaseTypeFactory, LabelFactory, PriorityFactory, QueueFactory, caseworker


def create(s, **kw):
    kw.setdefault("title", "Trasig gatlykta")
    return services.do_create(
        actor=kw.pop("actor", s.worker),
        queue=kw.pop("queue", s.queue),
        case_type=kw.pop("case_type", s.case_type),
        **kw,
    )


def audit_for(case):
    return AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))


def test_create_writes_reference_log_audit_event(setup):
    case = create(setup, description="Vid Storgatan 3")
    today = timezone.localdate()
    assert case.reference == f"{today:%Y%m%d}-1"
    assert case.status == setup.status["ny"] and case.state == CaseState.OPEN
    assert case.due_date == today + datetime.timedelta(days=14)
    assert CaseLogEntry.objects.get(case=case).text == "Ärendet skapades."
    assert audit_for(case).get().action == "create"
    assert CaseEvent.objects.get(case=case).name == "case.created"
    assert not is_unread(case, setup.worker)
    assert is_unread(case, setup.other)


def test_create_refused_without_permission(setup, org_factory, member):
    outsider = member(org_factory())
    with pytest.raises(CaseActionError) as err:
        create(setup, actor=outsider)
    assert err.value.code == "permission_denied"
    assert not Case.objects.exists()


def test_create_refuses_type_of_other_organisation(setup):
    with pytest.raises(CaseActionError):
        create(setup, case_type=CaseTypeFactory())


def test_draft_open_and_delete(setup):
    draft = create(setup, draft=True)
    assert draft.state == CaseState.DRAFT
    assert not Case.objects.visible_to(setup.other).filter(pk=draft.pk).exists()
    opened = services.do_open(draft, actor=setup.worker)
    assert opened.state == CaseState.OPEN and not opened.is_draft
    other = create(setup, draft=True)
    services.do_delete_draft(other, actor=setup.worker)
    assert not Case.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(other.pk), action="delete").exists()
    with pytest.raises(CaseActionError) as err:
        services.do_delete_draft(opened, actor=setup.worker)
    assert err.value.code == "not_draft"


def test_assign_to_user_outside_queue_is_refused(setup):
    case = create(setup)
    stranger = caseworker(setup.org, full_name="Sven Utanför")
    with pytest.raises(CaseActionError) as err:
        services.do_assign_to(case, actor=setup.worker, to=stranger)
    assert err.value.message == f"Sven Utanför är inte medlem i funktionen {setup.queue.name}."
    assert Case.objects.get(pk=case.pk).assignee is None


def test_assign_self_requires_queue_membership(setup):
    case = create(setup)
    with pytest.raises(CaseActionError) as err:
        services.do_assign(case, actor=setup.admin)
    assert err.value.code == "permission_denied"  # org_admin does not handle cases
    stranger = caseworker(setup.org)
    with pytest.raises(CaseActionError) as err:
        services.do_assign(case, actor=stranger)
    assert err.value.code == "not_queue_member"


def test_assign_unassign_and_notification(setup):
    from sambruk.core.notifications.models import OutboxMessage

    case = create(setup)
    case = services.do_assign_to(case, actor=setup.worker, to=setup.other)
    assert case.assignee == setup.other and case.version == 2
    assert [m.to for m in OutboxMessage.objects.all()] == [[setup.other.email]]
    with pytest.raises(CaseActionError) as err:
        services.do_assign(case, actor=setup.worker)
    assert err.value.code == "already_assigned"
    case = services.do_unassign(case, actor=setup.worker)
    assert case.assignee is None
    log = list(CaseLogEntry.objects.filter(case=case).values_list("text", flat=True))
    assert log[1] == "Ärendet tilldelades Bo Handläggare."
    assert audit_for(case).filter(action="update").count() == 2
    assert audit_for(case).filter(action="update").first().changes["assignee"] in (
        [None, setup.other.pk],
        [setup.other.pk, None],
    )


def test_stale_version_is_refused_and_nothing_written(setup):
    case = create(setup)
    services.do_add_note(case, actor=setup.other, text="Ringt upp")
    with pytest.raises(CaseActionError) as err:
        services.do_assign(case, actor=setup.worker, expected_version=case.version)
    assert (
        err.value.message == "Ärendet har ändrats av någon annan. Ladda om sidan och försök igen."
    )
    assert err.value.code == "stale"
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.assignee is None and fresh.version == 2
    assert CaseLogEntry.objects.filter(case=case).count() == 2


def test_close_requires_resolution_when_configured(setup):
    ct = CaseTypeFactory(
        organisation=setup.org, resolution_required=True, resolutions=["Åtgärdat", "Avvisat"]
    )
    case = create(setup, case_type=ct)
    with pytest.raises(CaseActionError) as err:
        services.do_close(case, actor=setup.worker)
    assert err.value.message == "Ett utfall måste anges för att avsluta ärendet."
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN
    other_resolution = CaseTypeFactory(organisation=setup.org, resolutions=["X"]).resolutions.get()
    with pytest.raises(CaseActionError) as err:
        services.do_close(case, actor=setup.worker, resolution=other_resolution)
    assert err.value.code == "invalid_resolution"
    closed = services.do_close(
        case, actor=setup.worker, resolution=ct.resolutions.get(name="Åtgärdat")
    )
    assert closed.state == CaseState.CLOSED and closed.resolution.name == "Åtgärdat"
    assert closed.assignee == setup.worker  # closing an unassigned case takes it
    reopened = services.do_reopen(closed, actor=setup.worker)
    assert (
        reopened.state == CaseState.OPEN
        and reopened.resolution is None
        and reopened.closed_at is None
    )


def test_close_with_open_subcases_is_refused(setup):
    parent = create(setup)
    child = services.do_create_subcase(parent, actor=setup.worker, title="Del 1")
    assert child.parent == parent and child.reference != parent.reference
    with pytest.raises(CaseActionError) as err:
        services.do_close(parent, actor=setup.worker)
    assert err.value.message == "Alla underärenden måste vara avslutade innan ärendet kan avslutas."
    services.do_close(child, actor=setup.worker)
    assert services.do_close(parent, actor=setup.worker).state == CaseState.CLOSED


def test_link_and_unlink_subcases(setup):
    a, b, c = create(setup), create(setup), create(setup)
    services.do_link_subcase(a, actor=setup.worker, child=b)
    services.do_link_subcase(b, actor=setup.worker, child=c)
    with pytest.raises(CaseActionError) as err:
        services.do_link_subcase(c, actor=setup.worker, child=a)
    assert err.value.code == "cycle"
    with pytest.raises(CaseActionError) as err:
        services.do_link_subcase(a, actor=setup.worker, child=c)
    assert err.value.code == "has_parent"
    services.do_unlink_subcase(c, actor=setup.worker)
    assert Case.objects.get(pk=c.pk).parent is None
    assert list(Case.objects.get(pk=a.pk).subcases.all()) == [Case.objects.get(pk=b.pk)]


def test_send_to_queue_in_same_organisation(setup):
    target = QueueFactory(organisation=setup.org)
    case = services.do_assign(create(setup), actor=setup.worker)
    moved = services.do_send_to_queue(case, actor=setup.worker, queue=target, note="Gäller park")
    assert moved.pk == case.pk and moved.queue == target and moved.assignee is None
    assert "Gäller park" in CaseLogEntry.objects.filter(case=case).last().text
    with pytest.raises(CaseActionError) as err:
        services.do_send_to_queue(moved, actor=setup.worker, queue=target)
    assert err.value.code == "same_queue"


def test_send_to_queue_of_other_organisation(setup, org_factory):
    trv = org_factory(agency=True, name="Trafikverket")
    trv_type = CaseTypeFactory(organisation=trv)
    trv_queue = QueueFactory(organisation=trv, default_case_type=trv_type, name="Väg")
    trv_worker = caseworker(trv, queues=[trv_queue])
    case = create(setup, description="Hål i vägen")
    services.do_add_contact(case, actor=setup.worker, name="Tolvan", email="tolvan@example.se")
    services.do_add_note(case, actor=setup.worker, text="Intern anteckning om grannen")
    received = services.do_send_to_queue(
        case, actor=setup.worker, queue=trv_queue, note="Statlig väg"
    )

    # The receiver sees the new case with what was sent, never the sender's notes.
    visible = Case.objects.visible_to(trv_worker)
    assert list(visible) == [received]
    assert received.organisation == trv and received.sent_from == case
    assert received.description == "Hål i vägen"
    assert list(received.contacts.values_list("name", flat=True)) == ["Tolvan"]
    receiver_log = CaseLogEntry.objects.visible_to(trv_worker, "cases.view_caselogentry")
    assert not receiver_log.filter(text__contains="grannen").exists()
    assert receiver_log.filter(case=received, text__contains="Statlig väg").exists()
    # The sender keeps its case and may read (not change) the received one.
    assert Case.objects.get(pk=case.pk).organisation == setup.org
    assert Case.objects.visible_to(setup.worker).filter(pk=received.pk).exists()
    assert (
        not Case.objects.visible_to(setup.worker, "cases.change_case")
        .filter(pk=received.pk)
        .exists()
    )
    assert (
        not CaseLogEntry.objects.visible_to(setup.worker, "cases.view_caselogentry")
        .filter(case=received)
        .exists()
    )
    with pytest.raises(CaseActionError):
        services.do_add_note(received, actor=setup.worker, text="Får inte")


def test_send_to_other_organisation_without_case_type_is_refused(setup, org_factory):
    queue = QueueFactory(organisation=org_factory())
    case = create(setup)
    with pytest.raises(CaseActionError) as err:
        services.do_send_to_queue(case, actor=setup.worker, queue=queue)
    assert err.value.code == "no_incoming_type"
    assert CaseLogEntry.objects.filter(case=case).count() == 1


def test_change_details(setup):
    case = create(setup)
    prio = PriorityFactory(organisation=setup.org, name="Hög")
    label = LabelFactory(organisation=setup.org, name="Belysning")
    ct2 = CaseTypeFactory(organisation=setup.org, name="Synpunkt")
    case = services.do_change_priority(case, actor=setup.worker, priority=prio)
    case = services.do_change_due_date(case, actor=setup.worker, due_date=datetime.date(2030, 1, 1))
    case = services.do_change_title(case, actor=setup.worker, title="Ny rubrik")
    case = services.do_change_description(case, actor=setup.worker, description="Mer text")
    case = services.do_add_label(case, actor=setup.worker, label=label)
    case = services.do_change_type(case, actor=setup.worker, case_type=ct2)
    assert (case.priority, case.due_date, case.title, case.description) == (
        prio,
        datetime.date(2030, 1, 1),
        "Ny rubrik",
        "Mer text",
    )
    assert case.case_type == ct2 and case.status == ct2.initial_status
    assert list(case.labels.all()) == [label]
    case = services.do_remove_label(case, actor=setup.worker, label=label)
    assert not case.labels.exists()
    assert case.version == 8
    with pytest.raises(CaseActionError):
        services.do_add_label(case, actor=setup.worker, label=LabelFactory())
    with pytest.raises(CaseActionError):
        services.do_change_title(case, actor=setup.worker, title="  ")
    assert audit_for(case).count() == 8
    assert CaseEvent.objects.filter(case=case).count() == 8


def test_contacts_and_notes(setup):
    case = create(setup)
    contact = services.do_add_contact(
        case, actor=setup.worker, name="Tolvan Tolvansson", phone="070-1234567"
    )
    assert CaseContact.objects.get(case=case) == contact
    with pytest.raises(CaseActionError):
        services.do_add_contact(case, actor=setup.worker, name=" ")
    with pytest.raises(CaseActionError):
        services.do_add_contact(case, actor=setup.worker, email="inte-en-adress")
    services.do_add_note(case, actor=setup.worker, text="Svar skickat", visible_to_citizen=True)
    note = CaseLogEntry.objects.get(case=case, kind=LogKind.NOTE)
    assert note.visible_to_citizen and note.actor == setup.worker
    assert CaseLogEntry.objects.filter(case=case, kind=LogKind.CONTACT).exists()
    with pytest.raises(CaseActionError):
        services.do_add_note(case, actor=setup.worker, text="")


def test_remove_and_reinstate_are_for_admins(setup):
    case = create(setup)
    with pytest.raises(CaseActionError) as err:
        services.do_remove(case, actor=setup.worker)
    assert err.value.code == "permission_denied"
    removed = services.do_remove(case, actor=setup.admin, reason="Dubblett")
    assert removed.removed
    with pytest.raises(CaseActionError) as err:
        services.do_add_label(
            removed, actor=setup.worker, label=LabelFactory(organisation=setup.org)
        )
    assert err.value.code == "removed"
    assert not services.do_reinstate(removed, actor=setup.admin).removed


def test_read_and_unread(setup):
    case = create(setup)
    assert is_unread(case, setup.other)
    services.do_mark_read(case, actor=setup.other)
    assert not is_unread(case, setup.other)
    case = services.do_add_note(case, actor=setup.worker, text="Ny info")
    assert is_unread(case, setup.other)
    services.do_mark_read(case, actor=setup.other)
    services.do_mark_unread(case, actor=setup.other)
    assert is_unread(case, setup.other)


def test_reference_numbers_sequential_per_organisation_and_day(setup, org_factory):
    from sambruk.cases.references import next_reference

    refs = [create(setup).reference for _ in range(5)]
    today = timezone.localdate()
    assert refs == [f"{today:%Y%m%d}-{n}" for n in range(1, 6)]
    other_org = org_factory()
    assert next_reference(other_org) == f"{today:%Y%m%d}-1"
    tomorrow = today + datetime.timedelta(days=1)
    assert next_reference(setup.org, day=tomorrow) == f"{tomorrow:%Y%m%d}-1"
    prefixed = CaseTypeFactory(organisation=setup.org, reference_prefix="FEL-")
    assert create(setup, case_type=prefixed).reference == f"FEL-{today:%Y%m%d}-6"
