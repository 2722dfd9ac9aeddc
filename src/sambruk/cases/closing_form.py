"""The closing form (avslutningsformulär) of a case type: validation of submitted data.

``CaseType.closing_form`` is a list of fields::

    {"name": "orsak", "label": "Orsak", "type": "text|textarea|choice|date|number",
     "required": true, "choices": ["a", "b"] or [{"value": "a", "label": "A"}]}

:func:`clean_form` returns the cleaned data and a dict of Swedish error messages per field;
the services save nothing when there is an error. The same function decides whether a stored
form is still valid when the case is closed (the configuration may have changed since).
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

CLOSING_FORM = "closing"

TEXT_MAX = 1000
TEXTAREA_MAX = 10000

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def form_fields(case_type, form_code: str) -> list[dict] | None:
    """The field list of ``form_code`` on ``case_type``; ``None`` if there is no such form."""
    if form_code == CLOSING_FORM and case_type.closing_form:
        return [f for f in case_type.closing_form if isinstance(f, dict) and f.get("name")]
    return None


def choice_values(field: dict) -> list[str]:
    values = []
    for choice in field.get("choices") or ():
        if isinstance(choice, dict):
            values.append(str(choice.get("value", "")))
        else:
            values.append(str(choice))
    return values


def choice_label(field: dict, value) -> str:
    for choice in field.get("choices") or ():
        if isinstance(choice, dict) and str(choice.get("value", "")) == str(value):
            return str(choice.get("label") or value)
    return "" if value is None else str(value)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(field: dict, value):
    """Return ``(cleaned, error)``; ``value`` is not empty here."""
    label = field.get("label") or field["name"]
    kind = field.get("type") or "text"
    if kind == "choice":
        value = str(value).strip()
        if value not in choice_values(field):
            return None, _("Välj ett av de tillåtna värdena i ”%(label)s”.") % {"label": label}
        return value, None
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat(), None
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return None, _("Ange ett datum som ÅÅÅÅ-MM-DD i ”%(label)s”.") % {"label": label}
    if kind == "number":
        if isinstance(value, bool):
            return None, _("Ange ett tal i ”%(label)s”.") % {"label": label}
        if isinstance(value, int | float):
            return value, None
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not _NUMBER.match(text):
            return None, _("Ange ett tal i ”%(label)s”.") % {"label": label}
        if "." in text or "," in text:
            return float(text.replace(",", ".")), None
        return int(text), None
    text = str(value).strip()
    limit = TEXTAREA_MAX if kind == "textarea" else TEXT_MAX
    if len(text) > limit:
        return None, _("Högst %(max)s tecken i ”%(label)s”.") % {"max": limit, "label": label}
    return text, None


def clean_form(fields: list[dict], data: dict) -> tuple[dict, dict]:
    """Validate ``data`` against ``fields``: ``(cleaned, errors)``. Unknown keys are dropped."""
    data = data or {}
    cleaned: dict = {}
    errors: dict = {}
    for field in fields:
        name = field["name"]
        label = field.get("label") or name
        value = data.get(name)
        if _empty(value):
            if field.get("required"):
                errors[name] = _("Fältet ”%(label)s” måste fyllas i.") % {"label": label}
            else:
                cleaned[name] = None
            continue
        result, error = _clean_value(field, value)
        if error:
            errors[name] = error
        else:
            cleaned[name] = result
    return cleaned, errors


def stored_form_valid(case, form_code: str = CLOSING_FORM) -> bool:
    """True when the case has a stored ``form_code`` that is valid for its type's fields now."""
    fields = form_fields(case.case_type, form_code)
    if fields is None:
        return True
    row = case.forms.filter(form_code=form_code).first()
    if row is None:
        return False
    _cleaned, errors = clean_form(fields, row.data)
    return not errors


def display_rows(case_type, form_code: str, data: dict) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of a stored form for display (PDF, workspace)."""
    fields = form_fields(case_type, form_code) or []
    rows = []
    known = set()
    for field in fields:
        known.add(field["name"])
        value = data.get(field["name"])
        if field.get("type") == "choice":
            value = choice_label(field, value)
        rows.append((str(field.get("label") or field["name"]), "" if value is None else str(value)))
    for name, value in data.items():
        if name not in known:
            rows.append((name, "" if value is None else str(value)))
    return rows
