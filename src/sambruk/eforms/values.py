"""Parsing and checking one answer per field type (the engine's per-field rules).

Each ``clean_<type>(field, raw, label)`` returns the stored value (``None`` when empty) or
raises :class:`FieldError` with a Swedish message. Stored representations (see
docs/eforms.md): amount → integer öre; number → int (``integer``, the default) or a
decimal string; date → ``YYYY-MM-DD``; personnummer → 12 digits; yesno → ``"yes"``/``"no"``;
checkboxes → list of option values; location → ``{"lat", "lon", "address"}``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .definition import localise

TEXT_MAX = {"text": 1000, "textarea": 10000, "email": 254, "phone": 40}
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class FieldError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict):
        if isinstance(value, dict):
            return all(is_empty(v) for v in value.values())
        return len(value) == 0 if not isinstance(value, str) else value.strip() == ""
    return False


def format_decimal(value: Decimal) -> str:
    """Swedish form: space as thousands separator, comma as decimal mark."""
    sign = "−" if value < 0 else ""
    value = abs(value)
    whole, _, frac = f"{value:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u00a0".join(groups)
    return f"{sign}{text},{frac}" if frac else f"{sign}{text}"


def format_amount(ore: int) -> str:
    kr = Decimal(ore) / 100
    text = format_decimal(kr.quantize(Decimal("0.01")) if ore % 100 else kr.quantize(Decimal(1)))
    return f"{text} kr"


def parse_decimal(raw: str) -> Decimal:
    text = (
        str(raw)
        .replace("\u00a0", "")
        .replace(" ", "")
        .replace("−", "-")
        .removesuffix("kr")
        .removesuffix(":-")
        .strip()
    )
    if not _NUMBER.match(text):
        raise InvalidOperation(text)
    return Decimal(text.replace(",", "."))


def _range(value: Decimal, field, label: str, *, unit: str = "") -> None:
    low, high = field.get("min"), field.get("max")
    shown = {
        "label": label,
        "min": format_decimal(Decimal(str(low))) + unit if low is not None else "",
        "max": format_decimal(Decimal(str(high))) + unit if high is not None else "",
    }
    if (
        low is not None
        and high is not None
        and not (Decimal(str(low)) <= value <= Decimal(str(high)))
    ):
        raise FieldError(_("”%(label)s” ska vara mellan %(min)s och %(max)s.") % shown)
    if low is not None and value < Decimal(str(low)):
        raise FieldError(_("”%(label)s” ska vara minst %(min)s.") % shown)
    if high is not None and value > Decimal(str(high)):
        raise FieldError(_("”%(label)s” får vara högst %(max)s.") % shown)


def clean_text(field, raw, label):
    value = "" if raw is None else str(raw).strip()
    if field["type"] != "textarea":
        value = " ".join(value.split())
    if not value:
        return None
    limit = min(field.get("maxLength", TEXT_MAX[field["type"]]), TEXT_MAX[field["type"]])
    if len(value) > limit:
        raise FieldError(
            _("”%(label)s” får vara högst %(n)s tecken (nu %(len)s).")
            % {"label": label, "n": limit, "len": len(value)}
        )
    if "minLength" in field and len(value) < field["minLength"]:
        raise FieldError(
            _("”%(label)s” ska vara minst %(n)s tecken.")
            % {"label": label, "n": field["minLength"]}
        )
    if "pattern" in field and not re.fullmatch(field["pattern"], value):
        raise FieldError(
            localise(field.get("patternMessage"))
            or _("”%(label)s” har fel format.") % {"label": label}
        )
    return value


def clean_email(field, raw, label):
    value = clean_text(field, raw, label)
    if value is None:
        return None
    try:
        validate_email(value)
    except ValidationError:
        raise FieldError(
            _("Ange en giltig e-postadress i ”%(label)s”, till exempel namn@exempel.se.")
            % {"label": label}
        )
    return value


def clean_phone(field, raw, label):
    value = clean_text(field, raw, label)
    if value is None:
        return None
    digits = re.sub(r"\D", "", value)
    if not _PHONE.match(value) or not 6 <= len(digits) <= 15:
        raise FieldError(
            _("Ange ett giltigt telefonnummer i ”%(label)s”, till exempel 026-24 00 00.")
            % {"label": label}
        )
    return value


def clean_number(field, raw, label):
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except InvalidOperation:
        raise FieldError(_("”%(label)s” ska vara ett tal.") % {"label": label})
    integer = field.get("integer", True)
    if integer and value != value.to_integral_value():
        raise FieldError(_("”%(label)s” ska vara ett heltal.") % {"label": label})
    _range(value, field, label)
    return int(value) if integer else str(value.normalize() if value % 1 else value.quantize(1))


def clean_amount(field, raw, label):
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except InvalidOperation:
        raise FieldError(
            _("”%(label)s” ska vara ett belopp i kronor, till exempel 1 250 eller 1 250,50.")
            % {"label": label}
        )
    if value != value.quantize(Decimal("0.01")):
        raise FieldError(_("”%(label)s” får ha högst två decimaler (ören).") % {"label": label})
    _range(value, field, label, unit=" kr")
    return int(value * 100)


def _date_bound(bound) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() if bound == "today" else dt.date.fromisoformat(bound)


def clean_date(field, raw, label):
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise FieldError(
            _("Ange ”%(label)s” som ett giltigt datum ÅÅÅÅ-MM-DD, till exempel 2025-03-31.")
            % {"label": label}
        )
    if "min" in field and value < _date_bound(field["min"]):
        raise FieldError(
            _("”%(label)s” får inte vara tidigare än %(date)s.")
            % {"label": label, "date": _date_bound(field["min"]).isoformat()}
        )
    if "max" in field and value > _date_bound(field["max"]):
        raise FieldError(
            _("”%(label)s” får inte vara senare än %(date)s.")
            % {"label": label, "date": _date_bound(field["max"]).isoformat()}
        )
    return value.isoformat()


def clean_personnummer(field, raw, label):
    from sambruk.core.persons.personnummer import Personnummer

    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        return Personnummer.parse(text).value
    except ValidationError as error:
        raise FieldError(f"”{label}”: {error.messages[0]}" if label else error.messages[0])


def clean_choice(field, raw, label):
    value = "" if raw is None else str(raw)
    if not value:
        return None
    if value not in {o["value"] for o in field["options"]}:
        raise FieldError(_("Välj ett av alternativen för ”%(label)s”.") % {"label": label})
    return value


def clean_checkboxes(field, raw, label):
    values = [str(v) for v in (raw or []) if str(v)]
    allowed = [o["value"] for o in field["options"]]
    if any(v not in allowed for v in values):
        raise FieldError(_("Välj bland alternativen för ”%(label)s”.") % {"label": label})
    values = [v for v in allowed if v in values]  # option order, no duplicates
    if not values:
        return None
    if "minItems" in field and len(values) < field["minItems"]:
        raise FieldError(
            _("Välj minst %(n)s alternativ för ”%(label)s”.")
            % {"label": label, "n": field["minItems"]}
        )
    if "maxItems" in field and len(values) > field["maxItems"]:
        raise FieldError(
            _("Välj högst %(n)s alternativ för ”%(label)s”.")
            % {"label": label, "n": field["maxItems"]}
        )
    return values


def clean_yesno(field, raw, label):
    value = "" if raw is None else str(raw)
    if not value:
        return None
    if value not in ("yes", "no"):
        raise FieldError(_("Svara ja eller nej på ”%(label)s”.") % {"label": label})
    return value


def clean_location(field, raw: dict, label):
    raw = raw or {}
    address = " ".join(str(raw.get("address") or "").split())[:300]
    lat_text, lon_text = (str(raw.get(k) or "").strip() for k in ("lat", "lon"))
    lat = lon = None
    if lat_text or lon_text:
        try:
            lat, lon = float(lat_text.replace(",", ".")), float(lon_text.replace(",", "."))
        except ValueError:
            raise FieldError(
                _("Positionen för ”%(label)s” kunde inte läsas. Välj platsen på kartan igen.")
                % {"label": label}
            )
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise FieldError(
                _("Positionen för ”%(label)s” ligger utanför kartan.") % {"label": label}
            )
    if not address and lat is None:
        return None
    if field.get("requireCoordinates") and lat is None:
        raise FieldError(_("Markera platsen för ”%(label)s” på kartan.") % {"label": label})
    return {"lat": lat, "lon": lon, "address": address}


CLEANERS = {
    "text": clean_text,
    "textarea": clean_text,
    "email": clean_email,
    "phone": clean_phone,
    "number": clean_number,
    "amount": clean_amount,
    "date": clean_date,
    "personnummer": clean_personnummer,
    "select": clean_choice,
    "radio": clean_choice,
    "checkboxes": clean_checkboxes,
    "yesno": clean_yesno,
    "location": clean_location,
}


def required_message(field, label: str) -> str:
    custom = localise(field.get("requiredMessage"))
    if custom:
        return custom
    kind = field["type"]
    if kind in ("select", "radio", "yesno"):
        return _("Välj ett svar för ”%(label)s”.") % {"label": label}
    if kind == "checkboxes":
        return _("Välj minst ett alternativ för ”%(label)s”.") % {"label": label}
    if kind == "file":
        return _("Bifoga en fil för ”%(label)s”.") % {"label": label}
    if kind == "location":
        return _("Ange en adress eller markera platsen för ”%(label)s”.") % {"label": label}
    if kind == "group":
        return _("Lägg till minst en rad i ”%(label)s”.") % {"label": label}
    return _("Fyll i ”%(label)s”.") % {"label": label}


def display_value(field, value, language: str | None = None) -> str:
    """The answer as a citizen or caseworker reads it."""
    if is_empty(value):
        return ""
    kind = field["type"]
    if kind == "amount":
        return format_amount(int(value))
    if kind == "number":
        return format_decimal(Decimal(str(value)))
    if kind in ("select", "radio"):
        return next(
            (localise(o["label"], language) for o in field["options"] if o["value"] == value), value
        )
    if kind == "checkboxes":
        labels = {o["value"]: localise(o["label"], language) for o in field["options"]}
        return ", ".join(labels.get(v, v) for v in value)
    if kind == "yesno":
        return _("Ja") if value == "yes" else _("Nej")
    if kind == "personnummer":
        return f"{value[:8]}-{value[8:]}"
    if kind == "file":
        return ", ".join(str(f.get("name", "")) for f in value)
    if kind == "location":
        parts = [value.get("address") or ""]
        if value.get("lat") is not None:
            parts.append(f"({value['lat']:.6f}, {value['lon']:.6f})")
        return " ".join(p for p in parts if p)
    return str(value)


def comparable(field, value):
    """The value used by greaterThan/lessThan: amounts in kronor, numbers as Decimal."""
    if is_empty(value):
        return None
    if field["type"] == "amount":
        return Decimal(int(value)) / 100
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
