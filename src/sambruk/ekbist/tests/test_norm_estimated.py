"""The demo's estimated 2026 table reproduces the published 2026 totals (5,220 / 8,510 kr)."""

from __future__ import annotations

import pytest

from sambruk.ekbist.demo_norm import ESTIMATE_NOTE, ESTIMATED_FILE, load_estimated_norm
from sambruk.ekbist.models import NormYear
from sambruk.ekbist.norm import Costs, Household, Member, calculate_need
from sambruk.ekbist.norm_data import table_from_file


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ((Member(age=35, adult=True),), 5220),
        ((Member(age=35, adult=True), Member(age=33, adult=True)), 8510),
    ],
)
def test_published_2026_totals(members, expected):
    table = table_from_file(2026, ESTIMATED_FILE)
    result = calculate_need(table, Household(members=members), Costs(), [])
    assert result.norm_total == expected


@pytest.mark.django_db
def test_loaded_only_when_missing_and_marked_as_estimate():
    lines = []
    load_estimated_norm(lines.append)
    year = NormYear.objects.get(year=2026)
    assert year.note == ESTIMATE_NOTE and "uppskattad" in lines[0]
    NormYear.objects.filter(year=2026).update(adult_single=1, note="Administratörens tabell")
    load_estimated_norm(lines.append)
    year.refresh_from_db()
    assert (year.adult_single, year.note) == (1, "Administratörens tabell")
