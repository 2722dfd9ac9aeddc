"""Citizen pages as a browser sees them: markup for assistive technology, languages, edge
pages (receipt PDF not ready, link of another organisation, files that lie about their type)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sambruk.cases.models import Case

from ..models import SubmissionFile, SubmissionStatus
from ..services import receipts
from .test_submissions_support import (
    KONTAKT_PAGE0,
    PNG,
    citizen_login,
    fill_kontakt,
    make_eservice,
    page_url,
    start,
    two_signer_eservice,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def test_form_page_markup_labels_steps_and_buttons(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    html = client.get(page_url(sub, 1)).text
    assert "<h1>Ditt ärende</h1>" in html and "Steg 2 av 2" in html
    assert 'for="f-omrade"' in html and 'id="f-omrade"' in html
    # "Nästa" comes first, so Enter in a text field goes forward.
    assert html.index('value="next"') < html.index('value="back"') < html.index('value="save"')


def test_group_rows_are_added_without_losing_answers(org_factory):
    citizen = Client()
    citizen_login(citizen, 0)
    sub, _loc = start(citizen, two_signer_eservice(org_factory()))
    citizen.post(page_url(sub, 0), {"epost": "t@example.se", "adress": "Gatan 1", "nav": "next"})
    response = citizen.post(
        page_url(sub, 1),
        {
            "hushall-count": "1",
            "hushall-0-person_namn": "Tolvan",
            "eforms-action": "add:hushall",
            "nav": "next",
        },
    )
    assert response.status_code == 200
    assert 'name="hushall-1-person_namn"' in response.text
    assert 'value="Tolvan"' in response.text


def test_english_pages(client, org_factory):
    eservice = make_eservice(org_factory())
    client.cookies["django_language"] = "en"
    page = client.get(
        f"/e-tjanster/{eservice.organisation.slug}/{eservice.slug}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200 and '<html lang="en">' in page.text
    sub, _loc = start(client, eservice)
    html = client.get(page_url(sub, 0), HTTP_ACCEPT_LANGUAGE="en").text
    assert "About you" in html and "E-mail" in html


def test_disguised_file_is_refused_with_swedish_message(org_factory):
    citizen = Client()
    citizen_login(citizen, 0)
    sub, _loc = start(citizen, two_signer_eservice(org_factory()))
    fake = SimpleUploadedFile("intyg.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = citizen.post(page_url(sub, 2), {"atgard": "Ramp", "intyg": fake, "nav": "next"})
    assert response.status_code == 200 and "Det finns fel i formuläret" in response.text
    assert not SubmissionFile.objects.exists()
    good = SimpleUploadedFile("intyg.png", PNG, content_type="image/png")
    citizen.post(page_url(sub, 2), {"atgard": "Ramp", "intyg": good, "nav": "save"})
    sub.refresh_from_db()
    assert [f["name"] for f in sub.data["intyg"]] == ["intyg.png"]
    assert SubmissionFile.objects.get().sha256


def test_receipt_pdf_link_before_the_worker_ran(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and not sub.receipt_pdf  # not committed yet
    response = client.get(f"/e-tjanster/kvittens/{receipts.receipt_token(sub)}/pdf/")
    assert response.status_code == 404 and "inte klar" in response.text


def test_submitted_form_cannot_be_edited(client, org_factory):
    sub, _loc = start(client, make_eservice(org_factory()))
    fill_kontakt(client, sub)
    client.post(url("summary", sub), {"idempotency_key": sub.idempotency_key})
    response = client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "namn": "Ändrat", "nav": "next"})
    assert response.status_code == 302 and response["Location"] == url("resume", sub)
    sub.refresh_from_db()
    assert sub.data["namn"] == "Anna Andersson" and Case.objects.count() == 1
