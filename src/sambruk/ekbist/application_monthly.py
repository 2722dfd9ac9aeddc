"""Last month's normalised application → the e-form's answers (the månadsansökan).

Used through :func:`ekbist.application_data.to_answers`.
"""

from __future__ import annotations

from typing import Any

from .application_data import (
    COSTS,
    ROLE_APPLICANT,
    ROLE_CHILD,
    ROLE_OTHER_ADULT,
    applicant,
    co_applicant,
)
from .norm import Residence


def answers_from_data(data: dict) -> dict:
    """Form answers that start next month's application from ``data`` (amounts in öre).

    Attachments, the consent and Självservice values are not carried over: they are given
    anew every month.
    """
    answers: dict[str, Any] = {}
    co = co_applicant(data)
    answers["har_medsokande"] = "yes" if co else "no"
    if co:
        answers["medsokande_namn"] = co.get("name") or ""
        answers["medsokande_pnr"] = co.get("civic_number") or ""
        if co.get("occupation"):
            answers["medsokande_sysselsattning"] = co["occupation"]["kind"]
    me = applicant(data)
    if me.get("occupation"):
        answers["sokande_sysselsattning"] = me["occupation"]["kind"]
        if me["occupation"].get("plan"):
            answers["sokande_plan"] = me["occupation"]["plan"]
    rows = []
    for m in data.get("members") or []:
        if m.get("role") not in (ROLE_CHILD, ROLE_OTHER_ADULT):
            continue
        row = {"person_namn": m.get("name") or "", "person_relation": m["role"]}
        if m.get("birth_date"):
            row["person_fodd"] = m["birth_date"]
        row["person_boende"] = m.get("residence") or Residence.FULL.value
        if m.get("days_per_month"):
            row["person_dagar"] = int(m["days_per_month"])
        row["person_skola"] = "yes" if m.get("in_school") else "no"
        row["person_skollunch"] = "yes" if m.get("school_lunch") else "no"
        rows.append({k: v for k, v in row.items() if v not in ("", None)})
    if rows:
        answers["hushall"] = rows
    housing = data.get("housing") or {}
    for key, name in (("type", "boendeform"), ("landlord", "hyresvard"), ("address", "adress")):
        if housing.get(key):
            answers[name] = housing[key]
    for key, name in (("rooms", "rum"), ("residents", "antal_boende")):
        if housing.get(key) is not None:
            answers[name] = int(housing[key])
    if housing.get("rent"):
        answers["hyra"] = int(housing["rent"]) * 100
    if housing.get("subletting_income"):
        answers["andrahandsinkomst"] = int(housing["subletting_income"]) * 100
    incomes = [
        {
            "inkomst_person": row.get("person") or ROLE_APPLICANT,
            "inkomst_typ": row.get("type") or "ovrigt",
            "inkomst_belopp": int(row.get("amount") or 0) * 100,
            **({"inkomst_beskrivning": row["label"]} if row.get("label") else {}),
        }
        for row in data.get("incomes") or []
        if row.get("type") != "andrahand" and not row.get("source")
    ]
    if incomes:
        answers["inkomster"] = incomes
    costs = data.get("costs") or {}
    chosen = [value for value, (key, _f) in COSTS.items() if costs.get(key)]
    for value in chosen:
        if value != "hyra":
            answers[f"kostnad_{value}"] = int(costs[COSTS[value][0]]) * 100
    if costs.get("ovrigt"):
        chosen.append("ovrigt")
        answers["kostnad_ovrigt_text"] = costs["ovrigt"][0].get("text") or ""
        answers["kostnad_ovrigt"] = int(costs["ovrigt"][0].get("amount") or 0) * 100
    if chosen:
        answers["kostnader"] = [v for v in [*COSTS, "ovrigt"] if v in chosen]
    assets = [
        {
            "tillgang_typ": row.get("type") or "annat",
            "tillgang_agare": row.get("owner") or ROLE_APPLICANT,
            "tillgang_beskrivning": row.get("description") or "",
            "tillgang_varde": int(row.get("value") or 0) * 100,
        }
        for row in data.get("assets") or []
    ]
    if assets:
        answers["tillgangar"] = assets
    return {k: v for k, v in answers.items() if v not in ("", None)}
