"""Action buttons post to the services: PRG, htmx partials, stale pages and bulk actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.cases import services
from sambruk.cases.models import Case, CaseState
from sambruk.cases.tests.factories import CaseFactory, QueueFactory

pytestmark = pytest.mark.django_db

STALE = "Ärendet har ändrats av någon annan. Ladda om sidan och försök igen."


def act(client, case, action, data=None, **extra):
    payload = {"version": case.version, **(data or {})}
    return client.post(reverse("workspace:action", args=[case.pk, action]), payload, **extra)


def test_assign_note_send_close_through_the_forms(ws, login):
    case = CaseFactory(queue=ws.queue, actor=ws.other)
    response = act(ws.client, case, "assign")
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    case.refresh_from_db()
    assert case.assignee == ws.worker

    response = act(ws.client, case, "add_note", {"text": "Ringde anmälaren."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.log.filter(kind="note", text="Ringde anmälaren.").exists()

    response = act(ws.client, case, "send_to", {"queue": ws.queue2.pk, "note": "Er sak"})
    case.refresh_from_db()
    assert response.status_code == 302
    assert case.queue == ws.queue2 and case.assignee is None

    login_other = login(ws.client, ws.other)
    act(login_other, case, "assign")
    case.refresh_from_db()
    response = act(login_other, case, "close", {"resolution": ""})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    resolution = ws.case_type.resolutions.get(name="Åtgärdat")
    response = act(login_other, case, "close", {"resolution": resolution.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.resolution == resolution


def test_stale_version_shows_swedish_message_and_changes_nothing(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    seen_version = case.version
    services.do_change_title(case, actor=ws.other, title="Ändrad av Bo")
    response = ws.client.post(
        reverse("workspace:action", args=[case.pk, "assign"]), {"version": seen_version}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert STALE in html and "error-summary" in html
    case.refresh_from_db()
    assert case.assignee is None

    # The same through htmx: the form with the message is swapped into the action panel.
    response = ws.client.post(
        reverse("workspace:action", args=[case.pk, "add_note"]),
        {"version": seen_version, "text": "Hej"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#action-panel"
    assert STALE in response.content.decode()
    assert not case.log.filter(text="Hej").exists()


def test_htmx_success_returns_the_refreshed_case_body(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    response = act(ws.client, case, "assign", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="case-body"') and "<html" not in body
    assert 'data-action="unassign"' in body and 'data-action="assign"' not in body
    # the action form partial for htmx GET
    form = ws.client.get(
        reverse("workspace:action", args=[case.pk, "add_note"]), headers={"HX-Request": "true"}
    )
    assert 'name="version"' in form.content.decode() and "<html" not in form.content.decode()


def test_action_not_available_is_refused_with_message(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker, closed=True)
    response = act(ws.client, case, "assign")
    assert response.status_code == 400
    assert "Ärendet är avslutat." in response.content.decode()


def test_unknown_action_is_404(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    assert act(ws.client, case, "explode").status_code == 404


def test_delete_draft_redirects_home(ws):
    draft = CaseFactory(queue=ws.queue, actor=ws.worker, draft=True)
    response = act(ws.client, draft, "delete")
    assert response.status_code == 302 and response["Location"] == reverse("workspace:home")
    assert not Case.objects.filter(pk=draft.pk).exists()


def test_bulk_assign_reports_each_failure(ws):
    free = [CaseFactory(queue=ws.queue, actor=ws.other) for _ in range(2)]
    taken = CaseFactory(queue=ws.queue, actor=ws.other, assigned=True)
    values = [f"{c.pk}:{c.version}" for c in [*free, taken]]
    inbox = reverse("workspace:inbox", args=[ws.queue.pk])
    response = ws.client.post(
        reverse("workspace:bulk"),
        {"cases": values, "operation": "assign_me", "next": inbox},
        follow=True,
    )
    html = response.content.decode()
    for case in free:
        case.refresh_from_db()
        assert case.assignee == ws.worker
    taken.refresh_from_db()
    assert taken.assignee == ws.other
    assert "2 ärenden ändrades" in html
    assert f"{taken.reference} kunde inte ändras: Ärendet är redan tilldelat." in html


def test_bulk_send_to_queue_with_stale_row(ws):
    a = CaseFactory(queue=ws.queue, actor=ws.worker)
    b = CaseFactory(queue=ws.queue, actor=ws.worker)
    stale = f"{b.pk}:{b.version}"
    services.do_change_title(b, actor=ws.other, title="Ändrad")
    response = ws.client.post(
        reverse("workspace:bulk"),
        {"cases": [f"{a.pk}:{a.version}", stale], "operation": "send_to", "queue": ws.queue2.pk},
        follow=True,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.queue == ws.queue2 and b.queue == ws.queue
    assert f"{b.reference} kunde inte ändras: {STALE}" in response.content.decode()


def test_bulk_cannot_touch_other_tenant(ws, org_factory):
    theirs = CaseFactory(queue=QueueFactory(organisation=org_factory()))
    response = ws.client.post(
        reverse("workspace:bulk"),
        {"cases": [f"{theirs.pk}:{theirs.version}"], "operation": "assign_me"},
        follow=True,
    )
    theirs.refresh_from_db()
    assert theirs.assignee != ws.worker
    assert "kunde inte ändras" in response.content.decode()


def test_bulk_requires_selection(ws):
    response = ws.client.post(reverse("workspace:bulk"), {"operation": "assign_me"}, follow=True)
    assert "Välj minst ett ärende." in response.content.decode()


def test_post_message_and_upload_when_engine_has_them(ws):
    from sambruk.workspace import optional

    if optional.conversations() is None or optional.attachments() is None:
        pytest.skip("the engine has no conversations/attachments services in this build")
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    act(ws.client, case, "start_conversation", {"topic": "Fråga till gatukontoret"})
    conversation = case.conversations.get()
    case.refresh_from_db()
    response = act(
        ws.client, case, "post_message", {"conversation": conversation.pk, "body": "Hej!"}
    )
    assert response.status_code == 302
    assert conversation.messages.filter(body="Hej!").exists()
    case.refresh_from_db()
    upload = SimpleUploadedFile("anteckning.txt", b"Hej hej\n", content_type="text/plain")
    response = act(ws.client, case, "add_attachment", {"file": upload})
    assert response.status_code == 302, response.content.decode()
    attachment = case.attachments.get()
    download = ws.client.get(reverse("workspace:attachment", args=[case.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == b"Hej hej\n"


def test_every_engine_action_has_a_button():
    """A new action in the engine without a workspace form would silently lose its button."""
    from sambruk.cases.predicates import CHECKS
    from sambruk.workspace import operations

    assert [name for name in CHECKS if operations.get(name) is None] == []
