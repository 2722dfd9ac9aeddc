"""Normalisation of the e-application's answers (``ekbist.application_data``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sambruk.ekbist import application_data as ad
from sambruk.ekbist.norm import Residence, calculate_need
from sambruk.ekbist.norm_data import DATA_FILE, parse_riksnorm, table_from_file

FAMILY = {
    "sokande_pnr": "191212121212",
    "sokande_namn": "Tolvan Tolvansson",
    "ansokningstyp": "nyansokan",
    "period": "2026-12",
    "epost": "tolvan@example.se",
    "har_medsokande": "yes",
    "medsokande_pnr": "198112189876",
    "medsokande_namn": "Testa Påhittadsson",
    "sokande_sysselsattning": "arbetssokande",
    "sokande_plan": "Söker jobb som lagerarbetare, möte med AF varannan vecka.",
    "medsokande_sysselsattning": "sfi",
    "hushall": [
        {
            "person_namn": "Lilla Tolvansson",
            "person_relation": "barn",
            "person_fodd": "2019-05-01",
            "person_boende": "heltid",
            "person_skola": "no",
            "person_skollunch": "yes",
        },
        {
            "person_namn": "Umgänge Tolvansson",
            "person_relation": "barn",
            "person_fodd": "2015-03-01",
            "person_boende": "umgange",
            "person_dagar": 8,
        },
    ],
    "boendeform": "hyresratt",
    "rum": 3,
    "antal_boende": 3,
    "hyresvard": "Sandvikenhus AB",
    "hyra": 780000,
    "andrahandsinkomst": 0,
    "inkomster": [
        {"inkomst_person": "sokande", "inkomst_typ": "a_kassa", "inkomst_belopp": 450050},
        {"inkomst_person": "medsokande", "inkomst_typ": "barnbidrag", "inkomst_belopp": 125000},
    ],
    "kostnader": ["hyra", "hushallsel", "ovrigt"],
    "kostnad_hushallsel": 40000,
    "kostnad_ovrigt": 30000,
    "kostnad_ovrigt_text": "Glasögon",
    "tillgangar": [
        {
            "tillgang_typ": "bankkonto",
            "tillgang_agare": "sokande",
            "tillgang_beskrivning": "Lönekonto",
            "tillgang_varde": 120000,
        }
    ],
    "bilaga_hyresavi": [{"id": 7, "name": "hyresavi.pdf", "size": 100}],
}


def test_family_is_normalised_in_kronor_with_roles():
    data = ad.from_answers(FAMILY)
    assert data["version"] == 1 and data["kind"] == "nyansokan" and data["period"] == "2026-12"
    roles = [m["role"] for m in data["members"]]
    assert roles == ["sokande", "medsokande", "barn", "barn"]
    assert ad.applicant(data)["birth_date"] == "1912-12-12"
    assert ad.co_applicant(data)["civic_number"] == "198112189876"
    assert ad.applicant(data)["occupation"]["kind"] == "arbetssokande"
    assert data["housing"]["rent"] == 7800 and data["housing"]["landlord"] == "Sandvikenhus AB"
    assert data["costs"]["hyra"] == 7800 and data["costs"]["hushallsel"] == 400
    assert data["costs"]["ovrigt"] == [{"text": "Glasögon", "amount": 300}]
    assert [i["amount"] for i in data["incomes"]] == [4501, 1250]
    assert data["assets"][0]["value"] == 1200
    assert data["attachments"] == [{"kind": "hyresavi", "name": "hyresavi.pdf", "file_id": 7}]
    assert ad.validate(data) == []


def test_norm_input_of_the_family():
    data = ad.from_answers(FAMILY)
    household, costs, incomes = ad.to_norm_input(data)
    assert [m.adult for m in household.members] == [True, True, False, False]
    assert household.members[2].age == 7 and household.members[2].school_lunch
    assert household.members[3].residence == Residence.UMGANGE
    assert household.members[3].days_per_month == 8
    assert (
        costs.housing == 7800 and costs.electricity == 400 and costs.other == (("Glasögon", 300),)
    )
    assert sum(i.amount for i in incomes) == 5751
    if 2026 in parse_riksnorm(DATA_FILE):
        result = calculate_need(table_from_file(2026), household, costs, incomes)
        assert result.income_total == 5751


def test_contradictions_give_swedish_messages():
    bad = dict(FAMILY)
    bad["hushall"] = [
        {"person_namn": "Stor", "person_relation": "barn", "person_fodd": "2000-01-01"},
        {"person_namn": "Sambo", "person_relation": "make_sambo", "person_fodd": "1980-01-01"},
        {
            "person_namn": "Umgänge",
            "person_relation": "barn",
            "person_fodd": "2015-01-01",
            "person_boende": "umgange",
            "person_dagar": 40,
        },
    ]
    messages = " ".join(p.message for p in ad.validate(ad.from_answers(bad)))
    assert "bara upp till 21 år" in messages
    assert "bara att ha en medsökande" in messages
    assert "mellan 1 och 31" in messages


def test_youth_over_18_only_in_school_and_negative_amounts():
    data = ad.from_answers(
        {
            **FAMILY,
            "hushall": [
                {"person_namn": "Unga", "person_relation": "barn", "person_fodd": "2007-01-01"}
            ],
        }
    )
    assert any("går i skolan" in p.message for p in ad.validate(data))
    data["hushall"] = None
    data["members"][2]["in_school"] = True
    assert ad.validate(data) == []
    data["incomes"][0]["amount"] = -5
    assert [p.message for p in ad.validate(data)] == ["Belopp kan inte vara negativa."]


def test_same_person_as_co_applicant_is_refused():
    data = ad.from_answers({**FAMILY, "medsokande_pnr": "191212121212"})
    assert any(p.field == "medsokande_pnr" for p in ad.validate(data))


def test_monthly_answers_round_trip():
    data = ad.from_answers(FAMILY)
    again = ad.from_answers({**ad.to_answers(data), "sokande_pnr": "191212121212"})
    for key in ("housing", "costs", "assets"):
        assert again[key] == data[key]
    assert [m["role"] for m in again["members"]] == [m["role"] for m in data["members"]]
    assert again["incomes"] == data["incomes"]
    assert again["attachments"] == []  # attachments are given anew every month


child = st.fixed_dictionaries(
    {
        "person_namn": st.text("abc", min_size=1, max_size=5),
        "person_relation": st.just("barn"),
        "person_fodd": st.dates(dt.date(2006, 1, 1), dt.date(2026, 11, 1)).map(str),
        "person_boende": st.sampled_from(["heltid", "vaxelvis", "umgange"]),
        "person_dagar": st.integers(1, 31),
        "person_skola": st.just("yes"),
        "person_skollunch": st.sampled_from(["yes", "no"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(child, max_size=6),
    rent=st.integers(0, 2_000_000),
    incomes=st.lists(st.integers(0, 5_000_000), max_size=4),
)
def test_valid_households_always_reach_the_norm_calculation(rows, rent, incomes):
    answers = {
        **FAMILY,
        "hushall": rows,
        "hyra": rent,
        "antal_boende": None,
        "inkomster": [
            {"inkomst_person": "sokande", "inkomst_typ": "lon", "inkomst_belopp": x}
            for x in incomes
        ],
    }
    data = ad.from_answers(answers)
    assert ad.validate(data) == []
    household, costs, found = ad.to_norm_input(data)
    assert len(household.members) == 2 + len(rows)
    assert costs.housing == ad.kronor(rent)
    assert sum(i.amount for i in found) == sum(ad.kronor(x) for x in incomes)
    table = table_from_file(max(parse_riksnorm(DATA_FILE)))
    result = calculate_need(table, household, costs, found)
    assert result.need >= 0 and result.income_total == sum(i.amount for i in found)


@given(st.integers(-(10**9), 10**9))
def test_kronor_rounds_half_up_symmetrically(ore):
    assert abs(ad.kronor(ore) * 100 - ore) <= 50
    assert ad.kronor(-ore) == -ad.kronor(ore)


scalar = st.one_of(st.none(), st.text(max_size=12), st.integers(-(10**6), 10**6), st.booleans())
row = st.dictionaries(
    st.sampled_from(
        [
            "person_namn",
            "person_relation",
            "person_fodd",
            "person_boende",
            "person_dagar",
            "person_skola",
            "inkomst_person",
            "inkomst_typ",
            "inkomst_belopp",
            "tillgang_varde",
        ]
    ),
    scalar,
)


@settings(max_examples=80, deadline=None)
@given(
    answers=st.dictionaries(
        st.sampled_from(
            [
                "har_medsokande",
                "medsokande_pnr",
                "period",
                "hyra",
                "antal_boende",
                "kostnader",
                "kostnad_hushallsel",
                "boendeform",
            ]
        ),
        scalar,
    ),
    hushall=st.lists(row, max_size=4),
    inkomster=st.lists(row, max_size=3),
)
def test_any_answers_normalise_and_validate_without_crashing(answers, hushall, inkomster):
    answers = {**answers, "hushall": hushall, "inkomster": inkomster}
    if not isinstance(answers.get("kostnader"), list):
        answers["kostnader"] = []
    data = ad.from_answers(answers, applicant_civic_number="191212121212")
    problems = ad.validate(data)
    assert all(p.message for p in problems)
    assert ad.applicant(data)["birth_date"] == "1912-12-12"
    if not problems:  # a household without contradictions always reaches the norm input
        household, _costs, _incomes = ad.to_norm_input(data)
        assert household.members[0].adult
