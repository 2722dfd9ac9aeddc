"""Inställningar: the configuration pages, as an org_admin, a caseworker and a stranger."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import (
    CaseType,
    Label,
    Priority,
    Queue,
    QueueRule,
    Resolution,
    StaffGroup,
    Status,
    Transition,
)
from sambruk.cases.tests.factories import (
    CaseFactory,
    CaseTypeFactory,
    LabelFactory,
    PriorityFactory,
    QueueFactory,
    caseworker,
)
from sambruk.core.audit.models import AuditEvent


@pytest.fixture
def admin(ws, client, login):
    ws.admin = caseworker(ws.org, role="org_admin", full_name="Ada Admin")
    login(client, ws.admin)
    return ws


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def test_home_links_to_settings_for_admins_only(admin, client, login):
    page = client.get(url("home")).content.decode()
    assert url("config") in page
    login(client, admin.worker)
    assert url("config") not in client.get(url("home")).content.decode()


def test_caseworker_gets_403(ws):
    for target in (
        url("config"),
        url("config_org", ws.org.pk),
        url("config_create", ws.org.pk, "etiketter"),
        url("config_transitions", ws.org.pk, ws.case_type.pk),
    ):
        assert ws.client.get(target).status_code == 403
    response = ws.client.post(url("config_create", ws.org.pk, "etiketter"), {"name": "X"})
    assert response.status_code == 403
    assert not Label.objects.filter(name="X").exists()


def test_index_redirects_to_the_only_organisation_and_lists_several(admin, client, org_factory):
    response = client.get(url("config"))
    assert response.status_code == 302
    assert response["Location"] == url("config_org", admin.org.pk)
    second = org_factory(name="Andra kommunen")
    from sambruk.core.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=admin.admin, organisation=second, role="org_admin")
    page = client.get(url("config")).content.decode()
    assert url("config_org", second.pk) in page and url("config_org", admin.org.pk) in page


def test_overview_lists_only_own_rows(admin, client, org_factory):
    other = org_factory(name="Grannkommunen")
    foreign_type = CaseTypeFactory(organisation=other, name="Främmande typ")
    foreign_queue = QueueFactory(organisation=other, name="Främmande funktion")
    LabelFactory(organisation=other, name="Främmande etikett")
    PriorityFactory(organisation=other, name="Främmande prioritet")
    page = client.get(url("config_org", admin.org.pk)).content.decode()
    for own in ("Kontaktcenter", "Gata och park", "Snöröjning", "Hög", admin.case_type.name):
        assert own in page
    assert "Främmande" not in page
    # Another organisation's ids answer 404, on every page and for writes.
    assert client.get(url("config_org", other.pk)).status_code == 404
    assert (
        client.get(url("config_detail", admin.org.pk, "arendetyper", foreign_type.pk)).status_code
        == 404
    )
    assert (
        client.get(url("config_detail", other.pk, "arendetyper", foreign_type.pk)).status_code
        == 404
    )
    assert (
        client.get(url("config_edit", admin.org.pk, "funktioner", foreign_queue.pk)).status_code
        == 404
    )
    assert client.get(url("config_transitions", admin.org.pk, foreign_type.pk)).status_code == 404
    foreign_status = foreign_type.statuses.first()
    edit = url(
        "config_child_edit",
        admin.org.pk,
        "arendetyper",
        foreign_type.pk,
        "statusar",
        foreign_status.pk,
    )
    assert client.post(edit, {"name": "Kapad"}).status_code == 404
    # A status of another case type under the wrong parent is 404 too.
    mixed = url(
        "config_child_edit",
        admin.org.pk,
        "arendetyper",
        admin.case_type.pk,
        "statusar",
        foreign_status.pk,
    )
    assert client.get(mixed).status_code == 404
    assert (
        client.post(url("config_delete", admin.org.pk, "funktioner", foreign_queue.pk)).status_code
        == 404
    )
    assert Queue.objects.filter(pk=foreign_queue.pk).exists()
    foreign_status.refresh_from_db()
    assert foreign_status.name != "Kapad"


def test_case_type_crud_with_statuses_transitions_and_resolutions(admin, client):
    org = admin.org.pk
    response = client.post(
        url("config_create", org, "arendetyper"),
        {
            "name": "Bygglov",
            "code": "bygglov",
            "default_days_to_due": "30",
            "resolution_required": "on",
            "reference_prefix": "BL-",
            "retention_months": "24",
            "retention_action": "anonymise",
            "closing_form": json.dumps([{"name": "beslut", "label": "Beslut", "required": True}]),
            "active": "on",
        },
    )
    case_type = CaseType.objects.get(organisation=admin.org, code="bygglov")
    assert response.status_code == 302
    assert response["Location"] == url("config_detail", org, "arendetyper", case_type.pk)
    assert (case_type.default_days_to_due, case_type.retention_action) == (30, "anonymise")
    assert case_type.closing_form == [
        {"name": "beslut", "label": "Beslut", "type": "text", "required": True}
    ]
    page = client.get(response["Location"]).content.decode()
    assert "ingen startstatus" in page

    status_url = url("config_child_create", org, "arendetyper", case_type.pk, "statusar")
    for order, (code, name, kind, initial) in enumerate(
        [("ny", "Ny", "open", True), ("klar", "Klar", "closed", False)]
    ):
        data = {"name": name, "code": code, "order": order, "kind": kind}
        if initial:
            data["is_initial"] = "on"
        assert client.post(status_url, data).status_code == 302
    ny, klar = case_type.statuses.order_by("order")
    assert ny.is_initial and klar.kind == "closed"

    matrix = url("config_transitions", org, case_type.pk)
    assert f'value="{ny.pk}-{klar.pk}"' in client.get(matrix).content.decode()
    assert (
        client.post(matrix, {"t": [f"{ny.pk}-{klar.pk}", f"{klar.pk}-{ny.pk}"]}).status_code == 302
    )
    assert set(
        Transition.objects.filter(case_type=case_type).values_list("from_status", "to_status")
    ) == {
        (ny.pk, klar.pk),
        (klar.pk, ny.pk),
    }

    res_url = url("config_child_create", org, "arendetyper", case_type.pk, "utfall")
    assert client.post(res_url, {"name": "Beviljat", "active": "on"}).status_code == 302
    resolution = Resolution.objects.get(case_type=case_type)

    edit = url("config_edit", org, "arendetyper", case_type.pk)
    form_page = client.get(edit).content.decode()
    assert "Bygglov" in form_page and "beslut" in form_page
    data = {
        "name": "Bygglov och rivning",
        "code": "bygglov",
        "retention_action": "delete",
        "closing_form": "",
        "active": "on",
    }
    assert client.post(edit, data).status_code == 302
    case_type.refresh_from_db()
    assert case_type.name == "Bygglov och rivning" and case_type.closing_form == []
    event = AuditEvent.objects.get(
        object_type="cases.casetype", action="update", changes__has_key="name"
    )
    assert event.changes["name"] == ["Bygglov", "Bygglov och rivning"]
    assert event.changes["closing_form"][1] == []
    assert event.actor == admin.admin

    # Delete: the resolution, then the type itself.
    delete = url("config_child_delete", org, "arendetyper", case_type.pk, "utfall", resolution.pk)
    assert "Ta bort" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert client.post(url("config_delete", org, "arendetyper", case_type.pk)).status_code == 302
    assert not CaseType.objects.filter(pk=case_type.pk).exists()
    assert AuditEvent.objects.filter(object_type="cases.casetype", action="delete").exists()


def test_form_errors_use_the_error_summary(admin, client):
    response = client.post(
        url("config_create", admin.org.pk, "arendetyper"),
        {"name": "", "code": "har mellanslag", "retention_action": "delete", "closing_form": "[{"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Ogiltig JSON" in page
    response = client.post(
        url("config_create", admin.org.pk, "arendetyper"),
        {
            "name": "Dubblett",
            "code": admin.case_type.code,
            "retention_action": "delete",
            "closing_form": json.dumps([{"name": "x", "type": "choice"}]),
        },
    )
    assert response.status_code == 400
    assert "valfält behöver en lista" in response.content.decode()
    response = client.post(
        url("config_create", admin.org.pk, "arendetyper"),
        {"name": "Dubblett", "code": admin.case_type.code, "retention_action": "delete"},
    )
    assert response.status_code == 400
    assert "finns redan en ärendetyp med koden" in response.content.decode()
    assert CaseType.objects.filter(organisation=admin.org).count() == 1


def test_transition_removed_in_the_matrix_is_refused_by_the_engine(admin, client):
    case = CaseFactory(queue=admin.queue, actor=admin.worker, case_type=admin.case_type)
    statuses = {s.code: s for s in admin.case_type.statuses.all()}
    keep = [
        (a, b)
        for a, b in Transition.objects.filter(case_type=admin.case_type).values_list(
            "from_status", "to_status"
        )
        if (a, b) != (statuses["ny"].pk, statuses["pagar"].pk)
    ]
    response = client.post(
        url("config_transitions", admin.org.pk, admin.case_type.pk),
        {"t": [f"{a}-{b}" for a, b in keep]},
    )
    assert response.status_code == 302
    with pytest.raises(CaseActionError) as refused:
        services.do_change_status(case, actor=admin.worker, to=statuses["pagar"])
    assert refused.value.code == "transition_not_allowed"
    # Ticking it again allows it.
    client.post(
        url("config_transitions", admin.org.pk, admin.case_type.pk),
        {"t": [f"{a}-{b}" for a, b in keep] + [f"{statuses['ny'].pk}-{statuses['pagar'].pk}"]},
    )
    case = services.do_change_status(case, actor=admin.worker, to=statuses["pagar"])
    assert case.status == statuses["pagar"]


def test_matrix_refuses_a_foreign_status(admin, client, org_factory):
    foreign = CaseTypeFactory(organisation=org_factory()).statuses.first()
    own = admin.case_type.statuses.first()
    before = Transition.objects.filter(case_type=admin.case_type).count()
    response = client.post(
        url("config_transitions", admin.org.pk, admin.case_type.pk),
        {"t": [f"{own.pk}-{foreign.pk}"]},
    )
    assert response.status_code == 400
    assert "hör till ärendetypen" in response.content.decode()
    assert Transition.objects.filter(case_type=admin.case_type).count() == before


def test_deleting_a_status_in_use_is_refused_with_a_message(admin, client):
    CaseFactory(queue=admin.queue, actor=admin.worker, case_type=admin.case_type)
    ny = admin.case_type.statuses.get(code="ny")
    delete = url(
        "config_child_delete", admin.org.pk, "arendetyper", admin.case_type.pk, "statusar", ny.pk
    )
    response = client.post(delete)
    assert response.status_code == 400
    assert "används av 1 ärenden" in response.content.decode()
    assert Status.objects.filter(pk=ny.pk).exists()


def test_queue_with_members_groups_and_a_rule(admin, client, org_factory):
    org = admin.org.pk
    stranger = caseworker(org_factory(), full_name="Främling")
    assert (
        client.post(
            url("config_create", org, "grupper"),
            {"name": "Kvällspass", "members": [admin.worker.pk]},
        ).status_code
        == 302
    )
    group = StaffGroup.objects.get(organisation=admin.org, name="Kvällspass")
    create = url("config_create", org, "funktioner")
    form_page = client.get(create).content.decode()
    assert "Anna Handläggare" in form_page and "Främling" not in form_page
    response = client.post(
        create,
        {
            "name": "Bygglovsenheten",
            "members": [admin.other.pk],
            "member_groups": [group.pk],
            "default_case_type": admin.case_type.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    queue = Queue.objects.get(organisation=admin.org, name="Bygglovsenheten")
    assert set(queue.members.all()) == {admin.other}
    assert queue.has_member(admin.worker)  # through the group
    # A user of another organisation cannot be made a member.
    response = client.post(create, {"name": "Fel", "members": [stranger.pk], "active": "on"})
    assert response.status_code == 400
    assert not Queue.objects.filter(name="Fel").exists()

    rule_url = url("config_child_create", org, "funktioner", queue.pk, "regler")
    rule_page = client.get(rule_url).content.decode()
    assert "Anna Handläggare" in rule_page  # a member through the group may be assigned
    response = client.post(
        rule_url,
        {
            "name": "Snö till Anna",
            "trigger": "arrival",
            "match_all": "any",
            "action": "assign",
            "user": admin.worker.pk,
            "condition_0": f"label:{admin.label.pk}",
            "condition_1": "origin:phone",
            "order": "1",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = QueueRule.objects.get(queue=queue)
    assert rule.params == {"user": admin.worker.pk} and rule.match_all is False
    assert rule.conditions == [
        {"field": "label", "value": admin.label.pk},
        {"field": "origin", "value": "phone"},
    ]
    edit = url("config_child_edit", org, "funktioner", queue.pk, "regler", rule.pk)
    assert f'value="label:{admin.label.pk}" selected' in client.get(edit).content.decode()
    # The label is named by the rule: deleting it is refused.
    response = client.post(url("config_delete", org, "etiketter", admin.label.pk))
    assert response.status_code == 400 and "Snö till Anna" in response.content.decode()
    # Missing parameter for the action: an error, nothing saved.
    response = client.post(
        rule_url,
        {
            "name": "Utan mål",
            "trigger": "arrival",
            "match_all": "all",
            "action": "send_to_queue",
            "order": "0",
        },
    )
    assert response.status_code == 400 and QueueRule.objects.filter(queue=queue).count() == 1
    assert (
        client.post(
            url("config_child_delete", org, "funktioner", queue.pk, "regler", rule.pk)
        ).status_code
        == 302
    )
    assert not QueueRule.objects.filter(pk=rule.pk).exists()
    # The group is a queue member: refused; the queue has no cases: deleted.
    response = client.post(url("config_delete", org, "grupper", group.pk))
    assert response.status_code == 400 and "Bygglovsenheten" in response.content.decode()
    assert client.post(url("config_delete", org, "funktioner", queue.pk)).status_code == 302
    assert client.post(url("config_delete", org, "grupper", group.pk)).status_code == 302


def test_queue_with_open_cases_cannot_be_deleted(admin, client):
    CaseFactory(queue=admin.queue, actor=admin.worker, case_type=admin.case_type)
    response = client.post(url("config_delete", admin.org.pk, "funktioner", admin.queue.pk))
    assert response.status_code == 400
    assert "har 1 öppna ärenden" in response.content.decode()
    assert Queue.objects.filter(pk=admin.queue.pk).exists()


def test_priorities_and_labels(admin, client):
    org = admin.org.pk
    assert (
        client.post(
            url("config_create", org, "prioriteter"),
            {"name": "Akut", "colour": "#ff0000", "rank": "0"},
        ).status_code
        == 302
    )
    priority = Priority.objects.get(organisation=admin.org, name="Akut")
    response = client.post(
        url("config_edit", org, "prioriteter", priority.pk),
        {"name": "Akut", "colour": "röd", "rank": "0"},
    )
    assert response.status_code == 400 and "#rrggbb" in response.content.decode()
    assert (
        client.post(url("config_create", org, "etiketter"), {"name": "Vinter"}).status_code == 302
    )
    label = Label.objects.get(organisation=admin.org, name="Vinter")
    assert (
        client.post(
            url("config_edit", org, "etiketter", label.pk), {"name": "Vinterväg"}
        ).status_code
        == 302
    )
    label.refresh_from_db()
    assert label.name == "Vinterväg"
    events = AuditEvent.objects.filter(object_type__in=["cases.priority", "cases.label"])
    assert {(e.object_type, e.action) for e in events} == {
        ("cases.priority", "create"),
        ("cases.label", "create"),
        ("cases.label", "update"),
    }
    assert client.post(url("config_delete", org, "etiketter", label.pk)).status_code == 302
    assert not Label.objects.filter(pk=label.pk).exists()


def test_queue_membership_through_groups_counts_only_the_queues_own_organisation(ws, org_factory):
    """Home (the user's queues) and the bulk-assign list use the engine's membership rule."""
    other_org = org_factory()
    foreign = StaffGroup.objects.create(organisation=other_org, name="Annan kommuns grupp")
    outsider = caseworker(ws.org, full_name="Ola Utanför")
    foreign.members.add(ws.worker, outsider)
    ws.queue2.member_groups.add(foreign)
    home = ws.client.get(url("home")).content.decode()
    assert url("inbox", ws.queue2.pk) not in home
    helper = caseworker(ws.org, full_name="Gun Gruppmedlem")
    own = StaffGroup.objects.create(organisation=ws.org, name="Egen grupp")
    own.members.add(ws.worker, helper)
    ws.queue2.member_groups.add(own)
    home = ws.client.get(url("home")).content.decode()
    assert url("inbox", ws.queue2.pk) in home
    CaseFactory(queue=ws.queue, actor=ws.worker, case_type=ws.case_type)
    inbox = ws.client.get(url("inbox", ws.queue.pk)).content.decode()
    assert "Gun Gruppmedlem" in inbox  # bulk assign: a member through her group
    assert "Ola Utanför" not in inbox  # only in another organisation's group
