"""Parsing and validation of Open311 parameters.

An empty parameter is treated exactly like a missing one (GeoReport v2 "optional"). Values
come from the query string and, for POST, the form body (the body wins).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import BadRequest, NotFound

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAX_WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_LIST_ITEMS = 1000
_ATTR = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class Params:
    """Request parameters with Open311 semantics."""

    def __init__(self, request):
        data: dict[str, list[str]] = {k: request.GET.getlist(k) for k in request.GET}
        if request.method == "POST":
            data.update({k: request.POST.getlist(k) for k in request.POST})
        for name, values in data.items():
            # NUL cannot be stored (PostgreSQL text) and is never meaningful in a parameter.
            if "\x00" in name or any("\x00" in v for v in values):
                raise BadRequest(
                    _("Parametern %(name)s innehåller otillåtna tecken.")
                    % {"name": name.replace("\x00", "")}
                )
        self.data = data

    def get(self, name: str) -> str | None:
        """The first non-empty value (stripped), or None."""
        for value in self.data.get(name, []):
            value = value.strip()
            if value:
                return value
        return None

    def getlist(self, name: str) -> list[str]:
        return [v.strip() for v in self.data.get(name, []) if v.strip()]

    def csv(self, name: str) -> list[str]:
        """A comma list (values may also be repeated); empty items dropped, order kept."""
        items: list[str] = []
        for value in self.data.get(name, []):
            items += [v.strip() for v in value.split(",") if v.strip()]
        if len(items) > MAX_LIST_ITEMS:
            raise BadRequest(
                _("%(p)s får innehålla högst %(n)d värden.") % {"p": name, "n": MAX_LIST_ITEMS}
            )
        return list(dict.fromkeys(items))

    def attributes(self) -> dict:
        """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2``."""
        result: dict = {}
        for key, values in self.data.items():
            match = _ATTR.match(key)
            if not match:
                continue
            values = [v for v in values if v.strip()]
            if not values:
                continue
            code = match.group(1)
            if match.group(2):
                result.setdefault(code, [])
                existing = result[code] if isinstance(result[code], list) else [result[code]]
                result[code] = existing + values
            else:
                result[code] = values if len(values) > 1 else values[0]
        return result

    def number(self, name: str, *, lo: float, hi: float) -> float | None:
        raw = self.get(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not lo <= value <= hi:
            raise BadRequest(
                _("%(p)s ska vara ett tal mellan %(lo)s och %(hi)s.")
                % {"p": name, "lo": _fmt(lo), "hi": _fmt(hi)}
            )
        return value

    def integer(self, name: str, *, lo: int, hi: int) -> int | None:
        raw = self.get(name)
        if raw is None:
            return None
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not lo <= int(raw) <= hi:
            raise BadRequest(
                _("%(p)s ska vara ett heltal mellan %(lo)d och %(hi)d.")
                % {"p": name, "lo": lo, "hi": hi}
            )
        return int(raw)

    def datetime(self, name: str) -> datetime | None:
        raw = self.get(name)
        return None if raw is None else parse_datetime(raw, name)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(raw: str, name: str) -> datetime:
    """W3C/ISO 8601 date or date-time; ``Z`` or ``±HH:MM``; without a zone: Swedish time."""
    value = raw.strip()
    if not _ISO.match(value):
        raise BadRequest(_bad_date(name))
    value = value[:-1] + "+00:00" if value[-1] in "Zz" else value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(_bad_date(name)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed


def _bad_date(name: str) -> str:
    return _("%(p)s ska vara datum och tid enligt ISO 8601, till exempel %(ex)s.") % {
        "p": name,
        "ex": "2024-05-01T08:00:00+02:00",
    }


def date_window(params: Params, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """``start_date``/``end_date``: at most 90 days; default the last 90 days (or 90 days
    from the one given)."""
    start, end = params.datetime("start_date"), params.datetime("end_date")
    now = now or timezone.now()
    if start is None and end is None:
        end = now
        start = now - MAX_WINDOW
    elif start is None:
        start = end - MAX_WINDOW
    elif end is None:
        end = start + MAX_WINDOW
    if start > end:
        raise BadRequest(_("start_date måste vara före end_date."))
    if end - start > MAX_WINDOW:
        raise BadRequest(_("Tidsintervallet får vara högst 90 dagar."))
    return start, end


def paging(params: Params) -> tuple[int, int]:
    """``page`` (from 1) and ``page_size`` (1–1000, default 1000) as (offset, limit)."""
    page = params.integer("page", lo=1, hi=1_000_000) or 1
    size = params.integer("page_size", lo=1, hi=MAX_PAGE_SIZE) or MAX_PAGE_SIZE
    return (page - 1) * size, size


def jurisdiction(params: Params, *, required: bool):
    """The kommun named by ``jurisdiction_id`` (kommunkod). This endpoint serves every
    kommun, so the parameter is required where no id names the resource (400 when
    missing); an unknown one is a 404."""
    from ..routing import kommun_by_code

    code = params.get("jurisdiction_id")
    if code is None:
        if required:
            raise BadRequest(_("jurisdiction_id (kommunkod) saknas."))
        return None
    org = None
    if re.fullmatch(r"[0-9]{4}", code):
        org = kommun_by_code(code)  # routing's in-process cache: no query on a hit
    if org is None:
        raise NotFound(_("Okänd jurisdiction_id: %(j)s.") % {"j": code[:40]})
    return org
