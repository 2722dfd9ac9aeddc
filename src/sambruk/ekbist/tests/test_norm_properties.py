"""Invariants of the need calculation (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sambruk.ekbist.norm import Costs, Household, Income, Member, Residence, calculate_need
from sambruk.ekbist.norm_data import parse_riksnorm, table_from_file

YEARS = sorted(parse_riksnorm())

children = st.builds(
    Member,
    age=st.integers(0, 20),
    school_lunch=st.booleans(),
    residence=st.sampled_from(list(Residence)),
    days_per_month=st.integers(1, 30),
)
adults = st.builds(Member, age=st.integers(18, 90), adult=st.just(True))
households = st.builds(
    lambda first, second, kids, others: Household((first, *second, *kids), others),
    adults,
    st.lists(adults, max_size=1),
    st.lists(children, max_size=10),
    st.integers(0, 4),
)
money = st.integers(0, 50_000)
costs = st.builds(Costs, housing=money, electricity=money, dental=money, childcare=money)
incomes = st.lists(st.builds(Income, st.just("Inkomst"), money), max_size=4)


@given(st.sampled_from(YEARS), households, costs, incomes)
def test_need_never_negative_and_lines_add_up(year, household, cost, income):
    r = calculate_need(table_from_file(year), household, cost, income)
    assert r.need >= 0 and r.surplus >= 0 and min(r.need, r.surplus) == 0
    assert r.norm_total == sum(x.amount for x in r.section("norm"))
    assert r.need - r.surplus == r.norm_total + r.costs_total - r.income_total


@given(st.sampled_from(YEARS), households, costs, incomes, money)
def test_adding_income_never_increases_the_need(year, household, cost, income, extra):
    table = table_from_file(year)
    before = calculate_need(table, household, cost, income)
    after = calculate_need(table, household, cost, [*income, Income("Mer", extra)])
    assert after.need <= before.need


@given(st.sampled_from(YEARS), households, st.one_of(children, adults))
def test_adding_a_member_never_lowers_the_norm(year, household, new):
    if new.adult and sum(m.adult for m in household.members) == 2:
        new = Member(new.age % 21)
    table = table_from_file(year)
    before = calculate_need(table, household, Costs(), [])
    bigger = Household((*household.members, new), household.other_residents)
    assert calculate_need(table, bigger, Costs(), []).norm_total >= before.norm_total
