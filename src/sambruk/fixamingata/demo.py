"""Demo data for FixaMinGata: bodies for Sandviken, Gävle and Trafikverket, their categories,
the Open311 API client of Sandviken (api_key ``demo-open311-key``) and 60 reports in mixed
states, created through the services so each confirmed report is a real case.

Idempotent: bodies and categories are fetched or created by organisation and code; the API
client only when no client has that key; reports only up to :data:`REPORTS_PER_KOMMUN`
(counted by the demo reporter domain).
"""

from __future__ import annotations

import random

from sambruk.core.demo import register_demo_loader

DEMO_OPEN311_KEY = "demo-open311-key"  # noqa: S105 (documented demo credential)
REPORTER_DOMAIN = "demo.fixamingata.example.se"
REPORTS_PER_KOMMUN = {"2181": 32, "2180": 28}
CENTRES = {"2181": (60.6167, 16.7667), "2180": (60.6749, 17.1413)}
WORKERS = {"2181": "handlaggare@sandviken.example.se", "2180": "handlaggare@gavle.example.se"}
ROAD = ("vagar-trafikverket", "Vägar (riksvägar/Trafikverket)", "Vägar")

LIGHT_ATTRS = [
    {
        "code": "stolpnummer",
        "datatype": "string",
        "required": False,
        "datatype_description": "Numret på stolpen, om det syns",
        "order": 1,
        "description": "Stolpnummer",
    },
    {
        "code": "antal",
        "datatype": "singlevaluelist",
        "required": True,
        "order": 2,
        "description": "Hur många lampor är släckta?",
        "values": [{"key": "1", "name": "En"}, {"key": "flera", "name": "Flera"}],
    },
]
HOLE_ATTRS = [
    {
        "code": "storlek",
        "datatype": "singlevaluelist",
        "required": False,
        "order": 1,
        "description": "Ungefärlig storlek",
        "values": [
            {"key": "liten", "name": "Mindre än 30 cm"},
            {"key": "stor", "name": "Större än 30 cm"},
        ],
    },
    {
        "code": "fara",
        "datatype": "multivaluelist",
        "required": False,
        "order": 2,
        "description": "Vem kan skadas?",
        "values": [
            {"key": "cykel", "name": "Cyklister"},
            {"key": "bil", "name": "Bilister"},
            {"key": "gang", "name": "Gående"},
        ],
    },
]
# code, name, group, attributes
CATEGORIES = [
    ("gatubelysning", "Gatubelysning", "Gata och trafik", LIGHT_ATTRS),
    ("hal-i-vagen", "Hål i vägen", "Gata och trafik", HOLE_ATTRS),
    ("klotter", "Klotter", "Renhållning", []),
    ("nedskrapning", "Nedskräpning", "Renhållning", []),
    ("trafikskyltar", "Trafikskyltar", "Gata och trafik", []),
    ("parker", "Parker och grönytor", "Park", []),
    ("snorojning", "Snöröjning", "Vinterväghållning", []),
    ("halkbekampning", "Halkbekämpning", "Vinterväghållning", []),
    ("lekplatser", "Lekplatser", "Park", []),
    ("cykelvagar", "Cykelvägar", "Gata och trafik", []),
    ("ovrigt", "Övrigt", "Övrigt", []),
]
TITLES = {
    "gatubelysning": "Gatlykta släckt",
    "hal-i-vagen": "Stort hål i asfalten",
    "klotter": "Klotter på elskåp",
    "nedskrapning": "Nedskräpat vid återvinningen",
    "trafikskyltar": "Nedkörd skylt",
    "parker": "Omkullfallet träd i parken",
    "snorojning": "Ej plogat",
    "halkbekampning": "Halt på gångbanan",
    "lekplatser": "Trasig gunga",
    "cykelvagar": "Glas på cykelbanan",
    "ovrigt": "Övergiven cykel",
    "vagar-trafikverket": "Spårbildning på riksvägen",
}
STATES = [
    "confirmed",
    "confirmed",
    "investigating",
    "in_progress",
    "action_scheduled",
    "fixed",
    "fixed",
    "closed",
    "not_responsible",
    "unable_to_fix",
    "unconfirmed",
]


def ensure_bodies():
    """Bodies and categories for Sandviken, Gävle and Trafikverket; returns them by key."""
    from sambruk.core.organisations.models import Organisation

    from .models import Body, Category

    bodies = {}
    for code in ("2181", "2180"):
        org = Organisation.objects.get(kommunkod=code)
        body, _ = Body.objects.get_or_create(
            organisation=org,
            national=False,
            defaults={"name": org.name, "contact_email": f"felanmalan@{org.slug}.example.se"},
        )
        for order, (ccode, name, group, attrs) in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                body=body,
                code=ccode,
                defaults={"name": name, "group": group, "order": order, "attributes": attrs},
            )
        bodies[code] = body
    tv = Organisation.objects.get(slug="trafikverket")
    tv_body, _ = Body.objects.get_or_create(
        organisation=tv,
        national=True,
        defaults={"name": "Trafikverket", "contact_email": "felanmalan@trafikverket.example.se"},
    )
    Category.objects.get_or_create(
        body=tv_body,
        code=ROAD[0],
        defaults={"name": ROAD[1], "group": ROAD[2], "prefer_if_multiple": True},
    )
    bodies["trafikverket"] = tv_body
    return bodies


def ensure_open311_client(sandviken):
    from sambruk.core.api.models import ApiClient, hash_token
    from sambruk.core.api.services import create_api_client

    from .roles import POST_UPDATE, SUBMIT_REPORT

    if ApiClient.objects.filter(token_hash=hash_token(DEMO_OPEN311_KEY)).exists():
        return
    create_api_client(
        actor=None,
        organisation=sandviken,
        name="Open311 (demo)",
        scopes=[SUBMIT_REPORT, POST_UPDATE, "fixamingata.view_report"],
        token=DEMO_OPEN311_KEY,
    )


@register_demo_loader("fixamingata", order=20)
def load_fixamingata_demo(log) -> None:
    from sambruk.core.accounts.models import User
    from sambruk.core.organisations import geo

    from .casesetup import ensure_case_setup
    from .models import Category, Report, Source
    from .services import set_state, submit_report

    bodies = ensure_bodies()
    ensure_open311_client(bodies["2181"].organisation)
    rng = random.Random(4)
    created = 0
    for code, wanted in REPORTS_PER_KOMMUN.items():
        body = bodies[code]
        org = body.organisation
        _type, queue = ensure_case_setup(org)
        worker = User.objects.filter(email=WORKERS[code]).first()
        if worker is not None:
            queue.members.add(worker)
        have = Report.objects.filter(
            kommun=org, reporter_email__endswith="@" + REPORTER_DOMAIN
        ).count()
        cats = list(Category.objects.filter(body=body)) + list(
            Category.objects.filter(body=bodies["trafikverket"])
        )
        for n in range(have, wanted):
            lat, lon = CENTRES[code]
            while True:
                plat, plon = lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.06, 0.06)
                if geo.kommun_at(plat, plon) == code:
                    break
            cat = cats[n % len(cats)]
            state = STATES[n % len(STATES)]
            attrs = {"antal": "1"} if cat.code == "gatubelysning" else {}
            report = submit_report(
                lat=plat,
                lon=plon,
                category=cat,
                title=TITLES[cat.code],
                detail="Demorapport skapad av demodata.",
                photos=[],
                name=f"Demo Rapportör {n + 1}",
                email=f"rapportor{n + 1}.{code}@{REPORTER_DOMAIN}",
                phone="",
                show_name=n % 3 == 0,
                source=Source.WEB if state == "unconfirmed" else Source.STAFF,
                attributes=attrs,
                idempotency_key=f"demo-{code}-{n}",
            )
            created += 1
            if state in ("unconfirmed", "confirmed") or worker is None:
                continue
            if cat.body != body:  # Trafikverket's reports stay open in the demo
                continue
            set_state(report, actor=worker, state=state, text="Tack för din rapport.")
    log(f"FixaMinGata: {created} demo reports created")
