"""Multifråga for household members the application has no personnummer for (children, other
adults: the application asks their name and birth date only). The caseworker types the number
into the Multifråga form; it must be valid and agree with the stated birth date."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.cases.models import CaseLogEntry
from sambruk.core.audit.models import AuditEvent
from sambruk.ekbist.models import MultifragaQuery
from sambruk.ekbist.services import multifraga as mf

from .decision_helpers import TESTA, TOLVAN, couple_data, make_application, staff
from .multifraga_support import ssbtek_sim  # noqa: F401  (fixture ``ssbtek``)

CHILD = "201212121212"  # a test number (Tolvan's digits, born 2012-12-12); unknown to SSBTEK
ALL = list(mf.AGENCIES)
PURPOSE = "Utredning av ansökan för december"


def household_data():
    data = couple_data()
    data["members"] += [
        {
            "role": "barn",
            "name": "Kalle Tolvansson",
            "civic_number": "",
            "birth_date": "2012-12-12",
            "residence": "heltid",
        },
        {"role": "annan_vuxen", "name": "Vera Vuxen", "civic_number": "", "birth_date": ""},
    ]
    data["housing"]["residents"] = 4
    return data


@pytest.fixture
def setup(db, org_factory):
    class S:
        pass

    s = S()
    s.org = org_factory()
    s.worker = staff(s.org, full_name="Sara Socialsekreterare")
    s.application = make_application(s.org, s.worker, data=household_data(), co_applicant=TESTA)
    s.form_url = reverse("ekbist:multifraga", args=[s.application.pk])
    return s


def post_data(**change):
    data = {
        "persons": [TOLVAN, "member-2"],
        "member_pnr_2": "20121212-1212",
        "agencies": ALL,
        "period_from": "2023-09-01",
        "period_to": "2023-11-30",
        "purpose": PURPOSE,
    }
    data.update(change)
    return data


def test_form_offers_a_personnummer_field_for_members_without_one(setup, ssbtek, client, login):
    login(client, setup.worker)
    page = client.get(setup.form_url).content.decode()
    assert "Barn: Kalle Tolvansson (född 2012-12-12)" in page
    assert 'value="member-2"' in page and 'name="member_pnr_2"' in page
    assert '<label for="id_member_pnr_2">Personnummer för Kalle Tolvansson</label>' in page
    assert 'value="member-3"' in page and 'name="member_pnr_3"' in page
    assert "kan inte frågas om" not in page


def test_child_with_entered_personnummer_is_queried_stored_and_audited(
    setup, ssbtek, client, login
):
    login(client, setup.worker)
    response = client.post(setup.form_url, post_data())
    assert response.status_code == 302, response.content.decode()
    query = MultifragaQuery.objects.get()
    assert {pnr for pnr, _agencies in ssbtek.asked} == {TOLVAN, CHILD}
    assert ssbtek.requests == 14
    assert query.persons == [
        {"personnummer": TOLVAN, "role": "sokande", "name": "Tolvan Tolvansson"},
        {
            "personnummer": CHILD,
            "role": "barn",
            "name": "Kalle Tolvansson",
            "entered_by_caseworker": True,
        },
    ]
    child = AuditEvent.objects.get(object_type="ekbist.multifragaquery", person_civic_number=CHILD)
    assert child.purpose == PURPOSE
    assert child.changes["civic_number_entered_by_caseworker"] is True
    assert child.changes["agencies"] == ALL
    note = CaseLogEntry.objects.filter(
        case=setup.application.case, text__startswith="Multifråga"
    ).get()
    assert "Barn 20121212-**** (personnummer angivet av handläggaren)" in note.text

    html = client.get(response["Location"]).content.decode()
    assert "Kalle Tolvansson" in html and "20121212-****" in html
    # the simulator's answer for a person it does not know
    assert "Personen finns inte som arbetssökande." in html
    # The application itself is unchanged: the number belongs to the query only.
    setup.application.refresh_from_db()
    assert setup.application.data["members"][2]["civic_number"] == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # valid samordningsnummer, but born 1970-10-03, not 2012-12-12 as the application says
        (
            {"member_pnr_2": "197010632391"},
            "Personnumret stämmer inte med födelsedatumet 2012-12-12 som ansökan anger för "
            "barn Kalle Tolvansson.",
        ),
        ({"member_pnr_2": "20121212-1213"}, "Personnumret har fel kontrollsiffra."),
        ({"member_pnr_2": "2012-12-12"}, "Personnumret ska skrivas med 10 eller 12 siffror"),
        ({"member_pnr_2": ""}, "Ange personnumret för att kunna fråga om Kalle Tolvansson."),
        # no birth date stated for Vera, but the number is already the applicant's
        (
            {"persons": [TOLVAN, "member-3"], "member_pnr_3": TOLVAN},
            "Personnumret tillhör redan en annan person i hushållet.",
        ),
    ],
)
def test_bad_personnummer_is_refused_with_a_swedish_message(
    setup, ssbtek, client, login, change, message
):
    login(client, setup.worker)
    response = client.post(setup.form_url, post_data(**change))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert ssbtek.requests == 0
    assert not MultifragaQuery.objects.exists()


def test_service_accepts_a_member_only_with_the_entered_number(setup, ssbtek):
    setup.worker.is_verified = lambda: True
    start, end = mf.default_period(setup.application)
    arguments = {
        "actor": setup.worker,
        "persons": [CHILD],
        "agencies": ["MIV"],
        "period_from": start,
        "period_to": end,
        "purpose": PURPOSE,
    }
    with pytest.raises(mf.MultifragaError, match="ingår i ansökans hushåll"):
        mf.run_multifraga(setup.application, **arguments)
    with pytest.raises(mf.MultifragaError, match="stämmer inte med födelsedatumet") as refused:
        mf.run_multifraga(setup.application, entered_numbers={2: TESTA}, **arguments)
    assert refused.value.field == "member_pnr_2"
    assert ssbtek.requests == 0

    query = mf.run_multifraga(setup.application, entered_numbers={2: "121212-1212"}, **arguments)
    assert [p["personnummer"] for p in query.persons] == [CHILD]
    assert query.result["persons"][0]["agencies"][0]["status"] == "empty"
    assert ssbtek.asked == [(CHILD, ("MIV",))]
