"""Queue rules (Streamflow's filters): each action, any/all, arrival vs change, no loops,
the case log and the audit trail; saving rules validates their parameters."""

from __future__ import annotations

import pytest
from django.db import transaction

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseLogEntry, Origin, QueueRule, StaffGroup
from sambruk.core.audit.models import AuditEvent
from sambruk.core.notifications.models import OutboxMessage
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401

from .factories import CaseTypeFactory, LabelFactory, PriorityFactory, QueueFactory, caseworker


@pytest.fixture
def s(setup):
    setup.urgent = PriorityFactory(organisation=setup.org, name="Brådskande")
    setup.vip = LabelFactory(organisation=setup.org, name="VIP")
    setup.street = LabelFactory(organisation=setup.org, name="Gata")
    setup.second = QueueFactory(organisation=setup.org, name="Gatukontoret")
    setup.caller = caseworker(setup.org, queues=[setup.queue], full_name="Cecilia Kundtjänst")
    return setup


def rule(s, name, action, params=None, *, queue=None, **kw):
    return services.do_save_rule(
        queue or s.queue, actor=s.admin, name=name, action=action, params=params or {}, **kw
    )


def create(s, queue=None, **kw):
    kw.setdefault("title", "Trasig gatlampa")
    return services.do_create(actor=s.caller, queue=queue or s.queue, case_type=s.case_type, **kw)


def log_texts(case):
    return list(CaseLogEntry.objects.filter(case=case).values_list("text", flat=True))


def test_arrival_assign_writes_log_and_audit_by_the_rule(s):
    rule(s, "Fördela till Anna", "assign", {"user": s.worker.pk})

    case = create(s)

    stored = Case.objects.get(pk=case.pk)
    assert stored.assignee == s.worker
    assert case.assignee_id == s.worker.pk  # do_create returns the case as the rules left it
    entry = CaseLogEntry.objects.get(case=case, text__startswith="Regeln")
    assert entry.text == "Regeln Fördela till Anna tilldelade ärendet till Anna Handläggare."
    assert entry.actor is None
    assert entry.data["rule"] == QueueRule.objects.get().pk
    event = AuditEvent.objects.get(object_id=str(case.pk), action="update")
    assert event.actor is None
    assert event.actor_label == "regel: Fördela till Anna"
    # The assignee is told by e-mail, as for any assignment by someone else.
    mail = OutboxMessage.objects.get(to=[s.worker.email])
    assert case.reference in mail.subject


def test_arrival_send_to_queue_moves_the_case_and_stops_at_depth_one(s):
    rule(s, "Gator till gatukontoret", "send_to_queue", {"queue": s.second.pk})
    # The receiving queue would send it straight back: rules do not trigger rules.
    rule(s, "Tillbaka", "send_to_queue", {"queue": s.queue.pk}, queue=s.second)

    case = create(s)

    assert Case.objects.get(pk=case.pk).queue == s.second
    assert "Regeln Gator till gatukontoret skickade ärendet till funktionen Gatukontoret." in (
        log_texts(case)
    )
    assert not any("Tillbaka" in text for text in log_texts(case))


def test_send_to_queue_by_hand_is_an_arrival_in_the_new_queue(s):
    rule(s, "Märk gator", "set_label", {"label": s.street.pk}, queue=s.second)
    case = create(s)
    assert not Case.objects.get(pk=case.pk).labels.exists()

    case = services.do_send_to_queue(case, actor=s.worker, queue=s.second)

    assert list(Case.objects.get(pk=case.pk).labels.all()) == [s.street]
    assert "Regeln Märk gator satte etiketten Gata." in log_texts(case)


def test_change_rule_runs_on_change_not_on_arrival(s):
    rule(
        s,
        "Brådskande blir VIP",
        "set_label",
        {"label": s.vip.pk},
        trigger="change",
        conditions=[{"field": "priority", "value": s.urgent.pk}],
    )
    case = create(s, priority=s.urgent)
    assert not Case.objects.get(pk=case.pk).labels.exists()  # arrival: change rules sleep

    other = create(s)
    other = services.do_change_title(other, actor=s.worker, title="Ny rubrik")
    assert not Case.objects.get(pk=other.pk).labels.exists()  # changed, but does not match

    other = services.do_change_priority(other, actor=s.worker, priority=s.urgent)
    assert list(Case.objects.get(pk=other.pk).labels.all()) == [s.vip]
    assert "Regeln Brådskande blir VIP satte etiketten VIP." in log_texts(other)


def test_arrival_rule_does_not_run_on_change_and_both_runs_on_both(s):
    rule(s, "Bara ankomst", "set_priority", {"priority": s.urgent.pk}, trigger="arrival")
    rule(s, "Alltid", "set_label", {"label": s.vip.pk}, trigger="both")
    case = create(s)
    case = services.do_change_priority(case, actor=s.worker, priority=None)
    case = services.do_remove_label(case, actor=s.worker, label=s.vip)

    stored = Case.objects.get(pk=case.pk)
    assert stored.priority is None  # the arrival rule did not come back
    # "both": set on arrival, removed by hand, set again on that change
    assert list(stored.labels.all()) == [s.vip]
    assert log_texts(case).count("Regeln Alltid satte etiketten VIP.") == 2


def test_set_priority_on_matching_origin(s):
    rule(
        s,
        "Telefon är brådskande",
        "set_priority",
        {"priority": s.urgent.pk},
        conditions=[{"field": "origin", "value": Origin.PHONE}],
    )
    phoned = create(s, origin=Origin.PHONE)
    mailed = create(s, origin=Origin.EMAIL)

    assert Case.objects.get(pk=phoned.pk).priority == s.urgent
    assert Case.objects.get(pk=mailed.pk).priority is None
    assert "Regeln Telefon är brådskande satte prioriteten Brådskande." in log_texts(phoned)


def test_match_all_versus_any(s):
    other_type = CaseTypeFactory(organisation=s.org)
    conditions = [
        {"field": "case_type", "value": s.case_type.pk},
        {"field": "label", "value": s.street.pk},
    ]
    rule(s, "Alla", "set_priority", {"priority": s.urgent.pk}, conditions=conditions)
    rule(s, "Någon", "set_label", {"label": s.vip.pk}, conditions=conditions, match_all=False)

    only_type = create(s)
    both = create(s, labels=[s.street])
    neither = services.do_create(
        actor=s.caller, queue=s.queue, case_type=other_type, title="Annan typ"
    )

    assert Case.objects.get(pk=only_type.pk).priority is None
    assert s.vip in Case.objects.get(pk=only_type.pk).labels.all()
    assert Case.objects.get(pk=both.pk).priority == s.urgent
    assert Case.objects.get(pk=neither.pk).priority is None
    assert not Case.objects.get(pk=neither.pk).labels.exists()


def test_close_with_resolution(s):
    case_type = CaseTypeFactory(organisation=s.org, resolutions=["Hänvisad"])
    resolution = case_type.resolutions.get()
    rule(
        s,
        "Hänvisa direkt",
        "close",
        {"resolution": resolution.pk},
        conditions=[{"field": "case_type", "value": case_type.pk}],
    )

    case = services.do_create(actor=s.caller, queue=s.queue, case_type=case_type, title="Fel")

    stored = Case.objects.get(pk=case.pk)
    assert stored.is_closed
    assert stored.resolution == resolution
    assert stored.closed_by is None
    assert stored.closed_at is not None
    assert "Regeln Hänvisa direkt avslutade ärendet med utfallet Hänvisad." in log_texts(case)


def test_rules_after_a_send_or_close_are_skipped(s):
    rule(s, "Skicka", "send_to_queue", {"queue": s.second.pk}, order=1)
    rule(s, "Märk", "set_label", {"label": s.vip.pk}, order=2)
    case = create(s)
    stored = Case.objects.get(pk=case.pk)
    assert stored.queue == s.second
    assert not stored.labels.exists()


def test_a_rule_changing_the_case_does_not_trigger_change_rules_again(s):
    rule(s, "Märk ändrade", "set_label", {"label": s.vip.pk}, trigger="change", order=1)
    rule(s, "Meddela", "email", {"to": "bevakning@example.se"}, trigger="change", order=2)
    case = create(s)

    services.do_change_title(case, actor=s.worker, title="Ändrad")

    # One change by a person: each rule once; the label the first rule set is no new trigger.
    assert OutboxMessage.objects.filter(to=["bevakning@example.se"]).count() == 1
    texts = log_texts(case)
    assert texts.count("Regeln Märk ändrade satte etiketten VIP.") == 1
    assert texts.count("Regeln Meddela skickade e-post till bevakning@example.se.") == 1


def test_refused_action_is_logged_and_the_change_stands(s):
    rule(s, "Till Bo", "assign", {"user": s.other.pk})
    s.queue.members.remove(s.other)  # Bo left the queue after the rule was saved

    case = create(s)

    stored = Case.objects.get(pk=case.pk)
    assert stored.assignee is None
    assert (
        "Regeln Till Bo kunde inte tillämpas: Bo Handläggare är inte medlem i funktionen "
        f"{s.queue.name}." in log_texts(case)
    )


def test_no_rules_on_drafts_until_opened(s):
    rule(s, "Märk", "set_label", {"label": s.vip.pk})
    draft = create(s, draft=True)
    assert not Case.objects.get(pk=draft.pk).labels.exists()

    opened = services.do_open(draft, actor=s.caller)
    assert list(Case.objects.get(pk=opened.pk).labels.all()) == [s.vip]


def test_receiving_organisation_runs_its_arrival_rules(s, org_factory):
    other_org = org_factory()
    their_type = CaseTypeFactory(organisation=other_org)
    their_queue = QueueFactory(organisation=other_org, default_case_type=their_type)
    their_admin = caseworker(other_org, role="org_admin")
    their_label = LabelFactory(organisation=other_org, name="Från kommun")
    services.do_save_rule(
        their_queue,
        actor=their_admin,
        name="Märk inkommande",
        action="set_label",
        params={"label": their_label.pk},
    )
    case = create(s)

    received = services.do_send_to_queue(case, actor=s.worker, queue=their_queue)

    assert list(Case.objects.get(pk=received.pk).labels.all()) == [their_label]
    assert not Case.objects.get(pk=case.pk).labels.exists()


def test_inactive_rule_does_nothing(s):
    rule(s, "Av", "set_label", {"label": s.vip.pk}, active=False)
    case = create(s)
    assert not Case.objects.get(pk=case.pk).labels.exists()


@pytest.mark.django_db(transaction=True)
def test_email_rule_delivers_a_notice(running_smtp, s):  # noqa: F811
    rule(
        s,
        "Bevaka gator",
        "email",
        {"to": "gatuchef@example.se"},
        conditions=[{"field": "label", "value": s.street.pk}],
    )
    with transaction.atomic():
        case = create(s, labels=[s.street], title="Hål i vägen")
        create(s, title="Inget för gatuchefen")

    mail = running_smtp.wait_for(1)
    assert len(mail) == 1
    assert running_smtp.envelopes[0].rcpt_tos == ["gatuchef@example.se"]
    assert mail[0]["Subject"].strip() == f"Ärende {case.reference} (Bevaka gator): Hål i vägen"
    text = mail[0].get_body(("plain",)).get_content()
    assert f"/arenden/{case.pk}/" in text
    assert "Regeln ”Bevaka gator”" in text
    assert "Regeln Bevaka gator skickade e-post till gatuchef@example.se." in log_texts(case)


# --- saving rules ----------------------------------------------------------------------
def test_save_rule_requires_manage_config(s):
    with pytest.raises(CaseActionError) as error:
        services.do_save_rule(
            s.queue, actor=s.worker, name="X", action="set_label", params={"label": s.vip.pk}
        )
    assert error.value.code == "permission_denied"
    assert not QueueRule.objects.exists()


@pytest.mark.parametrize(
    ("action", "params", "code"),
    [
        ("assign", {"user": 999999}, "unknown_user"),
        ("assign", {}, "invalid_params"),
        ("set_label", {"label": 999999}, "unknown_label"),
        ("set_priority", {"priority": "x"}, "invalid_params"),
        ("send_to_queue", {"queue": 999999}, "unknown_queue"),
        ("email", {"to": "inte en adress"}, "invalid_email"),
        ("fly", {}, "invalid_action"),
    ],
)
def test_save_rule_refuses_bad_params(s, action, params, code):
    with pytest.raises(CaseActionError) as error:
        rule(s, "Felaktig", action, params)
    assert error.value.code == code
    assert not QueueRule.objects.exists()


def test_save_rule_refuses_user_outside_the_queue_and_things_of_another_org(s, org_factory):
    outsider = caseworker(s.org, full_name="Olle Utanför")
    with pytest.raises(CaseActionError) as error:
        rule(s, "Till Olle", "assign", {"user": outsider.pk})
    assert error.value.code == "not_queue_member"
    assert "Olle Utanför är inte medlem i funktionen" in error.value.message

    foreign = org_factory()
    for action, params in [
        ("set_label", {"label": LabelFactory(organisation=foreign).pk}),
        ("send_to_queue", {"queue": QueueFactory(organisation=foreign).pk}),
    ]:
        with pytest.raises(CaseActionError):
            rule(s, "Främmande", action, params)
    with pytest.raises(CaseActionError) as error:
        rule(
            s,
            "Främmande villkor",
            "set_label",
            {"label": s.vip.pk},
            conditions=[{"field": "label", "value": LabelFactory(organisation=foreign).pk}],
        )
    assert error.value.code == "invalid_condition"
    assert not QueueRule.objects.exists()


def test_save_rule_accepts_a_group_member_and_updates(s):
    helper = caseworker(s.org, full_name="Gun Gruppmedlem")
    group = StaffGroup.objects.create(organisation=s.org, name="Helgjour")
    group.members.add(helper)
    s.queue.member_groups.add(group)

    saved = rule(s, "Till Gun", "assign", {"user": str(helper.pk)})
    assert saved.params == {"user": helper.pk}

    updated = services.do_save_rule(
        s.queue,
        actor=s.admin,
        rule=saved,
        name="Till Gun i helgen",
        action="assign",
        params={"user": helper.pk},
        order=5,
    )
    assert QueueRule.objects.get().name == "Till Gun i helgen"
    assert updated.order == 5
    assert AuditEvent.objects.filter(object_type="cases.queuerule").count() == 2

    case = create(s)
    assert Case.objects.get(pk=case.pk).assignee == helper

    services.do_delete_rule(updated, actor=s.admin)
    assert not QueueRule.objects.exists()
