"""The form engine: each field type and rule, visibility, groups, files, prefill, summary."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from .. import engine
from ..prefill import PrefillContext, PrefillRegistry

OPTIONS = [
    {"value": "hyra", "label": "Hyra"},
    {"value": "el", "label": {"sv": "El", "en": "Power"}},
]


def one(field, post, **kwargs):
    """Clean a one-field page; returns (value or None, [messages])."""
    schema = {"pages": [{"title": "S", "fields": [field]}]}
    result = engine.clean_page(schema, 0, post, **kwargs)
    return result.values.get(field.get("name")), [e.message for e in result.errors]


def f(kind, **extra):
    return {"type": kind, "name": "x", "label": "Fältet", **extra}


CASES = [
    # (field, posted, stored value, error fragment)
    (f("text"), "  Anna   Berg ", "Anna Berg", None),
    (f("text", required=True), "   ", None, "Fyll i ”Fältet”."),
    (f("text", minLength=3), "ab", None, "ska vara minst 3 tecken"),
    (f("text", maxLength=3), "abcd", None, "får vara högst 3 tecken"),
    (f("text", pattern="^[0-9]{3} ?[0-9]{2}$", patternMessage="Ange postnumret med fem siffror."), "8112", None, "Ange postnumret med fem siffror."),
    (f("text", pattern="^[0-9]{3} ?[0-9]{2}$", patternMessage="x"), "811 34", "811 34", None),
    (f("textarea"), "rad 1\nrad 2", "rad 1\nrad 2", None),
    (f("email"), "namn@exempel.se", "namn@exempel.se", None),
    (f("email"), "namn@", None, "Ange en giltig e-postadress"),
    (f("phone"), "026-24 00 00", "026-24 00 00", None),
    (f("phone"), "ring mig", None, "Ange ett giltigt telefonnummer"),
    (f("number"), "12", 12, None),
    (f("number"), "1,5", None, "ska vara ett heltal"),
    (f("number", integer=False), "1,5", "1.5", None),
    (f("number"), "tolv", None, "ska vara ett tal"),
    (f("number", min=1, max=10), "11", None, "ska vara mellan 1 och 10"),
    (f("number", min=18), "17", None, "ska vara minst 18"),
    (f("amount"), "1 234,50", 123450, None),
    (f("amount"), "1234 kr", 123400, None),
    (f("amount"), "12,345", None, "högst två decimaler"),
    (f("amount"), "mycket", None, "ska vara ett belopp i kronor"),
    (f("amount", max=1000), "1000,01", None, "får vara högst 1\u00a0000 kr"),
    (f("date"), "2024-02-29", "2024-02-29", None),
    (f("date"), "2023-02-29", None, "som ett giltigt datum ÅÅÅÅ-MM-DD"),
    (f("date", min="2024-01-01"), "2023-12-31", None, "får inte vara tidigare än 2024-01-01"),
    (f("date", max="today"), "2999-01-01", None, "får inte vara senare än"),
    (f("personnummer"), "19121212-1212", "191212121212", None),
    (f("personnummer"), "121212-1213", None, "Personnumret har fel kontrollsiffra"),
    (f("select", options=OPTIONS), "el", "el", None),
    (f("select", options=OPTIONS), "gas", None, "Välj ett av alternativen"),
    (f("radio", options=OPTIONS, required=True), "", None, "Välj ett svar för ”Fältet”."),
    (f("yesno"), "yes", "yes", None),
    (f("yesno"), "kanske", None, "Svara ja eller nej"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "posted", "stored", "error"), CASES)
def test_field_types_and_rules(field, posted, stored, error):
    value, errors = one(field, {"x": posted})
    assert value == stored
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and error in errors[0], errors


def test_checkboxes_keep_option_order_and_count_limits():
    field = f("checkboxes", options=OPTIONS, minItems=1, maxItems=1)
    post = QueryDict(mutable=True)
    post.setlist("x", ["el"])
    assert one(field, post) == (["el"], [])
    post.setlist("x", ["el", "hyra"])
    assert one(field, post)[1] == ["Välj högst 1 alternativ för ”Fältet”."]
    post.setlist("x", ["gas"])
    assert "Välj bland alternativen" in one(field, post)[1][0]
    assert one(f("checkboxes", options=OPTIONS, required=True), {})[1] == [
        "Välj minst ett alternativ för ”Fältet”."
    ]


def test_location_point_and_address():
    field = f("location", required=True)
    value, errors = one(field, {"x-address": "Storgatan 1", "x-lat": "60,6167", "x-lon": "16.7833"})
    assert errors == [] and value == {"lat": 60.6167, "lon": 16.7833, "address": "Storgatan 1"}
    assert one(field, {"x-address": "", "x-lat": "", "x-lon": ""})[1] == [
        "Ange en adress eller markera platsen för ”Fältet”."
    ]
    assert "utanför kartan" in one(field, {"x-lat": "91", "x-lon": "0"})[1][0]
    assert (
        "Markera platsen"
        in one(f("location", requireCoordinates=True), {"x-address": "Torget"})[1][0]
    )


# --- visibility -----------------------------------------------------------------------------
RULES = {
    "pages": [
        {
            "title": "Ett",
            "fields": [
                {"type": "radio", "name": "boende", "label": "Boende", "options": OPTIONS + [{"value": "annat", "label": "Annat"}]},
                {"type": "amount", "name": "hyra", "label": "Hyra", "required": True, "showWhen": {"field": "boende", "anyOf": ["hyra"]}},
                {"type": "text", "name": "vad", "label": "Vad", "required": True, "hideWhen": {"field": "boende", "noneOf": ["annat"]}},
                {"type": "yesno", "name": "bidrag", "label": "Bostadsbidrag", "required": True, "showWhen": {"field": "hyra", "greaterThan": 5000}},
                {"type": "number", "name": "belopp", "label": "Belopp", "required": True, "showWhen": {"all": [{"field": "bidrag", "anyOf": ["yes"]}, {"field": "hyra", "lessThan": 20000}]}},
            ],
        },
        {"title": "Två", "showWhen": {"field": "boende", "answered": True}, "fields": [{"type": "text", "name": "ovrigt", "label": "Övrigt", "required": True}]},
    ]
}  # fmt: skip


def keys(result):
    return sorted({e.key for e in result.errors})


def test_any_of_shows_and_hidden_required_fields_are_not_enforced():
    result = engine.clean_page(RULES, 0, {"boende": "el", "hyra": "9000", "vad": "x"})
    assert result.errors == []
    assert result.values == {"boende": "el"}  # hidden answers are dropped
    result = engine.clean_page(RULES, 0, {"boende": "hyra"})
    assert keys(result) == ["hyra"]


def test_none_of_hides():
    assert keys(engine.clean_page(RULES, 0, {"boende": "annat"})) == ["vad"]
    assert keys(engine.clean_page(RULES, 0, {"boende": "hyra", "hyra": "100"})) == []


def test_greater_less_than_and_chains():
    # rent above 5 000 kr asks for bostadsbidrag; yes and rent below 20 000 asks for the sum
    assert keys(engine.clean_page(RULES, 0, {"boende": "hyra", "hyra": "5000"})) == []
    assert keys(engine.clean_page(RULES, 0, {"boende": "hyra", "hyra": "5000,01"})) == ["bidrag"]
    post = {"boende": "hyra", "hyra": "6000", "bidrag": "yes"}
    assert keys(engine.clean_page(RULES, 0, post)) == ["belopp"]
    assert keys(engine.clean_page(RULES, 0, {**post, "hyra": "25000"})) == []
    # chain: when hyra is hidden, bidrag and belopp disappear with it
    result = engine.clean_page(RULES, 0, {**post, "boende": "el", "belopp": "3"})
    assert result.errors == [] and result.values == {"boende": "el"}


def test_page_visibility_and_merge_drop_hidden_answers():
    vis = engine.Visibility(RULES, {})
    assert vis.pages == [0]
    answers = engine.merge_page(RULES, 0, {}, {"boende": "hyra", "hyra": 600000})
    answers = engine.merge_page(RULES, 1, answers, {"ovrigt": "Hej"})
    assert engine.Visibility(RULES, answers).pages == [0, 1]
    changed = engine.merge_page(RULES, 0, answers, {"boende": "el"})
    assert changed == {"boende": "el", "ovrigt": "Hej"}
    assert [e.key for e in engine.missing_answers(RULES, {"boende": "el"})] == ["ovrigt"]
    assert engine.missing_answers(RULES, {}) == []


# --- repeating groups ----------------------------------------------------------------------
GROUP = {
    "pages": [
        {
            "title": "Hushåll",
            "fields": [
                {
                    "type": "group", "name": "hushall", "label": "Hushållsmedlem", "required": True, "maxItems": 3,
                    "fields": [
                        {"type": "text", "name": "namn", "label": "Namn", "required": True},
                        {"type": "yesno", "name": "barn", "label": "Barn"},
                        {"type": "number", "name": "alder", "label": "Ålder", "required": True, "showWhen": {"field": "barn", "anyOf": ["yes"]}},
                    ],
                }
            ],
        }
    ]
}  # fmt: skip


def test_group_rows_cleaned_with_per_row_rules():
    post = {
        "hushall-count": "3",
        "hushall-0-namn": "Anna", "hushall-0-barn": "no", "hushall-0-alder": "40",
        "hushall-1-namn": "Bo", "hushall-1-barn": "yes",
        "hushall-2-namn": "",
    }  # fmt: skip
    result = engine.clean_page(GROUP, 0, post)
    assert keys(result) == ["hushall-1-alder"]
    assert result.errors[0].message == "Fyll i ”Hushållsmedlem 2: Ålder”."
    post["hushall-1-alder"] = "7"
    result = engine.clean_page(GROUP, 0, post)
    assert result.errors == []
    assert result.values["hushall"] == [
        {"namn": "Anna", "barn": "no"},
        {"namn": "Bo", "barn": "yes", "alder": 7},
    ]


def test_group_required_and_actions():
    assert engine.clean_page(GROUP, 0, {"hushall-count": "1"}).errors[0].message == (
        "Lägg till minst en rad i ”Hushållsmedlem”."
    )
    post = {"hushall-count": "2", "hushall-0-namn": "A", "hushall-1-namn": "B"}
    added = engine.clean_page(GROUP, 0, {**post, "eforms-action": "add:hushall"})
    assert added.action == ("add", "hushall") and added.row_counts == {"hushall": 3}
    assert added.errors == [] and not added.is_valid
    removed = engine.clean_page(GROUP, 0, {**post, "eforms-action": "remove:hushall:0"})
    assert removed.values["hushall"] == [{"namn": "B"}] and removed.raw["hushall-0-namn"] == "B"
    capped = engine.clean_page(GROUP, 0, {"hushall-count": "9", "eforms-action": "add:hushall"})
    assert capped.row_counts == {"hushall": 3}


# --- files ---------------------------------------------------------------------------------
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def files(**named):
    data = {}
    for key, items in named.items():
        data[key] = [SimpleUploadedFile(name, content) for name, content in items]
    return data


def test_files_are_sniffed_sized_and_counted():
    field = f("file", accept=["pdf"], maxSize=100, maxFiles=2, required=True)
    schema = {"pages": [{"title": "S", "fields": [field]}]}

    ok = engine.clean_page(schema, 0, {}, files(x=[("intyg.pdf", PDF)]))
    assert ok.errors == [] and [u.name for u in ok.uploads["x"]] == ["intyg.pdf"]
    assert (
        ok.uploads["x"][0].content_type == "application/pdf"
        and len(ok.uploads["x"][0].sha256) == 64
    )

    disguised = engine.clean_page(schema, 0, {}, files(x=[("intyg.pdf", PNG)]))
    assert "stämmer inte med filändelsen .pdf" in disguised.errors[0].message
    wrong_type = engine.clean_page(schema, 0, {}, files(x=[("bild.png", PNG)]))
    assert "är en PNG-bild. Tillåtna filtyper för ”Fältet”: PDF" in wrong_type.errors[0].message
    big = engine.clean_page(schema, 0, {}, files(x=[("stor.pdf", PDF + b"0" * 200)]))
    assert "är för stor" in big.errors[0].message
    missing = engine.clean_page(schema, 0, {}, {})
    assert missing.errors[0].message == "Bifoga en fil för ”Fältet”."

    stored = [{"id": 1, "name": "a.pdf"}, {"id": 2, "name": "b.pdf"}]
    too_many = engine.clean_page(schema, 0, {}, files(x=[("c.pdf", PDF)]), answers={"x": stored})
    assert too_many.errors[0].message == "Du kan bifoga högst 2 filer i ”Fältet”."
    post = QueryDict(mutable=True)
    post.setlist("x-remove", ["1"])
    replaced = engine.clean_page(schema, 0, post, files(x=[("c.pdf", PDF)]), answers={"x": stored})
    assert replaced.errors == [] and replaced.values["x"] == [stored[1]]
    assert replaced.removed_files == {"x": [1]}


def test_file_objects_are_read_from_the_start():
    upload = SimpleUploadedFile("intyg.pdf", PDF)
    upload.read()
    field = f("file")
    result = engine.clean_page(
        {"pages": [{"title": "S", "fields": [field]}]}, 0, {}, {"x": [upload]}
    )
    assert result.errors == [] and isinstance(result.uploads["x"][0].file.file, io.BytesIO)


# --- prefill -------------------------------------------------------------------------------
PREFILL = {
    "pages": [
        {
            "title": "Du",
            "fields": [
                {"type": "personnummer", "name": "pnr", "label": "Personnummer", "prefill": "eleg.civic_number", "readonly": True},
                {"type": "text", "name": "fornamn", "label": "Förnamn", "prefill": "eleg.given_name"},
                {"type": "text", "name": "efternamn", "label": "Efternamn", "prefill": "eleg.family_name"},
                {"type": "text", "name": "postnr", "label": "Postnummer", "prefill": "plugin:testregister.adress.postnummer"},
                {"type": "text", "name": "saknas", "label": "Saknas", "prefill": "plugin:testregister.okand"},
            ],
        }
    ]
}  # fmt: skip


def test_prefill_from_e_legitimation_and_a_plugin_in_a_fresh_registry():
    registry = PrefillRegistry()

    @registry.register("testregister")
    class TestRegister:
        label = "Testregister"

        def resolve(self, context, path):
            if path == "okand":
                raise LookupError("no such data")
            data = {"adress": {"postnummer": "811 34"}}
            for part in path.split("."):
                data = data[part]
            return data if context.is_identified else None

    context = PrefillContext(
        claims={"civic_number": "191212121212", "given_name": "Tolvan", "family_name": "Tolvansson"}
    )
    values = engine.resolve_prefill(PREFILL, context, registry=registry)
    assert values == {
        "pnr": "191212121212",
        "fornamn": "Tolvan",
        "efternamn": "Tolvansson",
        "postnr": "811 34",
    }
    answers = engine.initial_answers(
        PREFILL, context, {"fornamn": "Tolle", "pnr": "190101010101"}, registry=registry
    )
    assert answers["fornamn"] == "Tolle"  # the citizen's own answer wins
    assert answers["pnr"] == "191212121212"  # readonly: always the e-legitimation's
    # a posted change to a readonly prefilled field is ignored
    result = engine.clean_page(PREFILL, 0, {"pnr": "19000101-0008"}, prefill=values)
    assert result.values["pnr"] == "191212121212"
    assert engine.resolve_prefill(PREFILL, PrefillContext(), registry=registry) == {}
    assert "testregister" not in engine.global_registry


def test_registry_refuses_duplicates_and_untyped_plugins():
    registry = PrefillRegistry()

    @registry.register("a")
    class A:
        label = "A"

        def resolve(self, context, path):
            return path

    with pytest.raises(ValueError):
        registry.register("a")(A)
    with pytest.raises(TypeError):
        registry.register("b")(object)


# --- summary -------------------------------------------------------------------------------
def test_summary_leaves_out_hidden_fields_and_formats_values():
    answers = {"boende": "hyra", "hyra": 650000, "bidrag": "no", "ovrigt": "Tack"}
    sections = engine.build_summary(RULES, answers, language="sv")
    assert [s.title for s in sections] == ["Ett", "Två"]
    items = {i.label: i.value for i in sections[0].items}
    assert items == {"Boende": "Hyra", "Hyra": "6\u00a0500 kr", "Bostadsbidrag": "Nej"}
    data = engine.summary_data(
        GROUP, {"hushall": [{"namn": "Bo", "barn": "yes", "alder": 7}]}, language="en"
    )
    rows = data[0]["items"][0]["rows"]
    from django.utils import translation

    with translation.override("en"):  # "Yes" once the English catalogue is compiled
        yes = translation.gettext("Ja")
    assert rows == [[
        {"name": "namn", "label": "Namn", "value": "Bo"},
        {"name": "barn", "label": "Barn", "value": yes},
        {"name": "alder", "label": "Ålder", "value": "7"},
    ]]  # fmt: skip
