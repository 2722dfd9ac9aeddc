"""Monthly statistics against hand-computed seeded data; codes services; page, chart, CSV;
access by role and tenant."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from conftest import verified_login
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.codes import Avslutsorsak, Forsorjningshinder
from sambruk.ekbist.models import Application, Decision, Outcome, Payment
from sambruk.ekbist.services.statistics import (
    StatisticsError,
    compute,
    do_set_avslutsorsak,
    do_set_forsorjningshinder,
    statistics_csv,
)

from .decision_helpers import (
    TESTA,
    TOLVAN,
    case_setup,
    couple_data,
    make_application,
    single_data,
    staff,
)

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = dt.date(2023, 10, 1), dt.date(2023, 11, 1), dt.date(2023, 12, 1)
THIRD = "198507099805"


def seed_decision(app, actor, amount, *, day=None, outcome=Outcome.GRANTED):
    """A decision row with its payment (the statistics read rows, not the letter)."""
    start = day or app.period
    decision = Decision.objects.create(
        organisation=app.organisation,
        case=app.case,
        application=app,
        outcome=outcome if amount else Outcome.REJECTED,
        period_from=start,
        period_to=start.replace(day=28),
        total_granted=amount,
        decided_by=actor,
    )
    if amount:
        Payment.objects.create(
            organisation=app.organisation,
            decision=decision,
            pay_date=start,
            amount=amount,
            recipient="x",
        )
    return decision


@pytest.fixture
def seeded():
    """Kommun A, Oct–Dec 2023 (hand-computed in the tests):

    - H1 Tolvan, single: Oct 5 000 (arbetslös utan ersättning); Nov 4 000 + a second decision
      of 1 000 the same month (one household, 5 000 paid).
    - H2 Testa + Tolvan + one child (3 persons, 2 adults): Nov 9 000, the sökande sjukskriven
      utan ersättning and the medsökande arbetar deltid (two codes, two adults); Dec avslag
      (0 kr, not counted) and the assistance ended: avslutsorsak arbete.
    - H3 (198507099805), single: Dec 3 000, no försörjningshinder registered.
    Kommun B: Dec 7 777 — never in A's figures.
    """
    a = OrganisationFactory(name="Sandvikens kommun")
    b = OrganisationFactory(name="Gävle kommun")
    worker = staff(a)
    setup = case_setup(a)

    def app(period, applicant, data, hinder=None, avslut="", org=a, actor=worker, setup_=setup):
        application = make_application(
            org, actor, data=data, period=period, applicant=applicant, setup=setup_
        )
        Application.objects.filter(pk=application.pk).update(
            forsorjningshinder_by_adult=hinder or {}, avslutsorsak=avslut
        )
        application.refresh_from_db()
        return application

    unemployed = {"sokande": Forsorjningshinder.ARBETSLOS_UTAN_ERSATTNING.value}
    h1_oct = app(OCT, TOLVAN, single_data(), unemployed)
    seed_decision(h1_oct, worker, 5000)
    h1_nov = app(NOV, TOLVAN, single_data(), unemployed)
    seed_decision(h1_nov, worker, 4000)
    seed_decision(h1_nov, worker, 1000, day=dt.date(2023, 11, 15))
    family = couple_data()
    family["members"].append(
        {"role": "barn", "name": "Barn", "birth_date": "2015-05-05", "residence": "heltid"}
    )
    two_codes = {
        "sokande": Forsorjningshinder.SJUKSKRIVEN_UTAN.value,
        "medsokande": Forsorjningshinder.ARBETAR_DELTID.value,
    }
    h2_nov = app(NOV, TESTA, family, two_codes)
    seed_decision(h2_nov, worker, 9000)
    h2_dec = app(DEC, TESTA, family, two_codes, Avslutsorsak.ARBETE)
    seed_decision(h2_dec, worker, 0)
    h3_dec = app(DEC, THIRD, single_data())
    seed_decision(h3_dec, worker, 3000)

    b_worker = staff(b)
    b_app = app(
        DEC,
        TOLVAN,
        single_data(),
        {"sokande": "annat"},
        "flyttat",
        org=b,
        actor=b_worker,
        setup_=case_setup(b),
    )
    seed_decision(b_app, b_worker, 7777)
    return {
        "a": a,
        "b": b,
        "worker": worker,
        "b_worker": b_worker,
        "h1_nov": h1_nov,
        "h2_nov": h2_nov,
    }


def figures(stats):
    return [
        (r.month, r.households, r.persons, r.adults, r.paid, r.hinder, r.avslut)
        for r in stats.months
    ]


def test_monthly_figures_against_hand_computed_data(seeded):
    """Households stay households; försörjningshinder counts adults (the couple H2 twice)."""
    stats = compute(seeded["worker"], first=OCT, last=DEC)
    assert figures(stats) == [
        (OCT, 1, 1, 1, 5000, {"arbetslos_utan": 1}, {}),
        (
            NOV,
            2,
            1 + 3,
            1 + 2,
            4000 + 1000 + 9000,
            {"arbetslos_utan": 1, "sjukskriven_utan": 1, "arbetar_deltid": 1},
            {},
        ),
        (DEC, 1, 1, 1, 3000, {"": 1}, {"arbete": 1}),
    ]
    totals = stats.totals
    assert (totals.households, totals.persons, totals.adults, totals.paid) == (4, 6, 5, 22000)
    assert totals.hinder == {
        "arbetslos_utan": 2,
        "sjukskriven_utan": 1,
        "arbetar_deltid": 1,
        "": 1,
    }
    assert stats.organisation_ids == [seeded["a"].pk]


def test_households_per_hushallstyp_with_socialstyrelsens_codes(seeded):
    """Register codes: 3 ensamstående man utan barn (Tolvan), 5 ensamstående kvinna utan barn
    (198507099805, even birth number), 8 sammanboende par med barn (H2 with a child of 8)."""
    stats = compute(seeded["worker"], first=OCT, last=DEC)
    assert [r.hushallstyp for r in stats.months] == [{"3": 1}, {"3": 1, "8": 1}, {"5": 1}]
    assert stats.totals.hushallstyp == {"3": 2, "8": 1, "5": 1}
    assert stats.hushallstyp_codes() == ["3", "5", "8"]


def _household(*members, period="2023-11"):
    return {"period": period, "members": [dict(m) for m in members]}


SOKANDE_MAN = {"role": "sokande", "civic_number": TOLVAN}
SOKANDE_KVINNA = {"role": "sokande", "civic_number": THIRD}
MEDSOKANDE = {"role": "medsokande", "civic_number": TESTA}
CHILD_8 = {"role": "barn", "birth_date": "2015-05-05", "residence": "heltid"}
CHILD_8_UMGANGE = {"role": "barn", "birth_date": "2015-05-05", "residence": "umgange"}
YOUTH_19 = {"role": "barn", "birth_date": "2004-05-05", "residence": "heltid"}


@pytest.mark.parametrize(
    ("members", "code"),
    [
        ((SOKANDE_MAN,), "3"),
        ((SOKANDE_MAN, CHILD_8), "4"),
        ((SOKANDE_KVINNA,), "5"),
        ((SOKANDE_KVINNA, CHILD_8), "6"),
        ((SOKANDE_KVINNA, MEDSOKANDE), "7"),
        ((SOKANDE_MAN, MEDSOKANDE, CHILD_8), "8"),
        # an umgängesbarn does not live in the household; a school youth of 19 is no child
        # under 18 in Socialstyrelsen's sense
        ((SOKANDE_KVINNA, CHILD_8_UMGANGE), "5"),
        ((SOKANDE_MAN, YOUTH_19), "3"),
        ((SOKANDE_MAN, MEDSOKANDE, YOUTH_19), "7"),
        (({"role": "sokande", "civic_number": "200901011239"},), "1"),  # 14 years old
        (({"role": "sokande", "civic_number": "inte-ett-nummer"},), "9"),
        (({"role": "sokande"},), "9"),
    ],
)
def test_hushallstyp_codes(members, code):
    from sambruk.ekbist.codes import Hushallstyp
    from sambruk.ekbist.services.statistics import hushallstyp

    assert hushallstyp(_household(*members)) == code
    assert code in Hushallstyp.values


def test_hushallstyp_takes_the_applicant_of_the_row_over_the_data():
    from sambruk.ekbist.services.statistics import hushallstyp

    assert hushallstyp(_household(SOKANDE_MAN), applicant=THIRD) == "5"


def test_other_kommun_sees_only_its_own(seeded):
    stats = compute(seeded["b_worker"], first=OCT, last=DEC)
    assert figures(stats)[2] == (DEC, 1, 1, 1, 7777, {"annat": 1}, {"flyttat": 1})
    assert stats.totals.paid == 7777
    # Asking for A's organisation explicitly gives nothing either.
    stats = compute(seeded["b_worker"], first=OCT, last=DEC, organisation=seeded["a"])
    assert stats.totals.paid == 0


def test_bad_ranges_are_refused(seeded):
    with pytest.raises(StatisticsError) as error:
        compute(seeded["worker"], first=DEC, last=OCT)
    assert "efter till-månaden" in error.value.message
    with pytest.raises(StatisticsError):
        compute(seeded["worker"], first=dt.date(2020, 1, 1), last=DEC)


def test_csv(seeded):
    stats = compute(seeded["worker"], first=OCT, last=DEC)
    body = statistics_csv(seeded["worker"], stats)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Månad",
        "Biståndshushåll",
        "Biståndsmottagare",
        "Utbetalt ekonomiskt bistånd, kr",
        "Hushållstyp: Ensamstående man utan barn",
        "Hushållstyp: Ensamstående kvinna utan barn",
        "Hushållstyp: Sammanboende par med barn",
        "Vuxna biståndsmottagare",
        "Vuxna biståndsmottagare, försörjningshinder: Arbetslös – ingen ersättning",
        "Vuxna biståndsmottagare, försörjningshinder: "
        "Sjukskriven med läkarintyg – ingen ersättning",
        "Vuxna biståndsmottagare, försörjningshinder: Arbetar deltid – otillräcklig inkomst",
        "Vuxna biståndsmottagare, försörjningshinder: Ej registrerat",
        "Avslutsorsak: Arbete",
    ]
    assert rows[1:] == [
        ["2023-10", "1", "1", "5000", "1", "0", "0", "1", "1", "0", "0", "0", "0"],
        ["2023-11", "2", "4", "14000", "1", "0", "1", "3", "1", "1", "1", "0", "0"],
        ["2023-12", "1", "1", "3000", "0", "1", "0", "1", "0", "0", "0", "1", "1"],
        ["Summa", "4", "6", "22000", "2", "1", "1", "5", "2", "1", "1", "1", "1"],
    ]
    assert AuditEvent.objects.filter(action="export", object_type="ekbist.statistics").exists()


def test_set_codes_with_validation_and_audit(seeded):
    app = seeded["h1_nov"]
    worker = seeded["worker"]
    app = do_set_forsorjningshinder(app, actor=worker, codes={"sokande": "arbetshinder_ohalsa"})
    assert Application.objects.get(pk=app.pk).forsorjningshinder_by_adult == {
        "sokande": "arbetshinder_ohalsa"
    }
    event = AuditEvent.objects.filter(action="update", object_type="ekbist.application").last()
    assert event.changes == {
        "forsorjningshinder": {"sokande": ["arbetslos_utan", "arbetshinder_ohalsa"]}
    }
    # The case log has an internal note (not shown to the citizen).
    note = app.case.log.filter(kind="note").order_by("pk").last()
    assert note.text == (
        "Försörjningshinder för Socialstyrelsens statistik, 2023-11: "
        "Sökande: Arbetshinder – ohälsa."
    )
    assert not note.visible_to_citizen
    # A single applicant has no medsökande; an unknown code is refused; nothing changes.
    with pytest.raises(StatisticsError) as error:
        do_set_forsorjningshinder(app, actor=worker, codes={"medsokande": "annat"})
    assert error.value.message.startswith("Medsökande finns inte i ansökan.")
    with pytest.raises(StatisticsError) as error:
        do_set_forsorjningshinder(app, actor=worker, codes={"sokande": "semester"})
    assert error.value.message == "Okänt värde för försörjningshinder (sökande): semester."
    assert error.value.field == "forsorjningshinder_sokande"
    assert Application.objects.get(pk=app.pk).forsorjningshinder_by_adult == {
        "sokande": "arbetshinder_ohalsa"
    }
    with pytest.raises(StatisticsError) as error:
        do_set_avslutsorsak(app, actor=worker, code="semester")
    assert "Okänt värde för avslutsorsak" in error.value.message
    with pytest.raises(StatisticsError):
        do_set_avslutsorsak(app, actor=seeded["b_worker"], code="arbete")
    assert Application.objects.get(pk=app.pk).avslutsorsak == ""


def test_statistics_page_with_chart_and_tables(client, seeded):
    verified_login(client, seeded["worker"])
    response = client.get(reverse("ekbist:statistics"), {"first": "2023-10", "last": "2023-12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "<title>2023-11: 14000 kr</title>" in html
    assert "<title>2023-11: 2 hushåll</title>" in html
    assert '<th scope="row">2023-11</th><td>2</td><td>4</td><td>14000</td>' in html
    assert "Sjukskriven med läkarintyg – ingen ersättning" in html
    assert '<th scope="col">Biståndshushåll</th><th scope="col">Biståndsmottagare</th>' in html
    assert "Biståndshushåll per hushållstyp" in html
    assert '<th scope="col">8 Sammanboende par med barn</th>' in html
    assert "7777" not in html  # kommun B
    export = client.get(
        reverse("ekbist:statistics_export"), {"first": "2023-10", "last": "2023-12"}
    )
    assert export.status_code == 200
    assert "2023-11;2;4;14000" in export.content.decode("utf-8-sig")


def test_statistics_bad_input_and_access(client, seeded):
    verified_login(client, seeded["worker"])
    response = client.get(reverse("ekbist:statistics"), {"first": "2023-12", "last": "2023-10"})
    assert response.status_code == 400
    assert "Från-månaden ligger efter till-månaden." in response.content.decode()
    response = client.get(reverse("ekbist:statistics"), {"first": "oktober"})
    assert response.status_code == 400
    assert "Ange en månad (ÅÅÅÅ-MM)." in response.content.decode()
    # Roles: a plain handläggare has no ekbist statistics; the ekonomiassistent has.
    verified_login(client, staff(seeded["a"], "caseworker"))
    assert client.get(reverse("ekbist:statistics")).status_code == 403
    verified_login(client, staff(seeded["a"], "ekbist_finance"))
    assert client.get(reverse("ekbist:statistics")).status_code == 200


def test_codes_page(client, seeded):
    app = seeded["h1_nov"]
    verified_login(client, seeded["worker"])
    url = reverse("ekbist:application_codes", args=[app.pk])
    html = client.get(url).content.decode()
    assert "Försörjningshinder, sökande" in html
    assert "Försörjningshinder, medsökande" not in html  # a single applicant
    response = client.post(
        url, {"forsorjningshinder_sokande": "studerande", "avslutsorsak": "studier"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.forsorjningshinder_by_adult, app.avslutsorsak) == (
        {"sokande": "studerande"},
        "studier",
    )
    response = client.post(url, {"forsorjningshinder_sokande": "påhittat", "avslutsorsak": ""})
    assert response.status_code == 400
    assert "Välj ett försörjningshinder i listan för sökande." in response.content.decode()
    app.refresh_from_db()
    assert app.forsorjningshinder_by_adult == {"sokande": "studerande"}
    verified_login(client, seeded["b_worker"])
    assert client.get(url).status_code == 404
