"""Riksnorm need calculation for försörjningsstöd (decision support). Pure: no database.

``calculate_need(table, household, costs, incomes, *, guideline=None)`` returns a
:class:`NeedCalculation` with one line per norm component, cost and income, each with a rule
reference, so the caseworker and the decision letter show how the amount was reached.

Money: integer kronor per month everywhere (the riksnorm is published in whole kronor).
Prorated amounts (växelvis boende, umgänge, a share of the common costs) are rounded half up to
whole kronor per line, so the lines always add up to the totals.

Rules (sources in ``RULES``; ``/work/shared/reference/domains.md`` § 4):

- Norm = personal costs of each member by age + common costs by household size
  (socialtjänstförordningen 2 kap. 1 §). One adult gets the single amount, two adults
  (sökande + medsökande, make/sambo) together the couple amount.
- Children: the age band's amount. A child who eats lunch at förskola/school gets the
  "utan lunch" amount where the year's table has one (ages 0–6); elsewhere school lunch does not
  change the amount. *Interpretation*: the CSV's ``_no_lunch`` rows are the lower amounts that
  exclude lunch, i.e. the child's lunch is provided outside the home.
- More than 7 persons: common(7) + (n − 7) × (common(7) − common(6)), unless the year states its
  own increment.
- A household sharing the dwelling with adults outside the calculation (``other_residents``,
  e.g. a non-cohabiting adult): common(n_total) × n_family / n_total. For a single adult this is
  the reference's "single personal norm + common(n)/n"; for larger families it is the same rule
  applied per person (documented generalisation).
- Växelvis boende and umgängesbarn: the reference is silent, so the rule is a parameter
  (:class:`NormParameters`): personal cost × days / 30; växelvis children count in the household
  size, umgängesbarn do not.
- Reasonable costs outside the norm are added at the amounts applied for, housing capped by the
  kommun's guideline for the household size; income is subtracted. The need is never negative:
  a surplus is reported as ``surplus``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

# Rule references of the lines: shown to the caseworker and in the decision letter, so
# translated (through ``_texts()``) like the line labels.
RULES = {
    "personal": N_("SoF 2 kap. 1 § (riksnormen, personliga kostnader)"),
    "common": N_("SoF 2 kap. 1 § (riksnormen, gemensamma hushållskostnader)"),
    "over7": N_("Riksnormen: hushåll över 7 personer, HH7 − HH6 per extra person"),
    "shared": N_("Riksnormen: ej sammanboende vuxen i gemensamt hushåll, gemensamma kostnader / n"),
    "part_time": N_("Kommunens tillämpning: personliga kostnader × dagar / 30 (parameter)"),
    "outside": N_("SoL: skäliga kostnader utanför riksnormen"),
    "housing_cap": N_("Kommunens riktlinje för skälig boendekostnad"),
    "income": N_("SoL: hushållets inkomster räknas av"),
}


class NormError(ValueError):
    """Invalid input or a missing table; the message is Swedish and shown to the caseworker."""


class Residence(StrEnum):
    FULL = "heltid"
    VAXELVIS = "vaxelvis"
    UMGANGE = "umgange"


@dataclass(frozen=True)
class PersonalRate:
    age_from: int
    age_to: int
    with_school_lunch: bool
    amount: int


@dataclass(frozen=True)
class NormTable:
    """One year's riksnorm in kronor per month."""

    year: int
    personal: tuple[PersonalRate, ...]
    adult_single: int
    adults_couple: int
    common: Mapping[int, int]  # household size 1..7 -> amount
    extra_member_increment: int | None = None  # None: common[7] - common[6]
    note: str = ""

    def __post_init__(self):
        missing = [n for n in range(1, 8) if n not in self.common]
        if missing:
            raise NormError(
                _("Riksnormen för %(year)s saknar gemensamma kostnader för hushållsstorlek %(n)s.")
                % {"year": self.year, "n": ", ".join(map(str, missing))}
            )
        # Lookups precomputed once per table (the calculation is run for many households):
        # age -> (amount, note key) without and with school lunch, as personal_for decides.
        by_age: dict[int, tuple[tuple[int, str], tuple[int, str]] | None] = {}
        for age in range(max((r.age_to for r in self.personal), default=-1) + 1):
            full = lunch = None
            for rate in self.personal:
                if rate.age_from <= age <= rate.age_to:
                    if rate.with_school_lunch:
                        lunch = rate.amount
                    else:
                        full = rate.amount
            if full is None:
                by_age[age] = None
            elif lunch is not None:
                by_age[age] = ((full, ""), (lunch, "lunch"))
            elif age <= 6:
                by_age[age] = ((full, ""), (full, "no_lunch_amount"))
            else:
                by_age[age] = ((full, ""), (full, ""))
        object.__setattr__(self, "_personal_by_age", by_age)
        object.__setattr__(self, "_common_upto7", tuple(self.common[n] for n in range(8) if n))

    def increment(self) -> int:
        if self.extra_member_increment is not None:
            return self.extra_member_increment
        return self.common[7] - self.common[6]

    def common_for(self, size: int) -> int:
        if size <= 7:
            return self.common[size]
        return self.common[7] + (size - 7) * self.increment()

    def personal_for(self, age: int, school_lunch: bool) -> tuple[int, str]:
        """Amount for a child of ``age``; the second value is a note for the line (or "")."""
        amount, note = self._personal(age, school_lunch)
        return amount, (_(_NOTES[note]) if note else "")

    def _personal(self, age: int, school_lunch: bool) -> tuple[int, str]:
        """(amount, note key) from the precomputed table; NormError when the age is missing."""
        found = self._personal_by_age.get(age)
        if found is None:
            raise NormError(
                _("Riksnormen för %(year)s saknar personliga kostnader för %(age)s år.")
                % {"year": self.year, "age": age}
            )
        return found[1] if school_lunch else found[0]


# Notes on a child's line, by the key NormTable._personal returns.
_NOTES = {
    "lunch": N_("lunch i förskola/skola"),
    "no_lunch_amount": N_("belopp utan lunch saknas för året, fullt belopp"),
}


@dataclass(frozen=True)
class Member:
    """A person in the calculation. ``adult`` marks sökande/medsökande (18 or older)."""

    age: int
    adult: bool = False
    school_lunch: bool = False
    residence: Residence = Residence.FULL
    days_per_month: int | None = None  # växelvis (default 15) and umgänge (required)
    label: str = ""


@dataclass(frozen=True)
class Household:
    members: tuple[Member, ...]
    # Persons sharing the dwelling who are not in this calculation (non-cohabiting adults).
    other_residents: int = 0


@dataclass(frozen=True)
class NormParameters:
    """Rules the riksnorm reference leaves to the kommun; defaults documented in the module."""

    days_in_month: int = 30
    vaxelvis_default_days: int = 15
    count_vaxelvis_in_household_size: bool = True
    count_umgange_in_household_size: bool = False
    max_child_age: int = 20


@dataclass(frozen=True)
class Costs:
    """Reasonable costs outside the norm, kronor per month as applied for."""

    housing: int = 0
    electricity: int = 0
    home_insurance: int = 0
    work_travel: int = 0
    childcare: int = 0
    medical: int = 0
    dental: int = 0
    union_fees: int = 0
    other: tuple[tuple[str, int], ...] = ()


COST_LABELS = {
    "housing": N_("Boendekostnad"),
    "electricity": N_("Hushållsel"),
    "home_insurance": N_("Hemförsäkring"),
    "work_travel": N_("Arbetsresor"),
    "childcare": N_("Barnomsorg"),
    "medical": N_("Läkarvård och medicin"),
    "dental": N_("Akut tandvård"),
    "union_fees": N_("Fackavgift och a-kassa"),
}


@dataclass(frozen=True)
class Income:
    label: str
    amount: int


@dataclass(frozen=True)
class Guideline:
    """A kommun's guideline: the highest reasonable housing cost per household size."""

    max_housing: Mapping[int, int]
    source: str = ""

    def __post_init__(self):
        object.__setattr__(self, "_sizes", tuple(sorted(self.max_housing)))

    def housing_cap(self, size: int) -> int | None:
        sizes = self._sizes
        if not sizes:
            return None
        chosen = sizes[0]
        for s in sizes:
            if s > size:
                break
            chosen = s
        return self.max_housing[chosen]


@dataclass(frozen=True, slots=True)
class Line:
    section: str  # "norm", "cost" or "income"
    label: str
    amount: int
    rule: str
    requested: int | None = None  # for a capped cost: the amount applied for


@dataclass(frozen=True, slots=True)
class NeedCalculation:
    year: int
    household_size: int
    lines: tuple[Line, ...]
    norm_total: int
    costs_total: int
    income_total: int
    need: int  # never negative
    surplus: int  # income above norm + costs; 0 when there is a need
    notes: tuple[str, ...] = field(default=())

    def section(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.section == name]

    def as_dict(self) -> dict:
        return asdict(self)


_DEFAULT_PARAMS = NormParameters()


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_amount(label: str, amount: int) -> None:
    if amount < 0:
        raise NormError(_("Beloppet för %(label)s får inte vara negativt.") % {"label": label})


def _days(member: Member, params: NormParameters) -> int:
    if member.residence == Residence.FULL:
        return params.days_in_month
    days = member.days_per_month
    if days is None:
        if member.residence == Residence.UMGANGE:
            raise NormError(_("Ange antal umgängesdagar per månad för umgängesbarn."))
        days = params.vaxelvis_default_days
    if not 0 < days <= params.days_in_month:
        raise NormError(
            _("Antal dagar per månad måste vara mellan 1 och %(max)s.")
            % {"max": params.days_in_month}
        )
    return days


def _validate(household: Household, params: NormParameters) -> list[Member]:
    adults = [m for m in household.members if m.adult]
    if not adults:
        raise NormError(_("Hushållet måste ha minst en vuxen sökande."))
    if len(adults) > 2:
        raise NormError(
            _(
                "Högst två vuxna (sökande och make/sambo) ingår i samma beräkning; "
                "andra vuxna i bostaden anges som övriga boende."
            )
        )
    if household.other_residents < 0:
        raise NormError(_("Antalet övriga boende får inte vara negativt."))
    for m in household.members:
        if m.age < 0:
            raise NormError(_("En ålder får inte vara negativ."))
        if m.adult and m.age < 18:
            raise NormError(_("En vuxen sökande måste vara minst 18 år."))
        if m.adult and m.residence != Residence.FULL:
            raise NormError(_("Vuxna sökande kan inte anges som växelvis boende eller umgänge."))
        if not m.adult and m.age > params.max_child_age:
            raise NormError(
                _("Barn och ungdomar kan ingå upp till %(max)s års ålder; äldre ansöker själva.")
                % {"max": params.max_child_age}
            )
    return adults


def _counts_in_size(member: Member, params: NormParameters) -> bool:
    if member.residence == Residence.VAXELVIS:
        return params.count_vaxelvis_in_household_size
    if member.residence == Residence.UMGANGE:
        return params.count_umgange_in_household_size
    return True


# The fixed texts of the lines, translated once per language instead of once per line: the
# calculation runs for many households (bench/bench_ekbist.py) and gettext dominated its time.
_LINE_TEXTS = {
    "single": N_("Personliga kostnader, ensamstående vuxen"),
    "couple": N_("Personliga kostnader, sammanboende vuxna"),
    "child": N_("Barn, %(age)s år"),
    "vaxelvis": N_("växelvis boende"),
    "umgange": N_("umgänge"),
    "days": N_("%(kind)s %(days)s/%(month)s dagar"),
    "common": N_("Gemensamma hushållskostnader, %(n)s personer"),
    "over7": N_("%(label)s (7 personer + %(extra)s × %(inc)s kr)"),
    "shared": N_("%(label)s, andel %(size)s/%(total)s"),
    "capped": N_("%(label)s (begränsad till riktlinjens %(cap)s kr för %(n)s personer)"),
    **{f"note:{key}": text for key, text in _NOTES.items()},
    **{f"cost:{key}": text for key, text in COST_LABELS.items()},
    **{f"rule:{key}": text for key, text in RULES.items()},
}
_TEXT_CACHE: dict[str | None, dict] = {}  # language -> texts (and cached child labels)

_COST_NAMES = tuple(COST_LABELS)


def _texts() -> dict:
    """The line texts in the active language (translated on first use of the language)."""
    language = get_language()
    texts = _TEXT_CACHE.get(language)
    if texts is None:
        texts = {key: _(msgid) for key, msgid in _LINE_TEXTS.items()}
        texts["rule:personal+part_time"] = f"{texts['rule:personal']}; {texts['rule:part_time']}"
        texts["rule:common+over7"] = f"{texts['rule:common']}; {texts['rule:over7']}"
        _TEXT_CACHE[language] = texts
    return texts


def _child_label(texts: dict, age: int, note_key: str) -> str:
    """ "Barn, 4 år (lunch i förskola/skola)", cached per language (in ``texts``)."""
    key = ("child", age, note_key)
    label = texts.get(key)
    if label is None:
        label = texts["child"] % {"age": age}
        if note_key:
            label = f"{label} ({texts['note:' + note_key]})"
        texts[key] = label
    return label


def _norm_lines(
    table: NormTable, household: Household, params: NormParameters, texts: dict, lines: list
) -> tuple[int, int]:
    """Append the norm lines to ``lines``; return (household size, norm total)."""
    adults = _validate(household, params)
    rule_personal = texts["rule:personal"]
    if len(adults) == 1:
        total = table.adult_single
        lines.append(Line("norm", texts["single"], total, rule_personal))
    else:
        total = table.adults_couple
        lines.append(Line("norm", texts["couple"], total, rule_personal))
    size = len(adults)
    full_days = params.days_in_month
    for member in household.members:
        if member.adult:
            continue
        amount, note_key = table._personal(member.age, member.school_lunch)
        residence = member.residence
        if residence == Residence.FULL:
            if member.label:
                label = member.label
                if note_key:
                    label = f"{label} ({texts['note:' + note_key]})"
            else:
                label = _child_label(texts, member.age, note_key)
            lines.append(Line("norm", label, amount, rule_personal))
            total += amount
            size += 1
            continue
        days = _days(member, params)
        amount = _round(Decimal(amount) * days / full_days)
        kind = texts["vaxelvis"] if residence == Residence.VAXELVIS else texts["umgange"]
        note = texts["days"] % {"kind": kind, "days": days, "month": full_days}
        if note_key:
            note = f"{texts['note:' + note_key]}, {note}"
        label = member.label or texts["child"] % {"age": member.age}
        lines.append(Line("norm", f"{label} ({note})", amount, texts["rule:personal+part_time"]))
        total += amount
        if _counts_in_size(member, params):
            size += 1

    total_size = size + household.other_residents
    common = table.common_for(total_size)
    rule = texts["rule:common"]
    label = texts["common"] % {"n": total_size}
    if total_size > 7:
        rule = texts["rule:common+over7"]
        label = texts["over7"] % {
            "label": label,
            "extra": total_size - 7,
            "inc": table.increment(),
        }
    if household.other_residents:
        common = _round(Decimal(common) * size / total_size)
        rule = f"{rule}; {texts['rule:shared']}"
        label = texts["shared"] % {"label": label, "size": size, "total": total_size}
    lines.append(Line("norm", label, common, rule))
    return size, total + common


def _cost_lines(
    costs: Costs, size: int, guideline: Guideline | None, texts: dict, lines: list
) -> int:
    """Append the cost lines to ``lines``; return their total."""
    total = 0
    rule_outside = texts["rule:outside"]
    for name in _COST_NAMES:
        amount = getattr(costs, name)
        if not amount:
            continue
        if amount < 0:
            _check_amount(COST_LABELS[name], amount)
        label = texts["cost:" + name]
        if name == "housing" and guideline is not None:
            cap = guideline.housing_cap(size)
            if cap is not None and amount > cap:
                lines.append(
                    Line(
                        "cost",
                        texts["capped"] % {"label": label, "cap": cap, "n": size},
                        cap,
                        f"{texts['rule:housing_cap']} {guideline.source}".strip(),
                        requested=amount,
                    )
                )
                total += cap
                continue
        lines.append(Line("cost", label, amount, rule_outside))
        total += amount
    for label, amount in costs.other:
        _check_amount(label, amount)
        if amount:
            lines.append(Line("cost", label, amount, rule_outside))
            total += amount
    return total


def _calculate(table, household, costs, incomes, guideline, params, texts) -> NeedCalculation:
    lines: list[Line] = []
    size, norm_total = _norm_lines(table, household, params, texts, lines)
    costs_total = _cost_lines(costs, size, guideline, texts, lines)
    income_total = 0
    rule_income = texts["rule:income"]
    for item in incomes:
        amount = item.amount
        _check_amount(item.label, amount)
        if amount:
            lines.append(Line("income", item.label, amount, rule_income))
            income_total += amount
    balance = norm_total + costs_total - income_total
    return NeedCalculation(
        year=table.year,
        household_size=size + household.other_residents,
        lines=tuple(lines),
        norm_total=norm_total,
        costs_total=costs_total,
        income_total=income_total,
        need=balance if balance > 0 else 0,
        surplus=-balance if balance < 0 else 0,
        notes=(table.note,) if table.note else (),
    )


def calculate_need(
    table: NormTable,
    household: Household,
    costs: Costs,
    incomes: Sequence[Income],
    *,
    guideline: Guideline | None = None,
    params: NormParameters | None = None,
) -> NeedCalculation:
    """Calculate the household's monthly need against ``table`` (one year's riksnorm)."""
    return _calculate(
        table, household, costs, incomes, guideline, params or _DEFAULT_PARAMS, _texts()
    )


def calculate_needs(
    table: NormTable,
    cases: Iterable[tuple[Household, Costs, Sequence[Income]]],
    *,
    guideline: Guideline | None = None,
    params: NormParameters | None = None,
) -> list[NeedCalculation]:
    """:func:`calculate_need` for many ``(household, costs, incomes)`` against one table.

    Same results as calling :func:`calculate_need` for each; the first invalid household
    raises its :class:`NormError`.
    """
    params = params or _DEFAULT_PARAMS
    texts = _texts()
    # The results hold no reference cycles: pause the cyclic garbage collector, which
    # otherwise walks every object made so far again and again (half of the time at 100,000
    # households). Reference counting frees everything as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [
            _calculate(table, household, costs, incomes, guideline, params, texts)
            for household, costs, incomes in cases
        ]
    finally:
        if collecting:
            gc.enable()
