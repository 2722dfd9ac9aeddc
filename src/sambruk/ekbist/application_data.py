"""The normalised application (``Application.data``) and its mapping to the norm calculation.

The e-application is an e-service (``eforms``); its answers use the form's field names and
store amounts in öre. On submission they are normalised once into the structure below, which
is what the rest of ekbist (Multifråga, decision, statistics) reads — through this module only.

Money is **whole kronor per month** everywhere in ``data``. Dates are ISO strings.

.. code-block:: python

    {
      "version": 1,
      "kind": "nyansokan" | "manadsansokan",
      "period": "2026-12",                       # the month applied for
      "protected": False,                        # applicant has skyddad folkbokföring/sekretess
      "contact": {"email": "…", "phone": "…"},
      "members": [                               # sökande first, then medsökande, then others
        {"role": "sokande" | "medsokande" | "barn" | "annan_vuxen",
         "name": "…", "civic_number": "191212121212" | "", "birth_date": "1912-12-12" | "",
         "residence": "heltid" | "vaxelvis" | "umgange", "days_per_month": None | 1..31,
         "in_school": bool, "school_lunch": bool,
         "occupation": None | {"kind": "arbetssokande" | …, "plan": "…", "details": "…"}}
      ],
      "housing": {"type": "hyresratt" | …, "rooms": int | None, "residents": int | None,
                  "landlord": "…", "rent": int, "subletting_income": int, "address": "…"},
      "incomes": [{"person": "sokande" | "medsokande", "type": "lon" | …, "amount": int,
                   "label": "…", "source": "" | "FK" | "CSN" | …}],   # source: Självservice
      "costs": {"hyra": int, "hushallsel": int, "hemforsakring": int, "arbetsresor": int,
                "barnomsorg": int, "lakarvard": int, "tandvard": int, "akassa_fack": int,
                "ovrigt": [{"text": "…", "amount": int}]},
      "assets": [{"type": "bankkonto" | "fordon" | "fastighet" | "aktier" | "annat",
                  "owner": "sokande" | "medsokande", "description": "…", "value": int}],
      "attachments": [{"kind": "hyresavi" | …, "name": "…", "file_id": int}],
      "selfservice": {"consent": bool},
    }

Public functions: :func:`from_answers` (form answers → data), :func:`validate` (contradictions
→ Swedish messages), :func:`to_answers` (data → form answers, for the monthly re-application),
:func:`to_norm_input` (data → ``(Household, Costs, incomes)`` for ``ekbist.norm``), plus small
readers (:func:`adults`, :func:`children`, :func:`period_date`, :func:`total_income`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .norm import Costs, Household, Income, Member, Residence

VERSION = 1

ROLE_APPLICANT = "sokande"
ROLE_CO_APPLICANT = "medsokande"
ROLE_CHILD = "barn"
ROLE_OTHER_ADULT = "annan_vuxen"
ROLE_PARTNER = "make_sambo"  # a form answer only: a partner listed among the household

MAX_DAYS = 31
MAX_CHILD_AGE = 21  # children under 18, youth in school up to (not including) 21

OCCUPATIONS = {
    "arbete": gettext_lazy("Arbetar"),
    "arbetssokande": gettext_lazy("Arbetssökande"),
    "sfi": gettext_lazy("Studerar SFI"),
    "sjukskriven": gettext_lazy("Sjukskriven"),
    "studier": gettext_lazy("Studerar"),
    "foraldraledig": gettext_lazy("Föräldraledig"),
    "annat": gettext_lazy("Annat"),
}

HOUSING_TYPES = {
    "hyresratt": gettext_lazy("Hyresrätt, förstahand"),
    "andrahand": gettext_lazy("Hyresrätt, andrahand"),
    "bostadsratt": gettext_lazy("Bostadsrätt"),
    "villa": gettext_lazy("Eget hus"),
    "inneboende": gettext_lazy("Inneboende"),
    "foraldrar": gettext_lazy("Bor hos föräldrar"),
    "utan": gettext_lazy("Saknar bostad"),
}

INCOME_TYPES = {
    "lon": gettext_lazy("Lön"),
    "a_kassa": gettext_lazy("Ersättning från a-kassa"),
    "aktivitetsstod": gettext_lazy("Aktivitetsstöd / etableringsersättning"),
    "sjukpenning": gettext_lazy("Sjukpenning / sjukersättning"),
    "foraldrapenning": gettext_lazy("Föräldrapenning"),
    "bostadsbidrag": gettext_lazy("Bostadsbidrag"),
    "barnbidrag": gettext_lazy("Barnbidrag"),
    "underhallsstod": gettext_lazy("Underhållsstöd"),
    "studiemedel": gettext_lazy("Studiemedel (CSN)"),
    "pension": gettext_lazy("Pension"),
    "andrahand": gettext_lazy("Inkomst av andrahandsuthyrning"),
    "ovrigt": gettext_lazy("Övrig inkomst"),
}

#: Costs applied for: form value → (``data["costs"]`` key, ``norm.Costs`` field or None).
COSTS = {
    "hyra": ("hyra", "housing"),
    "hushallsel": ("hushallsel", "electricity"),
    "hemforsakring": ("hemforsakring", "home_insurance"),
    "arbetsresor": ("arbetsresor", "work_travel"),
    "barnomsorg": ("barnomsorg", "childcare"),
    "lakarvard": ("lakarvard", "medical"),
    "tandvard": ("tandvard", "dental"),
    "akassa_fack": ("akassa_fack", "union_fees"),
}
COST_LABELS = {
    "hyra": gettext_lazy("Hyra"),
    "hushallsel": gettext_lazy("Hushållsel"),
    "hemforsakring": gettext_lazy("Hemförsäkring"),
    "arbetsresor": gettext_lazy("Arbetsresor"),
    "barnomsorg": gettext_lazy("Barnomsorg"),
    "lakarvard": gettext_lazy("Läkarvård och medicin"),
    "tandvard": gettext_lazy("Akut tandvård"),
    "akassa_fack": gettext_lazy("A-kassa och fackavgift"),
    "ovrigt": gettext_lazy("Övrigt"),
}

ASSET_TYPES = {
    "bankkonto": gettext_lazy("Bankkonto"),
    "fordon": gettext_lazy("Fordon"),
    "fastighet": gettext_lazy("Fastighet / bostadsrätt"),
    "aktier": gettext_lazy("Aktier och fonder"),
    "annat": gettext_lazy("Annan tillgång"),
}

#: Attachment fields of the form: name → kind stored in ``data["attachments"]``.
ATTACHMENT_FIELDS = {
    "bilaga_hyresavi": "hyresavi",
    "bilaga_elrakning": "elrakning",
    "bilaga_lakarintyg": "lakarintyg",
    "bilaga_medsokande_lakarintyg": "lakarintyg",
    "bilaga_lakarvard": "kvitto_lakarvard",
    "bilaga_tandvard": "kostnadsforslag_tandvard",
    "bilaga_barnomsorg": "faktura_barnomsorg",
    "bilaga_ovrigt": "ovrigt",
}


@dataclass(frozen=True)
class Problem:
    """A contradiction in the application: ``field`` is the form field it belongs to."""

    field: str
    message: str


# --- small helpers -------------------------------------------------------------------------
def kronor(ore: Any) -> int:
    """Öre (the e-form's amount) → whole kronor, half up; ``None``/"" → 0."""
    if ore in (None, "") or isinstance(ore, bool):
        return 0
    try:
        value = int(ore)
    except (TypeError, ValueError):
        return 0
    return (value + 50) // 100 if value >= 0 else -((-value + 50) // 100)


def _yes(value: Any) -> bool:
    return value in ("yes", True)


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def birth_date_of(civic_number: str) -> str:
    """ISO birth date from a 12-digit personnummer (samordningsnummer: day − 60)."""
    digits = "".join(ch for ch in civic_number or "" if ch.isdigit())
    if len(digits) != 12:
        return ""
    day = int(digits[6:8])
    if day > 60:
        day -= 60
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), day).isoformat()
    except ValueError:
        return ""


def age_at(birth_date: str, at: dt.date) -> int | None:
    if not birth_date:
        return None
    try:
        born = dt.date.fromisoformat(birth_date)
    except ValueError:
        return None
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


def period_date(data: dict) -> dt.date:
    """First day of the month applied for (``data["period"]`` is ``YYYY-MM``)."""
    raw = str(data.get("period") or "")
    try:
        year, month = (int(x) for x in raw.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        today = dt.date.today()
        return today.replace(day=1)


def adults(data: dict) -> list[dict]:
    return [m for m in data.get("members") or [] if m.get("role") in _ADULT_ROLES]


def applicant(data: dict) -> dict:
    return next((m for m in data.get("members") or [] if m.get("role") == ROLE_APPLICANT), {})


def co_applicant(data: dict) -> dict | None:
    return next((m for m in data.get("members") or [] if m.get("role") == ROLE_CO_APPLICANT), None)


def children(data: dict) -> list[dict]:
    return [m for m in data.get("members") or [] if m.get("role") == ROLE_CHILD]


def total_income(data: dict) -> int:
    return sum(int(row.get("amount") or 0) for row in data.get("incomes") or [])


_ADULT_ROLES = (ROLE_APPLICANT, ROLE_CO_APPLICANT)


# --- answers → data ------------------------------------------------------------------------
def _occupation(answers: dict, prefix: str) -> dict | None:
    kind = answers.get(f"{prefix}_sysselsattning")
    if not kind:
        return None
    return {
        "kind": kind,
        "plan": str(answers.get(f"{prefix}_plan") or ""),
        "details": str(answers.get(f"{prefix}_sysselsattning_info") or ""),
        "sick_leave_until": str(answers.get(f"{prefix}_sjukskriven_till") or ""),
    }


def _member(role: str, **values) -> dict:
    row = {
        "role": role,
        "name": "",
        "civic_number": "",
        "birth_date": "",
        "residence": Residence.FULL.value,
        "days_per_month": None,
        "in_school": False,
        "school_lunch": False,
        "occupation": None,
    }
    row.update(values)
    return row


def from_answers(
    answers: dict, *, applicant_civic_number: str = "", applicant_name: str = ""
) -> dict:
    """Normalise the e-form's answers (see ``ekbist/forms.py`` for the field names)."""
    a = answers or {}
    pnr = str(a.get("sokande_pnr") or applicant_civic_number or "")
    members = [
        _member(
            ROLE_APPLICANT,
            name=str(a.get("sokande_namn") or applicant_name or ""),
            civic_number=pnr,
            birth_date=birth_date_of(pnr),
            occupation=_occupation(a, "sokande"),
        )
    ]
    if _yes(a.get("har_medsokande")):
        co_pnr = str(a.get("medsokande_pnr") or "")
        members.append(
            _member(
                ROLE_CO_APPLICANT,
                name=str(a.get("medsokande_namn") or ""),
                civic_number=co_pnr,
                birth_date=birth_date_of(co_pnr),
                occupation=_occupation(a, "medsokande"),
            )
        )
    for row in a.get("hushall") or []:
        relation = row.get("person_relation") or ROLE_CHILD
        role = ROLE_CO_APPLICANT if relation == ROLE_PARTNER else relation
        residence = row.get("person_boende") or Residence.FULL.value
        members.append(
            _member(
                role,
                name=str(row.get("person_namn") or ""),
                birth_date=str(row.get("person_fodd") or ""),
                residence=residence,
                days_per_month=(
                    _int_or_none(row.get("person_dagar"))
                    if residence != Residence.FULL.value
                    else None
                ),
                in_school=_yes(row.get("person_skola")),
                school_lunch=_yes(row.get("person_skollunch")),
            )
        )
    housing_type = str(a.get("boendeform") or "")
    housing = {
        "type": housing_type,
        "rooms": _int_or_none(a.get("rum")),
        "residents": _int_or_none(a.get("antal_boende")),
        "landlord": str(a.get("hyresvard") or ""),
        "rent": kronor(a.get("hyra")),
        "subletting_income": kronor(a.get("andrahandsinkomst")),
        "address": str(a.get("adress") or ""),
    }
    incomes = [
        {
            "person": row.get("inkomst_person") or ROLE_APPLICANT,
            "type": row.get("inkomst_typ") or "ovrigt",
            "amount": kronor(row.get("inkomst_belopp")),
            "label": str(row.get("inkomst_beskrivning") or ""),
            "source": "",
        }
        for row in a.get("inkomster") or []
    ]
    if housing["subletting_income"]:
        incomes.append(
            {
                "person": ROLE_APPLICANT,
                "type": "andrahand",
                "amount": housing["subletting_income"],
                "label": "",
                "source": "",
            }
        )
    chosen = set(a.get("kostnader") or [])
    costs: dict[str, Any] = {key: 0 for key, _field in COSTS.values()}
    for value, (key, _field) in COSTS.items():
        if value not in chosen:
            continue
        costs[key] = housing["rent"] if value == "hyra" else kronor(a.get(f"kostnad_{value}"))
    costs["ovrigt"] = []
    if "ovrigt" in chosen and (a.get("kostnad_ovrigt") or a.get("kostnad_ovrigt_text")):
        costs["ovrigt"].append(
            {
                "text": str(a.get("kostnad_ovrigt_text") or ""),
                "amount": kronor(a.get("kostnad_ovrigt")),
            }
        )
    assets = [
        {
            "type": row.get("tillgang_typ") or "annat",
            "owner": row.get("tillgang_agare") or ROLE_APPLICANT,
            "description": str(row.get("tillgang_beskrivning") or ""),
            "value": kronor(row.get("tillgang_varde")),
        }
        for row in a.get("tillgangar") or []
    ]
    attachments = [
        {"kind": kind, "name": str(f.get("name") or ""), "file_id": f.get("id")}
        for name, kind in ATTACHMENT_FIELDS.items()
        for f in a.get(name) or []
        if isinstance(f, dict)
    ]
    return {
        "version": VERSION,
        "kind": a.get("ansokningstyp") or "nyansokan",
        "period": str(a.get("period") or ""),
        "protected": _yes(a.get("skyddad")),
        "contact": {"email": str(a.get("epost") or ""), "phone": str(a.get("telefon") or "")},
        "members": members,
        "housing": housing,
        "incomes": incomes,
        "costs": costs,
        "assets": assets,
        "attachments": attachments,
        "selfservice": {"consent": _yes(a.get("sjalvservice"))},
    }


# --- contradictions ------------------------------------------------------------------------
def validate(data: dict) -> list[Problem]:
    """Contradictions a single field cannot catch, as Swedish messages (empty = fine)."""
    problems: list[Problem] = []
    at = period_date(data)
    members = data.get("members") or []
    co = [m for m in members if m.get("role") == ROLE_CO_APPLICANT]
    if len(co) > 1:
        problems.append(
            Problem(
                "hushall",
                _(
                    "Det går bara att ha en medsökande (make, maka eller sambo). Ta bort "
                    "make/maka/sambo från hushållet om du redan har angett en medsökande."
                ),
            )
        )
    pnrs = [m.get("civic_number") for m in members if m.get("civic_number")]
    if len(pnrs) != len(set(pnrs)):
        problems.append(
            Problem(
                "medsokande_pnr",
                _("Medsökande måste vara en annan person än du själv."),
            )
        )
    for index, member in enumerate(members, 1):
        name = member.get("name") or _("person %(n)s") % {"n": index}
        age = age_at(member.get("birth_date") or "", at)
        if member.get("birth_date") and age is None:
            problems.append(
                Problem(
                    "hushall", _("Födelsedatum för %(name)s är inte ett datum.") % {"name": name}
                )
            )
            continue
        if age is not None and age < 0:
            problems.append(
                Problem(
                    "hushall",
                    _("%(name)s är född efter ansökningsmånaden.") % {"name": name},
                )
            )
        role = member.get("role")
        if role not in (*_ADULT_ROLES, ROLE_CHILD, ROLE_OTHER_ADULT):
            problems.append(Problem("hushall", _("Ange vem %(name)s är.") % {"name": name}))
        if member.get("residence", Residence.FULL) not in {r.value for r in Residence}:
            problems.append(Problem("hushall", _("Ange hur %(name)s bor.") % {"name": name}))
        if role in _ADULT_ROLES and age is not None and age < 18:
            field = "sokande_pnr" if role == ROLE_APPLICANT else "medsokande_pnr"
            problems.append(
                Problem(
                    field, _("%(name)s är under 18 år och kan inte vara sökande.") % {"name": name}
                )
            )
        if role == ROLE_CHILD and age is not None:
            if age >= MAX_CHILD_AGE:
                problems.append(
                    Problem(
                        "hushall",
                        _(
                            "%(name)s är %(age)s år. Barn och ungdomar ingår i ansökan bara upp "
                            "till 21 år; den som är äldre ansöker själv."
                        )
                        % {"name": name, "age": age},
                    )
                )
            elif age >= 18 and not member.get("in_school"):
                problems.append(
                    Problem(
                        "hushall",
                        _(
                            "%(name)s är %(age)s år. Ungdomar mellan 18 och 21 år ingår bara om "
                            "de går i skolan (gymnasiet)."
                        )
                        % {"name": name, "age": age},
                    )
                )
        days = member.get("days_per_month")
        if member.get("residence") in (Residence.VAXELVIS, Residence.UMGANGE):
            if member.get("residence") == Residence.UMGANGE and days is None:
                problems.append(
                    Problem(
                        "hushall",
                        _("Ange hur många dagar per månad %(name)s är hos dig.") % {"name": name},
                    )
                )
            if days is not None and not 1 <= int(days) <= MAX_DAYS:
                problems.append(
                    Problem(
                        "hushall",
                        _("Antal dagar per månad för %(name)s ska vara mellan 1 och 31.")
                        % {"name": name},
                    )
                )
    housing = data.get("housing") or {}
    residents = housing.get("residents")
    living_here = [m for m in members if m.get("residence", Residence.FULL) != Residence.UMGANGE]
    if residents is not None and residents < len(living_here):
        problems.append(
            Problem(
                "antal_boende",
                _(
                    "Du har angett %(n)s boende i bostaden men %(m)s personer i hushållet som "
                    "bor där."
                )
                % {"n": residents, "m": len(living_here)},
            )
        )
    amounts = [
        ("hyra", housing.get("rent")),
        ("andrahandsinkomst", housing.get("subletting_income")),
    ]
    amounts += [("inkomster", row.get("amount")) for row in data.get("incomes") or []]
    amounts += [
        (f"kostnad_{key}", value)
        for key, value in (data.get("costs") or {}).items()
        if key != "ovrigt"
    ]
    amounts += [
        ("kostnad_ovrigt", row.get("amount"))
        for row in (data.get("costs") or {}).get("ovrigt") or []
    ]
    amounts += [("tillgangar", row.get("value")) for row in data.get("assets") or []]
    for field, amount in amounts:
        if amount is not None and int(amount) < 0:
            problems.append(Problem(field, _("Belopp kan inte vara negativa.")))
            break
    if not co and any(row.get("person") == ROLE_CO_APPLICANT for row in data.get("incomes") or []):
        problems.append(
            Problem("inkomster", _("Du har angett inkomst för medsökande men ingen medsökande."))
        )
    return problems


# --- data → answers (monthly re-application) -----------------------------------------------
def to_answers(data: dict) -> dict:
    """Form answers that start next month's application from ``data`` (amounts in öre).

    Attachments, the consent and Självservice values are not carried over: they are given
    anew every month. (Implemented in :mod:`.application_monthly`.)
    """
    from .application_monthly import answers_from_data

    return answers_from_data(data)


# --- data → norm calculation ---------------------------------------------------------------
def to_norm_input(
    data: dict, *, at: dt.date | None = None
) -> tuple[Household, Costs, list[Income]]:
    """The household, the costs applied for and the incomes for ``norm.calculate_need``.

    Ages are taken at ``at`` (default: the first day of the month applied for). Days per
    month above the norm's 30-day month are capped at 30. Adults outside the family
    (``annan_vuxen``) become ``other_residents``; so does the difference when the stated
    number of residents is larger than the household.
    """
    at = at or period_date(data)
    members: list[Member] = []
    others = 0
    for m in data.get("members") or []:
        role = m.get("role")
        age = age_at(m.get("birth_date") or "", at)
        if role == ROLE_OTHER_ADULT:
            others += 1
            continue
        adult = role in _ADULT_ROLES
        residence = Residence(m.get("residence") or Residence.FULL.value)
        days = m.get("days_per_month")
        if adult:
            residence, days = Residence.FULL, None
        members.append(
            Member(
                age=age if age is not None else (30 if adult else 0),
                adult=adult,
                school_lunch=bool(m.get("school_lunch")),
                residence=residence,
                days_per_month=min(int(days), 30) if days else None,
                label=m.get("name") or "",
            )
        )
    housing = data.get("housing") or {}
    residents = housing.get("residents")
    living = sum(1 for m in members if m.residence != Residence.UMGANGE) + others
    if residents is not None and residents > living:
        others += residents - living
    costs = data.get("costs") or {}
    values = {field: int(costs.get(key) or 0) for key, field in COSTS.values() if field}
    other = tuple(
        (str(row.get("text") or _("Övrigt")), int(row.get("amount") or 0))
        for row in costs.get("ovrigt") or []
    )
    incomes = [
        Income(
            label=_income_label(row),
            amount=int(row.get("amount") or 0),
        )
        for row in data.get("incomes") or []
    ]
    return (
        Household(members=tuple(members), other_residents=others),
        Costs(**values, other=other),
        incomes,
    )


def _income_label(row: dict) -> str:
    label = str(INCOME_TYPES.get(row.get("type"), INCOME_TYPES["ovrigt"]))
    who = _("medsökande") if row.get("person") == ROLE_CO_APPLICANT else _("sökande")
    extra = f", {row['label']}" if row.get("label") else ""
    return f"{label} ({who}{extra})"
