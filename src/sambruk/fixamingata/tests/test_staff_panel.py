"""The FixaMinGata panel on the workspace case page: public replies (templates, as the
kommun), duplicates, moving a report; the workspace's own "send to another organisation"
and "Dubblett" status on a Felanmälan case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sambruk.cases import services as case_services
from sambruk.cases.models import Case
from sambruk.cases.tests.factories import caseworker
from sambruk.fixamingata.casesetup import ensure_case_setup
from sambruk.fixamingata.models import Report, ReportState, ResponseTemplate

from .factories import GAVLE, ROAD, SANDVIKEN, make_body
from .test_reports import submit

pytestmark = pytest.mark.django_db

NEAR_SANDVIKEN = (SANDVIKEN[0] + 0.0005, SANDVIKEN[1])  # about 55 m north
STAFF_NAME = "Anna Gatuhandläggare"


@pytest.fixture
def confirmed(world):
    return submit(world, source="staff")


@pytest.fixture
def worker(world):
    _type, queue = ensure_case_setup(world.sandviken)
    return caseworker(world.sandviken, queues=[queue], full_name=STAFF_NAME)


@pytest.fixture
def staff(client, login, worker):
    return login(client, worker)


def url(name, report):
    return reverse(f"fixamingata:staff_{name}", args=[report.pk])


def case_page(client, report):
    return client.get(reverse("workspace:case", args=[report.case_id]))


def public_page(_client, report):
    """The public page as an anonymous visitor sees it (a client of its own)."""
    return Client().get(reverse("fixamingata:report", args=[report.pk]))


def delivered_to(address: str) -> bool:
    """The report went out (again) to ``address`` (the body's contact) through the outbox."""
    from sambruk.core.notifications.models import OutboxMessage

    return any(
        address in m.to for m in OutboxMessage.objects.filter(template__contains="report_to_body")
    )


def run_on_commit(django_capture_on_commit_callbacks, fn, *args, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return fn(*args, **kwargs)


# --- the panel ------------------------------------------------------------------------
def test_panel_on_the_case_page(staff, confirmed):
    html = case_page(staff, confirmed).content.decode()
    assert 'id="fmg-panel"' in html
    assert reverse("fixamingata:report", args=[confirmed.pk]) in html
    assert 'data-field="fmg-state">Öppen<' in html
    assert 'data-field="fmg-category">Gatubelysning<' in html
    for name in ("reply", "duplicate", "move"):
        assert url(name, confirmed) in html


def test_panel_without_change_permission_has_no_actions(client, login, world, confirmed):
    _type, queue = ensure_case_setup(world.sandviken)
    admin = caseworker(world.sandviken, queues=[queue], role="org_admin")
    login(client, admin)
    html = case_page(client, confirmed).content.decode()
    assert 'id="fmg-panel"' in html
    assert url("reply", confirmed) not in html
    assert client.get(url("reply", confirmed)).status_code == 403
    response = client.post(url("reply", confirmed), {"text": "Hej", "as_body": "on"})
    assert response.status_code == 403
    assert not Report.objects.get(pk=confirmed.pk).updates.exists()


def test_no_panel_on_other_cases(staff, worker, world):
    from sambruk.cases.tests.factories import CaseFactory

    _type, queue = ensure_case_setup(world.sandviken)
    case = CaseFactory(queue=queue, actor=worker, title="Vanligt ärende")
    html = staff.get(reverse("workspace:case", args=[case.pk])).content.decode()
    assert 'id="fmg-panel"' not in html


def test_other_organisation_gets_404_and_anonymous_the_login(
    client, login, member, world, confirmed
):
    outsider = member(world.gavle, "caseworker")
    login(client, outsider)
    for name in ("reply", "duplicate", "move"):
        assert client.get(url(name, confirmed)).status_code == 404
        assert client.post(url(name, confirmed), {"text": "x"}).status_code == 404
    client.logout()
    response = client.get(url("reply", confirmed))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    assert not Report.objects.get(pk=confirmed.pk).updates.exists()


# --- a. public reply ------------------------------------------------------------------
def test_reply_with_template_as_the_kommun(
    staff, client, world, confirmed, django_capture_on_commit_callbacks
):
    template = ResponseTemplate.objects.create(
        body=world.sandviken_body, title="Lampan bytt", text="Vi har bytt lampan.", state="fixed"
    )
    form = staff.get(url("reply", confirmed), {"template": template.pk}, HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert "Vi har bytt lampan.</textarea>" in html
    assert 'value="fixed" selected' in html
    assert "Publicera som kommunen (utan mitt namn)" in html

    response = run_on_commit(
        django_capture_on_commit_callbacks,
        staff.post,
        url("reply", confirmed),
        {
            "template": template.pk,
            "text": "Vi har bytt lampan.",
            "new_state": "fixed",
            "as_body": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:case", args=[confirmed.case_id])
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == ReportState.FIXED
    assert Case.objects.get(pk=report.case_id).status.code == "atgardad"
    page = public_page(client, report).content.decode()
    assert "Vi har bytt lampan." in page
    assert "Sandvikens kommun" in page
    assert STAFF_NAME not in page
    assert [u.text for u in report.updates.all()] == ["Vi har bytt lampan."]  # no echo


def test_alert_subscribers_get_the_reply_without_the_staff_name(
    staff, world, confirmed, running_smtp, django_capture_on_commit_callbacks
):
    from sambruk.fixamingata import services
    from sambruk.fixamingata.models import AlertKind, ConfirmationToken, TokenPurpose

    from .test_engagement import body_text

    alert = services.subscribe_alert(
        email="tolvan@example.se", kind=AlertKind.REPORT_UPDATES, report=confirmed
    )
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.ALERT, object_id=alert.pk)
    services.confirm_alert(token.token)
    run_on_commit(
        django_capture_on_commit_callbacks,
        staff.post,
        url("reply", confirmed),
        {"text": "Lampan byts på tisdag.", "as_body": "on"},
    )
    assert run_on_commit(django_capture_on_commit_callbacks, services.send_alerts) == 1
    mail = next(m for m in running_smtp.wait_for(1) if m["To"] == "tolvan@example.se")
    assert "Lampan byts på tisdag." in body_text(mail)
    assert STAFF_NAME not in body_text(mail)


def test_reply_template_without_text_uses_the_template(staff, world, confirmed):
    template = ResponseTemplate.objects.create(
        body=world.sandviken_body, title="Undersöks", text="Vi tittar på det.", state=""
    )
    response = staff.post(url("reply", confirmed), {"template": template.pk, "text": ""})
    assert response.status_code == 302
    update = Report.objects.get(pk=confirmed.pk).updates.get()
    assert update.text == "Vi tittar på det." and not update.posted_as_body


def test_reply_with_the_staff_name(staff, client, confirmed):
    response = staff.post(
        url("reply", confirmed), {"text": "Vi kommer i morgon."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("workspace:case", args=[confirmed.case_id])
    page = public_page(client, confirmed).content.decode()
    assert "Vi kommer i morgon." in page and STAFF_NAME in page


def test_reply_templates_of_other_bodies_are_not_offered(staff, world, confirmed):
    other = ResponseTemplate.objects.create(body=world.gavle_body, title="Gävles", text="G")
    html = staff.get(url("reply", confirmed)).content.decode()
    assert "Gävles" not in html
    response = staff.post(url("reply", confirmed), {"template": other.pk, "text": "x"})
    assert response.status_code == 400
    assert not Report.objects.get(pk=confirmed.pk).updates.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Skriv ett svar eller välj en ny status."),
        ({"text": "x" * 4001}, "som mest 4000 tecken"),
        ({"text": "x", "new_state": "duplicate"}, "Välj ett giltigt alternativ"),
        ({"text": "x", "new_state": "bogus"}, "Välj ett giltigt alternativ"),
    ],
)
def test_reply_bad_input(staff, confirmed, data, message):
    response = staff.post(url("reply", confirmed), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.get(pk=confirmed.pk).updates.exists()


# --- b. duplicate ---------------------------------------------------------------------
def test_mark_duplicate_of_a_nearby_report(
    staff, client, world, confirmed, django_capture_on_commit_callbacks
):
    duplicate = submit(world, point=NEAR_SANDVIKEN, source="staff", title="Lyktan är släckt")
    form = staff.get(url("duplicate", duplicate)).content.decode()
    assert f'value="{confirmed.pk}"' in form and "Trasig gatlykta" in form
    response = run_on_commit(
        django_capture_on_commit_callbacks,
        staff.post,
        url("duplicate", duplicate),
        {"suggested": confirmed.pk, "text": "Samma lykta som rapport 1."},
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=duplicate.pk)
    assert report.state == ReportState.DUPLICATE and report.duplicate_of_id == confirmed.pk
    assert Case.objects.get(pk=report.case_id).status.code == "dubblett"
    page = public_page(client, report).content.decode()
    assert "dubblett av" in page
    assert f'href="{reverse("fixamingata:report", args=[confirmed.pk])}"' in page
    # The panel of the duplicate links to the original, no warning.
    html = case_page(staff, report).content.decode()
    assert 'data-field="fmg-unlinked-duplicate"' not in html
    assert reverse("fixamingata:report", args=[confirmed.pk]) in html


def test_mark_duplicate_by_number(staff, world, confirmed):
    duplicate = submit(world, point=NEAR_SANDVIKEN, source="staff")
    response = staff.post(url("duplicate", duplicate), {"original": confirmed.service_request_id})
    assert response.status_code == 302
    assert Report.objects.get(pk=duplicate.pk).duplicate_of_id == confirmed.pk


def test_duplicate_refusals(staff, world, confirmed):
    gavle = submit(
        world, point=GAVLE, category=world.cat(world.gavle_body, "Klotter"), source="staff"
    )
    road = submit(world, category=world.cat(world.tv_body, ROAD), source="staff")
    first = submit(world, point=NEAR_SANDVIKEN, source="staff")
    dup = submit(world, point=NEAR_SANDVIKEN, source="staff")
    staff.post(url("duplicate", dup), {"original": first.pk})
    assert Report.objects.get(pk=dup.pk).duplicate_of_id == first.pk
    cases = [
        ({"original": confirmed.pk}, "En rapport kan inte vara en dubblett av sig själv."),
        ({"original": gavle.pk}, "tas emot av Gävle kommun, inte av Sandvikens kommun"),
        ({"original": road.pk}, "tas emot av Trafikverket"),
        ({"original": dup.pk}, "är själv en dubblett. Välj den ursprungliga rapporten."),
        ({"original": "999999"}, "Det finns ingen offentlig rapport med nummer 999999."),
        ({"original": ""}, "Ange vilken rapport det är en dubblett av."),
        ({"suggested": "abc"}, "Välj ett giltigt alternativ"),
    ]
    for data, message in cases:
        response = staff.post(url("duplicate", confirmed), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == ReportState.CONFIRMED and report.duplicate_of_id is None


def test_suggestions_are_open_reports_of_the_same_body_within_250_m(staff, world, confirmed):
    far = submit(
        world, point=(SANDVIKEN[0] + 0.01, SANDVIKEN[1]), source="staff", title="Långt bort"
    )
    road = submit(world, category=world.cat(world.tv_body, ROAD), source="staff", title="Vägen")
    html = staff.get(url("duplicate", confirmed)).content.decode()
    assert "Långt bort" not in html and "Vägen" not in html
    assert f'name="suggested" value="{far.pk}"' not in html
    assert road


# --- c. move --------------------------------------------------------------------------
def test_move_to_trafikverket(staff, client, world, confirmed, django_capture_on_commit_callbacks):
    road = world.cat(world.tv_body, ROAD)
    form = staff.get(url("move", confirmed)).content.decode()
    assert f"Trafikverket: {ROAD}" in form and "Sandvikens kommun: Klotter" in form
    assert "Snöröjning" not in form  # Gävle's category is not offered in Sandviken
    old_case = confirmed.case_id
    response = run_on_commit(
        django_capture_on_commit_callbacks,
        staff.post,
        url("move", confirmed),
        {"category": road.pk, "note": "Riksväg 80."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:case", args=[old_case])
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == world.tv_body and report.category == road
    assert Case.objects.get(pk=report.case_id).organisation == world.trafikverket
    assert delivered_to("felanmalan@trafikverket.example.se")  # re-sent to the new contact
    assert "Ärendet har flyttats till Trafikverket." in public_page(client, report).content.decode()
    # The old case page has no panel any more: the report belongs to Trafikverket now.
    html = staff.get(reverse("workspace:case", args=[old_case])).content.decode()
    assert 'id="fmg-panel"' not in html


def test_change_category_within_the_kommun(staff, world, confirmed):
    klotter = world.cat(world.sandviken_body, "Klotter")
    assert staff.post(url("move", confirmed), {"category": klotter.pk}).status_code == 302
    report = Report.objects.get(pk=confirmed.pk)
    assert report.category == klotter and report.body == world.sandviken_body
    assert report.updates.get().text == "Kategorin har ändrats till Klotter."


@pytest.mark.parametrize("which", ["not_offered", "same", "missing"])
def test_move_bad_input(staff, world, confirmed, which):
    category = {
        "not_offered": world.cat(world.gavle_body, "Snöröjning").pk,
        "same": confirmed.category_id,
        "missing": "",
    }[which]
    response = staff.post(url("move", confirmed), {"category": category})
    assert response.status_code == 400
    text = response.content.decode()
    assert {
        "not_offered": "Välj ett giltigt alternativ",
        "same": "Rapporten har redan den kategorin.",
        "missing": "Det här fältet är obligatoriskt.",
    }[which] in text
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == world.sandviken_body and not report.updates.exists()


# --- 2. the workspace's own "send to another organisation" ----------------------------
def test_workspace_send_to_trafikverket_moves_the_report(
    world, worker, confirmed, django_capture_on_commit_callbacks
):
    _type, tv_queue = ensure_case_setup(world.trafikverket)
    received = run_on_commit(
        django_capture_on_commit_callbacks,
        case_services.do_send_to_queue,
        confirmed.case,
        actor=worker,
        queue=tv_queue,
    )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == world.tv_body and report.category == world.cat(world.tv_body, ROAD)
    assert report.case_id == received.pk
    assert delivered_to("felanmalan@trafikverket.example.se")
    assert [u.text for u in report.updates.all()] == ["Ärendet har flyttats till Trafikverket."]


def test_workspace_send_picks_the_category_of_the_same_name(
    world, worker, confirmed, org_factory, django_capture_on_commit_callbacks
):
    org = org_factory(name="Belysningsbolaget")
    body = make_body(org, national=True, categories=["Annat", "Gatubelysning"])
    _type, queue = ensure_case_setup(org)
    run_on_commit(
        django_capture_on_commit_callbacks,
        case_services.do_send_to_queue,
        confirmed.case,
        actor=worker,
        queue=queue,
    )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == body and report.category.name == "Gatubelysning"


def test_workspace_send_to_an_organisation_without_reports_there_leaves_a_note(
    world, worker, confirmed, django_capture_on_commit_callbacks
):
    _type, gavle_queue = ensure_case_setup(world.gavle)
    run_on_commit(
        django_capture_on_commit_callbacks,
        case_services.do_send_to_queue,
        confirmed.case,
        actor=worker,
        queue=gavle_queue,
    )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == world.sandviken_body and report.case_id == confirmed.case_id
    texts = list(Case.objects.get(pk=confirmed.case_id).log.values_list("text", flat=True))
    assert any("följde inte med till Gävle kommun" in t for t in texts)


# --- 3. "Dubblett" set in the workspace without an original ---------------------------
def test_workspace_duplicate_status_without_original_warns(
    staff, world, worker, confirmed, django_capture_on_commit_callbacks
):
    case = confirmed.case
    run_on_commit(
        django_capture_on_commit_callbacks,
        case_services.do_change_status,
        case,
        actor=worker,
        to=case.case_type.statuses.get(code="dubblett"),
    )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.state == ReportState.DUPLICATE and report.duplicate_of_id is None
    html = case_page(staff, report).content.decode()
    assert "Dubblett utan ursprungsärende" in html
    texts = list(Case.objects.get(pk=case.pk).log.values_list("text", flat=True))
    assert any("dubblett utan länk" in t for t in texts)
    # Linking it afterwards through the panel removes the warning.
    original = submit(world, point=NEAR_SANDVIKEN, source="staff")
    response = run_on_commit(
        django_capture_on_commit_callbacks,
        staff.post,
        url("duplicate", report),
        {"original": original.pk},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).duplicate_of_id == original.pk
    assert "Dubblett utan ursprungsärende" not in case_page(staff, report).content.decode()


def test_reopening_a_duplicate_removes_the_link(
    world, worker, confirmed, django_capture_on_commit_callbacks
):
    from sambruk.fixamingata import services

    dup = submit(world, point=NEAR_SANDVIKEN, source="staff")
    run_on_commit(
        django_capture_on_commit_callbacks,
        services.set_state,
        dup,
        actor=worker,
        state=ReportState.DUPLICATE,
        duplicate_of=confirmed,
    )
    case = Case.objects.get(pk=Report.objects.get(pk=dup.pk).case_id)
    run_on_commit(django_capture_on_commit_callbacks, case_services.do_reopen, case, actor=worker)
    report = Report.objects.get(pk=dup.pk)
    assert report.state == ReportState.CONFIRMED and report.duplicate_of_id is None


def test_workspace_send_without_matching_category_picks_the_first_and_notes_it(
    world, worker, confirmed, org_factory, django_capture_on_commit_callbacks
):
    org = org_factory(name="Skyltbolaget")
    body = make_body(org, national=True, categories=["Annat", "Vägmärken"])
    _type, queue = ensure_case_setup(org)
    received = run_on_commit(
        django_capture_on_commit_callbacks,
        case_services.do_send_to_queue,
        confirmed.case,
        actor=worker,
        queue=queue,
    )
    report = Report.objects.get(pk=confirmed.pk)
    assert report.body == body and report.category.name == "Annat"
    texts = list(received.log.values_list("text", flat=True))
    assert any("”Gatubelysning” finns inte hos Skyltbolaget" in t for t in texts)
