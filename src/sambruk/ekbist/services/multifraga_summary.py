"""Multifråga's result as plain JSON: one part per person and agency, payments by month.

:func:`summarise` turns the parsed SSBTEK answers (``ssbtek.types``) into what the snapshot
stores and the page shows: per agency ``status`` (``ok``, ``empty`` or ``error`` with a Swedish
message and the felkod), facts, payments, decisions, vehicles, taxation and permits; per person
the payments of all agencies grouped by month. Amounts are strings with two decimals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from sambruk.ekbist.ssbtek import types as t


def _d(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def _money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except InvalidOperation:
        return ""


def _yes_no(value) -> str:
    return "" if value is None else (_("Ja") if value else _("Nej"))


def _facts(*pairs) -> list[list[str]]:
    return [[str(label), str(value)] for label, value in pairs if value not in (None, "")]


def _af(data: t.AfData, out: dict) -> None:
    out["facts"] = _facts(
        (_("Sekretessmarkering"), _("Ja") if data.sekretessmarkering else ""),
        (_("Inskriven som arbetssökande"), _yes_no(data.arbetssokande)),
        (_("Sökandekategori"), data.arbetssokande_skat),
        (_("Inskriven sedan"), _d(data.registrerad)),
        (_("Omfattning, %"), data.omfattning),
        (_("Avaktualiserad"), _d(data.avaktualiserad)),
        (_("A-kassa"), data.akassetillhorighet),
        (_("Status"), data.status_text),
    )
    out["decisions"] = [
        {
            "label": b.ersattning_typ,
            "from": _d(b.from_datum),
            "to": _d(b.tom_datum),
            "text": f"{b.omfattning} %" if b.omfattning is not None else "",
        }
        for b in data.beslut
    ]


def _csn(data: t.CsnData, out: dict) -> None:
    out["facts"] = _facts((_("Resultat"), data.resultat_text))
    for person in data.personer:
        for kind, flag in person.studiestodstyper.items():
            if flag:
                out["decisions"].append({"label": kind, "from": "", "to": "", "text": ""})
        out["facts"] += [[k, v] for k, v in list(person.uppgifter.items())[:40]]


def _fk(data: t.FkData, out: dict) -> None:
    out["facts"] = _facts(
        *((u.namn or u.kod, u.tillstand_beskrivning or u.tillstand_kod) for u in data.utlamnare)
    )
    doc = data.json if isinstance(data.json, dict) else {}
    for row in doc.get("utbetalningar") or []:
        if not isinstance(row, dict):
            continue
        month = str(row.get("avserManad") or "")[:7]
        paid = str(row.get("utbetalningsdatum") or "")[:10]
        out["payments"].append(
            {
                "label": str(row.get("forman") or _("Utbetalning")),
                "date": paid,
                "month": month or paid[:7],
                "amount": _money(row.get("belopp")),
                "text": "",
            }
        )
    for row in doc.get("beslut") or []:
        if isinstance(row, dict):
            out["decisions"].append(
                {
                    "label": str(row.get("forman") or row.get("typ") or _("Beslut")),
                    "from": str(row.get("from") or "")[:10],
                    "to": str(row.get("tom") or "")[:10],
                    "text": str(row.get("beslut") or ""),
                }
            )


def _skv(data: t.SkvData, out: dict) -> None:
    for p in data.personer:
        out["facts"] += _facts((_("Namn"), f"{p.fornamn} {p.efternamn}".strip()))
        out["taxation"] += [
            {
                "year": k.taxeringsar,
                "income": _money(k.summa_intakter),
                "surplus": _money(k.overskott),
            }
            for k in p.kapital
        ]
        out["facts"] += [[k, v] for k, v in list(p.uppgifter.items())[:40]]


def _so(data: t.SoData, out: dict) -> None:
    for ers in data.ersattningar:
        out["facts"] += _facts((ers.svarande_organisation, ers.status))
        for u in ers.utbetalningar:
            out["payments"].append(
                {
                    "label": _("Arbetslöshetsersättning (%(kassa)s)")
                    % {"kassa": ers.svarande_organisation},
                    "date": _d(u.utbetalningsdatum),
                    "month": (_d(u.avser_from) or _d(u.utbetalningsdatum))[:7],
                    "amount": _money(u.netto_efter_skatt),
                    "text": _("%(days)s ersättningsdagar, %(f)s–%(t)s")
                    % {
                        "days": u.ersattningsdagar if u.ersattningsdagar is not None else "?",
                        "f": _d(u.avser_from),
                        "t": _d(u.avser_tom),
                    },
                }
            )


def _tns(data: t.TnsData, out: dict) -> None:
    out["vehicles"] = [
        {
            "regnr": f.regnr,
            "make": " ".join(x for x in (f.fabrikat, f.handelsbeteckning) if x),
            "year": f.fordonsar,
            "kind": f.fordonsslag,
        }
        for f in data.fordon
    ]
    out["facts"] = [[_("Meddelande"), text] for _code, text in data.fel if text]


def _miv(data: t.MivData, out: dict) -> None:
    out["permits"] = [
        {
            "kind": b.arendetyp_namn or b.arendetyp,
            "decision": b.beslutskod_namn or b.beslutskod,
            "type": b.beslutstyp_namn or b.beslutstyp,
            "applied": _d(b.ansokningsdatum),
            "decided": _d(b.beslutsdatum),
            "from": _d(b.from_datum),
            "to": _d(b.tom_datum),
            "validity": b.giltighetstid,
        }
        for b in data.beslut
    ]


SUMMARISERS = {"AF": _af, "CSN": _csn, "FK": _fk, "SKV": _skv, "SO": _so, "TNS": _tns, "MIV": _miv}


def _error_text(agency: str, error: t.AgencyError) -> str:
    name = t.AGENCY_NAMES.get(agency, agency)
    text = error.felmeddelande or _("okänt fel")
    if error.kalla == "KLIENT":
        return text
    return _("%(agency)s kunde inte svara: %(text)s") % {"agency": name, "text": text}


def summarise_part(agency: str, result: t.AgencyResult) -> dict:
    out = {
        "agency": agency,
        "name": t.AGENCY_NAMES.get(agency, agency),
        "status": "ok",
        "error": "",
        "felkod": "",
        "facts": [],
        "payments": [],
        "decisions": [],
        "vehicles": [],
        "taxation": [],
        "permits": [],
    }
    if result.error is not None:
        out.update(
            status="error", error=_error_text(agency, result.error), felkod=result.error.felkod
        )
        return out
    if result.data is None:
        out["status"] = "empty"
        return out
    try:
        SUMMARISERS[agency](result.data, out)
    except (AttributeError, TypeError, ValueError) as exc:
        out.update(
            status="error",
            error=_("Svaret från %(agency)s kunde inte sammanställas (%(e)s).")
            % {"agency": out["name"], "e": exc},
            felkod="TOLKNING",
        )
    return out


def _by_month(parts: list[dict]) -> list[dict]:
    months: dict[str, list[dict]] = defaultdict(list)
    for part in parts:
        for p in part["payments"]:
            months[p["month"] or "–"].append({**p, "agency": part["agency"]})
    out = []
    for month in sorted(months, reverse=True):
        rows = months[month]
        total = sum((Decimal(r["amount"]) for r in rows if r["amount"]), Decimal(0))
        out.append({"month": month, "rows": rows, "total": _money(total)})
    return out


def summarise(persons: list, agencies: list[str], results: dict) -> dict:
    """``persons``: :class:`~.multifraga.HouseholdPerson`; ``results``: ``{pnr: {agency: …}}``."""
    out = []
    for person in persons:
        parts = [summarise_part(a, results[person.civic_number][a]) for a in agencies]
        out.append(
            {
                "civic_number": person.civic_number,
                "role": person.role,
                "name": person.name,
                "agencies": parts,
                "payments_by_month": _by_month(parts),
                "errors": sum(1 for p in parts if p["status"] == "error"),
            }
        )
    return {"version": 1, "agencies": list(agencies), "persons": out}
