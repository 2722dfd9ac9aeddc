"""PDF export of a case: chosen parts only, protected addresses hidden, export audited."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.pdf import PARTS, case_pdf
from sambruk.core.accounts.tests.factories import MembershipFactory
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.tests.factories import PersonFactory

from .factories import caseworker

#: One distinctive word per part, written into the case, looked for in the PDF text.
TOKENS = {
    "description": "Beskrivningsordet",
    "contacts": "kontaktordet@example.se",
    "notes": "Anteckningsordet",
    "conversations": "Meddelandeordet",
    "forms": "Formularordet",
    "log": "Rubriken ändrades.",
}
SECRET_STREET = "Hemligavägen 77"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def case(setup):
    s = setup
    s.case_type.closing_form = [{"name": "utfall", "label": "Utfall", "type": "text"}]
    s.case_type.save()
    case = services.do_create(
        actor=s.worker,
        queue=s.queue,
        case_type=s.case_type,
        title="Klagomål på snöröjning",
        description=f"Gatan är inte plogad. {TOKENS['description']}.",
    )
    case = services.do_change_title(case, actor=s.worker, title="Snöröjning vid skolan")
    s.protected = PersonFactory(
        given_name="Skyddad",
        family_name="Person",
        protected=True,
        street_address=SECRET_STREET,
        email="skyddad@example.se",
        phone="070-111 22 33",
    )
    services.do_add_contact(case, actor=s.worker, person=s.protected, role="Anmälare")
    services.do_add_contact(
        case, actor=s.worker, name="Fri Kontakt", email=TOKENS["contacts"], phone="026-123"
    )
    services.do_add_note(case, actor=s.worker, text=f"Ringde upp. {TOKENS['notes']}.")
    conv = services.do_start_conversation(
        case, actor=s.worker, topic="Plogning", participants=["entreprenad@example.se"]
    )
    services.do_post_message(conv, actor=s.worker, body=f"Kan ni ploga? {TOKENS['conversations']}")
    services.do_submit_form(
        case, actor=s.worker, form_code="closing", data={"utfall": TOKENS["forms"]}
    )
    return case


def test_all_parts(setup, case):
    data = case_pdf(case, actor=setup.worker, parts=set(PARTS))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert case.reference in text
    assert "Snöröjning vid skolan" in text
    assert setup.org.name in text
    assert "Sida 1 av" in text
    for part, token in TOKENS.items():
        assert token in text, part
    assert "Skyddad Person" in text
    assert SECRET_STREET not in text
    assert "skyddad@example.se" not in text
    assert "070-111 22 33" not in text
    assert "adress och kontaktuppgifter visas inte" in text
    export = AuditEvent.objects.get(action="export", object_id=str(case.pk))
    assert export.actor == setup.worker
    assert export.object_type == "cases.case"
    assert export.changes == {"format": "pdf", "parts": sorted(PARTS)}
    # Reaching the protected person is itself audited.
    assert AuditEvent.objects.filter(
        action="read", person=setup.protected, actor=setup.worker
    ).exists()


@pytest.mark.parametrize(
    "chosen", [{"description"}, {"notes", "forms"}, {"contacts", "conversations"}, {"log"}, set()]
)
def test_only_chosen_parts_are_in_the_pdf(setup, case, chosen):
    text = pdf_text(case_pdf(case, actor=setup.worker, parts=chosen))
    for part, token in TOKENS.items():
        if part in chosen:
            assert token in text, part
        else:
            assert token not in text, part
    assert SECRET_STREET not in text


def test_note_text_stays_out_of_the_log_part(setup, case):
    text = pdf_text(case_pdf(case, actor=setup.worker, parts={"log"}))
    assert "Anteckning tillagd." in text
    assert TOKENS["notes"] not in text
    assert TOKENS["conversations"] not in text


def test_viewer_with_protected_data_role_sees_the_address(setup, case):
    MembershipFactory(user=setup.other, organisation=setup.org, role="protected_data")
    text = pdf_text(case_pdf(case, actor=setup.other, parts={"contacts"}))
    assert SECRET_STREET in text


def test_refused_for_unknown_part_and_for_outsiders(setup, case, org_factory):
    with pytest.raises(CaseActionError) as err:
        case_pdf(case, actor=setup.worker, parts={"description", "hemligt"})
    assert err.value.message == "Okänd del av ärendet: hemligt."
    outsider = caseworker(org_factory())
    with pytest.raises(CaseActionError) as err:
        case_pdf(case, actor=outsider, parts={"description"})
    assert err.value.code == "not_found"
    assert not AuditEvent.objects.filter(action="export").exists()
