"""The decision pages: form, decide by POST, Swedish errors, access by role, tenant and 2FA;
the decision as the citizen sees it (case-log entry and letter flagged visible)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_login
from sambruk.cases.models import Attachment, CaseLogEntry
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import Decision, Outcome, Payment

from .decision_helpers import load_norm, make_application, staff, tolvan

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommun():
    load_norm()
    return OrganisationFactory(name="Sandvikens kommun")


@pytest.fixture
def worker(kommun):
    return staff(kommun)


@pytest.fixture
def application(kommun, worker):
    tolvan()
    return make_application(kommun, worker)


def form_data(application, **overrides):
    data = {
        "period_from": "2023-12-01",
        "period_to": "2023-12-31",
        "pay_date": "2099-12-27",
        "motivation": "",
        "granted_norm": "4620",
        "granted_housing": "6000",
        "granted_electricity": "300",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_calculation_and_one_field_per_item(client, application, worker):
    verified_login(client, worker)
    response = client.get(reverse("ekbist:decide", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beräkning enligt riksnormen 2023" in html
    assert 'name="granted_norm" value="4620"' in html
    assert 'name="granted_housing" value="6000"' in html
    assert 'name="granted_electricity" value="300"' in html
    assert "Beräknat behov" in html


def test_decide_by_post_redirects_to_the_decision(client, application, worker):
    verified_login(client, worker)
    response = client.post(
        reverse("ekbist:decide", args=[application.pk]),
        form_data(application, granted_housing="5000", motivation="Skälig hyra är 5 000 kr."),
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ekbist:decision", args=[decision.pk])
    assert decision.outcome == Outcome.PARTLY
    assert decision.total_granted == 4620 + 5000 + 300 - 1500

    page = client.get(response["Location"]).content.decode()
    assert "Delvis bifall" in page
    assert "19121212-****" in page
    assert "191212121212" not in page
    letter = client.get(reverse("ekbist:decision_letter", args=[decision.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")


def test_the_citizen_sees_the_decision_entry_and_the_letter(client, application, worker):
    verified_login(client, worker)
    client.post(reverse("ekbist:decide", args=[application.pk]), form_data(application))
    case = application.case
    entries = CaseLogEntry.objects.filter(case=case, visible_to_citizen=True)
    texts = " ".join(e.text for e in entries)
    assert "Beslut om ekonomiskt bistånd för perioden 2023-12-01 – 2023-12-31: Bifall" in texts
    letter = Attachment.objects.get(case=case)
    assert letter.visible_to_citizen
    assert letter.original_name in texts
    # Internal entries (e.g. the status change) stay internal.
    assert CaseLogEntry.objects.filter(case=case, visible_to_citizen=False).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"granted_housing": "-100"}, "får inte vara negativt"),
        ({"granted_electricity": "900"}, "Skriv en motivering för posten"),
        ({"granted_housing": "tre"}, "Ange ett belopp i hela kronor."),
        ({"period_to": "2024-01-15"}, "inom ansökningsmånaden"),
        ({"granted_housing": "0"}, "ska motiveras"),
    ],
)
def test_bad_input_answers_400_with_a_swedish_message(
    client, application, worker, overrides, message
):
    verified_login(client, worker)
    response = client.post(
        reverse("ekbist:decide", args=[application.pk]), form_data(application, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Decision.objects.exists()
    assert not Payment.objects.exists()
    assert not Attachment.objects.exists()


def test_another_kommuns_application_is_404(client, application):
    other = OrganisationFactory(name="Gävle kommun")
    outsider = staff(other)
    verified_login(client, outsider)
    assert client.get(reverse("ekbist:decide", args=[application.pk])).status_code == 404
    response = client.post(reverse("ekbist:decide", args=[application.pk]), form_data(application))
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_roles_without_decide_are_refused(client, kommun, application):
    for role in ("caseworker", "ekbist_finance"):
        user = staff(kommun, role)
        verified_login(client, user)
        response = client.post(
            reverse("ekbist:decide", args=[application.pk]), form_data(application)
        )
        assert response.status_code == 403
    assert not Decision.objects.exists()


def test_without_a_verified_second_factor_it_goes_to_the_otp_step(client, application, worker):
    client.force_login(worker)
    response = client.get(reverse("ekbist:decide", args=[application.pk]))
    assert response.status_code == 302
    assert reverse("accounts:otp") in response["Location"]


def test_decision_pages_of_another_kommun_are_404(client, application, worker):
    verified_login(client, worker)
    client.post(reverse("ekbist:decide", args=[application.pk]), form_data(application))
    decision = Decision.objects.get()
    outsider = staff(OrganisationFactory(name="Gävle kommun"))
    verified_login(client, outsider)
    assert client.get(reverse("ekbist:decision", args=[decision.pk])).status_code == 404
    assert client.get(reverse("ekbist:decision_letter", args=[decision.pk])).status_code == 404


def test_the_case_view_links_to_the_decision_page(client, application, worker):
    verified_login(client, worker)
    html = client.get(reverse("workspace:case", args=[application.case_id])).content.decode()
    assert reverse("ekbist:decide", args=[application.pk]) in html
    assert reverse("ekbist:application_codes", args=[application.pk]) in html


def test_mina_sidor_shows_the_decision_to_the_applicant_only(application, worker):
    """Through the case engine's citizen side (what the portal renders)."""
    from sambruk.cases import services as case_services
    from sambruk.cases.services.citizen import (
        Citizen,
        citizen_case,
        visible_attachments,
        visible_log,
    )
    from sambruk.core.persons.models import Person
    from sambruk.ekbist.services.decision import do_decide

    person = Person.objects.get(civic_number="191212121212")
    case_services.do_add_contact(application.case, actor=worker, person=person, role="Sökande")
    do_decide(application, actor=worker)

    applicant = Citizen("191212121212")
    case = citizen_case(applicant, application.case_id)
    assert case is not None
    assert any("Bifall" in entry.text for entry in visible_log(case))
    assert [a.original_name for a in visible_attachments(case, applicant)] == [
        f"beslut-ekonomiskt-bistand-2023-12-{Decision.objects.get().pk}.pdf"
    ]
    assert citizen_case(Citizen("198112189876"), application.case_id) is None


def test_reading_the_decision_is_audited_with_the_person(client, application, worker):
    from sambruk.core.audit.models import AuditEvent

    verified_login(client, worker)
    client.post(reverse("ekbist:decide", args=[application.pk]), form_data(application))
    decision = Decision.objects.get()
    client.get(reverse("ekbist:decision", args=[decision.pk]))
    client.get(reverse("ekbist:decision_letter", args=[decision.pk]))
    reads = AuditEvent.objects.filter(
        action="read", object_type="ekbist.decision", object_id=str(decision.pk)
    )
    assert reads.count() == 2
    assert {e.person_civic_number for e in reads} == {"191212121212"}


def test_the_caseworker_records_forsorjningshinder_per_adult_in_the_decision_form(
    client, kommun, worker
):
    from .decision_helpers import TESTA, couple_data

    tolvan()
    application = make_application(kommun, worker, data=couple_data(), co_applicant=TESTA)
    url = reverse("ekbist:decide", args=[application.pk])
    verified_login(client, worker)
    html = client.get(url).content.decode()
    assert "Försörjningshinder per vuxen (Socialstyrelsens statistik)" in html
    assert "Försörjningshinder, sökande" in html and "Försörjningshinder, medsökande" in html
    assert 'name="forsorjningshinder_sokande"' in html
    assert 'name="forsorjningshinder_medsokande"' in html

    import re

    basis = {
        "period_from": "2023-12-01",
        "period_to": "2023-12-31",
        "pay_date": "2099-12-27",
        "motivation": "",
        **dict(re.findall(r'name="(granted_\w+)" value="(\d+)"', html)),
    }
    bad = client.post(
        url, {**basis, "forsorjningshinder_sokande": "annat", "forsorjningshinder_medsokande": "x"}
    )
    assert bad.status_code == 400
    assert "Välj ett försörjningshinder i listan för medsökande." in bad.content.decode()
    assert not Decision.objects.exists()

    response = client.post(
        url,
        {
            **basis,
            "forsorjningshinder_sokande": "sjukskriven_utan",
            "forsorjningshinder_medsokande": "studerande",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.forsorjningshinder_by_adult == {
        "sokande": "sjukskriven_utan",
        "medsokande": "studerande",
    }


def test_a_single_applicant_has_one_forsorjningshinder_select(client, application, worker):
    verified_login(client, worker)
    html = client.get(reverse("ekbist:decide", args=[application.pk])).content.decode()
    assert 'name="forsorjningshinder_sokande"' in html
    assert 'name="forsorjningshinder_medsokande"' not in html
    response = client.post(
        reverse("ekbist:decide", args=[application.pk]),
        form_data(application, forsorjningshinder_sokande="arbetar_heltid"),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.forsorjningshinder_by_adult == {"sokande": "arbetar_heltid"}
