"""Result and request value types of the SSBTEK adapter (plain dataclasses, no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# The agencies in the order the schema's sequences list them.
AGENCIES = ("AF", "CSN", "FK", "SKV", "SO", "TNS", "MIV")
AGENCY_NAMES = {
    "AF": "Arbetsförmedlingen",
    "CSN": "CSN",
    "FK": "Försäkringskassan",
    "SKV": "Skatteverket",
    "SO": "Arbetslöshetskassorna (SO)",
    "TNS": "Transportstyrelsen",
    "MIV": "Migrationsverket",
}


@dataclass(frozen=True)
class Ingivare:
    """The asking organisation: ``organisationsnummer`` as 10 digits (the ``16`` is added)."""

    organisationsnummer: str
    namn: str
    handlaggare: str


@dataclass(frozen=True)
class AgencyError:
    """An agency's ``error`` part (``kalla`` SSBT/BT) or a client-side problem (KLIENT)."""

    kalla: str
    felkod: str
    felmeddelanden: tuple[str, ...]

    @property
    def felmeddelande(self) -> str:
        return " ".join(self.felmeddelanden)


# --- Arbetsförmedlingen -------------------------------------------------------------


@dataclass(frozen=True)
class AfBeslut:
    ersattning_typ: str
    omfattning: int | None
    from_datum: dt.date | None
    tom_datum: dt.date | None


@dataclass(frozen=True)
class AfData:
    personnummer: str
    fornamn: str
    efternamn: str
    sekretessmarkering: bool | None
    arbetssokande: bool | None
    arbetssokande_skat: str
    registrerad: dt.date | None
    omfattning: int | None
    avaktualiserad: dt.date | None
    akassetillhorighet: str
    status_kod: int | None
    status_text: str
    beslut: tuple[AfBeslut, ...] = ()


# --- CSN (base64-encoded XML) ---------------------------------------------------------


@dataclass(frozen=True)
class CsnPerson:
    personnummer: str
    # studiestödstyp -> flag/count as CSN reports it (studiemedel, studiehjalp, ...)
    studiestodstyper: dict[str, int] = field(default_factory=dict)
    # leaf values of the person's other elements, e.g. {"Studiemedel/Belopp": "3000"}
    uppgifter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CsnData:
    resultat_kod: str
    resultat_text: str
    personer: tuple[CsnPerson, ...]
    xml: str


# --- Försäkringskassan (base64-encoded Lefi JSON) -------------------------------------


@dataclass(frozen=True)
class FkUtlamnare:
    kod: str
    namn: str
    tillstand_kod: str
    tillstand_beskrivning: str


@dataclass(frozen=True)
class FkData:
    utlamnare: tuple[FkUtlamnare, ...]
    json: dict[str, Any]


# --- Skatteverket (XML as a string inside ``svar``) -----------------------------------


@dataclass(frozen=True)
class SkvKapital:
    taxeringsar: str
    summa_intakter: Decimal | None
    overskott: Decimal | None


@dataclass(frozen=True)
class SkvPerson:
    personnummer: str
    fornamn: str
    efternamn: str
    status_kod: str
    kapital: tuple[SkvKapital, ...] = ()
    # other leaf values (local names joined with "/"), e.g. {"Inkomstuppgift/...": "..."}
    uppgifter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkvData:
    personer: tuple[SkvPerson, ...]
    xml: str


# --- A-kassorna (SO) ----------------------------------------------------------------


@dataclass(frozen=True)
class SoUtbetalning:
    utbetalningsdatum: dt.date | None
    netto_efter_skatt: Decimal | None
    netto_efter_avdrag: Decimal | None
    ersattningsdagar: Decimal | None
    avser_from: dt.date | None
    avser_tom: dt.date | None


@dataclass(frozen=True)
class SoErsattning:
    svarande_organisation: str
    status: str
    utbetalningar: tuple[SoUtbetalning, ...] = ()


@dataclass(frozen=True)
class SoData:
    personnummer: str
    from_datum: dt.date | None
    tom_datum: dt.date | None
    ersattningar: tuple[SoErsattning, ...] = ()


# --- Transportstyrelsen -------------------------------------------------------------


@dataclass(frozen=True)
class TnsFordon:
    regnr: str
    fabrikat: str
    fordonsar: str
    fordonsslag: str
    handelsbeteckning: str


@dataclass(frozen=True)
class TnsData:
    resultat: str
    fordon: tuple[TnsFordon, ...] = ()
    fel: tuple[tuple[int, str], ...] = ()


# --- Migrationsverket ---------------------------------------------------------------


@dataclass(frozen=True)
class MivBeslut:
    arendetyp: str
    arendetyp_namn: str
    beslutskod: str
    beslutskod_namn: str
    beslutstyp: str
    beslutstyp_namn: str
    ansokningsdatum: dt.date | None
    beslutsdatum: dt.date | None
    from_datum: dt.date | None
    tom_datum: dt.date | None
    giltighetstid: str


@dataclass(frozen=True)
class MivData:
    personnummer: str
    fornamn: str
    efternamn: str
    beslut: tuple[MivBeslut, ...] = ()


AgencyData = AfData | CsnData | FkData | SkvData | SoData | TnsData | MivData | None


@dataclass(frozen=True)
class AgencyResult:
    """One agency's part: ``data`` (None = the agency has nothing on the person) or ``error``."""

    agency: str
    data: AgencyData = None
    error: AgencyError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def agency_name(self) -> str:
        return AGENCY_NAMES.get(self.agency, self.agency)


@dataclass(frozen=True)
class SsbtekResult:
    """The parsed response: one :class:`AgencyResult` per agency present in ``svarsdata``."""

    agencies: dict[str, AgencyResult]
    korrelationsid: str = ""
    fragetidpunkt: str = ""

    def __getitem__(self, agency: str) -> AgencyResult:
        return self.agencies[agency]

    @property
    def errors(self) -> dict[str, AgencyError]:
        return {k: r.error for k, r in self.agencies.items() if r.error is not None}


@dataclass(frozen=True)
class TestSvar:
    anropad: bool
    error: AgencyError | None = None
