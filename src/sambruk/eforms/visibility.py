"""Visibility rules: ``showWhen`` / ``hideWhen`` on pages, fields and group sub-fields.

A condition is a leaf ``{"field": name, <test>: …}`` with one test — ``anyOf``, ``noneOf``,
``greaterThan``, ``lessThan``, ``answered`` — or a combination ``{"all": […]}`` /
``{"any": […]}``. Conditions only refer to earlier fields, so one pass in document order
decides everything: a hidden field counts as unanswered for the rules after it (chains
work), is never required, and its value is dropped. ``static/eforms/visibility.js`` applies
the same rules in the browser; the server's answer is the one that counts.
"""

from __future__ import annotations

from .definition import field_map
from .values import comparable, is_empty


def evaluate(condition, values: dict, fields: dict) -> bool:
    """Does ``condition`` hold for ``values`` (the effective answers so far)?"""
    if "all" in condition:
        return all(evaluate(part, values, fields) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, values, fields) for part in condition["any"])
    name = condition["field"]
    value = values.get(name)
    answered = not is_empty(value)
    if "answered" in condition:
        return answered is bool(condition["answered"])
    if "anyOf" in condition or "noneOf" in condition:
        wanted = {_norm(v) for v in condition.get("anyOf", condition.get("noneOf"))}
        given = (
            {_norm(v) for v in (value if isinstance(value, list) else [value])}
            if answered
            else set()
        )
        hit = bool(wanted & given)
        return hit if "anyOf" in condition else not hit
    ref = fields.get(name)
    number = comparable(ref.field, value) if ref is not None else None
    if number is None:
        return False
    from decimal import Decimal

    if "greaterThan" in condition:
        return number > Decimal(str(condition["greaterThan"]))
    return number < Decimal(str(condition["lessThan"]))


def _norm(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int | float):
        return str(value).removesuffix(".0")
    return str(value)


def shown(obj: dict, values: dict, fields: dict) -> bool:
    if "showWhen" in obj and not evaluate(obj["showWhen"], values, fields):
        return False
    return not ("hideWhen" in obj and evaluate(obj["hideWhen"], values, fields))


class Visibility:
    """The visible pages and fields of a form for a set of answers.

    ``values`` are the effective answers (hidden fields' answers removed), ``pages`` the
    indexes of visible pages, ``fields`` the names of visible top-level fields; group rows
    keep only their visible sub-fields' answers.
    """

    def __init__(self, schema: dict, answers: dict):
        self.schema = schema
        self.refs = field_map(schema)
        self.values: dict = {}
        self.pages: list[int] = []
        self.fields: set[str] = set()
        for p, page in enumerate(schema.get("pages") or []):
            if not shown(page, self.values, self.refs):
                continue
            self.pages.append(p)
            for field in page.get("fields") or []:
                name = field.get("name")
                if not shown(field, self.values, self.refs):
                    continue
                if name:
                    self.fields.add(name)
                if not name or name not in answers or is_empty(answers[name]):
                    continue
                value = answers[name]
                if field["type"] == "group":
                    value = [self.row(field, row) for row in value if isinstance(row, dict)]
                self.values[name] = value

    def row(self, group: dict, row: dict) -> dict:
        """A group row with only its visible sub-fields' answers."""
        kept: dict = {}
        for sub in group["fields"]:
            scope = {**self.values, **kept}
            if not shown(sub, scope, self.refs):
                continue
            name = sub.get("name")
            if name and name in row and not is_empty(row[name]):
                kept[name] = row[name]
        return kept

    def row_shows(self, group: dict, row: dict) -> set[str]:
        """Names of the visible sub-fields of one group row."""
        visible, kept = set(), {}
        for sub in group["fields"]:
            if shown(sub, {**self.values, **kept}, self.refs) and sub.get("name"):
                visible.add(sub["name"])
                if not is_empty(row.get(sub["name"])):
                    kept[sub["name"]] = row[sub["name"]]
        return visible

    def page_visible(self, index: int) -> bool:
        return index in self.pages

    def field_visible(self, name: str) -> bool:
        return name in self.fields
