"""The decision letter's text (read back with pypdf): kommun, masked civic number, items and
amounts, period, motivation, norm breakdown, appeal instructions; no protected address."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from sambruk.cases.models import Attachment
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.core.persons.models import Protection
from sambruk.ekbist.services.decision import do_decide
from sambruk.ekbist.services.decision_letter import render_letter_pdf

from .decision_helpers import TESTA, couple_data, load_norm, make_application, staff, tolvan

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def kommun():
    load_norm()
    return OrganisationFactory(name="Sandvikens kommun")


@pytest.fixture
def worker(kommun):
    return staff(kommun, full_name="Sara Socialsekreterare")


def decide_partly(kommun, worker, **app_kwargs):
    application = make_application(kommun, worker, **app_kwargs)
    return do_decide(
        application,
        actor=worker,
        items=[
            {"code": "housing", "granted": 5500, "motivation": "Hyran över riktlinjen."},
            {"code": "electricity", "granted": 0},
        ],
        motivation="Du har rätt till bistånd för norm och en skälig boendekostnad.",
    )


def test_letter_content(kommun, worker):
    tolvan()
    decision = decide_partly(kommun, worker)
    attachment = Attachment.objects.get(case=decision.case)
    with attachment.file.open("rb") as fh:
        text = text_of(fh.read())

    assert "Sandvikens kommun" in text
    assert "Beslut om ekonomiskt bistånd" in text
    assert decision.case.reference in text
    assert "Tolvan Tolvansson, 19121212-****" in text
    assert "191212121212" not in text and "19121212-1212" not in text
    assert "Testgatan 12" in text  # not protected: the address is printed
    assert "Delvis bifall" in text
    assert "2023-12-01 – 2023-12-31" in text
    # Items: applied and granted, outcome per item, motivation.
    assert (
        "Boendekostnad Motivering: Hyran över riktlinjen. 6 000 kr 5 500 kr Delvis bifall" in text
    )
    assert "Hushållsel 300 kr 0 kr Avslag" in text
    assert "Du har rätt till bistånd för norm och en skälig boendekostnad." in text
    # Totals: 4 620 + 5 500 + 0 − 1 500 = 8 620.
    assert "Summa godkända kostnader 10 120 kr" in text
    assert "Avgår: hushållets inkomster 1 500 kr" in text
    assert "Beviljat försörjningsstöd att betala ut 8 620 kr" in text
    # Norm breakdown with rule references.
    assert "Beräkning enligt riksnormen 2023" in text
    assert (
        "Personliga kostnader, ensamstående vuxen "
        "SoF 2 kap. 1 § (riksnormen, personliga kostnader) 3 490 kr"
    ) in text
    assert "SoF 2 kap. 1 § (riksnormen, gemensamma hushållskostnader) 1 130 kr" in text
    assert "Ersättning från a-kassa (sökande) SoL: hushållets inkomster räknas av 1 500 kr" in text
    # Appeal instructions.
    assert "Hur du överklagar" in text
    assert "förvaltningsrätten" in text
    assert "inom tre veckor från den dag du fick del av beslutet" in text
    # förvaltningslagen 44 §: the time runs from the day the applicant *fick del av* the
    # decision; "delgavs" (formal service) is narrower and was dropped.
    assert "fick del av beslutet (förvaltningslagen (2017:900) 44 §)" in text
    assert "delgavs" not in text
    # The socialtjänstlag in force since 2025-07-01; the old law's paragraph is not printed.
    assert "med stöd av socialtjänstlagen (2025:400) om rätt till bistånd" in text
    assert "4 kap. 1 § socialtjänstlagen" not in text
    assert "skicka eller lämna överklagandet till Sandvikens kommun" in text
    assert "skriftligt" in text


@pytest.mark.parametrize(
    "protection", [Protection.SKYDDAD_FOLKBOKFORING, Protection.SEKRETESSMARKERING]
)
def test_protected_persons_address_is_never_printed(kommun, worker, protection):
    tolvan(protection)
    decision = decide_partly(kommun, worker)
    text = text_of(render_letter_pdf(decision))
    assert "Tolvan Tolvansson, 19121212-****" in text
    assert "Testgatan" not in text
    assert "81130" not in text
    assert "Sandviken" not in text.replace("Sandvikens kommun", "")


def test_protected_flag_in_the_application_hides_the_address(kommun, worker):
    tolvan()
    data = couple_data(protected=True)
    decision = decide_partly(kommun, worker, data=data, co_applicant=TESTA)
    text = text_of(render_letter_pdf(decision))
    assert "Testgatan" not in text
    assert "Medsökande: Testa Påhittadsson, 19811218-****" in text
    # Couple norm 2023: 6 300 + HH2 1 250.
    assert "Personliga kostnader, sammanboende vuxna SoF 2 kap. 1 §" in text
    assert "6 300 kr" in text
