"""Building blocks of the e-application's form (texts, options, conditions, occupation fields).

Every text the applicant sees is ``{"sv": …, "en": …}`` (:func:`_t`); the engine shows the
submission's language. Option values are the stored codes and never change with the texts.
"""

from __future__ import annotations

import copy


def _t(sv: str, en: str) -> dict:
    """A localized definition text."""
    return {"sv": sv, "en": en}


def _when(field: str, *values: str) -> dict:
    return {"field": field, "anyOf": list(values)}


def _opts(triples) -> list[dict]:
    """Options from (value, Swedish label, English label)."""
    return [{"value": v, "label": _t(sv, en)} for v, sv, en in triples]


OCCUPATION_OPTIONS = _opts(
    [
        ("arbete", "Arbetar", "Working"),
        (
            "arbetssokande",
            "Arbetssökande (inskriven hos Arbetsförmedlingen)",
            "Looking for work (registered with the Public Employment Service, Arbetsförmedlingen)",
        ),
        (
            "sfi",
            "Studerar svenska för invandrare (SFI)",
            "Studying Swedish for immigrants (SFI)",
        ),
        ("sjukskriven", "Sjukskriven", "On sick leave (sjukskriven)"),
        ("studier", "Studerar", "Studying"),
        ("foraldraledig", "Föräldraledig", "On parental leave"),
        ("annat", "Annat", "Other"),
    ]
)
PERSON_OPTIONS = _opts(
    [
        ("sokande", "Jag (sökande)", "Me (applicant)"),
        ("medsokande", "Medsökande", "Co-applicant (medsökande)"),
    ]
)
INCOME_OPTIONS = _opts(
    [
        ("lon", "Lön", "Salary or wages"),
        ("a_kassa", "Ersättning från a-kassa", "Unemployment benefit (a-kassa)"),
        (
            "aktivitetsstod",
            "Aktivitetsstöd eller etableringsersättning",
            "Activity support or establishment allowance (aktivitetsstöd, etableringsersättning)",
        ),
        (
            "sjukpenning",
            "Sjukpenning eller sjukersättning",
            "Sickness benefit or sickness compensation (sjukpenning, sjukersättning)",
        ),
        ("foraldrapenning", "Föräldrapenning", "Parental benefit (föräldrapenning)"),
        ("bostadsbidrag", "Bostadsbidrag", "Housing allowance (bostadsbidrag)"),
        ("barnbidrag", "Barnbidrag", "Child allowance (barnbidrag)"),
        ("underhallsstod", "Underhållsstöd", "Maintenance support (underhållsstöd)"),
        ("studiemedel", "Studiemedel (CSN)", "Student finance (studiemedel, CSN)"),
        ("pension", "Pension", "Pension"),
        ("ovrigt", "Övrig inkomst", "Other income"),
    ]
)
COST_OPTIONS = _opts(
    [
        ("hyra", "Hyra eller avgift för bostaden", "Rent or fee for your home"),
        ("hushallsel", "Hushållsel", "Household electricity"),
        ("hemforsakring", "Hemförsäkring", "Home insurance"),
        ("arbetsresor", "Arbetsresor", "Travel to and from work"),
        ("barnomsorg", "Barnomsorg", "Childcare (barnomsorg)"),
        ("lakarvard", "Läkarvård och medicin", "Medical care and medicine"),
        ("tandvard", "Akut tandvård", "Emergency dental care"),
        (
            "akassa_fack",
            "A-kassa och fackavgift",
            "Unemployment insurance fund (a-kassa) and trade union fees",
        ),
        ("ovrigt", "Annat", "Other"),
    ]
)

#: Who an occupation page block is about: (Swedish, English) label prefix.
_WHO = {
    "sokande": ("Du", "You"),
    "medsokande": ("Medsökande", "Co-applicant"),
}


def occupation_fields(prefix: str, condition: dict | None) -> list[dict]:
    """The occupation questions for ``prefix`` (``sokande`` or ``medsokande``)."""
    who_sv, who_en = _WHO[prefix]

    def cond(extra: dict | None = None) -> dict:
        parts = [c for c in (condition, extra) if c]
        if not parts:
            return {}
        return {"showWhen": parts[0] if len(parts) == 1 else {"all": parts}}

    return [
        {
            "type": "radio",
            "name": f"{prefix}_sysselsattning",
            "label": _t(f"{who_sv}: sysselsättning", f"{who_en}: occupation"),
            "required": True,
            "statistical": True,
            "options": copy.deepcopy(OCCUPATION_OPTIONS),
            **cond(),
        },
        {
            "type": "textarea",
            "name": f"{prefix}_plan",
            "label": _t(
                f"{who_sv}: din planering hos Arbetsförmedlingen",
                f"{who_en}: plan with the Public Employment Service (Arbetsförmedlingen)",
            ),
            "hint": _t(
                "Till exempel aktiviteter, möten och vilka arbeten du söker.",
                "For example activities, meetings and the jobs you are applying for.",
            ),
            "required": True,
            "maxLength": 2000,
            **cond(_when(f"{prefix}_sysselsattning", "arbetssokande")),
        },
        {
            "type": "date",
            "name": f"{prefix}_sjukskriven_till",
            "label": _t(
                f"{who_sv}: sjukskriven till och med",
                f"{who_en}: on sick leave until (including)",
            ),
            "required": True,
            **cond(_when(f"{prefix}_sysselsattning", "sjukskriven")),
        },
        {
            "type": "textarea",
            "name": f"{prefix}_sysselsattning_info",
            "label": _t(
                f"{who_sv}: mer om sysselsättningen",
                f"{who_en}: more about the occupation",
            ),
            "hint": _t(
                "Till exempel vilken utbildning eller omfattning i procent.",
                "For example which course or programme, or how many percent of full time.",
            ),
            "maxLength": 2000,
            **cond(),
        },
    ]
