"""The e-service's texts in the citizen's language, the receipt e-mail (subject, addresses,
co-applicant) and who may open the receipt PDF."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing as django_signing
from django.test import Client
from django.urls import reverse

from sambruk.portal.models import CitizenProfile, VerifiedEmail

from ..models import EService, Submission, SubmissionStatus
from ..services import receipts
from .test_publisher import LIST, org_setup, post_data  # noqa: F401  (fixture)
from .test_signing import fill_application
from .test_submissions_support import (  # noqa: F401  (fixtures)
    citizen_login,
    fill_kontakt,
    make_eservice,
    page_url,
    pdf_link,
    running_smtp,
    smtp_server,
    start,
    two_signer_eservice,
    url,
)

pytestmark = pytest.mark.django_db
MAIL = pytest.mark.django_db(transaction=True)

QUESTION = {
    "formatVersion": 1,
    "title": "Fråga",
    "pages": [{"title": {"sv": "Fråga", "en": "Question"}, "fields": [{"type": "text", "name": "fraga", "label": {"sv": "Fråga", "en": "Question"}, "required": True}]}],
}  # fmt: skip


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def english_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def eservice_url(eservice) -> str:
    return reverse("eforms:eservice", args=[eservice.organisation.slug, eservice.slug])


def body(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def submit_question(client, eservice) -> Submission:
    sub, _loc = start(client, eservice)
    client.post(page_url(sub, 0), {"fraga": "Hej", "nav": "next"})
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    return sub


# --- texts in the citizen's language -------------------------------------------------------
def test_english_pages_show_english_name_and_description(org_factory):
    eservice = make_eservice(
        org_factory(),
        name="Kontakta kommunen",
        name_en="Contact the municipality",
        description="Ställ en fråga.",
        description_en="Ask a question.",
    )
    client = english_client()
    page = client.get(eservice_url(eservice))
    assert "<h1>Contact the municipality</h1>" in page.text
    assert "Ask a question." in page.text and "Ställ en fråga." not in page.text
    catalogue = client.get(reverse("eforms:catalogue"))
    assert (
        "Contact the municipality" in catalogue.text and "Kontakta kommunen" not in catalogue.text
    )
    sub, location = start(client, eservice)
    form_page = client.get(location)
    assert '<p class="hint">Contact the municipality</p>' in form_page.text
    swedish = Client(HTTP_ACCEPT_LANGUAGE="sv").get(eservice_url(eservice))
    assert "<h1>Kontakta kommunen</h1>" in swedish.text and "Ask a question." not in swedish.text


def test_swedish_fallback_on_english_page_is_marked_lang_sv(org_factory):
    eservice = make_eservice(org_factory(), name="Felanmälan", description="Anmäl ett fel.")
    page = english_client().get(eservice_url(eservice))
    assert '<h1 lang="sv">Felanmälan</h1>' in page.text
    assert '<div class="eservice-description" lang="sv">' in page.text
    catalogue = english_client().get(reverse("eforms:catalogue"))
    assert '<span lang="sv">Felanmälan</span>' in catalogue.text


def test_publisher_saves_and_shows_the_english_texts(client, login, org_setup):  # noqa: F811
    login(client, org_setup["admin"])
    response = client.post(
        f"{LIST}ny/",
        post_data(
            org_setup,
            name_en="Contact the municipality",
            description_en="Ask a question.",
            receipt_subject_en="Thank you",
            receipt_text_en="We have received your message.",
        ),
    )
    assert response.status_code == 302
    eservice = EService.objects.get(slug="kontakta-kommunen")
    assert eservice.name_en == "Contact the municipality"
    assert eservice.description_en == "Ask a question."
    assert eservice.text("receipt_subject", "en") == "Thank you"
    assert eservice.text("receipt_text", "en") == "We have received your message."
    assert eservice.text("name", "sv") == "Kontakta kommunen"
    page = client.get(response["Location"])
    assert 'value="Contact the municipality"' in page.text
    too_long = client.post(response["Location"], post_data(org_setup, slug=None, name_en="x" * 201))
    assert too_long.status_code == 400 and "högst 200 tecken" in too_long.text


# --- the receipt e-mail ---------------------------------------------------------------------
@MAIL
def test_receipt_subject_and_text_in_the_citizens_language(org_factory, running_smtp):  # noqa: F811
    eservice = make_eservice(
        org_factory(),
        name_en="Contact the municipality",
        receipt_subject="Tack för din fråga",
        receipt_subject_en="Thank you for your question",
        receipt_text="Vi svarar inom en vecka.",
        receipt_text_en="We answer within a week.",
    )
    client = english_client()
    sub, _loc = start(client, eservice)
    assert sub.language == "en"
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    [mail] = running_smtp.wait_for(1)
    sub.refresh_from_db()
    assert mail["Subject"] == f"Thank you for your question ({sub.case.reference})"
    text = body(mail)
    assert "We answer within a week." in text and "Contact the municipality" in text
    assert "Vi svarar" not in text
    assert re.search(r"\b30\b", text)  # the anonymous link's lifetime (days)


@MAIL
def test_receipt_subject_in_swedish(client, org_factory, running_smtp):  # noqa: F811
    eservice = make_eservice(org_factory(), receipt_subject="Tack för din fråga")
    sub, _loc = start(client, eservice)
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    [mail] = running_smtp.wait_for(1)
    sub.refresh_from_db()
    assert mail["Subject"] == f"Tack för din fråga ({sub.case.reference})"


@MAIL
def test_logged_in_citizen_without_email_field_gets_receipt_at_verified_address(
    org_factory,
    running_smtp,  # noqa: F811
):
    client = Client()
    user = citizen_login(client, 0)
    CitizenProfile.objects.create(user=user, email="tolvan@example.se")
    VerifiedEmail.objects.create(user=user, email="tolvan@example.se", verified_at=django_now())
    sub = submit_question(client, make_eservice(org_factory(), schema=QUESTION))
    [mail] = running_smtp.wait_for(1)
    assert mail["To"] == "tolvan@example.se"
    text = body(mail)
    assert "Mina sidor" in text and "loggar in med e-legitimation" in text
    assert sub.user_id == user.pk


@MAIL
def test_unverified_profile_address_gets_no_receipt(org_factory):
    from sambruk.core.notifications.models import OutboxMessage

    client = Client()
    user = citizen_login(client, 0)
    CitizenProfile.objects.create(user=user, email="tolvan@example.se")
    submit_question(client, make_eservice(org_factory(), schema=QUESTION))
    assert not OutboxMessage.objects.filter(template="eforms/email/receipt").exists()


@MAIL
def test_co_applicant_gets_a_receipt_too(org_factory, running_smtp):  # noqa: F811
    first = Client()
    citizen_login(first, 0)
    sub, _loc = start(first, two_signer_eservice(org_factory()))
    fill_application(first, sub)
    first.get(first.post(url("sign", sub))["Location"])
    first.post(url("invite", sub), {"email": "testa@example.se", "civic_number": "198112189876"})
    [invitation] = running_smtp.wait_for(1)
    link = re.search(r"(/e-tjanster/medsokande/[^/\s]+/)", body(invitation)).group(1)
    second = Client()
    citizen_login(second, 1)
    second.get(second.post(link)["Location"])
    mails = running_smtp.wait_for(3)
    receipts_to = sorted(m["To"] for m in mails[1:])
    assert receipts_to == ["testa@example.se", "tolvan@example.se"]
    # The co-applicant opens the PDF with their own login; the link is theirs too.
    co_mail = next(m for m in mails[1:] if m["To"] == "testa@example.se")
    assert "Mina sidor" not in body(co_mail)
    pdf = second.get(pdf_link(body(co_mail)))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


# --- who may open the PDF -------------------------------------------------------------------
@MAIL
def test_pdf_of_login_required_eservice_needs_the_submitters_login(org_factory, running_smtp):  # noqa: F811
    owner = Client()
    citizen_login(owner, 0)
    eservice = make_eservice(org_factory(), login_required=True)
    sub, _loc = start(owner, eservice)
    fill_kontakt(owner, sub)
    owner.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    [mail] = running_smtp.wait_for(1)
    link = pdf_link(body(mail))

    anonymous = Client().get(link)
    assert anonymous.status_code == 302 and "/konto/e-legitimation/" in anonymous["Location"]
    stranger = Client()
    citizen_login(stranger, 1)
    assert stranger.get(link).status_code == 404
    mine = owner.get(link)
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert b"".join(mine.streaming_content).startswith(b"%PDF")


def test_anonymous_receipt_link_expires(org_factory, settings, monkeypatch):
    settings.EFORMS_RECEIPT_LINK_DAYS = 30
    eservice = make_eservice(org_factory())
    client = Client()
    sub, _loc = start(client, eservice)
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    sub.refresh_from_db()
    token = receipts.receipt_token(sub)
    assert receipts.submission_for_receipt_token(token) == sub
    in_31_days = time.time() + timedelta(days=31).total_seconds()
    monkeypatch.setattr(django_signing, "time", SimpleNamespace(time=lambda: in_31_days))
    assert receipts.submission_for_receipt_token(token) is None
    response = client.get(reverse("eforms:receipt_pdf", args=[token]))
    assert response.status_code == 404


# --- starting with or without login ---------------------------------------------------------
def test_login_optional_eservice_offers_both_ways_to_start(client, org_factory):
    eservice = make_eservice(org_factory())
    page = client.get(eservice_url(eservice))
    assert "Starta utan inloggning" in page.text
    assert "Logga in med e-legitimation och starta" in page.text
    login = re.search(r'href="([^"]*e-legitimation[^"]*)"', page.text).group(1)
    assert "next=" in login
    # After logging in, the start page offers one button, and the draft is prefilled.
    citizen_login(client, 0)
    again = client.get(eservice_url(eservice))
    assert "Starta utan inloggning" not in again.text
    sub, _loc = start(client, eservice)
    assert sub.data["personnummer"] == "191212121212"


def django_now():
    from django.utils import timezone

    return timezone.now()
