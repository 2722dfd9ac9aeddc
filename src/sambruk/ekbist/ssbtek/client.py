"""SOAP 1.1 document/literal client for Sammansatt bastjänst ekonomiskt bistånd v10.

Settings (read with getattr, all optional except the URL):

* ``SSBTEK_URL`` – the service endpoint;
* ``SSBTEK_CLIENT_CERT`` / ``SSBTEK_CLIENT_KEY`` – PEM paths of the mTLS client certificate;
* ``SSBTEK_CA_CERT`` – PEM bundle to verify the server with (default: system store);
* ``SSBTEK_TIMEOUT`` – seconds for connect and read (default 30).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import requests
from lxml import etree

from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer

from . import types as t
from .parsing import SsbtekResponseError, parse_response, parse_test_response
from .schema import NS_SOAP, NS_SSBT, schema_errors

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0


class SsbtekError(Exception):
    """The query could not be made or answered; ``str()`` is a Swedish message for the user."""


class SsbtekRequestError(SsbtekError):
    """The request is invalid and was not sent."""


class SsbtekTransportError(SsbtekError):
    """No usable HTTP answer (connection, TLS, timeout, HTTP status)."""


class SsbtekServiceError(SsbtekError):
    """SSBTEK answered with a SOAP fault or with a response that cannot be used at all."""

    def __init__(self, message: str, *, felkod: str = ""):
        super().__init__(message)
        self.felkod = felkod


@dataclass(frozen=True)
class SsbtekConfig:
    url: str
    client_cert: str | None = None
    client_key: str | None = None
    ca_cert: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls) -> SsbtekConfig:
        from django.conf import settings

        return cls(
            url=getattr(settings, "SSBTEK_URL", "") or "",
            client_cert=getattr(settings, "SSBTEK_CLIENT_CERT", None) or None,
            client_key=getattr(settings, "SSBTEK_CLIENT_KEY", None) or None,
            ca_cert=getattr(settings, "SSBTEK_CA_CERT", None) or None,
            timeout=float(getattr(settings, "SSBTEK_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT),
        )


def _q(name: str) -> str:
    return f"{{{NS_SSBT}}}{name}"


def _sub(parent, name: str, text: str | None = None):
    el = etree.SubElement(parent, _q(name))
    if text is not None:
        el.text = text
    return el


def _orgnr12(orgnr: str) -> str:
    digits = "".join(ch for ch in str(orgnr) if ch.isdigit())
    if len(digits) == 10:
        digits = "16" + digits
    return digits


def build_request(
    *,
    ingivare: t.Ingivare,
    personnummer: str | Personnummer,
    arendeidentitet: str,
    from_datum: dt.date,
    tom_datum: dt.date,
    syfte: str,
    lagtext: str,
    agencies: Iterable[str] = t.AGENCIES,
    korrelationsid: str = "",
    fragetidpunkt: dt.datetime | None = None,
):
    """The ``hamtaBastjanstInformation`` element, validated against the XSD.

    Raises :class:`SsbtekRequestError` (nothing is sent) for an invalid personnummer, an
    unknown agency, a reversed period or anything else the schema refuses.
    """
    try:
        pnr = (
            personnummer
            if isinstance(personnummer, Personnummer)
            else Personnummer.parse(personnummer)
        )
    except InvalidPersonnummer as exc:
        raise SsbtekRequestError(
            f"Frågan skickades inte: ogiltigt personnummer ({' '.join(exc.messages)})"
        ) from exc
    wanted = set(agencies)
    unknown = wanted - set(t.AGENCIES)
    if unknown:
        raise SsbtekRequestError(
            f"Frågan skickades inte: okänd myndighet {', '.join(sorted(unknown))}."
        )
    if not wanted:
        raise SsbtekRequestError("Frågan skickades inte: välj minst en myndighet.")
    if tom_datum < from_datum:
        raise SsbtekRequestError("Frågan skickades inte: periodens slut ligger före dess början.")

    root = etree.Element(_q("hamtaBastjanstInformation"), nsmap={"ssbt": NS_SSBT})
    gen = _sub(root, "generellaFrageparametrar")
    if fragetidpunkt is not None:
        _sub(gen, "frageTidpunkt", fragetidpunkt.isoformat(timespec="seconds"))
    if korrelationsid:
        _sub(gen, "korrelationsid", korrelationsid)
    _sub(gen, "fraganSkallInkluderasISvaret", "false")
    ing = _sub(gen, "ingivare")
    _sub(ing, "organisationsnummer", _orgnr12(ingivare.organisationsnummer))
    _sub(ing, "namn", ingivare.namn)
    _sub(ing, "handlaggare", ingivare.handlaggare)
    _sub(gen, "personidentitet", pnr.value)
    _sub(gen, "arendeidentitet", arendeidentitet)
    period = _sub(gen, "tidsperiod")
    _sub(period, "fromDatum", from_datum.isoformat())
    _sub(period, "tomDatum", tom_datum.isoformat())
    _sub(gen, "syfte", syfte)
    _sub(gen, "lagtext", lagtext)
    spec = _sub(root, "specifikaFrageparametrar")
    for agency in t.AGENCIES:
        el = _sub(spec, agency)
        el.set("inkludera", "true" if agency in wanted else "false")

    errors = schema_errors(root)
    if errors:
        log.warning("SSBTEK: frågan följer inte schemat: %s", errors)
        raise SsbtekRequestError(
            "Frågan skickades inte: den följer inte SSBTEK:s schema ("
            + "; ".join(errors[:3])
            + ")."
        )
    return root


def envelope(body_child) -> bytes:
    env = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP})
    etree.SubElement(env, f"{{{NS_SOAP}}}Header")
    body = etree.SubElement(env, f"{{{NS_SOAP}}}Body")
    body.append(body_child)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


class SsbtekClient:
    """Calls SSBTEK over HTTPS (mTLS when a client certificate is configured)."""

    def __init__(self, config: SsbtekConfig | None = None, *, session=None):
        self.config = config or SsbtekConfig.from_settings()
        self.session = session or requests.Session()

    def _post(self, payload: bytes) -> bytes:
        cfg = self.config
        if not cfg.url:
            raise SsbtekTransportError("SSBTEK är inte konfigurerat (SSBTEK_URL saknas).")
        cert = None
        if cfg.client_cert:
            cert = (cfg.client_cert, cfg.client_key) if cfg.client_key else cfg.client_cert
        try:
            resp = self.session.post(
                cfg.url,
                data=payload,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
                cert=cert,
                verify=cfg.ca_cert or True,
                timeout=cfg.timeout,
            )
        except requests.exceptions.SSLError as exc:
            raise SsbtekTransportError(
                f"Säker anslutning till SSBTEK misslyckades (certifikat eller TLS): {exc}"
            ) from exc
        except requests.exceptions.Timeout as exc:
            raise SsbtekTransportError(
                f"SSBTEK svarade inte inom {cfg.timeout:g} sekunder. Försök igen senare."
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise SsbtekTransportError(
                "Det gick inte att ansluta till SSBTEK. Kontrollera adressen och nätverket, "
                "eller försök igen senare."
            ) from exc
        except (requests.exceptions.RequestException, OSError) as exc:
            raise SsbtekTransportError(f"Anropet till SSBTEK misslyckades: {exc}") from exc
        # SOAP 1.1 faults come with HTTP 500 and are parsed from the body.
        if resp.status_code != 200 and resp.status_code != 500:
            raise SsbtekTransportError(
                f"SSBTEK svarade med HTTP-status {resp.status_code}; frågan kunde inte besvaras."
            )
        return resp.content

    def hamta(self, *, validate_response: bool = True, **request) -> t.SsbtekResult:
        """Build, validate and send a query; see :func:`build_request` for the arguments."""
        payload = envelope(build_request(**request))
        content = self._post(payload)
        try:
            return parse_response(content, validate=validate_response)
        except SsbtekResponseError as exc:
            raise SsbtekServiceError(str(exc), felkod=exc.felkod) from exc

    def testa(self) -> dict[str, t.TestSvar]:
        """``testaBastjanstInformation``: which agencies' test services answered."""
        content = self._post(envelope(etree.Element(_q("testaBastjanstInformation"))))
        try:
            return parse_test_response(content)
        except SsbtekResponseError as exc:
            raise SsbtekServiceError(str(exc), felkod=exc.felkod) from exc


def hamta_bastjanst_information(
    *,
    ingivare: t.Ingivare,
    personnummer: str | Personnummer,
    arendeidentitet: str,
    from_datum: dt.date,
    tom_datum: dt.date,
    syfte: str,
    lagtext: str,
    agencies: Iterable[str] = t.AGENCIES,
    korrelationsid: str = "",
    config: SsbtekConfig | None = None,
) -> t.SsbtekResult:
    """One SSBTEK query with the configured (or given) endpoint."""
    return SsbtekClient(config).hamta(
        ingivare=ingivare,
        personnummer=personnummer,
        arendeidentitet=arendeidentitet,
        from_datum=from_datum,
        tom_datum=tom_datum,
        syfte=syfte,
        lagtext=lagtext,
        agencies=agencies,
        korrelationsid=korrelationsid,
    )
