"""Building blocks of the e-application's form (options, conditions, occupation fields)."""

from __future__ import annotations

import copy


def _when(field: str, *values: str) -> dict:
    return {"field": field, "anyOf": list(values)}


def _opts(pairs) -> list[dict]:
    return [{"value": v, "label": label} for v, label in pairs]


OCCUPATION_OPTIONS = _opts(
    [
        ("arbete", "Arbetar"),
        ("arbetssokande", "Arbetssökande (inskriven hos Arbetsförmedlingen)"),
        ("sfi", "Studerar svenska för invandrare (SFI)"),
        ("sjukskriven", "Sjukskriven"),
        ("studier", "Studerar"),
        ("foraldraledig", "Föräldraledig"),
        ("annat", "Annat"),
    ]
)
PERSON_OPTIONS = _opts([("sokande", "Jag (sökande)"), ("medsokande", "Medsökande")])
INCOME_OPTIONS = _opts(
    [
        ("lon", "Lön"),
        ("a_kassa", "Ersättning från a-kassa"),
        ("aktivitetsstod", "Aktivitetsstöd eller etableringsersättning"),
        ("sjukpenning", "Sjukpenning eller sjukersättning"),
        ("foraldrapenning", "Föräldrapenning"),
        ("bostadsbidrag", "Bostadsbidrag"),
        ("barnbidrag", "Barnbidrag"),
        ("underhallsstod", "Underhållsstöd"),
        ("studiemedel", "Studiemedel (CSN)"),
        ("pension", "Pension"),
        ("ovrigt", "Övrig inkomst"),
    ]
)
COST_OPTIONS = _opts(
    [
        ("hyra", "Hyra eller avgift för bostaden"),
        ("hushallsel", "Hushållsel"),
        ("hemforsakring", "Hemförsäkring"),
        ("arbetsresor", "Arbetsresor"),
        ("barnomsorg", "Barnomsorg"),
        ("lakarvard", "Läkarvård och medicin"),
        ("tandvard", "Akut tandvård"),
        ("akassa_fack", "A-kassa och fackavgift"),
        ("ovrigt", "Annat"),
    ]
)


def occupation_fields(prefix: str, who: str, condition: dict | None) -> list[dict]:
    def cond(extra: dict | None = None) -> dict:
        parts = [c for c in (condition, extra) if c]
        if not parts:
            return {}
        return {"showWhen": parts[0] if len(parts) == 1 else {"all": parts}}

    return [
        {
            "type": "radio",
            "name": f"{prefix}_sysselsattning",
            "label": f"{who}: sysselsättning",
            "required": True,
            "statistical": True,
            "options": copy.deepcopy(OCCUPATION_OPTIONS),
            **cond(),
        },
        {
            "type": "textarea",
            "name": f"{prefix}_plan",
            "label": f"{who}: din planering hos Arbetsförmedlingen",
            "hint": "Till exempel aktiviteter, möten och vilka arbeten du söker.",
            "required": True,
            "maxLength": 2000,
            **cond(_when(f"{prefix}_sysselsattning", "arbetssokande")),
        },
        {
            "type": "date",
            "name": f"{prefix}_sjukskriven_till",
            "label": f"{who}: sjukskriven till och med",
            "required": True,
            **cond(_when(f"{prefix}_sysselsattning", "sjukskriven")),
        },
        {
            "type": "textarea",
            "name": f"{prefix}_sysselsattning_info",
            "label": f"{who}: mer om sysselsättningen",
            "hint": "Till exempel vilken utbildning eller omfattning i procent.",
            "maxLength": 2000,
            **cond(),
        },
    ]
