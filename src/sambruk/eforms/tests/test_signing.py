"""Signing over HTTP: single signer, two signers via the e-mailed link, expiry, bad links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sambruk.cases.models import Case

from ..demo import kontakt_schema
from ..models import Signature, SignatureInvitation, SubmissionStatus
from ..services import signing
from .test_submissions_support import (  # noqa: F401  (fixtures)
    PNG,
    citizen_login,
    fill_kontakt,
    make_eservice,
    page_url,
    running_smtp,
    smtp_server,
    start,
    two_signer_eservice,
    url,
)

MAIL = pytest.mark.django_db(transaction=True)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def fill_application(client, sub):
    posts = [
        {"epost": "tolvan@example.se", "adress": "Testgatan 12, Sandviken"},
        {
            "hushall-count": "1",
            "hushall-0-person_namn": "Tolvan Tolvansson",
            "hushall-0-alder": "60",
        },
        {
            "atgard": "Ta bort trösklar och bygga ramp.",
            "kostnad": "45000",
            "intyg": SimpleUploadedFile("intyg.png", PNG, content_type="image/png"),
        },
        {"medsokande_namn": "Testa Påhittadsson"},
    ]
    for i, data in enumerate(posts):
        response = client.post(page_url(sub, i), {**data, "nav": "next"})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == url("summary", sub)


def test_single_signer_records_hash_loa_method_and_creates_case(client, org_factory):
    citizen = Client()
    user = citizen_login(citizen, 0)
    eservice = make_eservice(org_factory(), signing="single")
    sub, _loc = start(citizen, eservice)
    fill_kontakt(citizen, sub)
    summary = citizen.get(url("summary", sub))
    assert "Skriv under med e-legitimation" in summary.text
    # Submitting without a signature is refused.
    refused = citizen.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    assert refused.status_code == 400 and not Case.objects.exists()
    back = citizen.post(url("sign", sub))
    assert back.status_code == 302
    done = citizen.get(back["Location"])
    assert done.status_code == 302 and done["Location"] == url("receipt", sub)
    sub.refresh_from_db()
    signature = Signature.objects.get(submission=sub)
    assert signature.signer_id == user.pk and signature.civic_number == "191212121212"
    assert signature.loa == "test" and signature.method == "demo"
    assert signature.content_hash == sub.content_hash == signing.content_hash(sub)
    assert sub.status == SubmissionStatus.SUBMITTED and Case.objects.count() == 1
    contact = Case.objects.get().contacts.get()
    assert contact.person.civic_number == "191212121212"


@MAIL
def test_two_signers_via_emailed_link_then_case_with_attachment(org_factory, running_smtp):  # noqa: F811
    first = Client()
    citizen_login(first, 0)
    eservice = two_signer_eservice(org_factory())
    sub, _loc = start(first, eservice)
    fill_application(first, sub)
    signed = first.get(first.post(url("sign", sub))["Location"])
    assert signed.status_code == 302
    summary = first.get(url("summary", sub))
    assert "Bjud in medsökande" in summary.text
    first.post(url("invite", sub), {"email": "testa@example.se", "civic_number": "198112189876"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.AWAITING_SIGNATURE and not Case.objects.exists()

    [mail] = running_smtp.wait_for(1)
    assert mail["To"] == "testa@example.se"
    link = re.search(
        r"https?://[^/\s]+(/e-tjanster/medsokande/[^/\s]+/)",
        mail.get_body(preferencelist=("plain",)).get_content(),
    )
    second = Client()
    response = second.get(link.group(1))
    assert response.status_code == 302 and "/konto/e-legitimation/" in response["Location"]
    citizen_login(second, 1)
    page = second.get(link.group(1))
    assert "Ta bort trösklar och bygga ramp." in page.text and "intyg.png" in page.text
    back = second.post(link.group(1))
    done = second.get(back["Location"])
    assert done.status_code == 200 and "underskriven av båda" in done.text

    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    assert sorted(sub.signatures.values_list("civic_number", flat=True)) == [
        "191212121212",
        "198112189876",
    ]
    case = Case.objects.get(pk=sub.case_id)
    assert case.queue_id == eservice.queue_id
    attachment = case.attachments.get()
    assert attachment.original_name == "intyg.png"
    roles = sorted(case.contacts.values_list("person__civic_number", flat=True))
    assert roles == ["191212121212", "198112189876"]
    # The link cannot be used again.
    replay = second.get(link.group(1))
    assert replay.status_code == 410 and "redan underskriven" in replay.text
    # Receipt to the first signer's e-mail answer.
    mails = running_smtp.wait_for(2)
    assert mails[1]["To"] == "tolvan@example.se"


@MAIL
def test_expired_invitation_sends_in_with_first_signature(org_factory, running_smtp):  # noqa: F811
    """Nothing is lost: on expiry the case is created with the first signature only."""
    from sambruk.cases.models import CaseLogEntry

    first = Client()
    citizen_login(first, 0)
    sub, _loc = start(first, two_signer_eservice(org_factory()))
    fill_application(first, sub)
    first.get(first.post(url("sign", sub))["Location"])
    first.post(url("invite", sub), {"email": "testa@example.se"})
    running_smtp.wait_for(1)
    later = timezone.now() + timedelta(days=15)
    assert signing.expire_invitations(now=later) == 1
    # The periodic task running again creates no second case and sends no second mail.
    assert signing.expire_invitations(now=later + timedelta(hours=1)) == 0
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and sub.data["adress"]
    case = Case.objects.get()
    assert sub.case_id == case.pk
    assert list(sub.signatures.values_list("role", flat=True)) == ["first"]
    form = case.forms.get()
    assert [s["role"] for s in form.data["signatures"]] == ["first"]
    [missing] = form.data["missing_signatures"]
    assert missing["role"] == "second" and missing["reason"] == "invitation_expired"
    expired = SignatureInvitation.objects.get().expires_at
    staff_line = CaseLogEntry.objects.get(case=case, text__startswith="Medsökande signerade")
    assert staff_line.text == (
        "Medsökande signerade inte inom tiden (inbjudan gick ut "
        f"{timezone.localtime(expired):%Y-%m-%d})."
    )
    assert not staff_line.visible_to_citizen
    assert CaseLogEntry.objects.filter(case=case, visible_to_citizen=True).exists()
    # The first signer is told (the e-service's name only) and gets the receipt.
    mails = running_smtp.wait_for(3)
    told = [m for m in mails[1:] if "skrev inte under" in m["Subject"]]
    assert len(told) == 1 and told[0]["To"] == "tolvan@example.se"
    body = told[0].get_body(preferencelist=("plain",)).get_content()
    assert "inbjudan gick ut" in body and "Testgatan" not in body
    # ... and sees the case on Mina sidor.
    mina = first.get("/mina-sidor/")
    assert mina.status_code == 200 and case.reference in mina.text
    page = first.get(f"/mina-sidor/arende/{case.pk}/")
    assert "Medsökande skrev inte under innan inbjudan gick ut" in page.text
    # A late co-applicant gets a clear page.
    token = SignatureInvitation.objects.get().token
    second = Client()
    citizen_login(second, 1)
    late = second.get(f"/e-tjanster/medsokande/{token}/")
    assert late.status_code == 410 and "Inbjudan har gått ut" in late.text
    assert second.post(f"/e-tjanster/medsokande/{token}/").status_code == 410
    assert Case.objects.count() == 1 and sub.signatures.count() == 1


def test_receipt_pdf_names_the_missing_signature(org_factory):
    from ..services.receipts import receipt_context

    first = Client()
    citizen_login(first, 0)
    sub, _loc = start(first, two_signer_eservice(org_factory()))
    fill_application(first, sub)
    first.get(first.post(url("sign", sub))["Location"])
    first.post(url("invite", sub), {"email": "testa@example.se"})
    assert signing.expire_invitations(now=timezone.now() + timedelta(days=15)) == 1
    sub.refresh_from_db()
    from django.template.loader import render_to_string

    html = render_to_string("eforms/pdf/receipt.html", receipt_context(sub))
    assert "Medsökandes underskrift saknas: inbjudan gick ut" in html


def test_invitation_for_another_person_and_same_person_refused(org_factory):
    first = Client()
    citizen_login(first, 0)
    sub, _loc = start(first, two_signer_eservice(org_factory()))
    fill_application(first, sub)
    first.get(first.post(url("sign", sub))["Location"])
    first.post(url("invite", sub), {"email": "testa@example.se", "civic_number": "198112189876"})
    token = SignatureInvitation.objects.get().token
    wrong = Client()
    citizen_login(wrong, 2)
    response = wrong.get(f"/e-tjanster/medsokande/{token}/")
    assert response.status_code == 403 and "annan person" in response.text
    # The first signer cannot co-sign their own application (invitation without pnr).
    first.post(url("invite", sub), {"email": "x@example.se"})
    token = SignatureInvitation.objects.get(declined=False).token
    first.get(first.post(f"/e-tjanster/medsokande/{token}/")["Location"])
    assert sub.signatures.count() == 1 and not Case.objects.exists()


def test_tampered_invitation_token_and_bad_email(client, org_factory):
    response = client.get("/e-tjanster/medsokande/" + "A" * 43 + "/")
    assert response.status_code == 410 and "ogiltig" in response.text
    first = Client()
    citizen_login(first, 0)
    sub, _loc = start(first, two_signer_eservice(org_factory()))
    fill_application(first, sub)
    first.get(first.post(url("sign", sub))["Location"])
    bad = first.post(url("invite", sub), {"email": "inte-en-adress"})
    assert bad.status_code == 400 and "e-postadress" in bad.text
    assert not SignatureInvitation.objects.exists()


def test_changed_content_after_signing_start_is_refused(org_factory):
    citizen = Client()
    citizen_login(citizen, 0)
    sub, _loc = start(
        citizen, make_eservice(org_factory(), schema=kontakt_schema(), signing="single")
    )
    fill_kontakt(citizen, sub)
    back = citizen.post(url("sign", sub))
    citizen.post(page_url(sub, 1), {"omrade": "annat", "meddelande": "Ändrat", "nav": "next"})
    response = citizen.get(back["Location"])
    assert response.status_code == 400 and "ändrats" in response.text
    assert not Signature.objects.exists()
