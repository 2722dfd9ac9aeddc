"""A local SSBTEK v10 simulator: schema-valid answers for the demo persons.

* ``SimulatorApp(config)`` is a WSGI application (``sambruk ssbtek_sim --port N``);
* :func:`django_view` serves the same answers inside Django (mounted in demo mode).

Requests are validated against the XSD (invalid → SOAP fault). Persons in
:data:`DEMO_DATA` get data shaped like the published SSBTEK samples; configured
``errors`` give an agency an ``error`` part instead (default: CSN fails for Testa
Påhittadsson); any other person gets the empty answer of each agency.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field

from lxml import etree

from .parsing import NS_AF, NS_FORDON, NS_SO, NS_TNS
from .schema import NS_SOAP, NS_SSBT, schema_errors

NS_CSN = "http://schema.csn.se/v3.0/kommunfraga"
NS_CSN_PERSON = "http://schema.csn.se/v3.0/person"
NS_CSN_TYPER = "http://schema.csn.se/v3.0/csntyper"
NS_SKV = "http://xmls.skatteverket.se/se/skatteverket/zg/instans/standardiseradInformation/1.0"
NS_SKV_BESKO = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForBeskattning/1.0"
NS_SKV_FOLKO = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForFolkbokforing/1.0"

# Per demo person (sambruk.core.accounts.demo.DEMO_PERSONS): what each agency knows.
DEMO_DATA: dict[str, dict] = {
    "191212121212": {
        "namn": ("Tolvan", "Tolvansson"),
        "af": {"arbetssokande": True, "skat": "Arbetslös", "registrerad": "2026-03-02"},
        "csn": {"studiemedel": 0, "studiehjalp": 0, "hemutrustningslan": 1, "studiestartsstod": 0},
        "fk": [("FK", "Försäkringskassan", "OK", "Tillgänglig")],
        # Payments in the Lefi JSON (read by Självservice): (förmån, kronor, date, month).
        "fk_utbetalningar": [
            ("Bostadsbidrag", 1850, "2026-10-26", "2026-10"),
            ("Barnbidrag", 1250, "2026-10-20", "2026-10"),
        ],
        "skv": [("2026", "1200", "1200")],
        "so": [("2026-10-25", "8712.00", "8712.00", "22", "2026-09-01", "2026-09-30")],
        "tns": [("ABC123", "Volvo", "2012", "PERSONBIL", "V70")],
        "miv": [],
    },
    "198112189876": {
        "namn": ("Testa", "Påhittadsson"),
        "af": {"arbetssokande": False, "skat": "Ej inskriven", "registrerad": ""},
        "csn": {"studiemedel": 1, "studiehjalp": 0, "hemutrustningslan": 0, "studiestartsstod": 0},
        "fk": [("FK", "Försäkringskassan", "OK", "Tillgänglig")],
        "skv": [("2026", "0", "0")],
        "so": [],
        "tns": [],
        "miv": [],
    },
    "197010632391": {
        "namn": ("Sam", "Samordnare"),
        "af": {"arbetssokande": True, "skat": "Deltar i program", "registrerad": "2025-01-15"},
        "csn": {"studiemedel": 0, "studiehjalp": 0, "hemutrustningslan": 0, "studiestartsstod": 0},
        "fk": [("FK", "Försäkringskassan", "OK", "Tillgänglig")],
        "skv": [],
        "so": [],
        "tns": [],
        "miv": [
            (
                "UAT",
                "UPPEHÅLLS- OCH ARBETSTILLSTÅND",
                "BEV",
                "ANSÖKAN BEVILJAS",
                "TUT",
                "TIDSBEGRÄNSAT UPPEHÅLLSTILLSTÅND",
                "2024-02-01",
                "2024-05-10",
                "TIDBEGRANSAT",
            )
        ],
    },
    "199001012385": {
        "namn": ("Skyddad", "Demoperson"),
        "sekretess": True,
        "af": {"arbetssokande": True, "skat": "Arbetslös", "registrerad": "2026-06-01"},
        "csn": {"studiemedel": 0, "studiehjalp": 0, "hemutrustningslan": 0, "studiestartsstod": 0},
        "fk": [("FK", "Försäkringskassan", "OK", "Tillgänglig")],
        "skv": [],
        "so": [],
        "tns": [],
        "miv": [],
    },
}

DEFAULT_ERRORS = {
    "198112189876": {"CSN": ("BT", "CSN-503", "CSN:s tjänst är inte tillgänglig just nu.")},
}


@dataclass
class SimulatorConfig:
    latency: float = 0.0  # seconds slept before each answer
    errors: dict[str, dict[str, tuple[str, str, str]]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_ERRORS.items()}
    )


def _e(parent, ns: str | None, name: str, text: str | None = None):
    el = etree.SubElement(parent, f"{{{ns}}}{name}" if ns else name)
    if text is not None:
        el.text = text
    return el


def _fault(felkod: str, message: str) -> bytes:
    env = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP})
    body = _e(env, NS_SOAP, "Body")
    fault = _e(body, NS_SOAP, "Fault")
    _e(fault, None, "faultcode", "soap:Client")
    _e(fault, None, "faultstring", message)
    detail = _e(fault, None, "detail")
    f = etree.SubElement(
        detail, f"{{{NS_SSBT}}}hamtaBastjanstInformationFault", nsmap={"ssbt": NS_SSBT}
    )
    _e(f, NS_SSBT, "felkod", felkod)
    _e(f, NS_SSBT, "felmeddelande", message)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def _q(el, name: str) -> str:
    found = el.find(f".//{{{NS_SSBT}}}{name}")
    return (found.text or "") if found is not None else ""


class _Query:
    def __init__(self, req):
        self.pnr = _q(req, "personidentitet")
        self.orgnr = _q(req, "organisationsnummer")
        self.ingivare = _q(req, "namn")
        self.handlaggare = _q(req, "handlaggare")
        self.arende = _q(req, "arendeidentitet")
        self.from_datum = _q(req, "fromDatum")
        self.tom_datum = _q(req, "tomDatum")
        self.syfte = _q(req, "syfte")
        self.lagtext = _q(req, "lagtext")
        self.korrelationsid = _q(req, "korrelationsid")
        spec = req.find(f"{{{NS_SSBT}}}specifikaFrageparametrar")
        self.agencies = [
            etree.QName(c).localname for c in spec if c.get("inkludera") in ("true", "1")
        ]


def _af(data, q: _Query, p: dict | None):
    fraga = _e(data, NS_AF, "Fraga")
    for name, value in (
        ("OrganisationsnummerForIngivare", q.orgnr),
        ("NamnPaIngivare", q.ingivare),
        ("KontonamnForHandlaggare", q.handlaggare),
        ("Referensnummer", q.arende),
        ("From", q.from_datum),
        ("Tom", q.tom_datum),
        ("SyfteMedFraga", q.syfte),
        ("LagParagraf", q.lagtext),
        ("IdentitetsbeteckningFysiskPerson", q.pnr),
    ):
        _e(fraga, NS_AF, name, value)
    svar = _e(data, NS_AF, "Svar")
    _e(svar, NS_AF, "Schemaversion", "4.0")
    _e(svar, NS_AF, "Referensnummer", q.arende)
    _e(svar, NS_AF, "LagParagraf", q.lagtext)
    _e(svar, NS_AF, "IdentitetsbeteckningFysiskPerson", q.pnr)
    if p is None:
        _e(svar, NS_AF, "StatusSokandeinformationKod", "1")
        _e(svar, NS_AF, "StatusSokandeinformationKodText", "Personen finns inte som arbetssökande.")
        return
    _e(svar, NS_AF, "Fornamn", p["namn"][0])
    _e(svar, NS_AF, "Efternamn", p["namn"][1])
    _e(svar, NS_AF, "Sekretessmarkering", "true" if p.get("sekretess") else "false")
    info = _e(svar, NS_AF, "ArbetssokandeInfo")
    _e(info, NS_AF, "Arbetssokande", "true" if p["af"]["arbetssokande"] else "false")
    _e(info, NS_AF, "ArbetssokandeSKAT", p["af"]["skat"])
    if p["af"]["registrerad"]:
        _e(info, NS_AF, "ArbetssokandeRegistrerad", p["af"]["registrerad"])
        _e(info, NS_AF, "ArbetssokandeOmfattning", "100")
    rapport = _e(info, NS_AF, "AktivetetsRapportDatum")
    _e(rapport, NS_AF, "AktivitetsRapportMeddelande", "Aktivitetsrapport inlämnad.")
    _e(svar, NS_AF, "StatusSokandeinformationKod", "0")
    _e(
        svar,
        NS_AF,
        "StatusSokandeinformationKodText",
        "Frågan har behandlats normalt och ett giltigt svar har returnerats.",
    )


def _csn(data, q: _Query, p: dict | None):
    root = etree.Element(
        f"{{{NS_CSN}}}CSNSvar",
        nsmap={None: NS_CSN, "ns5": NS_CSN_PERSON, "ns4": NS_CSN_TYPER},
        schemaVersion="3.0",
    )
    res = _e(_e(root, NS_CSN, "GemensamtSvarEkbistand"), NS_CSN, "Resultat")
    _e(res, NS_CSN, "ResultatKod", "0")
    _e(res, NS_CSN, "ResultatText", "Allt OK, inget att rapportera")
    _e(root, NS_CSN, "GemensamtFragaEkbistand")
    personer = _e(root, NS_CSN, "Personer")
    if p is not None:
        person = _e(personer, NS_CSN, "Person")
        person.set("personnummer", q.pnr[2:])
        person.set("sekel", q.pnr[:2])
        typer = _e(person, NS_CSN_PERSON, "Studiestodstypforteckning")
        for name, value in p["csn"].items():
            _e(typer, NS_CSN_TYPER, name, str(value))
    raw = etree.tostring(root, encoding="UTF-8")
    _e(data, NS_SSBT, "svar", base64.b64encode(raw).decode("ascii"))


def _fk(data, q: _Query, p: dict | None):
    rows = p["fk"] if p else [("FK", "Försäkringskassan", "OK", "Tillgänglig")]
    doc = {
        "utlamnare": [
            {"utlamnare": {"kod": k, "namn": n}, "tillstand": {"kod": s, "beskrivning": b}}
            for k, n, s, b in rows
        ]
    }
    if p and p.get("fk_utbetalningar"):
        doc["utbetalningar"] = [
            {"forman": f, "belopp": b, "utbetalningsdatum": d, "avserManad": m}
            for f, b, d, m in p["fk_utbetalningar"]
        ]
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    _e(data, NS_SSBT, "lefiJsonSvar", base64.b64encode(raw).decode("ascii"))


def _skv(data, q: _Query, p: dict | None):
    root = etree.Element(
        f"{{{NS_SKV}}}SvarBeskattningsuppgifterEnligtSFS2008-975",
        nsmap={None: NS_SKV, "besko": NS_SKV_BESKO, "folko": NS_SKV_FOLKO},
    )
    lista = _e(root, NS_SKV, "PersonuppgiftLista")
    if p is not None:
        pu = _e(lista, NS_SKV, "Personuppgift")
        _e(pu, NS_SKV_FOLKO, "IdentitetsbeteckningFysiskPerson", q.pnr)
        _e(pu, NS_SKV_FOLKO, "Fornamn", p["namn"][0])
        _e(pu, NS_SKV_FOLKO, "Efternamn", p["namn"][1])
        _e(pu, NS_SKV, "StatusPersonuppgiftKod", "999")
        for year, intakter, overskott in p["skv"]:
            k = _e(pu, NS_SKV, "Kapitaluppgift")
            _e(k, NS_SKV_BESKO, "Taxeringsar", year)
            _e(k, NS_SKV_BESKO, "SummaIntakterPaKapital", intakter)
            _e(k, NS_SKV_BESKO, "OverskottPaKapital", overskott)
    _e(data, None, "svar", etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode())


def _so(data, q: _Query, p: dict | None):
    for name, value in (
        ("OrganisationsnummerIngivare", q.orgnr),
        ("NamnIngivare", q.ingivare),
        ("KontonamnHandlaggare", q.handlaggare),
        ("Referensnummer", q.arende),
        ("From", q.from_datum),
        ("Tom", q.tom_datum),
        ("Syfte", q.syfte),
        ("Paragraf", q.lagtext),
        ("IdentificationNumber", q.pnr),
    ):
        _e(data, NS_SO, name, value)
    lista = _e(data, NS_SO, "ArbetsloshetsersattningLista")
    if p and p["so"]:
        a = _e(lista, NS_SO, "Arbetsloshetsersattning")
        _e(a, NS_SO, "SvarandeOrganisation", "Demo a-kassa")
        _e(a, NS_SO, "StatusSvarandeOrganisation", "OK")
        for row in p["so"]:
            u = _e(a, NS_SO, "Utbetalningar")
            names = (
                "Utbetalningsdatum",
                "NettoEfterSkatt",
                "NettoEfterAvdrag",
                "Ersattningsdagar",
                "AvserFrom",
                "AvserTom",
            )
            for name, value in zip(names, row, strict=True):
                _e(u, NS_SO, name, value)


def _tns(data, q: _Query, p: dict | None):
    _e(data, NS_TNS, "resultat", "OK")
    if p and p["tns"]:
        inn = _e(data, NS_TNS, "fordonsinnehav")
        for row in p["tns"]:
            f = _e(inn, NS_FORDON, "fordon")
            names = ("regnr", "fabrikat", "fordonsar", "fordonsslag", "handelsbeteckning")
            for name, value in zip(names, row, strict=True):
                _e(f, NS_FORDON, name, value)


def _miv(data, q: _Query, p: dict | None):
    if p is None:
        return  # findByPersonnummerResponse without a response: nothing on the person
    resp = _e(data, None, "response")
    if q.korrelationsid:
        _e(resp, None, "korrelationsid", q.korrelationsid)
    _e(resp, None, "correlationid", str(uuid.uuid4()))
    _e(resp, None, "efternamn", p["namn"][1])
    _e(resp, None, "fornamn", p["namn"][0])
    _e(resp, None, "personnummer", q.pnr)
    coll = _e(resp, None, "svarCollection")
    for row in p["miv"]:
        s = _e(coll, None, "svar")
        names = (
            "arendeTyp",
            "arendeTypNamn",
            "beslutsKod",
            "beslutsKodNamn",
            "beslutsTyp",
            "beslutsTypNamn",
            "ansokningsdatum",
            "beslutsdatum",
            "giltighetstid",
        )
        values = dict(zip(names, row, strict=True))
        for name in (
            "ansokningsdatum",
            "arendeTyp",
            "arendeTypNamn",
            "beslutsKod",
            "beslutsKodNamn",
            "beslutsTyp",
            "beslutsTypNamn",
            "beslutsdatum",
            "giltighetstid",
        ):
            _e(s, None, name, values[name])


BUILDERS = {"AF": _af, "CSN": _csn, "FK": _fk, "SKV": _skv, "SO": _so, "TNS": _tns, "MIV": _miv}


def answer(content: bytes, config: SimulatorConfig | None = None) -> tuple[int, bytes]:
    """(HTTP status, SOAP envelope) for one request body."""
    config = config or SimulatorConfig()
    if config.latency:
        time.sleep(config.latency)
    try:
        env = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return 500, _fault("SSBT-400", "Frågan är inte giltig XML.")
    body = env.find(f"{{{NS_SOAP}}}Body")
    req = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
    if req is None:
        return 500, _fault("SSBT-400", "SOAP-meddelandet saknar innehåll.")
    errors = schema_errors(req)
    if errors:
        return 500, _fault("SSBT-400", "Frågan följer inte schemat: " + "; ".join(errors[:3]))

    out_env = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP})
    out_body = _e(out_env, NS_SOAP, "Body")
    if req.tag == f"{{{NS_SSBT}}}testaBastjanstInformation":
        resp = etree.SubElement(
            out_body, f"{{{NS_SSBT}}}testaBastjanstInformationResponse", nsmap={"ssbt": NS_SSBT}
        )
        for agency in BUILDERS:
            _e(_e(resp, NS_SSBT, agency), NS_SSBT, "anropad", "true")
        return 200, etree.tostring(out_env, xml_declaration=True, encoding="UTF-8")

    q = _Query(req)
    person = DEMO_DATA.get(q.pnr)
    person_errors = config.errors.get(q.pnr, {})
    resp = etree.SubElement(
        out_body,
        f"{{{NS_SSBT}}}hamtaBastjanstInformationResponse",
        nsmap={"ssbt": NS_SSBT, "er": NS_AF, "in": NS_SO, "tns": NS_TNS, "fordon": NS_FORDON},
    )
    if q.korrelationsid:
        _e(resp, NS_SSBT, "korrelationsid", q.korrelationsid)
    svarsdata = _e(resp, NS_SSBT, "svarsdata")
    for agency, build in BUILDERS.items():
        if agency not in q.agencies:
            continue
        part = _e(svarsdata, NS_SSBT, agency)
        if agency in person_errors:
            kalla, felkod, message = person_errors[agency]
            err = _e(part, NS_SSBT, "error")
            _e(err, NS_SSBT, "kalla", kalla)
            _e(err, NS_SSBT, "felkod", felkod)
            _e(err, NS_SSBT, "felmeddelande", message)
        else:
            build(_e(part, NS_SSBT, "data"), q, person)
    return 200, etree.tostring(out_env, xml_declaration=True, encoding="UTF-8")


class SimulatorApp:
    """WSGI application: POST a SOAP request to any path; GET returns a short status text."""

    def __init__(self, config: SimulatorConfig | None = None):
        self.config = config or SimulatorConfig()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [
                "SSBTEK-simulator (Sammansatt bastjänst v10). POST:a SOAP-frågor hit.\n".encode()
            ]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        content = environ["wsgi.input"].read(length) if length else b""
        status, body = answer(content, self.config)
        reason = "200 OK" if status == 200 else "500 Internal Server Error"
        start_response(
            reason,
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


def django_view(request):
    """The simulator as a Django view (demo mode only; see ekbist/urls.py)."""
    from django.conf import settings
    from django.http import Http404, HttpResponse

    if not getattr(settings, "DEMO_MODE", False):
        raise Http404
    if request.method != "POST":
        return HttpResponse(
            "SSBTEK-simulator (Sammansatt bastjänst v10). POST:a SOAP-frågor hit.\n",
            content_type="text/plain; charset=utf-8",
        )
    latency = float(getattr(settings, "SSBTEK_SIM_LATENCY", 0) or 0)
    status, body = answer(request.body, SimulatorConfig(latency=latency))
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


django_view.csrf_exempt = True  # machine-to-machine SOAP endpoint without cookies
