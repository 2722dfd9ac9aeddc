"""Reference data: län, kommuner, regioner and the agencies the platform talks to.

Kommuner come from the packaged ``data/kommuner.geojson`` (see NOTICE); everything else is
listed here. :func:`sambruk.core.organisations.services.load_reference_data` writes it to the
database.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from django.utils.text import slugify

GEOJSON_RESOURCE = ("sambruk.core.organisations", "data/kommuner.geojson")

#: Länskod → län name, the 21 län.
LAN: dict[str, str] = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}


@dataclass(frozen=True)
class RefOrganisation:
    name: str
    slug: str
    lanskod: str = ""
    kommunkod: str | None = None
    organisationsnummer: str = ""


#: The 21 regioner (länskod, name). Organisationsnummer are left empty on purpose: they are
#: only stored when verified against an authoritative source.
_REGIONER: list[tuple[str, str]] = [
    ("01", "Region Stockholm"),
    ("03", "Region Uppsala"),
    ("04", "Region Sörmland"),
    ("05", "Region Östergötland"),
    ("06", "Region Jönköpings län"),
    ("07", "Region Kronoberg"),
    ("08", "Region Kalmar län"),
    ("09", "Region Gotland"),
    ("10", "Region Blekinge"),
    ("12", "Region Skåne"),
    ("13", "Region Halland"),
    ("14", "Västra Götalandsregionen"),
    ("17", "Region Värmland"),
    ("18", "Region Örebro län"),
    ("19", "Region Västmanland"),
    ("20", "Region Dalarna"),
    ("21", "Region Gävleborg"),
    ("22", "Region Västernorrland"),
    ("23", "Region Jämtland Härjedalen"),
    ("24", "Region Västerbotten"),
    ("25", "Region Norrbotten"),
]

REGIONER: list[RefOrganisation] = [
    RefOrganisation(name=name, slug=slugify(name), lanskod=code) for code, name in _REGIONER
]

#: Agencies (myndigheter): (slug, name, organisationsnummer).
MYNDIGHETER: list[RefOrganisation] = [
    RefOrganisation(name=name, slug=slug, organisationsnummer=orgnr)
    for slug, name, orgnr in [
        ("trafikverket", "Trafikverket", "202100-6297"),
        ("skolverket", "Skolverket", "202100-4342"),
        ("scb", "Statistiska centralbyrån", "202100-0837"),
        ("forsakringskassan", "Försäkringskassan", "202100-5521"),
        ("arbetsformedlingen", "Arbetsförmedlingen", "202100-2114"),
        ("csn", "Centrala studiestödsnämnden", "202100-1819"),
        ("skatteverket", "Skatteverket", "202100-5448"),
        ("pensionsmyndigheten", "Pensionsmyndigheten", "202100-6230"),
        ("transportstyrelsen", "Transportstyrelsen", "202100-6099"),
        ("migrationsverket", "Migrationsverket", "202100-2163"),
        ("uhr", "Universitets- och högskolerådet", "202100-6560"),
        ("socialstyrelsen", "Socialstyrelsen", "202100-0555"),
    ]
]

#: Organisationsnummer we know for certain, by kommunkod.
KOMMUN_ORGANISATIONSNUMMER: dict[str, str] = {
    "0180": "212000-0142",  # Stockholm
    "1880": "212000-1967",  # Örebro
}

#: Official names that do not follow the genitive rule of :func:`kommun_name`.
KOMMUN_NAME_EXCEPTIONS: dict[str, str] = {
    "Falun": "Falu kommun",
}

_NO_GENITIVE_S = set("aeiouyåäö" + "sxz")


def kommun_name(short_name: str) -> str:
    """``"Sandviken"`` → ``"Sandvikens kommun"``; ``"Gävle"`` → ``"Gävle kommun"``.

    Names ending in a vowel or in s/x/z take no genitive s.
    """
    short_name = short_name.strip()
    if short_name in KOMMUN_NAME_EXCEPTIONS:
        return KOMMUN_NAME_EXCEPTIONS[short_name]
    if short_name[-1].lower() in _NO_GENITIVE_S:
        return f"{short_name} kommun"
    return f"{short_name}s kommun"


def geojson_text() -> str:
    package, path = GEOJSON_RESOURCE
    return resources.files(package).joinpath(path).read_text(encoding="utf-8")


@cache
def load_geojson() -> dict:
    """The packaged FeatureCollection (parsed once per process; treat as read-only)."""
    return json.loads(geojson_text())


def kommuner() -> list[RefOrganisation]:
    """The 290 kommuner, ordered by kommunkod."""
    result = []
    for feature in load_geojson()["features"]:
        props = feature["properties"]
        code = str(props["id"]).zfill(4)
        name = kommun_name(props["kom_namn"])
        result.append(
            RefOrganisation(
                name=name,
                slug=slugify(name),
                lanskod=str(props["lan_code"]).zfill(2),
                kommunkod=code,
                organisationsnummer=KOMMUN_ORGANISATIONSNUMMER.get(code, ""),
            )
        )
    result.sort(key=lambda k: k.kommunkod)
    # Slugs drop diacritics, so Håbo and Habo would both become "habo-kommun": give every
    # colliding kommun its kommunkod as suffix ("habo-kommun-0643", "habo-kommun-0305").
    seen = Counter(k.slug for k in result)
    return [replace(k, slug=f"{k.slug}-{k.kommunkod}") if seen[k.slug] > 1 else k for k in result]
