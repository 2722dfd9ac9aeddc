"""Test data for FixaMinGata: Sandviken, Gävle and Trafikverket with bodies and categories."""

from __future__ import annotations

from types import SimpleNamespace

from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.fixamingata.models import Body, Category

SANDVIKEN = (60.6167, 16.7667)
GAVLE = (60.6749, 17.1413)
SEA = (58.5, 19.5)
ABROAD = (60.1699, 24.9384)  # Helsingfors
# About 200 m on either side of the Sandviken/Gävle border at latitude 60.62.
BORDER_SANDVIKEN = (60.62, 16.872)
BORDER_GAVLE = (60.62, 16.880)

KOMMUN_CATEGORIES = ["Gatubelysning", "Hål i vägen", "Klotter"]
ROAD = "Vägar (riksvägar/Trafikverket)"


def make_body(org, *, national=False, categories=(), **kwargs) -> Body:
    body = Body.objects.create(
        organisation=org,
        name=kwargs.pop("name", org.name),
        national=national,
        contact_email=kwargs.pop("contact_email", f"felanmalan@{org.slug}.example.se"),
        **kwargs,
    )
    for order, name in enumerate(categories):
        Category.objects.create(body=body, name=name, code=f"{org.slug}-{order}", order=order)
    return body


def world():
    sandviken = OrganisationFactory(kommunkod="2181", slug="sandviken", name="Sandvikens kommun")
    gavle = OrganisationFactory(kommunkod="2180", slug="gavle", name="Gävle kommun")
    tv = OrganisationFactory(slug="trafikverket", name="Trafikverket", agency=True)
    w = SimpleNamespace(
        sandviken=sandviken,
        gavle=gavle,
        trafikverket=tv,
        sandviken_body=make_body(sandviken, categories=KOMMUN_CATEGORIES),
        gavle_body=make_body(gavle, categories=[*KOMMUN_CATEGORIES, "Snöröjning"]),
        tv_body=make_body(tv, national=True, categories=[ROAD]),
    )
    w.cat = lambda body, name: Category.objects.get(body=body, name=name)
    return w
