"""Database side of the norm calculation: the year's tables and the kommun's guideline."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from sambruk.ekbist.models import LocalGuideline, NormYear
from sambruk.ekbist.norm import (
    Costs,
    Household,
    Income,
    NeedCalculation,
    NormError,
    NormParameters,
    NormTable,
    calculate_need,
)


def norm_table(year: int) -> NormTable:
    """The riksnorm for ``year``, or :class:`NormError` with a Swedish message."""
    norm_year = (
        NormYear.objects.filter(year=year)
        .prefetch_related("personal_costs", "common_costs")
        .first()
    )
    if norm_year is None:
        raise NormError(
            _(
                "Riksnormen för %(year)s finns inte inlagd. En administratör lägger in årets "
                "belopp under Administration → Riksnorm per år."
            )
            % {"year": year}
        )
    return norm_year.to_table()


def guideline_for(organisation, year: int):
    """The organisation's guideline for ``year`` (or None when it has none)."""
    row = (
        LocalGuideline.objects.filter(organisation=organisation, year=year)
        .prefetch_related("housing_caps")
        .first()
    )
    return row.to_guideline() if row else None


def need_for(
    year: int,
    household: Household,
    costs: Costs,
    incomes: Sequence[Income],
    *,
    organisation=None,
    params: NormParameters | None = None,
) -> NeedCalculation:
    """Calculate against the stored riksnorm and the organisation's guideline for ``year``."""
    guideline = guideline_for(organisation, year) if organisation is not None else None
    return calculate_need(
        norm_table(year), household, costs, incomes, guideline=guideline, params=params
    )
