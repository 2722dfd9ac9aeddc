"""The form definition document: reading it and validating it (JSON Schema + semantics).

The format is documented in ``docs/eforms.md``; its structure is fixed by
``schema/form-definition.schema.json`` (Draft 2020-12). :func:`validate_definition` first
checks the structure, then the rules a JSON Schema cannot express (unique names, visibility
rules that refer to earlier fields, min ≤ max …). Every message is Swedish (translated with
gettext) and names the place: ``Sida 2, fält ”inkomst”: min är större än max.``
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).parent / "schema" / "form-definition.schema.json"

INPUT_TYPES = {
    "text", "textarea", "number", "amount", "date", "email", "phone", "personnummer",
    "select", "radio", "checkboxes", "yesno", "file", "location", "group",
}  # fmt: skip
DISPLAY_TYPES = {"info", "summary"}
OPTION_TYPES = {"select", "radio", "checkboxes"}
NUMERIC_TYPES = {"number", "amount"}
TEXT_TYPES = {"text", "textarea", "email", "phone"}
#: Types a visibility condition may test.
CONDITION_TYPES = INPUT_TYPES - {"file", "group", "location"}
#: Types not allowed inside a repeating group.
NOT_IN_GROUP = {"group", "file", "summary"}
YESNO_VALUES = ("yes", "no")

#: Which optional properties make sense for which field types.
APPLIES_TO = {
    "min": NUMERIC_TYPES | {"date"},
    "max": NUMERIC_TYPES | {"date"},
    "minLength": TEXT_TYPES,
    "maxLength": TEXT_TYPES,
    "pattern": TEXT_TYPES,
    "patternMessage": TEXT_TYPES,
    "integer": {"number"},
    "options": OPTION_TYPES,
    "minItems": {"checkboxes", "group", "file"},
    "maxItems": {"checkboxes", "group"},
    "accept": {"file"},
    "maxSize": {"file"},
    "maxFiles": {"file"},
    "requireCoordinates": {"location"},
    "itemLabel": {"group"},
    "text": {"info"},
    "prefill": INPUT_TYPES - {"file", "location"},  # group: rows from a plugin
    "readonly": INPUT_TYPES - {"file", "group"},
    "contactRole": {"text", "email", "phone", "personnummer", "location"},
}


def localise(text, language: str | None = None) -> str:
    """A definition text (plain string or ``{"sv", "en"}``) in ``language`` (default active)."""
    if text is None:
        return ""
    if isinstance(text, dict):
        language = (language or get_language() or "sv")[:2]
        return text.get(language) or text.get("sv") or next(iter(text.values()), "")
    return str(text)


@cache
def json_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a definition: ``where`` (Swedish place) and ``message``."""

    where: str
    message: str
    path: tuple = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class FieldRef:
    """A field's position: page index, index on the page, and its group (if a sub-field)."""

    page: int
    index: int
    field: dict
    group: dict | None = None
    sub_index: int | None = None

    @property
    def order(self) -> tuple:
        return (self.page, self.index, -1 if self.sub_index is None else self.sub_index)


def iter_fields(schema: dict, *, with_groups: bool = True) -> Iterator[FieldRef]:
    """Every field in document order; sub-fields of a group follow the group."""
    for p, page in enumerate(schema.get("pages") or []):
        for i, field in enumerate(page.get("fields") or []):
            yield FieldRef(p, i, field)
            if with_groups and field.get("type") == "group":
                for s, sub in enumerate(field.get("fields") or []):
                    yield FieldRef(p, i, sub, group=field, sub_index=s)


def _build_field_map(schema: dict) -> dict[str, FieldRef]:
    return {ref.field["name"]: ref for ref in iter_fields(schema) if ref.field.get("name")}


def field_map(schema: dict) -> dict[str, FieldRef]:
    """Field name → :class:`FieldRef` (kept per cached immutable version; do not mutate)."""
    from .compiled import field_map_for

    return field_map_for(schema, _build_field_map)


def has_file_fields(schema: dict) -> bool:
    """Does the form have a file upload (else a submission has no files to look up)?"""
    return any(ref.field.get("type") == "file" for ref in field_map(schema).values())


def condition_fields(condition) -> Iterator[dict]:
    """The leaf conditions of a (possibly combined) condition."""
    if not isinstance(condition, dict):
        return
    for key in ("all", "any"):
        if key in condition:
            for part in condition[key]:
                yield from condition_fields(part)
            return
    if "field" in condition:
        yield condition


# --- places -------------------------------------------------------------------------------
def _where(schema: dict, path) -> str:
    """Swedish description of a JSON path: ``Sida 2, fält ”inkomst”, alternativ 3``."""
    parts: list[str] = []
    node = schema
    path = list(path)
    i = 0
    in_field = False
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if key == "pages" and isinstance(nxt, int):
            parts.append(_("Sida %(n)s") % {"n": nxt + 1})
            node = _get(node, key, nxt)
            i += 2
            continue
        if key == "fields" and isinstance(nxt, int):
            field = _get(node, key, nxt)
            name = field.get("name") if isinstance(field, dict) else None
            if in_field:  # a sub-field of a group
                part = _("delfält ”%(name)s”") if name else _("delfält %(n)s")
            else:
                part = _("fält ”%(name)s”") if name else _("fält %(n)s")
            parts.append(part % {"name": name, "n": nxt + 1})
            in_field = True
            node = field
            i += 2
            continue
        if key == "options" and isinstance(nxt, int):
            parts.append(_("alternativ %(n)s") % {"n": nxt + 1})
            node = _get(node, key, nxt)
            i += 2
            continue
        if key in ("showWhen", "hideWhen"):
            parts.append(
                _("villkor för att visa") if key == "showWhen" else _("villkor för att dölja")
            )
            node = None
            i = len(path)
            continue
        if isinstance(key, str) and key not in ("all", "any"):
            parts.append(f"”{key}”")
        node = _get(node, key)
        i += 1
    if not parts or parts[0].startswith("”"):
        parts.insert(0, _("Formuläret"))
    return ", ".join(parts)


def _get(node, *keys):
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _field_path(ref: FieldRef) -> tuple:
    path: tuple = ("pages", ref.page, "fields", ref.index)
    if ref.group is not None:
        path += ("fields", ref.sub_index)
    return path


# --- JSON Schema --------------------------------------------------------------------------
def _structure_errors(schema) -> list[DefinitionError]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json_schema())
    errors: list[DefinitionError] = []
    seen: set[str] = set()
    for error in sorted(validator.iter_errors(schema), key=lambda e: list(map(str, e.path))):
        path = tuple(error.absolute_path)
        where = _where(schema, path) if isinstance(schema, dict) else _("Formuläret")
        message = _structure_message(error)
        key = f"{where}|{message}"
        if key not in seen:
            seen.add(key)
            errors.append(DefinitionError(where, message, path))
    return errors


def _structure_message(error) -> str:
    v = error.validator
    if v == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return _("egenskapen ”%(name)s” saknas.") % {"name": missing.group(1) if missing else "?"}
    if v == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        return _("okänd egenskap ”%(names)s”.") % {"names": ", ".join(extra)}
    if v == "type":
        wanted = {
            "object": _("ett objekt"), "array": _("en lista"), "string": _("en text"),
            "number": _("ett tal"), "integer": _("ett heltal"), "boolean": _("true eller false"),
        }  # fmt: skip
        types = (
            error.validator_value
            if isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        either = f" {_('eller')} "
        return _("ska vara %(types)s.") % {"types": either.join(wanted.get(t, t) for t in types)}
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value)
        return _("okänt värde ”%(value)s”. Tillåtna värden: %(allowed)s.") % {
            "value": error.instance,
            "allowed": allowed,
        }
    if v == "const":
        return _("ska vara %(value)s.") % {"value": error.validator_value}
    if v == "pattern":
        if error.path and error.path[-1] == "prefill":
            return _(
                "okänd förifyllnadskälla ”%(value)s”. Använd eleg.civic_number, "
                "eleg.given_name, eleg.family_name, eleg.full_name eller plugin:<namn>.<sökväg>."
            ) % {"value": error.instance}
        if error.path and error.path[-1] in ("name", "field", "id"):
            return _(
                "namnet ”%(value)s” är ogiltigt: använd små bokstäver a–z, siffror "
                "och _, och börja med en bokstav."
            ) % {"value": error.instance}
        return _("värdet ”%(value)s” har fel format.") % {"value": error.instance}
    if v in ("minItems", "minLength"):
        return (
            _("får inte vara tom.")
            if error.validator_value == 1
            else _("ska ha minst %(n)s.") % {"n": error.validator_value}
        )
    if v == "minimum":
        return _("ska vara minst %(n)s.") % {"n": error.validator_value}
    if v == "uniqueItems":
        return _("innehåller dubbletter.")
    if v in ("minProperties", "maxProperties"):
        return _(
            "ett villkor ska ha ”field” och exakt ett av anyOf, noneOf, greaterThan, lessThan, "
            "answered."
        )
    if v == "oneOf":
        return _one_of_message(error)
    if v == "not":
        return _(
            "egenskaperna required, prefill och statistical gäller inte informationstext och "
            "sammanfattning."
        )
    return _("har fel form.")


def _one_of_message(error) -> str:
    last = error.path[-1] if error.path else None
    if last in ("showWhen", "hideWhen") or isinstance(last, int) and "field" in str(error.instance):
        return _(
            'villkoret har fel form: ange {"field": …, "anyOf"|"noneOf"|"greaterThan"|'
            '"lessThan"|"answered": …} eller kombinera med "all"/"any".'
        )
    if last in ("min", "max"):
        return _("ska vara ett tal, ett datum ÅÅÅÅ-MM-DD eller ”today”.")
    return _('ska vara en text eller ett objekt {"sv": …, "en": …} med svensk text.')


# --- semantics ----------------------------------------------------------------------------
def validate_definition(schema, *, registry=None) -> list[DefinitionError]:
    """All problems of a definition; an empty list means it can be saved and published."""
    if not isinstance(schema, dict):
        return [DefinitionError(_("Formuläret"), _("definitionen ska vara ett JSON-objekt."))]
    errors = _structure_errors(schema)
    if errors:
        return errors
    if registry is None:
        from .prefill import registry as global_registry

        registry = global_registry
    return _semantic_errors(schema, registry)


def _semantic_errors(schema: dict, registry) -> list[DefinitionError]:
    from sambruk.cases.attachments import max_bytes

    errors: list[DefinitionError] = []

    def add(path, message):
        errors.append(DefinitionError(_where(schema, path), message, tuple(path)))

    seen_pages: set[str] = set()
    for p, page in enumerate(schema["pages"]):
        if page.get("id"):
            if page["id"] in seen_pages:
                add(("pages", p), _("sid-id ”%(id)s” används redan.") % {"id": page["id"]})
            seen_pages.add(page["id"])

    refs = list(iter_fields(schema))
    names: dict[str, FieldRef] = {}
    for ref in refs:
        field = ref.field
        path = _field_path(ref)
        name = field.get("name")
        if name:
            if name in names:
                add(
                    path,
                    _("fältnamnet ”%(name)s” används redan på sida %(page)s.")
                    % {"name": name, "page": names[name].page + 1},
                )
            else:
                names[name] = ref
        _check_field(field, ref, path, add, registry, max_bytes())

    for ref in refs:
        for key in ("showWhen", "hideWhen"):
            if key in ref.field:
                _check_condition(ref.field[key], ref, _field_path(ref) + (key,), names, add)
    for p, page in enumerate(schema["pages"]):
        page_ref = FieldRef(p, -1, page)
        for key in ("showWhen", "hideWhen"):
            if key in page:
                _check_condition(page[key], page_ref, ("pages", p, key), names, add)
    return errors


def _check_field(field, ref, path, add, registry, platform_max) -> None:
    kind = field["type"]
    for prop, types in APPLIES_TO.items():
        if prop in field and kind not in types:
            add(
                path,
                _("egenskapen ”%(prop)s” gäller inte fälttypen %(kind)s.")
                % {"prop": prop, "kind": kind},
            )
    if ref.group is not None and kind in NOT_IN_GROUP:
        add(path, _("fälttypen %(kind)s kan inte ligga i en upprepad grupp.") % {"kind": kind})
    if kind in OPTION_TYPES:
        options = field.get("options") or []
        if not options:
            add(path, _("listan med alternativ är tom."))
        values = [o["value"] for o in options]
        for dup in sorted({v for v in values if values.count(v) > 1}):
            add(path, _("alternativet ”%(value)s” finns flera gånger.") % {"value": dup})
    _check_range(field, path, add, "min", "max", _("min är större än max."))
    _check_range(field, path, add, "minLength", "maxLength", _("minLength är större än maxLength."))
    _check_range(field, path, add, "minItems", "maxItems", _("minItems är större än maxItems."))
    if kind in NUMERIC_TYPES:
        for key in ("min", "max"):
            if key in field and not isinstance(field[key], int | float):
                add(
                    path,
                    _("%(key)s ska vara ett tal för fälttypen %(kind)s.")
                    % {"key": key, "kind": kind},
                )
    if kind == "date":
        for key in ("min", "max"):
            if key in field and not isinstance(field[key], str):
                add(
                    path,
                    _("%(key)s ska vara ett datum ÅÅÅÅ-MM-DD eller ”today” för fälttypen date.")
                    % {"key": key},
                )
            elif key in field and field[key] != "today":
                import datetime as dt

                try:
                    dt.date.fromisoformat(field[key])
                except ValueError:
                    add(
                        path,
                        _("%(key)s ”%(value)s” är inget giltigt datum.")
                        % {"key": key, "value": field[key]},
                    )
    if "pattern" in field:
        try:
            re.compile(field["pattern"])
        except re.error as exc:
            add(path, _("mönstret (pattern) går inte att tolka: %(error)s.") % {"error": exc})
        if "patternMessage" not in field:
            add(path, _("ange patternMessage: meddelandet som visas när mönstret inte stämmer."))
    if kind == "file" and field.get("maxSize", 0) > platform_max:
        add(
            path,
            _("maxSize är större än plattformens gräns (%(max)s byte).") % {"max": platform_max},
        )
    if "prefill" in field and not registry.knows(field["prefill"]):
        add(path, _("förifyllnadskällan ”%(name)s” finns inte.") % {"name": field["prefill"]})
    if ref.group is not None and "prefill" in field:
        add(path, _("förifyllnad (prefill) stöds inte i en upprepad grupp."))
    if field.get("readonly") and "prefill" not in field:
        add(path, _("readonly kräver en förifyllnadskälla (prefill)."))


def _check_range(field, path, add, low, high, message) -> None:
    a, b = field.get(low), field.get(high)
    if a is None or b is None or type(a) is bool or type(b) is bool:
        return
    if isinstance(a, str) or isinstance(b, str):
        if "today" in (a, b) or a <= b:
            return
        add(path, message)
        return
    if a > b:
        add(path, message)


def _check_condition(condition, owner: FieldRef, path, names, add) -> None:
    for leaf in condition_fields(condition):
        target = names.get(leaf["field"])
        if target is None:
            add(
                path,
                _("villkoret hänvisar till fältet ”%(field)s” som inte finns.")
                % {"field": leaf["field"]},
            )
            continue
        if target.field is owner.field:
            add(
                path,
                _("villkoret hänvisar till fältet ”%(field)s” självt.") % {"field": leaf["field"]},
            )
            continue
        if target.group is not None and target.group is not owner.group:
            add(
                path,
                _("villkoret hänvisar till ”%(field)s” i en annan upprepad grupp.")
                % {"field": leaf["field"]},
            )
            continue
        if not _comes_before(target, owner):
            add(
                path,
                _(
                    "villkoret hänvisar till fältet ”%(field)s” som kommer senare i "
                    "formuläret; ett villkor får bara bero på tidigare fält."
                )
                % {"field": leaf["field"]},
            )
            continue
        kind = target.field["type"]
        if kind not in CONDITION_TYPES:
            add(
                path,
                _("fältet ”%(field)s” (%(kind)s) kan inte användas i villkor.")
                % {"field": leaf["field"], "kind": kind},
            )
            continue
        if ("greaterThan" in leaf or "lessThan" in leaf) and kind not in NUMERIC_TYPES:
            add(
                path,
                _(
                    "greaterThan/lessThan kräver ett tal- eller beloppsfält; ”%(field)s” "
                    "är %(kind)s."
                )
                % {"field": leaf["field"], "kind": kind},
            )
        for key in ("anyOf", "noneOf"):
            if key not in leaf:
                continue
            if kind in OPTION_TYPES:
                allowed = {o["value"] for o in target.field.get("options") or []}
            elif kind == "yesno":
                allowed = set(YESNO_VALUES)
            else:
                continue
            for value in leaf[key]:
                if value not in allowed:
                    add(
                        path,
                        _("”%(value)s” är inget alternativ i fältet ”%(field)s”.")
                        % {"value": value, "field": leaf["field"]},
                    )


def _comes_before(target: FieldRef, owner: FieldRef) -> bool:
    if owner.index == -1:  # a page's condition: fields of earlier pages
        return target.page < owner.page
    if target.page != owner.page:
        return target.page < owner.page
    if target.index != owner.index:
        return target.index < owner.index
    # same group: an earlier sibling
    return (
        target.sub_index is not None
        and owner.sub_index is not None
        and target.sub_index < owner.sub_index
    )
