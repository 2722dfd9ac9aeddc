"""Rendering a page of a form with Django templates (``templates/eforms/fields/<type>.html``).

:func:`render_page` returns the HTML of one page's fields (the caller owns the ``<form>``,
the CSRF token and the buttons) with labels, hints, errors next to each input tied with
``aria-describedby``, fieldsets for radio/checkbox groups, and the visibility rules in
``data-show-when`` / ``data-hide-when`` for ``static/eforms/visibility.js``. Fields hidden by
the rules are rendered with ``hidden`` so the page works the same without JavaScript after
the next post. :func:`render_error_summary` renders the engine's error summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import get_language

from .definition import condition_fields, localise
from .engine import ACTION_KEY, EngineError, input_key
from .values import display_value, format_decimal, is_empty
from .visibility import Visibility, shown

AUTOCOMPLETE = {
    "name": "name",
    "given_name": "given-name",
    "family_name": "family-name",
    "email": "email",
    "phone": "tel",
    "address": "street-address",
}


@dataclass
class BoundField:
    """What a field template needs."""

    spec: dict
    key: str
    label: str
    hint: str = ""
    text: str = ""
    value: object = None
    errors: list[str] = field(default_factory=list)
    options: list[dict] = field(default_factory=list)
    rows: list[list[BoundField]] = field(default_factory=list)
    hidden: bool = False
    readonly: bool = False
    show_when: str = ""
    hide_when: str = ""
    group: str = ""
    summary: list = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.spec["type"]

    @property
    def template(self) -> str:
        return f"eforms/fields/{self.type}.html"

    @property
    def id(self) -> str:
        return f"f-{self.key}"

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required"))

    @property
    def described_by(self) -> str:
        ids = []
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def accept(self) -> str:
        from sambruk.cases.attachments import KINDS

        kinds = self.spec.get("accept") or list(KINDS)
        return ",".join(sorted({f".{ext}" for k in kinds for ext in KINDS[k].extensions}))

    @property
    def autocomplete(self) -> str:
        return AUTOCOMPLETE.get(self.spec.get("contactRole", ""), "off")

    @property
    def action_key(self) -> str:
        return ACTION_KEY


def _input_value(spec: dict, value, raw):
    """What goes back into the input: the raw text after an error, else the stored value."""
    if raw is not None:
        return raw
    if is_empty(value):
        return [] if spec["type"] == "checkboxes" else ""
    kind = spec["type"]
    if kind == "amount":
        from decimal import Decimal

        ore = int(value)
        return format_decimal(Decimal(ore) / 100 if ore % 100 else Decimal(ore // 100))
    if kind == "personnummer":
        return display_value(spec, value)
    return value


def _bind(spec, key, values, raw, errors, language, hidden, group="") -> BoundField:
    name = spec.get("name", "")
    value = values.get(name) if name else None
    bound = BoundField(
        spec=spec,
        key=key,
        label=localise(spec.get("label"), language),
        hint=localise(spec.get("hint"), language),
        text=localise(spec.get("text"), language),
        value=_input_value(spec, value, raw.get(key)),
        errors=errors.get(key, []),
        hidden=hidden,
        readonly=bool(spec.get("readonly")),
        show_when=json.dumps(spec["showWhen"]) if "showWhen" in spec else "",
        hide_when=json.dumps(spec["hideWhen"]) if "hideWhen" in spec else "",
        group=group,
    )
    if spec["type"] in ("select", "radio", "checkboxes"):
        chosen = bound.value if isinstance(bound.value, list) else [bound.value]
        bound.options = [
            {
                "value": o["value"],
                "label": localise(o["label"], language),
                "checked": o["value"] in chosen,
                "id": f"{bound.id}-{i}",
            }
            for i, o in enumerate(spec["options"])
        ]
    elif spec["type"] == "yesno":
        bound.options = [
            {"value": v, "label": lbl, "checked": bound.value == v, "id": f"{bound.id}-{v}"}
            for v, lbl in (("yes", _yes()), ("no", _no()))
        ]
    return bound


def _yes():
    from django.utils.translation import gettext

    return gettext("Ja")


def _no():
    from django.utils.translation import gettext

    return gettext("Nej")


def bind_page(
    schema: dict,
    page_index: int,
    answers: dict | None = None,
    *,
    errors: list[EngineError] | None = None,
    raw: dict | None = None,
    row_counts: dict | None = None,
    language: str | None = None,
) -> list[BoundField]:
    """The page's fields bound to answers (or to a :class:`PageResult`'s raw input)."""
    from .engine import build_summary

    language = language or get_language() or "sv"
    answers = answers or {}
    raw = raw or {}
    row_counts = row_counts or {}
    error_map: dict[str, list[str]] = {}
    for error in errors or []:
        error_map.setdefault(error.key, []).append(error.message)
    page = schema["pages"][page_index]
    page_names = {f.get("name") for f in page.get("fields") or []}
    vis = Visibility(schema, {k: v for k, v in answers.items() if k not in page_names})
    scope = dict(vis.values)
    bound_fields = []
    for spec in page.get("fields") or []:
        name = spec.get("name")
        hidden = not shown(spec, scope, vis.refs)
        if name and not hidden and not is_empty(answers.get(name)):
            scope[name] = answers[name]
        bound = _bind(spec, name or "", answers, raw, error_map, language, hidden)
        if spec["type"] == "group":
            rows = answers.get(name) or []
            count = row_counts.get(name) or max(len(rows), spec.get("minItems", 0), 1)
            for i in range(count):
                row = rows[i] if i < len(rows) else {}
                bound.rows.append(
                    [
                        _bind(
                            sub,
                            input_key(sub["name"], name, i),
                            row,
                            raw,
                            error_map,
                            language,
                            not shown(sub, {**scope, **row}, vis.refs),
                            group=name,
                        )
                        for sub in spec["fields"]
                    ]
                )
            bound.value = count
        if spec["type"] == "summary":
            bound.summary = build_summary(schema, answers, language=language)
        bound_fields.append(bound)
    return bound_fields


def outside_values(schema: dict, page_index: int, answers: dict) -> str:
    """JSON of the answers on other pages that this page's rules read (for the browser)."""
    page = schema["pages"][page_index]
    here = {f.get("name") for f in page.get("fields") or []}
    wanted = set()
    for spec in page.get("fields") or []:
        for sub in [spec, *(spec.get("fields") or [])]:
            for key in ("showWhen", "hideWhen"):
                wanted |= {c["field"] for c in condition_fields(sub.get(key))}
    values = Visibility(schema, {k: v for k, v in (answers or {}).items() if k not in here}).values
    from .definition import field_map

    refs = field_map(schema)
    out = {}
    for name in sorted(wanted - here):
        if name in values:
            value = values[name]
            if refs[name].field["type"] == "amount":
                value = int(value) / 100
            out[name] = value
    return json.dumps(out)


def render_page(
    schema: dict,
    page_index: int,
    answers: dict | None = None,
    *,
    result=None,
    language: str | None = None,
    request=None,
) -> str:
    """HTML of one page's fields. Pass the engine's ``result`` to show its errors and input."""
    kwargs = {}
    if result is not None:
        answers = {**(answers or {}), **result.values}
        kwargs = {"errors": result.errors, "raw": result.raw, "row_counts": result.row_counts}
    fields = bind_page(schema, page_index, answers, language=language, **kwargs)
    page = schema["pages"][page_index]
    return render_to_string(
        "eforms/page.html",
        {
            "fields": fields,
            "page_title": localise(page.get("title"), language),
            "page_intro": localise(page.get("intro"), language),
            "outside_values": outside_values(schema, page_index, answers or {}),
            "amount_fields": json.dumps(
                [f["name"] for f in page.get("fields") or [] if f.get("type") == "amount"]
            ),
        },
        request=request,
    )


def render_error_summary(errors: list[EngineError], *, request=None) -> str:
    return render_to_string(
        "eforms/includes/error_summary.html", {"errors": errors}, request=request
    )
