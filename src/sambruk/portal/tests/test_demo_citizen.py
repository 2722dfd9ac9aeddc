"""The full demo (``load_demo``): Tolvan logs in with the demo Test-legitimation and sees on
Mina sidor cases of several modules (an e-service case, his FixaMinGata report, the ekbist
application), a shadow case with its source system and a draft with a working resume link."""

from __future__ import annotations

import html
import re

import pytest
from django.core.management import call_command

from sambruk.core.demo import loaders
from sambruk.eforms.models import Submission, SubmissionStatus
from sambruk.ekbist.models import Application
from sambruk.fixamingata.models import Report

from ..demo import CIVIC_NUMBER, DRAFT_ESERVICE, REPORT_KEY, REPORT_TITLE, load_citizen_demo
from .conftest import login_citizen

pytestmark = pytest.mark.django_db


def section(page: str, title_id: str) -> str:
    """The text of one ``<section aria-labelledby=…>`` of the Mina sidor start page."""
    match = re.search(
        rf'<section aria-labelledby="{title_id}">(.*?)</section>', page, flags=re.DOTALL
    )
    assert match, f"no section {title_id}"
    return html.unescape(match.group(1))


def items(part: str) -> list[str]:
    """One string per listed item, tags removed and spaces collapsed."""
    rows = re.findall(r'<li class="portal-item">(.*?)</li>', part, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_tolvan_sees_cases_of_several_modules_a_shadow_case_and_a_draft(client, settings):
    settings.FIXAMINGATA_RATE_LIMITS = {}
    call_command("load_demo", verbosity=0)
    for loader in loaders():  # the Mina sidor loaders are idempotent
        if loader.name in ("portal", "portal-citizen"):
            loader.load(lambda _msg: None)
    report = Report.objects.get(idempotency_key=REPORT_KEY)
    assert Report.objects.filter(user__civic_number=CIVIC_NUMBER).count() == 1
    assert report.case is not None
    assert report.case.contacts.filter(person__civic_number=CIVIC_NUMBER).exists()
    sent = Submission.objects.get(
        eservice__slug=DRAFT_ESERVICE, user__civic_number=CIVIC_NUMBER, status="submitted"
    )
    draft = Submission.objects.get(
        eservice__slug=DRAFT_ESERVICE,
        user__civic_number=CIVIC_NUMBER,
        status=SubmissionStatus.DRAFT,
    )
    application = Application.objects.get(applicant=CIVIC_NUMBER)

    login_citizen(client)  # the demo Test-legitimation, person 0 = Tolvan
    page = client.get("/mina-sidor/")
    assert page.status_code == 200
    ongoing = items(section(page.text, "open-title"))

    def ongoing_item(*parts):
        found = [row for row in ongoing if all(part in row for part in parts)]
        assert found, f"{parts} not among {ongoing}"
        return found[0]

    # An e-service case (the sent "Kontakta kommunen").
    ongoing_item("Kontakta kommunen", "E-tjänst", sent.case.reference)
    # The FixaMinGata report made while logged in.
    ongoing_item(REPORT_TITLE, "FixaMinGata", report.case.reference)
    # The ekonomiskt bistånd application.
    ongoing_item("Ansökan om ekonomiskt bistånd", "E-tjänst", application.case.reference)
    # A shadow case of an external system, with its source.
    ongoing_item("Bygglov för nybyggnad av garage", "Från Bygglov (e-Bygglov)", "BN 2026-000417")
    assert "Kontakta kommunen" in section(page.text, "forms-title")

    # The draft, with a resume link that opens it where Tolvan left off.
    drafts = section(page.text, "drafts-title")
    assert "Kontakta kommunen" in drafts and "Utkast" in drafts
    link = re.search(r'<a href="([^"]+)">Kontakta kommunen</a>', drafts).group(1)
    assert (
        link
        == f"/e-tjanster/{draft.eservice.organisation.slug}/{DRAFT_ESERVICE}/{draft.draft_token}/"
    )
    resumed = client.get(link)
    assert resumed.status_code == 302
    form = client.get(resumed["Location"])
    assert form.status_code == 200
    assert "Ditt ärende" in form.text and "Vad gäller det?" in form.text
    assert re.search(r'value="gata"[^>]*(checked|selected)', form.text), "answer not kept"

    # Each of the cases opens from the list.
    for case in (sent.case, report.case, application.case):
        assert client.get(f"/mina-sidor/arende/{case.pk}/").status_code == 200


def test_the_citizen_loader_skips_without_sandviken(db):
    lines = []
    load_citizen_demo(lines.append)
    assert "saknas" in lines[-1]
    assert not Submission.objects.exists() and not Report.objects.exists()
