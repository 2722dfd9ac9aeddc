"""The pure norm calculation against the published riksnorm and hand-computed households."""

from __future__ import annotations

import pytest

from sambruk.ekbist.norm import (
    Costs,
    Guideline,
    Household,
    Income,
    Member,
    NormError,
    Residence,
    calculate_need,
)
from sambruk.ekbist.norm_data import DATA_FILE, parse_riksnorm, table_from_file

ADULT = Member(35, adult=True)
table = table_from_file

NO_COSTS = Costs()


def norm(year, *members, other_residents=0):
    return calculate_need(table(year), Household(tuple(members), other_residents), NO_COSTS, [])


def test_2026_published_totals_when_the_year_is_in_the_csv():
    if 2026 not in parse_riksnorm(DATA_FILE):
        pytest.skip("riksnorm.csv has no 2026 table yet (only the totals are published here)")
    assert norm(2026, ADULT).norm_total == 5220
    assert norm(2026, ADULT, ADULT).norm_total == 8510


def test_single_and_couple_2023():
    single = norm(2023, ADULT)
    assert [(x.label, x.amount) for x in single.lines] == [
        ("Personliga kostnader, ensamstående vuxen", 3490),
        ("Gemensamma hushållskostnader, 1 personer", 1130),
    ]
    assert single.norm_total == single.need == 4620
    assert norm(2023, ADULT, ADULT).norm_total == 6300 + 1250


def test_children_of_several_ages_2023():
    result = norm(
        2023, ADULT, ADULT, Member(4, school_lunch=True), Member(8), Member(16, label="Lisa")
    )
    assert [(x.label, x.amount) for x in result.lines] == [
        ("Personliga kostnader, sammanboende vuxna", 6300),
        ("Barn, 4 år (belopp utan lunch saknas för året, fullt belopp)", 2700),
        ("Barn, 8 år", 3380),
        ("Lisa", 4390),
        ("Gemensamma hushållskostnader, 5 personer", 2060),
    ]
    assert result.norm_total == 18830
    assert result.household_size == 5
    assert all(line.rule.startswith("SoF 2 kap. 1 §") for line in result.lines)


def test_school_lunch_uses_the_amount_without_lunch_2021():
    result = norm(2021, ADULT, ADULT, Member(2, school_lunch=True), Member(5))
    amounts = [x.amount for x in result.lines]
    assert amounts == [5700, 2240, 2440, 1610]
    assert result.lines[1].label == "Barn, 2 år (lunch i förskola/skola)"
    # school lunch does not change the amount for school children
    assert norm(2021, ADULT, Member(9, school_lunch=True)).lines[1].amount == 3060


def test_more_than_seven_persons():
    result = norm(2021, ADULT, ADULT, *[Member(8)] * 7)
    common = result.lines[-1]
    assert common.amount == 2270 + 2 * (2270 - 2100)
    assert common.label == "Gemensamma hushållskostnader, 9 personer (7 personer + 2 × 170 kr)"
    assert "HH7 − HH6" in common.rule
    assert result.norm_total == 5700 + 7 * 3060 + 2610


def test_non_cohabiting_adult_gets_single_norm_plus_share_of_common():
    # The reference's example: 2,950 + 1,710 / 5 = 3,292 (single adult in a 5-person household)
    result = norm(2015, ADULT, other_residents=4)
    assert [x.amount for x in result.lines] == [2950, 342]
    assert result.lines[1].label == "Gemensamma hushållskostnader, 5 personer, andel 1/5"
    assert result.norm_total == 3292


def test_vaxelvis_and_umgange_prorated_by_days():
    vaxelvis = norm(2021, ADULT, Member(9, residence=Residence.VAXELVIS))
    assert [x.amount for x in vaxelvis.lines] == [3160, 1530, 1130]
    assert vaxelvis.lines[1].label == "Barn, 9 år (växelvis boende 15/30 dagar)"
    umgange = norm(2021, ADULT, Member(3, residence=Residence.UMGANGE, days_per_month=8))
    # 2,170 × 8 / 30 = 578.67 → 579; an umgängesbarn does not count in the household size
    assert [x.amount for x in umgange.lines] == [3160, 579, 1020]
    with pytest.raises(NormError, match="umgängesdagar"):
        norm(2021, ADULT, Member(3, residence=Residence.UMGANGE))


def test_costs_outside_the_norm_housing_capped_and_every_line():
    costs = Costs(
        housing=9000,
        electricity=350,
        home_insurance=120,
        work_travel=890,
        childcare=1200,
        medical=300,
        dental=1500,
        union_fees=450,
        other=(("Glasögon", 800),),
    )
    guideline = Guideline({1: 6000, 3: 8000}, source="SN 2026-01-15 § 4")
    result = calculate_need(
        table(2023),
        Household((ADULT, Member(5), Member(10))),
        costs,
        [Income("Lön", 14000), Income("Barnbidrag", 2500)],
        guideline=guideline,
    )
    cost_lines = [(x.label, x.amount, x.requested) for x in result.section("cost")]
    assert cost_lines == [
        ("Boendekostnad (begränsad till riktlinjens 8000 kr för 3 personer)", 8000, 9000),
        ("Hushållsel", 350, None),
        ("Hemförsäkring", 120, None),
        ("Arbetsresor", 890, None),
        ("Barnomsorg", 1200, None),
        ("Läkarvård och medicin", 300, None),
        ("Akut tandvård", 1500, None),
        ("Fackavgift och a-kassa", 450, None),
        ("Glasögon", 800, None),
    ]
    assert result.section("cost")[0].rule == (
        "Kommunens riktlinje för skälig boendekostnad SN 2026-01-15 § 4"
    )
    assert [(x.label, x.amount) for x in result.section("income")] == [
        ("Lön", 14000),
        ("Barnbidrag", 2500),
    ]
    norm_total = 3490 + 2700 + 3380 + 1580
    assert result.norm_total == norm_total
    assert result.costs_total == 8000 + 350 + 120 + 890 + 1200 + 300 + 1500 + 450 + 800
    assert result.income_total == 16500
    assert result.need == norm_total + result.costs_total - 16500
    assert result.surplus == 0


def test_housing_below_cap_and_sizes_beyond_the_guideline():
    guideline = Guideline({1: 6000, 3: 8000})
    below = calculate_need(
        table(2023), Household((ADULT,)), Costs(housing=5500), [], guideline=guideline
    )
    assert below.section("cost")[0].amount == 5500
    assert below.section("cost")[0].requested is None
    big = calculate_need(
        table(2023),
        Household((ADULT, ADULT, *[Member(3)] * 4)),
        Costs(housing=12000),
        [],
        guideline=guideline,
    )
    assert big.section("cost")[0].amount == 8000  # the largest configured size applies


def test_income_larger_than_need_reports_surplus():
    result = calculate_need(
        table(2023), Household((ADULT,)), Costs(housing=5000), [Income("Lön", 12000)]
    )
    assert result.need == 0
    assert result.surplus == 12000 - (4620 + 5000)


@pytest.mark.parametrize(
    ("household", "message"),
    [
        (Household(()), "minst en vuxen"),
        (Household((Member(10),)), "minst en vuxen"),
        (Household((ADULT, ADULT, ADULT)), "Högst två vuxna"),
        (Household((Member(17, adult=True),)), "minst 18 år"),
        (Household((ADULT, Member(21))), "upp till 20 års ålder"),
        (Household((ADULT, Member(-1))), "negativ"),
        (Household((ADULT,), other_residents=-1), "övriga boende"),
    ],
)
def test_contradictory_households_are_refused(household, message):
    with pytest.raises(NormError, match=message):
        calculate_need(table(2023), household, NO_COSTS, [])


def test_negative_amounts_are_refused():
    with pytest.raises(NormError, match="Hushållsel får inte vara negativt"):
        calculate_need(table(2023), Household((ADULT,)), Costs(electricity=-1), [])
    with pytest.raises(NormError, match="Lön får inte vara negativt"):
        calculate_need(table(2023), Household((ADULT,)), NO_COSTS, [Income("Lön", -5)])


def test_derived_year_carries_its_note():
    assert "Härledda belopp" in norm(2016, ADULT).notes[0]
