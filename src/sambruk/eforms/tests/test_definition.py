"""Form definition validation: a catalogue of valid and invalid documents."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from ..definition import SCHEMA_PATH, validate_definition
from ..prefill import PrefillRegistry
from .factories import simple_schema


def page(*fields, **extra):
    return {"title": "Sida", "fields": list(fields), **extra}


def form(*pages):
    return {"pages": list(pages)}


def text(name, **extra):
    return {"type": "text", "name": name, "label": name.capitalize(), **extra}


OPTIONS = [{"value": "a", "label": "A"}, {"value": "b", "label": {"sv": "B", "en": "B"}}]

VALID = {
    "simple": simple_schema(),
    "every field type": form(
        page(
            text("t", minLength=2, maxLength=10, pattern="^[A-Ö]", patternMessage="Versal först."),
            {"type": "textarea", "name": "ta", "label": "TA"},
            {"type": "number", "name": "n", "label": "N", "min": 0, "max": 10, "integer": False},
            {"type": "amount", "name": "inkomst", "label": "Inkomst", "min": 0, "statistical": True},
            {"type": "date", "name": "d", "label": "D", "min": "2020-01-01", "max": "today"},
            {"type": "email", "name": "e", "label": "E", "contactRole": "email"},
            {"type": "phone", "name": "p", "label": "P"},
            {"type": "personnummer", "name": "pnr", "label": "Pnr", "prefill": "eleg.civic_number", "readonly": True},
            {"type": "select", "name": "s", "label": "S", "options": OPTIONS},
            {"type": "radio", "name": "r", "label": "R", "options": OPTIONS},
            {"type": "checkboxes", "name": "c", "label": "C", "options": OPTIONS, "minItems": 1, "maxItems": 2},
            {"type": "yesno", "name": "yn", "label": "YN"},
            {"type": "info", "text": {"sv": "Information", "en": "Information"}},
        ),
        page(
            {"type": "file", "name": "f", "label": "F", "accept": ["pdf", "png"], "maxSize": 1000000, "maxFiles": 2},
            {"type": "location", "name": "plats", "label": "Plats", "requireCoordinates": True},
            {
                "type": "group", "name": "hushall", "label": "Hushållsmedlem", "minItems": 0, "maxItems": 5,
                "fields": [
                    text("namn", required=True),
                    {"type": "yesno", "name": "barn", "label": "Barn"},
                    {"type": "number", "name": "alder", "label": "Ålder", "showWhen": {"field": "barn", "anyOf": ["yes"]}},
                ],
            },
            {"type": "summary"},
            showWhen={"any": [{"field": "inkomst", "greaterThan": 100}, {"field": "c", "noneOf": ["a"]}]},
        ),
    ),
    "combined rules": form(
        page(
            {"type": "amount", "name": "inkomst", "label": "Inkomst"},
            {"type": "radio", "name": "r", "label": "R", "options": OPTIONS},
            text("x", hideWhen={"all": [{"field": "inkomst", "lessThan": 5}, {"field": "r", "answered": True}]}),
        )
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", VALID)
def test_valid_definitions(name):
    assert validate_definition(VALID[name]) == []


def test_published_json_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


INVALID = [
    ("not an object", [], "Formuläret: definitionen ska vara ett JSON-objekt."),
    ("no pages", {"pages": []}, "Formuläret, ”pages”: får inte vara tom."),
    ("unknown top-level", {"pages": [page()], "foo": 1}, "Formuläret: okänd egenskap ”foo”."),
    ("unknown type", form(page({"type": "slider", "name": "x", "label": "X"})), "Sida 1, fält ”x”, ”type”: okänt värde ”slider”."),
    ("missing label", form(page({"type": "text", "name": "x"})), "Sida 1, fält ”x”: egenskapen ”label” saknas."),
    ("missing name", form(page({"type": "text", "label": "X"})), "Sida 1, fält 1: egenskapen ”name” saknas."),
    ("bad name", form(page(text("Inkomst"))), "namnet ”Inkomst” är ogiltigt"),
    ("label without sv", form(page({"type": "text", "name": "x", "label": {"en": "X"}})), "Sida 1, fält ”x”, ”label”: ska vara en text eller ett objekt"),
    ("unknown prefill", form(page(text("x", prefill="eleg.address"))), "okänd förifyllnadskälla ”eleg.address”"),
    ("unregistered plugin", form(page(text("x", prefill="plugin:skatteverket.adress"))), "Sida 1, fält ”x”: förifyllnadskällan ”plugin:skatteverket.adress” finns inte."),
    ("duplicate name", form(page(text("namn")), page(text("namn"))), "Sida 2, fält ”namn”: fältnamnet ”namn” används redan på sida 1."),
    ("min > max", form(page(), page({"type": "amount", "name": "inkomst", "label": "Inkomst", "min": 10, "max": 1})), "Sida 2, fält ”inkomst”: min är större än max."),
    ("minLength > maxLength", form(page(text("x", minLength=5, maxLength=2))), "Sida 1, fält ”x”: minLength är större än maxLength."),
    ("minItems > maxItems", form(page({"type": "checkboxes", "name": "c", "label": "C", "options": OPTIONS, "minItems": 3, "maxItems": 1})), "Sida 1, fält ”c”: minItems är större än maxItems."),
    ("date min after max", form(page({"type": "date", "name": "d", "label": "D", "min": "2025-01-02", "max": "2025-01-01"})), "Sida 1, fält ”d”: min är större än max."),
    ("date min not a date", form(page({"type": "date", "name": "d", "label": "D", "min": "2025-02-30"})), "Sida 1, fält ”d”: min ”2025-02-30” är inget giltigt datum."),
    ("number with date bound", form(page({"type": "number", "name": "n", "label": "N", "min": "today"})), "Sida 1, fält ”n”: min ska vara ett tal för fälttypen number."),
    ("empty options", form(page({"type": "select", "name": "s", "label": "S", "options": []})), "Sida 1, fält ”s”: listan med alternativ är tom."),
    ("missing options", form(page({"type": "radio", "name": "r", "label": "R"})), "Sida 1, fält ”r”: egenskapen ”options” saknas."),
    ("duplicate option", form(page({"type": "radio", "name": "r", "label": "R", "options": [OPTIONS[0], OPTIONS[0]]})), "Sida 1, fält ”r”: alternativet ”a” finns flera gånger."),
    ("option on text", form(page(text("x", options=OPTIONS))), "Sida 1, fält ”x”: egenskapen ”options” gäller inte fälttypen text."),
    ("bad pattern", form(page(text("x", pattern="(", patternMessage="Fel."))), "Sida 1, fält ”x”: mönstret (pattern) går inte att tolka"),
    ("pattern without message", form(page(text("x", pattern="^a"))), "Sida 1, fält ”x”: ange patternMessage"),
    ("rule to unknown field", form(page(text("x", showWhen={"field": "y", "answered": True}))), "Sida 1, fält ”x”, villkor för att visa: villkoret hänvisar till fältet ”y” som inte finns."),
    ("rule to later field", form(page(text("x", hideWhen={"field": "y", "answered": True}), text("y"))), "Sida 1, fält ”x”, villkor för att dölja: villkoret hänvisar till fältet ”y” som kommer senare i formuläret"),
    ("rule to itself", form(page(text("x", showWhen={"field": "x", "answered": True}))), "villkoret hänvisar till fältet ”x” självt."),
    ("page rule to same page", form(page(text("x")), page(text("y"), showWhen={"field": "y", "answered": True})), "Sida 2, villkor för att visa: villkoret hänvisar till fältet ”y” som kommer senare"),
    ("greaterThan on text", form(page(text("x"), text("y", showWhen={"field": "x", "greaterThan": 3}))), "greaterThan/lessThan kräver ett tal- eller beloppsfält; ”x” är text."),
    ("anyOf unknown option", form(page({"type": "radio", "name": "r", "label": "R", "options": OPTIONS}, text("y", showWhen={"field": "r", "anyOf": ["c"]}))), "”c” är inget alternativ i fältet ”r”."),
    ("condition with two tests", form(page(text("x"), text("y", showWhen={"field": "x", "answered": True, "anyOf": ["a"]}))), "Sida 1, fält ”y”, villkor för att visa: villkoret har fel form"),
    ("file in group", form(page({"type": "group", "name": "g", "label": "G", "fields": [{"type": "file", "name": "f", "label": "F"}]})), "Sida 1, fält ”g”, delfält ”f”: fälttypen file kan inte ligga i en upprepad grupp."),
    ("group without fields", form(page({"type": "group", "name": "g", "label": "G"})), "Sida 1, fält ”g”: egenskapen ”fields” saknas."),
    ("required info", form(page({"type": "info", "text": "Hej", "required": True})), "egenskaperna required, prefill och statistical gäller inte"),
    ("unknown file type", form(page({"type": "file", "name": "f", "label": "F", "accept": ["exe"]})), "Sida 1, fält ”f”, ”accept”: okänt värde ”exe”."),
    ("too large maxSize", form(page({"type": "file", "name": "f", "label": "F", "maxSize": 10**12})), "maxSize är större än plattformens gräns"),
    ("readonly without prefill", form(page(text("x", readonly=True))), "readonly kräver en förifyllnadskälla (prefill)."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "definition", "expected"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_definitions_name_the_place(name, definition, expected):
    messages = [str(error) for error in validate_definition(definition)]
    assert any(expected in message for message in messages), messages


def test_a_registered_plugin_source_is_accepted():
    registry = PrefillRegistry()

    @registry.register("skatteverket")
    class Skatteverket:
        label = "Skatteverket"

        def resolve(self, context, path):
            return None

    definition = form(page(text("x", prefill="plugin:skatteverket.adress")))
    assert validate_definition(definition, registry=registry) == []
    assert validate_definition(copy.deepcopy(definition), registry=PrefillRegistry()) != []
