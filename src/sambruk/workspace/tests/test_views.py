"""Pages of the workspace as a caseworker sees them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sambruk.cases import services
from sambruk.cases.actions import available_actions
from sambruk.cases.models import Case, CaseRead
from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.tests.factories import PersonFactory
from sambruk.core.web.modules import modules_for

pytestmark = pytest.mark.django_db


def action_buttons(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_login_required_and_second_factor(client, ws):
    client.logout()
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_start_page_lists_the_module(ws):
    assert "cases" in [m.code for m in modules_for(ws.worker)]
    response = ws.client.get("/")
    assert reverse("workspace:home") in response.content.decode()


def test_home_shows_queues_with_unassigned_counts(ws):
    CaseFactory(queue=ws.queue, actor=ws.worker)
    CaseFactory(queue=ws.queue, actor=ws.worker)
    CaseFactory(queue=ws.queue, actor=ws.worker, assigned=True)
    response = ws.client.get(reverse("workspace:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontaktcenter" in html
    assert "2 otilldelade" in html
    assert "Gata och park" not in html  # not a member


def test_inbox_lists_unassigned_with_unread_marker(ws):
    cases = [CaseFactory(queue=ws.queue, actor=ws.other) for _ in range(3)]
    taken = CaseFactory(queue=ws.queue, actor=ws.worker, assigned=True)
    html = ws.client.get(reverse("workspace:inbox", args=[ws.queue.pk])).content.decode()
    for case in cases:
        assert case.reference in html
    assert taken.reference not in html
    assert html.count('data-row class="unread') == 3  # created by someone else: unread
    ws.client.get(reverse("workspace:case", args=[cases[0].pk]))
    html = ws.client.get(reverse("workspace:inbox", args=[ws.queue.pk])).content.decode()
    assert html.count('data-row class="unread') == 2


def test_inbox_keyset_pages_without_offset(ws, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sambruk.workspace import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    cases = [CaseFactory(queue=ws.queue, actor=ws.worker) for _ in range(5)]
    url = reverse("workspace:inbox", args=[ws.queue.pk])
    seen = []
    with CaptureQueriesContext(connection) as queries:
        while url:
            html = ws.client.get(url).content.decode()
            seen += [c.pk for c in cases if f">{c.reference}<" in html]
            link = re.search(r'href="(\?efter=[^"]+)"', html)
            url = reverse("workspace:inbox", args=[ws.queue.pk]) + link.group(1) if link else None
    assert seen == [c.pk for c in cases]  # oldest first, each once, three pages
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_overdue_and_priority_shown(ws):
    import datetime

    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    services.do_change_due_date(case, actor=ws.worker, due_date=datetime.date(2020, 1, 1))
    services.do_change_priority(case, actor=ws.worker, priority=ws.priority)
    html = ws.client.get(reverse("workspace:inbox", args=[ws.queue.pk])).content.decode()
    assert "Försenat" in html
    assert 'fill="#b00020"' in html
    assert 'style="' not in html  # CSP: no inline styles


def test_other_tenant_case_is_404(ws, org_factory):
    other_org = org_factory()
    theirs = CaseFactory(queue=QueueFactory(organisation=other_org))
    assert ws.client.get(reverse("workspace:case", args=[theirs.pk])).status_code == 404
    assert (
        ws.client.get(reverse("workspace:action", args=[theirs.pk, "add_note"])).status_code == 404
    )
    response = ws.client.post(
        reverse("workspace:action", args=[theirs.pk, "add_note"]), {"version": 1, "text": "x"}
    )
    assert response.status_code == 404
    assert not theirs.log.filter(text="x").exists()
    other_queue = QueueFactory(organisation=other_org)
    assert ws.client.get(reverse("workspace:inbox", args=[other_queue.pk])).status_code == 404


def test_restricted_case_is_404_for_users_not_named(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.other, restricted=True)
    assert ws.client.get(reverse("workspace:case", args=[case.pk])).status_code == 404
    inbox = ws.client.get(reverse("workspace:inbox", args=[ws.queue.pk])).content.decode()
    assert case.reference not in inbox
    assert "0 otilldelade" in ws.client.get(reverse("workspace:home")).content.decode()


def test_someone_elses_draft_is_404(ws):
    draft = CaseFactory(queue=ws.queue, actor=ws.other, draft=True)
    assert ws.client.get(reverse("workspace:case", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("trait", ["open", "assigned", "closed", "draft", "restricted"])
def test_buttons_are_exactly_available_actions(ws, trait):
    kwargs = {trait: True} if trait != "open" else {}
    case = CaseFactory(queue=ws.queue, actor=ws.worker, **kwargs)
    response = ws.client.get(reverse("workspace:case", args=[case.pk]))
    assert response.status_code == 200
    case.refresh_from_db()
    assert action_buttons(response.content.decode()) == available_actions(case, ws.worker)


def test_buttons_for_org_admin_include_remove(ws, login, client):
    admin = caseworker(ws.org, role="org_admin", full_name="Ada Admin")
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    login(client, admin)
    html = client.get(reverse("workspace:case", args=[case.pk])).content.decode()
    assert action_buttons(html) == available_actions(case, admin)
    assert "remove" in action_buttons(html)


def test_opening_marks_read_and_audits_person_contacts(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.other)
    person = PersonFactory()
    services.do_add_contact(case, actor=ws.other, person=person, role="Anmälare")
    assert not CaseRead.objects.filter(case=case, user=ws.worker).exists()
    html = ws.client.get(reverse("workspace:case", args=[case.pk]) + "?tab=kontakter")
    html = html.content.decode()
    assert CaseRead.objects.filter(case=case, user=ws.worker).exists()
    assert AuditEvent.objects.filter(
        action="read", actor=ws.worker, person=person, object_id=str(case.pk)
    ).exists()
    assert person.full_name in html
    assert "Anmälare" in html


def test_protected_person_address_hidden(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    person = PersonFactory(protection="skyddad_folkbokforing", street_address="Hemliga vägen 3")
    services.do_add_contact(case, actor=ws.worker, person=person)
    html = ws.client.get(reverse("workspace:case", args=[case.pk]) + "?tab=kontakter")
    html = html.content.decode()
    assert "Hemliga vägen 3" not in html
    assert "adressen visas inte" in html


@pytest.mark.parametrize(
    "tab",
    ["oversikt", "kontakter", "konversationer", "bilagor", "formular", "logg", "underarenden"],
)
def test_every_tab_as_link_and_as_htmx_partial(ws, tab):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    page = ws.client.get(reverse("workspace:case", args=[case.pk]), {"tab": tab})
    assert page.status_code == 200
    assert 'aria-current="page">' in page.content.decode()
    partial = ws.client.get(
        reverse("workspace:case_tab", args=[case.pk, tab]), headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and 'id="tab-heading"' in body
    plain = ws.client.get(reverse("workspace:case_tab", args=[case.pk, tab]))
    assert plain.status_code == 302 and plain["Location"].endswith(f"?tab={tab}")


def test_log_tab_shows_notes(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    services.do_add_note(case, actor=ws.worker, text="Ringde anmälaren")
    html = ws.client.get(reverse("workspace:case", args=[case.pk]), {"tab": "logg"})
    assert "Ringde anmälaren" in html.content.decode()


def test_subcases_tab(ws):
    parent = CaseFactory(queue=ws.queue, actor=ws.worker)
    child = services.do_create_subcase(parent, actor=ws.worker, title="Delärende")
    html = ws.client.get(reverse("workspace:case", args=[parent.pk]), {"tab": "underarenden"})
    assert child.reference in html.content.decode()


def test_my_cases_and_drafts(ws):
    mine = CaseFactory(queue=ws.queue, actor=ws.worker, assigned=True)
    draft = CaseFactory(queue=ws.queue, actor=ws.worker, draft=True)
    html = ws.client.get(reverse("workspace:mine")).content.decode()
    assert mine.reference in html and draft.reference not in html
    html = ws.client.get(reverse("workspace:drafts")).content.decode()
    assert draft.reference in html and mine.reference not in html


def test_create_case_and_draft_flow(ws):
    url = reverse("workspace:create")
    assert ws.client.get(url).status_code == 200
    response = ws.client.post(
        url,
        {
            "case_type": ws.case_type.pk,
            "queue": ws.queue.pk,
            "title": "Trasig gatlykta",
            "description": "Vid torget",
            "priority": ws.priority.pk,
            "due_date": "2031-01-31",
        },
    )
    case = Case.objects.get(title="Trasig gatlykta")
    assert response.status_code == 302 and response["Location"].endswith(f"/arenden/{case.pk}/")
    assert not case.is_draft and case.priority == ws.priority and str(case.due_date) == "2031-01-31"

    response = ws.client.post(
        url,
        {"case_type": ws.case_type.pk, "queue": ws.queue.pk, "title": "Utkast 1", "utkast": "1"},
    )
    draft = Case.objects.get(title="Utkast 1")
    assert draft.is_draft
    html = ws.client.get(reverse("workspace:case", args=[draft.pk])).content.decode()
    assert "open" in action_buttons(html) and "delete" in action_buttons(html)
    ws.client.post(reverse("workspace:action", args=[draft.pk, "open"]), {"version": draft.version})
    draft.refresh_from_db()
    assert not draft.is_draft


def test_create_case_errors_in_summary(ws, org_factory):
    other_type = CaseTypeFactory(organisation=org_factory())
    response = ws.client.post(
        reverse("workspace:create"),
        {"case_type": other_type.pk, "queue": ws.queue.pk, "title": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert not Case.objects.filter(queue=ws.queue).exists()


def test_help_page_documents_shortcuts(ws):
    html = ws.client.get(reverse("workspace:help")).content.decode()
    for keys in ("g i", "g m", "/", "j", "k", "a"):
        assert f"<kbd>{keys}</kbd>" in html
    assert "workspace/workspace.js" in html


def test_search_by_text_and_reference(ws, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the engine indexes on commit
        hit = CaseFactory(queue=ws.queue, actor=ws.worker, title="Vattenläcka på Storgatan")
        miss = CaseFactory(queue=ws.queue, actor=ws.worker, title="Klotter")
    html = ws.client.get(reverse("workspace:search"), {"text": "vattenläcka"}).content.decode()
    assert hit.reference in html and miss.reference not in html
    html = ws.client.get(reverse("workspace:search"), {"text": hit.reference}).content.decode()
    assert hit.reference in html
