"""The batch API and the per-language text cache give what calculate_need gives."""

from __future__ import annotations

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sambruk.ekbist.norm import (
    Costs,
    Guideline,
    Household,
    Member,
    NormError,
    calculate_need,
    calculate_needs,
)
from sambruk.ekbist.norm_data import table_from_file

from .test_norm_properties import YEARS, costs, households, incomes

GUIDELINE = Guideline({1: 6000, 3: 8000}, source="SN 2026-01-15 § 4")


@settings(max_examples=50)
@given(st.sampled_from(YEARS), st.lists(st.tuples(households, costs, incomes), max_size=8))
def test_batch_equals_one_by_one(year, cases):
    table = table_from_file(year)
    batch = calculate_needs(table, cases, guideline=GUIDELINE)
    one_by_one = [calculate_need(table, h, c, i, guideline=GUIDELINE) for h, c, i in cases]
    assert [r.as_dict() for r in batch] == [r.as_dict() for r in one_by_one]


def test_batch_raises_the_first_households_error():
    table = table_from_file(2023)
    ok = (Household((Member(30, adult=True),)), Costs(), [])
    bad = (Household((Member(10),)), Costs(), [])
    try:
        calculate_needs(table, [ok, bad])
    except NormError as exc:
        assert "minst en vuxen" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("NormError expected")


def test_line_texts_follow_the_active_language():
    table = table_from_file(2023)
    household = Household((Member(30, adult=True), Member(2, school_lunch=True)))
    swedish = calculate_need(table, household, Costs(electricity=300), [])
    with translation.override("en"):
        english = calculate_need(table, household, Costs(electricity=300), [])
    assert swedish.lines[0].label == "Personliga kostnader, ensamstående vuxen"
    assert [x.amount for x in english.lines] == [x.amount for x in swedish.lines]
    # Labels are translated when the English catalogue has them, never mixed up between runs.
    again = calculate_need(table, household, Costs(electricity=300), [])
    assert again.lines == swedish.lines
