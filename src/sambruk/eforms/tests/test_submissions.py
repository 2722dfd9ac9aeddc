"""The citizen flow over HTTP: anonymous and logged-in e-services, drafts, receipts, cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.cases.models import Case, CaseFormData, Label, QueueRule
from sambruk.core.notifications.models import OutboxMessage

from ..models import Submission, SubmissionStatus, VersionStatus
from ..queries import drafts_for
from ..services import submissions as subs
from .factories import FormVersionFactory
from .test_submissions_support import (  # noqa: F401  (fixtures)
    KONTAKT_PAGE0,
    KONTAKT_PAGE1,
    citizen_login,
    fill_kontakt,
    make_eservice,
    page_url,
    pdf_link,
    running_smtp,
    smtp_server,
    start,
    url,
)

pytestmark = pytest.mark.django_db
#: E-mail is delivered on commit: these tests commit for real.
MAIL = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


@MAIL
def test_anonymous_contact_form_to_case_receipt_email_and_pdf(client, org_factory, running_smtp):  # noqa: F811
    org = org_factory()
    eservice = make_eservice(org)
    sub, location = start(client, eservice)
    assert location == page_url(sub, 0)
    page = client.get(location)
    assert page.status_code == 200
    assert 'for="f-namn"' in page.text and "Steg 1 av 2" in page.text
    fill_kontakt(client, sub)
    summary = client.get(url("summary", sub))
    assert "Gatlyktan vid Storgatan 5 är trasig." in summary.text
    sub.refresh_from_db()
    response = client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    assert response.status_code == 302 and response["Location"] == url("receipt", sub)

    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    case = Case.objects.get(pk=sub.case_id)
    assert case.queue_id == eservice.queue_id and case.case_type_id == eservice.case_type_id
    assert case.origin == "web_form"
    assert "Gatlyktan vid Storgatan 5" in case.description
    contact = case.contacts.get()
    assert contact.name == "Anna Andersson" and contact.email == "anna@example.se"
    form = CaseFormData.objects.get(case=case)
    assert form.data["content_hash"] == sub.content_hash and len(sub.content_hash) == 64
    items = {i["name"]: i for section in form.data["summary"] for i in section["items"]}
    assert items["omrade"]["statistical"] is True  # flagged for statistics exports
    assert "statistical" not in items["namn"]

    receipt = client.get(url("receipt", sub))
    assert case.reference in receipt.text

    [mail] = running_smtp.wait_for(1)
    assert mail["To"] == "anna@example.se"
    assert case.reference in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    pdf = client.get(pdf_link(body))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_missing_required_answers_are_shown_next_to_field_and_in_summary(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    response = client.post(page_url(sub, 0), {"namn": "", "epost": "inte-en-adress", "nav": "next"})
    assert response.status_code == 200
    assert "Det finns fel i formuläret" in response.text
    assert 'href="#f-namn"' in response.text and 'aria-invalid="true"' in response.text
    sub.refresh_from_db()
    assert sub.data == {}


def test_save_and_resume_anonymous_draft_by_link(client, django_user_model, org_factory):
    from django.test import Client

    sub, _loc = start(client, make_eservice(org_factory()))
    response = client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "save"})
    assert response["Location"] == url("saved", sub)
    saved = client.get(response["Location"])
    assert sub.draft_token in saved.text
    other = Client()  # a new browser with the link only
    resumed = other.get(url("resume", sub))
    assert resumed["Location"] == page_url(sub, 0)
    assert "Anna Andersson" in other.get(resumed["Location"]).text


def test_save_for_later_keeps_valid_answers_despite_errors(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    client.post(page_url(sub, 0), {"namn": "Bo", "epost": "fel", "nav": "save"})
    sub.refresh_from_db()
    assert sub.data == {"namn": "Bo"}


def test_logged_in_citizen_gets_prefill_and_draft_is_listed_and_private(client, org_factory):
    from django.test import Client

    user = citizen_login(client, 0)
    sub, _loc = start(client, make_eservice(org_factory()))
    assert sub.user_id == user.pk
    assert sub.data["personnummer"] == "191212121212"
    assert "Tolvan Tolvansson" in client.get(page_url(sub, 0)).text
    assert [d.pk for d in drafts_for(user)] == [sub.pk]

    stranger = Client()
    citizen_login(stranger, 1)
    assert stranger.get(page_url(sub, 0)).status_code == 403
    anonymous = Client()
    response = anonymous.get(page_url(sub, 0))
    assert response.status_code == 302 and "/konto/e-legitimation/" in response["Location"]


def test_login_required_eservice_sends_anonymous_to_login(client, org_factory):
    eservice = make_eservice(org_factory(), login_required=True)
    response = client.post(f"/e-tjanster/{eservice.organisation.slug}/{eservice.slug}/")
    assert response.status_code == 302 and "/konto/e-legitimation/" in response["Location"]
    assert not Submission.objects.exists()


def test_expired_login_mid_form_keeps_the_draft(client, org_factory):
    citizen_login(client, 0)
    sub, _loc = start(client, make_eservice(org_factory()))
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    client.logout()  # the login ended while the citizen was on page 2
    response = client.post(page_url(sub, 1), {**KONTAKT_PAGE1, "nav": "next"})
    assert response.status_code == 302 and "/konto/e-legitimation/" in response["Location"]
    sub.refresh_from_db()
    assert sub.data["meddelande"] == KONTAKT_PAGE1["meddelande"]
    citizen_login(client, 0)
    page = client.get(page_url(sub, 1))
    assert page.status_code == 200 and "Gatlyktan vid Storgatan 5" in page.text


@MAIL
def test_draft_expiry_warning_email_then_expiry(client, org_factory, running_smtp):  # noqa: F811
    eservice = make_eservice(org_factory(), draft_ttl_days=10)
    sub, _loc = start(client, eservice)
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "save"})
    assert subs.send_expiry_warnings() == 0  # 10 days left
    later = timezone.now() + timedelta(days=8)
    assert subs.send_expiry_warnings(now=later) == 1
    assert subs.send_expiry_warnings(now=later) == 0  # once
    [mail] = running_smtp.wait_for(1)
    assert mail["To"] == "anna@example.se" and sub.draft_token in mail.get_content()
    assert subs.expire_drafts(now=timezone.now() + timedelta(days=11)) == 1
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.EXPIRED and sub.data == {}
    response = client.get(page_url(sub, 0))
    assert response.status_code == 410 and "gått ut" in response.text


def test_retired_version_mid_draft_compatible_moves_to_new_version(client, org_factory):
    eservice = make_eservice(org_factory())
    sub, _loc = start(client, eservice)
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    old = eservice.form_version
    new = FormVersionFactory(definition=old.definition, schema=old.schema, published=True)
    old.status = VersionStatus.RETIRED
    old.save()
    eservice.form_version = new
    eservice.save()
    page = client.get(page_url(sub, 1))
    assert "Formuläret har ändrats" in page.text and "Anna Andersson" in page.text
    assert "Fortsätt i den nya versionen" in page.text
    response = client.post(url("version", sub))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.form_version_id == new.pk and sub.data["namn"] == "Anna Andersson"


def test_retired_version_incompatible_shows_answers(client, org_factory):
    eservice = make_eservice(org_factory())
    sub, _loc = start(client, eservice)
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    old = eservice.form_version
    schema = old.schema | {}
    schema = {**old.schema, "pages": [old.schema["pages"][1]]}
    new = FormVersionFactory(definition=old.definition, schema=schema, published=True)
    old.status = VersionStatus.RETIRED
    old.save()
    eservice.form_version = new
    eservice.save()
    page = client.get(page_url(sub, 0))
    assert "kan inte flyttas över" in page.text and "anna@example.se" in page.text
    response = client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    assert "Formuläret har ändrats" in response.text
    assert not Case.objects.exists()


def test_resubmit_creates_one_case(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    fill_kontakt(client, sub)
    for _i in range(3):
        response = client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
        assert response["Location"] == url("receipt", sub)
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_case(org_factory, settings):
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite is covered by the sequential resubmit")
    client = Client()
    sub, _loc = start(client, make_eservice(org_factory()))
    fill_kontakt(client, sub)
    barrier = threading.Barrier(2)
    results = []

    def submit():
        from django.db import connections

        c = Client()
        c.cookies = client.cookies
        barrier.wait()
        try:
            results.append(
                c.post(url("summary", sub), {"idempotency_key": sub.idempotency_key}).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302, 302]
    assert Case.objects.count() == 1
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.SUBMITTED


def test_tampered_tokens_and_keys_are_refused(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    fill_kontakt(client, sub)
    e = sub.eservice
    bad = f"/e-tjanster/{e.organisation.slug}/{e.slug}/{sub.draft_token}x/sida/0/"
    assert client.get(bad).status_code == 404
    response = client.post(url("summary", sub), {"idempotency_key": "f" * 48})
    assert response.status_code == 400 and "ogiltig" in response.text
    assert not Case.objects.exists()
    assert client.get("/e-tjanster/kvittens/inte-en-signatur/pdf/").status_code == 404
    other = make_eservice(org_factory())
    wrong = f"/e-tjanster/{other.organisation.slug}/{other.slug}/{sub.draft_token}/sida/0/"
    assert client.get(wrong).status_code == 404


def test_queue_rule_runs_on_the_created_case(client, org_factory):
    org = org_factory()
    eservice = make_eservice(org)
    label = Label.objects.create(organisation=org, name="Från e-tjänst")
    QueueRule.objects.create(
        queue=eservice.queue,
        name="Märk webbärenden",
        conditions=[{"field": "origin", "value": "web_form"}],
        action="set_label",
        params={"label": label.pk},
    )
    sub, _loc = start(client, eservice)
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    case = Case.objects.get()
    assert list(case.labels.values_list("name", flat=True)) == ["Från e-tjänst"]


def test_catalogue_lists_open_eservices_per_organisation(client, org_factory):
    listed = make_eservice(org_factory(name="Sandvikens kommun"), name="Kontakta kommunen")
    make_eservice(org_factory(), name="Gömd", listed=False)
    page = client.get("/e-tjanster/")
    assert page.status_code == 200
    assert "Sandvikens kommun" in page.text and "Kontakta kommunen" in page.text
    assert "Gömd" not in page.text
    public = client.get(f"/e-tjanster/{listed.organisation.slug}/{listed.slug}/")
    assert public.status_code == 200 and "Starta" in public.text


def test_closed_eservice_cannot_be_started(client, org_factory):
    eservice = make_eservice(org_factory(), closes_at=timezone.now() - timedelta(days=1))
    page = client.get(f"/e-tjanster/{eservice.organisation.slug}/{eservice.slug}/")
    assert "stängd" in page.text
    response = client.post(f"/e-tjanster/{eservice.organisation.slug}/{eservice.slug}/")
    assert response.status_code == 400 and not Submission.objects.exists()


@MAIL
def test_outbox_has_no_receipt_without_an_email_answer(client, org_factory):
    schema = {
        "formatVersion": 1,
        "title": "Fråga",
        "pages": [{"title": "Fråga", "fields": [{"type": "text", "name": "fraga", "label": "Fråga", "required": True}]}],
    }  # fmt: skip
    sub, _loc = start(client, make_eservice(org_factory(), schema=schema))
    client.post(page_url(sub, 0), {"fraga": "Hej", "nav": "next"})
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and sub.receipt_pdf
    assert not OutboxMessage.objects.filter(template="eforms/email/receipt").exists()


def test_expired_login_cannot_change_read_only_prefilled_answers(client, org_factory):
    from .test_submissions_support import two_signer_eservice

    citizen_login(client, 0)
    sub, _loc = start(client, two_signer_eservice(org_factory()))
    client.logout()
    client.post(
        page_url(sub, 0),
        {"personnummer": "198112189876", "epost": "t@example.se", "adress": "Gatan 1"},
    )
    sub.refresh_from_db()
    assert sub.data["personnummer"] == "191212121212" and sub.data["adress"] == "Gatan 1"


def test_demo_loader_publishes_both_sandviken_eservices(client, org_factory):
    from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory

    from ..demo import load_eforms_demo

    org = org_factory(kommunkod="2181", name="Sandvikens kommun")
    QueueFactory(organisation=org, name="Kundtjänst")
    QueueFactory(organisation=org, name="Bygg och miljö")
    CaseTypeFactory(organisation=org, code="synpunkt")
    CaseTypeFactory(organisation=org, code="ansokan")
    lines = []
    load_eforms_demo(lines.append)
    load_eforms_demo(lines.append)  # idempotent
    page = client.get("/e-tjanster/")
    assert "Kontakta kommunen" in page.text
    assert "Ansökan om bostadsanpassningsbidrag" in page.text
    from ..models import EService

    assert EService.objects.count() == 2
    assert EService.objects.get(slug="bostadsanpassningsbidrag").signing == "two"


def test_idle_timeout_mid_form_keeps_saved_pages(client, org_factory):
    citizen_login(client, 0)
    sub, _loc = start(client, make_eservice(org_factory()))
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    session = client.session
    session["eleg_last_seen"] = 0  # idle for decades: the session middleware logs out
    session.save()
    response = client.post(page_url(sub, 1), {**KONTAKT_PAGE1, "nav": "next"})
    assert response.status_code == 302 and "/konto/e-legitimation/" in response["Location"]
    citizen_login(client, 0)
    resumed = client.get(url("resume", sub))
    # Both pages were saved (the second one on the way to the log-in page): resume there.
    assert resumed["Location"] == page_url(sub, 1)
    assert "Anna Andersson" in client.get(page_url(sub, 0)).text


def test_idle_timeout_on_post_saves_that_page_then_asks_for_login(client, org_factory):
    citizen_login(client, 0)
    sub, _loc = start(client, make_eservice(org_factory(), login_required=True))
    client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    session = client.session
    session["eleg_last_seen"] = 0  # idle: the login has expired while page 2 was filled in
    session.save()
    response = client.post(page_url(sub, 1), {**KONTAKT_PAGE1, "nav": "next"}, follow=True)
    first_url, status = response.redirect_chain[0]
    assert status == 302
    assert first_url.startswith("/konto/e-legitimation/?next=")
    assert page_url(sub, 1) in first_url.replace("%2F", "/")
    assert "Det du skrev är sparat" in response.text
    assert "_auth_user_id" not in client.session
    sub.refresh_from_db()
    assert sub.data["meddelande"] == KONTAKT_PAGE1["meddelande"]
    citizen_login(client, 0)
    page = client.get(page_url(sub, 1))
    assert page.status_code == 200
    assert "Gatlyktan vid Storgatan 5 är trasig." in page.text


def test_idle_timeout_on_other_posts_still_redirects_before_the_view(client, org_factory):
    citizen_login(client, 0)
    sub, _loc = start(client, make_eservice(org_factory(), login_required=True))
    session = client.session
    session["eleg_last_seen"] = 0
    session.save()
    response = client.post(url("summary", sub), {"idempotency_key": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/e-legitimation/")
    sub.refresh_from_db()
    assert sub.status == "draft"
