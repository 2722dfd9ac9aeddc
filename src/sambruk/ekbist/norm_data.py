"""Load the published riksnorm tables from ``data/riksnorm.csv`` into the database.

Idempotent and respectful of administrators: a year, personal cost or common cost that already
exists is left as it is (an administrator may have corrected it) unless ``update=True``.
Registered as the module's reference/demo loader (order 40).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sambruk.core.demo import register_demo_loader

DATA_FILE = Path(__file__).parent / "data" / "riksnorm.csv"
_PERSONAL = re.compile(r"^personal_age_(\d+)(?:_(\d+))?(_no_lunch)?$")
_COMMON = re.compile(r"^common_hh([1-7])$")


class RiksnormFileError(ValueError):
    """The CSV cannot be read; the message is Swedish."""


@dataclass
class ParsedYear:
    year: int
    adult_single: int | None = None
    adults_couple: int | None = None
    personal: dict[tuple[int, int, bool], int] = field(default_factory=dict)
    common: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_riksnorm(path: Path = DATA_FILE) -> dict[int, ParsedYear]:
    years: dict[int, ParsedYear] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            try:
                year = int(row["year"])
                component = row["component"].strip()
                amount = int(row["amount_sek_per_month"])
            except (KeyError, TypeError, ValueError) as exc:
                raise RiksnormFileError(
                    f"Rad {lineno} i {path.name} kan inte läsas: {exc}"
                ) from exc
            if amount < 0:
                raise RiksnormFileError(f"Rad {lineno} i {path.name}: negativt belopp.")
            y = years.setdefault(year, ParsedYear(year))
            note = (row.get("note") or "").strip()
            if note and note != "derived":
                y.notes.append(f"{component}: {note}")
            elif note == "derived" and "Härledda belopp, ej verifierade." not in y.notes:
                y.notes.append("Härledda belopp, ej verifierade.")
            if component == "personal_adult_single":
                y.adult_single = amount
            elif component == "personal_adults_couple":
                y.adults_couple = amount
            elif m := _PERSONAL.match(component):
                age_from = int(m[1])
                age_to = int(m[2]) if m[2] else age_from
                y.personal[(age_from, age_to, bool(m[3]))] = amount
            elif m := _COMMON.match(component):
                y.common[int(m[1])] = amount
            else:
                raise RiksnormFileError(
                    f"Rad {lineno} i {path.name}: okänd komponent {component!r}."
                )
    for y in years.values():
        missing = [f"common_hh{n}" for n in range(1, 8) if n not in y.common]
        if y.adult_single is None:
            missing.append("personal_adult_single")
        if y.adults_couple is None:
            missing.append("personal_adults_couple")
        if missing:
            raise RiksnormFileError(f"År {y.year} saknar {', '.join(missing)} i {path.name}.")
    return years


def load_riksnorm(path: Path = DATA_FILE, *, update: bool = False) -> dict[str, int]:
    """Create the CSV's years in the database; returns counts (created, updated, unchanged)."""
    from sambruk.ekbist.models import CommonCost, NormYear, PersonalCost

    counts = {"years": 0, "created": 0, "updated": 0, "unchanged": 0}

    def put(model, lookup, values):
        obj, created = model.objects.get_or_create(**lookup, defaults=values)
        if created:
            counts["created"] += 1
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed and update:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        return obj

    parsed = parse_riksnorm(path)
    with transaction.atomic():
        for y in sorted(parsed.values(), key=lambda x: x.year):
            counts["years"] += 1
            year = put(
                NormYear,
                {"year": y.year},
                {
                    "adult_single": y.adult_single,
                    "adults_couple": y.adults_couple,
                    "note": "\n".join(y.notes),
                },
            )
            for (age_from, age_to, lunch), amount in sorted(y.personal.items()):
                put(
                    PersonalCost,
                    {
                        "year": year,
                        "age_from": age_from,
                        "age_to": age_to,
                        "with_school_lunch": lunch,
                    },
                    {"amount": amount},
                )
            for size, amount in sorted(y.common.items()):
                put(CommonCost, {"year": year, "household_size": size}, {"amount": amount})
    return counts


@register_demo_loader("ekbist", order=40)
def load_ekbist_reference(log) -> None:
    counts = load_riksnorm()
    log(
        f"Riksnorm: {counts['years']} år ({counts['created']} nya rader, "
        f"{counts['unchanged']} oförändrade)."
    )


def table_from_file(year: int, path: Path = DATA_FILE):
    """The CSV's ``year`` as a :class:`~sambruk.ekbist.norm.NormTable`, without the database."""
    from sambruk.ekbist.norm import NormError, NormTable, PersonalRate

    parsed = parse_riksnorm(path)
    if year not in parsed:
        raise NormError(f"Riksnormen för {year} finns inte i {path.name}.")
    y = parsed[year]
    return NormTable(
        year=year,
        personal=tuple(PersonalRate(a, b, lunch, amt) for (a, b, lunch), amt in y.personal.items()),
        adult_single=y.adult_single,
        adults_couple=y.adults_couple,
        common=dict(y.common),
        note="\n".join(y.notes),
    )
