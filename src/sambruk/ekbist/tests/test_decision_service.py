"""do_decide: items, outcome, frozen calculation, payment, audit, citizen-visible log entry and
letter, decided status; bad input refused with Swedish messages and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sambruk.cases.models import Attachment, CaseLogEntry
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import (
    Application,
    ApplicationState,
    Decision,
    DecisionItem,
    Outcome,
    Payment,
)
from sambruk.ekbist.services.decision import DecisionError, decision_basis, do_decide

from .decision_helpers import PERIOD, load_norm, make_application, single_data, staff

pytestmark = pytest.mark.django_db

# 2023, single adult: personal 3 490 + common HH1 1 130 = 4 620 kr.
NORM_2023_SINGLE = 4620


@pytest.fixture
def kommun():
    load_norm()
    return OrganisationFactory(name="Sandvikens kommun")


@pytest.fixture
def worker(kommun):
    return staff(kommun)


@pytest.fixture
def application(kommun, worker):
    return make_application(kommun, worker)


def written():
    return (
        Decision.objects.count(),
        DecisionItem.objects.count(),
        Payment.objects.count(),
        Attachment.objects.count(),
    )


def test_basis_has_the_norm_and_each_cost_applied_for(application):
    basis = decision_basis(application)
    assert [(i.code, i.applied, i.proposed) for i in basis.items] == [
        ("norm", NORM_2023_SINGLE, NORM_2023_SINGLE),
        ("housing", 6000, 6000),
        ("electricity", 300, 300),
    ]
    assert basis.income_total == 1500
    assert basis.calculation.need == NORM_2023_SINGLE + 6300 - 1500


def test_full_grant_writes_decision_items_payment_log_letter_and_status(application, worker):
    pay = timezone.localdate() + dt.timedelta(days=3)
    decision = do_decide(application, actor=worker, pay_date=pay)

    assert decision.outcome == Outcome.GRANTED
    assert decision.period_from == PERIOD
    assert decision.period_to == dt.date(2023, 12, 31)
    assert decision.total_granted == NORM_2023_SINGLE + 6300 - 1500
    assert decision.calculation["norm_total"] == NORM_2023_SINGLE
    assert decision.calculation["decision"]["payable"] == decision.total_granted
    assert [(i.code, i.granted_amount, i.outcome) for i in decision.items.all()] == [
        ("norm", NORM_2023_SINGLE, Outcome.GRANTED),
        ("housing", 6000, Outcome.GRANTED),
        ("electricity", 300, Outcome.GRANTED),
    ]
    payment = Payment.objects.get(decision=decision)
    assert (payment.pay_date, payment.amount) == (pay, decision.total_granted)
    assert payment.recipient == "Tolvan Tolvansson"
    assert payment.reference == application.case.reference

    application.refresh_from_db()
    assert application.state == ApplicationState.DECIDED
    case = application.case
    case.refresh_from_db()
    assert case.status.code == "beslutad"

    visible = CaseLogEntry.objects.filter(case=case, visible_to_citizen=True)
    assert any("Bifall" in e.text and "Utbetalt belopp: 9420 kr" in e.text for e in visible)
    letter = Attachment.objects.get(case=case)
    assert letter.visible_to_citizen is True
    assert letter.content_type == "application/pdf"
    assert letter.original_name.startswith("beslut-ekonomiskt-bistand-2023-12")

    event = AuditEvent.objects.get(object_type="ekbist.decision", object_id=str(decision.pk))
    assert event.action == "create"
    assert event.changes["total_granted"] == decision.total_granted


def test_partly_granted_items_need_a_motivation(application, worker):
    items = [{"code": "housing", "granted": 5000}]
    with pytest.raises(DecisionError) as error:
        do_decide(application, actor=worker, items=items)
    assert "ska motiveras" in str(error.value)
    assert written() == (0, 0, 0, 0)

    decision = do_decide(
        application, actor=worker, items=items, motivation="Hyran är högre än skäligt."
    )
    assert decision.outcome == Outcome.PARTLY
    housing = decision.items.get(code="housing")
    assert (housing.applied_amount, housing.granted_amount, housing.outcome) == (
        6000,
        5000,
        Outcome.PARTLY,
    )
    assert decision.total_granted == NORM_2023_SINGLE + 5000 + 300 - 1500


def test_income_above_need_is_a_rejection(kommun, worker):
    application = make_application(kommun, worker, data=single_data(income=20000))
    decision = do_decide(application, actor=worker, motivation="Inkomsten täcker behovet.")
    assert decision.outcome == Outcome.REJECTED
    assert decision.total_granted == 0
    assert not Payment.objects.filter(decision=decision).exists()
    assert Attachment.objects.filter(case=application.case, visible_to_citizen=True).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"items": [{"code": "housing", "granted": -1}]}, "får inte vara negativt"),
        ({"items": [{"code": "housing", "granted": "tusen"}]}, "heltal i kronor"),
        (
            {"items": [{"code": "electricity", "granted": 900}]},
            "är högre än det sökta (300 kr). Skriv en motivering",
        ),
        ({"items": [{"code": "bil", "granted": 1}]}, "Okänd kostnadspost"),
        (
            {"period_from": dt.date(2023, 11, 30), "period_to": dt.date(2023, 12, 31)},
            "inom ansökningsmånaden (2023-12-01 – 2023-12-31)",
        ),
        (
            {"period_from": dt.date(2023, 12, 1), "period_to": dt.date(2024, 1, 1)},
            "inom ansökningsmånaden",
        ),
        (
            {"period_from": dt.date(2023, 12, 20), "period_to": dt.date(2023, 12, 10)},
            "efter den sista",
        ),
        ({"pay_date": dt.date(2020, 1, 1)}, "bakåt i tiden"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_written(
    application, worker, kwargs, message
):
    with pytest.raises(DecisionError) as error:
        do_decide(application, actor=worker, **kwargs)
    assert message in str(error.value)
    assert written() == (0, 0, 0, 0)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert not CaseLogEntry.objects.filter(case=application.case, visible_to_citizen=True).exists()


def test_granted_above_applied_with_motivation_is_allowed(application, worker):
    items = [{"code": "electricity", "granted": 900, "motivation": "Elräkning för vintern."}]
    decision = do_decide(application, actor=worker, items=items)
    electricity = decision.items.get(code="electricity")
    assert electricity.granted_amount == 900
    assert electricity.motivation == "Elräkning för vintern."


def test_a_decision_on_another_kommuns_application_is_refused(application):
    other = OrganisationFactory(name="Gävle kommun")
    outsider = staff(other)
    with pytest.raises(DecisionError) as error:
        do_decide(application, actor=outsider)
    assert "annan kommun" in str(error.value)
    assert written() == (0, 0, 0, 0)


def test_without_the_decide_permission_it_is_refused(kommun, application):
    finance = staff(kommun, "ekbist_finance")
    with pytest.raises(DecisionError):
        do_decide(application, actor=finance)
    assert written() == (0, 0, 0, 0)


def test_a_decided_application_cannot_be_decided_again(application, worker):
    do_decide(application, actor=worker)
    with pytest.raises(DecisionError) as error:
        do_decide(Application.objects.get(pk=application.pk), actor=worker)
    assert "Beslutad" in str(error.value)
    assert Decision.objects.count() == 1


def test_housing_capped_by_the_guideline_is_proposed_partly(kommun, application, worker):
    from sambruk.ekbist.models import HousingCap, LocalGuideline

    guideline = LocalGuideline.objects.create(organisation=kommun, year=2023, source="KF 2022")
    HousingCap.objects.create(guideline=guideline, household_size=1, max_amount=5000)
    basis = decision_basis(application)
    housing = next(i for i in basis.items if i.code == "housing")
    assert (housing.applied, housing.proposed) == (6000, 5000)
    with pytest.raises(DecisionError):  # granting the proposal is a partial decision
        do_decide(application, actor=worker)
    decision = do_decide(application, actor=worker, motivation="Hyran över riktlinjen.")
    assert decision.outcome == Outcome.PARTLY
    assert decision.items.get(code="housing").granted_amount == 5000


def test_a_couple_gets_one_forsorjningshinder_per_adult_with_the_decision(kommun, worker):
    """Socialstyrelsen registers försörjningshinder per adult: the sökande and the medsökande
    each get their own code with the decision; audited, noted internally, counted twice."""
    from sambruk.ekbist.services.statistics import compute

    from .decision_helpers import TESTA, couple_data

    application = make_application(kommun, worker, data=couple_data(), co_applicant=TESTA)
    codes = {"sokande": "arbetslos_utan", "medsokande": "foraldraledig"}
    decision = do_decide(application, actor=worker, forsorjningshinder=codes)

    application.refresh_from_db()
    assert application.forsorjningshinder_by_adult == codes
    event = AuditEvent.objects.get(object_type="ekbist.decision", object_id=str(decision.pk))
    assert event.changes["forsorjningshinder"] == {
        "sokande": ["", "arbetslos_utan"],
        "medsokande": ["", "foraldraledig"],
    }
    note = CaseLogEntry.objects.get(case=application.case, text__startswith="Försörjningshinder")
    assert note.text == (
        "Försörjningshinder för Socialstyrelsens statistik, 2023-12: "
        "Sökande: Arbetslös – ingen ersättning; Medsökande: Föräldraledig."
    )
    assert note.visible_to_citizen is False

    stats = compute(worker, first=PERIOD, last=PERIOD)
    [row] = stats.months
    assert (row.households, row.adults) == (1, 2)
    assert row.hinder == {"arbetslos_utan": 1, "foraldraledig": 1}


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ({"sokande": "semester"}, "Okänt värde för försörjningshinder (sökande): semester."),
        ({"medsokande": "annat"}, "Medsökande finns inte i ansökan."),
    ],
)
def test_a_bad_forsorjningshinder_refuses_the_decision(application, worker, codes, message):
    with pytest.raises(DecisionError) as error:
        do_decide(application, actor=worker, forsorjningshinder=codes)
    assert str(error.value).startswith(message)
    assert written() == (0, 0, 0, 0)
    application.refresh_from_db()
    assert application.forsorjningshinder_by_adult == {}
    assert application.state == ApplicationState.SUBMITTED
