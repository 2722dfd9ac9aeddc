"""Parse SSBTEK v10 SOAP responses into the dataclasses of :mod:`.types`.

Each agency part is parsed on its own: a part that is an ``error``, fails schema validation
or cannot be decoded becomes that agency's :class:`AgencyError`; the others are unaffected.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from decimal import Decimal, InvalidOperation

from lxml import etree

from . import types as t
from .schema import NS_SOAP, NS_SSBT, agency_schema_errors

log = logging.getLogger(__name__)

NS_AF = "http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2"
NS_SO = "http://INT014.UBPService.Schemas"
NS_TNS = "http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1"
NS_FORDON = "http://schema.transportstyrelsen.se/ssbtek/fordon/1"

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=False)


class SsbtekResponseError(Exception):
    """The whole response is unusable (not XML, not SOAP, a SOAP fault, wrong element)."""

    def __init__(self, message: str, *, felkod: str = ""):
        super().__init__(message)
        self.felkod = felkod


def client_error(felkod: str, message: str) -> t.AgencyError:
    return t.AgencyError(kalla="KLIENT", felkod=felkod, felmeddelanden=(message,))


# --- small value helpers ----------------------------------------------------------------


def _local(el) -> str:
    return etree.QName(el).localname


def _child(el, name: str):
    """First child with local name ``name`` (namespaces vary between the agencies' samples)."""
    if el is None:
        return None
    for c in el:
        if isinstance(c.tag, str) and _local(c) == name:
            return c
    return None


def _children(el, name: str) -> list:
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _text(el, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None else ""


def _date(value: str) -> dt.date | None:
    # xsd:date may carry a zone ("1997-09-12+02:00"); the calendar date is what matters.
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _int(value: str) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _dec(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _bool(value: str) -> bool | None:
    return (
        {"true": True, "1": True, "false": False, "0": False}.get(value.lower()) if value else None
    )


def _leaves(el, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for c in el:
        if not isinstance(c.tag, str):
            continue
        key = f"{prefix}{_local(c)}"
        if len(c):
            out.update(_leaves(c, key + "/"))
        elif (c.text or "").strip():
            out[key] = c.text.strip()
    return out


def _b64(el, name: str) -> bytes:
    raw = _text(el, name)
    return base64.b64decode("".join(raw.split()), validate=True)


# --- per agency ---------------------------------------------------------------------------


def parse_af(data) -> t.AfData:
    svar = _child(data, "Svar")
    if svar is None:
        raise ValueError("Svar saknas")
    info = _child(svar, "ArbetssokandeInfo")
    beslut = []
    ek = _child(_child(svar, "BeslutInfo"), "EkonomiskaBeslut")
    for b in _children(ek, "Beslut"):
        beslut.append(
            t.AfBeslut(
                ersattning_typ=_text(b, "ErsattningTyp"),
                omfattning=_int(_text(b, "Omfattning")),
                from_datum=_date(_text(b, "BeslutFrom")),
                tom_datum=_date(_text(b, "BeslutTom")),
            )
        )
    return t.AfData(
        personnummer=_text(svar, "IdentitetsbeteckningFysiskPerson"),
        fornamn=_text(svar, "Fornamn"),
        efternamn=_text(svar, "Efternamn"),
        sekretessmarkering=_bool(_text(svar, "Sekretessmarkering")),
        arbetssokande=_bool(_text(info, "Arbetssokande")),
        arbetssokande_skat=_text(info, "ArbetssokandeSKAT"),
        registrerad=_date(_text(info, "ArbetssokandeRegistrerad")),
        omfattning=_int(_text(info, "ArbetssokandeOmfattning")),
        avaktualiserad=_date(_text(info, "ArbetssokandeAvaktualiserad")),
        akassetillhorighet=_text(svar, "Akassetillhorighet"),
        status_kod=_int(_text(svar, "StatusSokandeinformationKod")),
        status_text=_text(svar, "StatusSokandeinformationKodText"),
        beslut=tuple(beslut),
    )


def parse_csn(data) -> t.CsnData:
    raw = _b64(data, "svar")
    root = etree.fromstring(raw, _PARSER)
    resultat = _child(_child(root, "GemensamtSvarEkbistand"), "Resultat")
    personer = []
    for p in _children(_child(root, "Personer"), "Person"):
        typer = {}
        for c in (
            _child(p, "Studiestodstypforteckning")
            if _child(p, "Studiestodstypforteckning") is not None
            else []
        ):
            if isinstance(c.tag, str):
                typer[_local(c)] = _int((c.text or "").strip()) or 0
        rest = {
            k: v for k, v in _leaves(p).items() if not k.startswith("Studiestodstypforteckning/")
        }
        pnr = p.get("personnummer", "").strip()
        if len(pnr) == 10 and p.get("sekel", "").strip():
            pnr = p.get("sekel").strip() + pnr
        personer.append(t.CsnPerson(personnummer=pnr, studiestodstyper=typer, uppgifter=rest))
    return t.CsnData(
        resultat_kod=_text(resultat, "ResultatKod"),
        resultat_text=_text(resultat, "ResultatText"),
        personer=tuple(personer),
        xml=raw.decode("utf-8"),
    )


def parse_fk(data) -> t.FkData:
    doc = json.loads(_b64(data, "lefiJsonSvar").decode("utf-8"))
    utl = []
    for item in doc.get("utlamnare", []) if isinstance(doc, dict) else []:
        u = item.get("utlamnare") or {}
        s = item.get("tillstand") or {}
        utl.append(
            t.FkUtlamnare(
                kod=str(u.get("kod", "")),
                namn=str(u.get("namn", "")),
                tillstand_kod=str(s.get("kod", "")),
                tillstand_beskrivning=str(s.get("beskrivning", "")),
            )
        )
    return t.FkData(utlamnare=tuple(utl), json=doc)


def parse_skv(data) -> t.SkvData:
    raw = _text(data, "svar")
    root = etree.fromstring(raw.encode("utf-8"), _PARSER)
    personer = []
    for p in _children(_child(root, "PersonuppgiftLista"), "Personuppgift"):
        kapital = tuple(
            t.SkvKapital(
                taxeringsar=_text(k, "Taxeringsar"),
                summa_intakter=_dec(_text(k, "SummaIntakterPaKapital")),
                overskott=_dec(_text(k, "OverskottPaKapital")),
            )
            for k in _children(p, "Kapitaluppgift")
        )
        known = {
            "IdentitetsbeteckningFysiskPerson",
            "Fornamn",
            "Efternamn",
            "StatusPersonuppgiftKod",
        }
        rest = {
            k: v
            for k, v in _leaves(p).items()
            if k not in known and not k.startswith("Kapitaluppgift/")
        }
        personer.append(
            t.SkvPerson(
                personnummer=_text(p, "IdentitetsbeteckningFysiskPerson"),
                fornamn=_text(p, "Fornamn"),
                efternamn=_text(p, "Efternamn"),
                status_kod=_text(p, "StatusPersonuppgiftKod"),
                kapital=kapital,
                uppgifter=rest,
            )
        )
    return t.SkvData(personer=tuple(personer), xml=raw)


def parse_so(data) -> t.SoData:
    ers = []
    for a in _children(_child(data, "ArbetsloshetsersattningLista"), "Arbetsloshetsersattning"):
        utb = tuple(
            t.SoUtbetalning(
                utbetalningsdatum=_date(_text(u, "Utbetalningsdatum")),
                netto_efter_skatt=_dec(_text(u, "NettoEfterSkatt")),
                netto_efter_avdrag=_dec(_text(u, "NettoEfterAvdrag")),
                ersattningsdagar=_dec(_text(u, "Ersattningsdagar")),
                avser_from=_date(_text(u, "AvserFrom")),
                avser_tom=_date(_text(u, "AvserTom")),
            )
            for u in _children(a, "Utbetalningar")
        )
        ers.append(
            t.SoErsattning(
                svarande_organisation=_text(a, "SvarandeOrganisation"),
                status=_text(a, "StatusSvarandeOrganisation"),
                utbetalningar=utb,
            )
        )
    return t.SoData(
        personnummer=_text(data, "IdentificationNumber"),
        from_datum=_date(_text(data, "From")),
        tom_datum=_date(_text(data, "Tom")),
        ersattningar=tuple(ers),
    )


def parse_tns(data) -> t.TnsData:
    fordon = tuple(
        t.TnsFordon(
            regnr=_text(f, "regnr"),
            fabrikat=_text(f, "fabrikat"),
            fordonsar=_text(f, "fordonsar"),
            fordonsslag=_text(f, "fordonsslag"),
            handelsbeteckning=_text(f, "handelsbeteckning"),
        )
        for f in _children(_child(data, "fordonsinnehav"), "fordon")
    )
    fel = tuple(
        (_int(_text(f, "felkod")) or 0, _text(f, "feltext")) for f in _children(data, "felresultat")
    )
    return t.TnsData(resultat=_text(data, "resultat"), fordon=fordon, fel=fel)


def parse_miv(data) -> t.MivData | None:
    resp = _child(data, "response")
    if resp is None:
        return None  # findByPersonnummerResponse with no response: nothing on the person
    beslut = tuple(
        t.MivBeslut(
            arendetyp=_text(s, "arendeTyp"),
            arendetyp_namn=_text(s, "arendeTypNamn"),
            beslutskod=_text(s, "beslutsKod"),
            beslutskod_namn=_text(s, "beslutsKodNamn"),
            beslutstyp=_text(s, "beslutsTyp"),
            beslutstyp_namn=_text(s, "beslutsTypNamn"),
            ansokningsdatum=_date(_text(s, "ansokningsdatum")),
            beslutsdatum=_date(_text(s, "beslutsdatum")),
            from_datum=_date(_text(s, "fromDatum")),
            tom_datum=_date(_text(s, "tomDatum")),
            giltighetstid=_text(s, "giltighetstid"),
        )
        for s in _children(_child(resp, "svarCollection"), "svar")
    )
    return t.MivData(
        personnummer=_text(resp, "personnummer"),
        fornamn=_text(resp, "fornamn"),
        efternamn=_text(resp, "efternamn"),
        beslut=beslut,
    )


PARSERS = {
    "AF": parse_af,
    "CSN": parse_csn,
    "FK": parse_fk,
    "SKV": parse_skv,
    "SO": parse_so,
    "TNS": parse_tns,
    "MIV": parse_miv,
}


def parse_error(el) -> t.AgencyError:
    return t.AgencyError(
        kalla=_text(el, "kalla"),
        felkod=_text(el, "felkod"),
        felmeddelanden=tuple((m.text or "").strip() for m in _children(el, "felmeddelande")),
    )


# --- envelope -----------------------------------------------------------------------------


def soap_body_child(content: bytes, expected: str):
    """The ssbt element ``expected`` inside the SOAP body; raises on faults and garbage."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SsbtekResponseError(f"Svaret från SSBTEK är inte giltig XML ({exc}).") from exc
    if root.tag != f"{{{NS_SOAP}}}Envelope":
        raise SsbtekResponseError("Svaret från SSBTEK är inte ett SOAP-meddelande.")
    body = root.find(f"{{{NS_SOAP}}}Body")
    first = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
    if first is None:
        raise SsbtekResponseError("SOAP-svaret från SSBTEK saknar innehåll.")
    if first.tag == f"{{{NS_SOAP}}}Fault":
        detail = first.find("detail")
        fault = None
        if detail is not None:
            fault = next((c for c in detail if isinstance(c.tag, str)), None)
        felkod = _text(fault, "felkod") if fault is not None else _text(first, "faultcode")
        msgs = (
            [(m.text or "").strip() for m in _children(fault, "felmeddelande")]
            if fault is not None
            else []
        )
        text = " ".join(msgs) or _text(first, "faultstring")
        raise SsbtekResponseError(
            f"SSBTEK avvisade frågan: {text} (felkod {felkod}).", felkod=felkod
        )
    if first.tag != f"{{{NS_SSBT}}}{expected}":
        raise SsbtekResponseError(
            f"Oväntat svar från SSBTEK: {etree.QName(first).localname} i stället för {expected}."
        )
    return first


def parse_response(content: bytes, *, validate: bool = True, schema=None) -> t.SsbtekResult:
    """Parse a ``hamtaBastjanstInformationResponse`` envelope into an :class:`SsbtekResult`.

    With ``validate`` every agency part is checked against the XSD; an invalid part is logged
    and returned as that agency's error (felkod ``SCHEMA``) instead of its data.
    """
    resp = soap_body_child(content, "hamtaBastjanstInformationResponse")
    invalid = agency_schema_errors(resp, schema) if validate else {}
    svarsdata = resp.find(f"{{{NS_SSBT}}}svarsdata")
    if svarsdata is None:
        raise SsbtekResponseError("Svaret från SSBTEK saknar svarsdata.")
    results: dict[str, t.AgencyResult] = {}
    for part in svarsdata:
        if not isinstance(part.tag, str):
            continue
        agency = _local(part)
        if agency not in PARSERS:
            log.warning("SSBTEK: okänd del %s i svaret ignoreras", agency)
            continue
        if agency in invalid:
            log.warning("SSBTEK: %s-delen följer inte schemat: %s", agency, invalid[agency])
            err = client_error(
                "SCHEMA",
                f"Svaret från {t.AGENCY_NAMES[agency]} följer inte tjänstens schema och har inte "
                "använts.",
            )
            results[agency] = t.AgencyResult(agency=agency, error=err)
            continue
        error = _child(part, "error")
        if error is not None:
            results[agency] = t.AgencyResult(agency=agency, error=parse_error(error))
            continue
        data = _child(part, "data")
        try:
            parsed = PARSERS[agency](data) if data is not None else None
        except (ValueError, binascii.Error, etree.XMLSyntaxError, UnicodeDecodeError) as exc:
            log.warning("SSBTEK: %s-delen kunde inte tolkas: %s", agency, exc)
            err = client_error(
                "TOLKNING", f"Svaret från {t.AGENCY_NAMES[agency]} kunde inte tolkas ({exc})."
            )
            results[agency] = t.AgencyResult(agency=agency, error=err)
            continue
        results[agency] = t.AgencyResult(agency=agency, data=parsed)
    return t.SsbtekResult(
        agencies=results,
        korrelationsid=_text(resp, "korrelationsid"),
        fragetidpunkt=_text(resp, "frageTidpunkt"),
    )


def parse_test_response(content: bytes) -> dict[str, t.TestSvar]:
    resp = soap_body_child(content, "testaBastjanstInformationResponse")
    out = {}
    for part in resp:
        if isinstance(part.tag, str):
            err = _child(part, "error")
            out[_local(part)] = t.TestSvar(
                anropad=bool(_bool(_text(part, "anropad"))),
                error=parse_error(err) if err is not None else None,
            )
    return out
