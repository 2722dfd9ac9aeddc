"""Reads behind the Open311 GET endpoints.

A request list is one query over ``Report`` (index ``fmg_report_o311_idx``: kommun, then
newest first, public only; ``fmg_report_kommun_idx`` for narrow status filters) projected
with ``values()``: the first photo and the latest public staff note are correlated
subqueries of the same statement and the dates come formatted from PostgreSQL, so the rows
go straight into the output dicts (see docs/fixamingata-performance.md).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import CharField, F, Func
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from ..models import (
    CLOSED_STATES,
    FIXED_STATES,
    OPEN_STATES,
    Report,
    Update,
)
from ..routing import (
    categories_for_kommun,
    category_for_service_code,
    fresh_report_labels,
    report_labels,
)
from ..states import _EXTENDED, state_from_open311
from . import formatters
from .errors import BadRequest, NotFound
from .extensions import REQUEST_DECORATORS, REQUEST_LIST_FILTERS
from .params import Params, date_window, paging

OPEN_LIST = sorted(OPEN_STATES)
CLOSED_LIST = sorted(FIXED_STATES | CLOSED_STATES)
#: Extended (mySociety) status values accepted in the ``status`` filter.
EXTENDED_VALUES = set(_EXTENDED.values()) | {"planned", "reopen", "for_triage", "cancelled"}


def services(kommun) -> list[dict]:
    return [formatters.service(c) for c in categories_for_kommun(kommun)]


def category_or_404(kommun, code: str):
    category = category_for_service_code(kommun, code)
    if category is None:
        raise NotFound(_("Okänd service_code: %(c)s.") % {"c": code[:60]})
    return category


def states_for(values: list[str]) -> list[str]:
    """``status`` values (open, closed or extended statuses) as report states."""
    states: set[str] = set()
    bad = []
    for value in values:
        key = value.lower()
        if key == "open":
            states |= set(OPEN_LIST)
        elif key == "closed":
            states |= set(CLOSED_LIST)
        elif key in EXTENDED_VALUES:
            states.add(state_from_open311(key))
        else:
            bad.append(value[:40])
    if bad:
        raise BadRequest(
            _("Okänd status: %(s)s. Använd open eller closed.") % {"s": ", ".join(bad)}
        )
    return sorted(states)


def public_reports():
    return Report.objects.filter(hidden=False)


def request_list(params: Params, kommun) -> list[dict]:
    qs = public_reports()
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    ids = params.csv("service_request_id")
    if ids:
        # service_request_id overrides every other filter.
        qs = qs.filter(service_request_id__in=ids, state__in=OPEN_LIST + CLOSED_LIST)
        offset, limit = 0, len(ids)
    else:
        statuses = params.csv("status")
        qs = qs.filter(state__in=states_for(statuses) if statuses else OPEN_LIST + CLOSED_LIST)
        start, end = date_window(params)
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        codes = params.csv("service_code")
        if codes:
            qs = qs.filter(category__code__in=codes)
        for hook in REQUEST_LIST_FILTERS:
            qs = hook(params, qs)
        offset, limit = paging(params)
    rows = list(request_values(qs.order_by("-created_at", "-pk"))[offset : offset + limit])
    return build_requests(params, rows)


class LocalIso(Func):
    """A timestamp as ISO 8601 text in Swedish time to the second, with its offset — the
    exact text of :func:`.formatters.iso` — computed by PostgreSQL, so a list of 1000
    requests needs no datetime objects in Python (loading and formatting them was a third
    of the list's CPU time). Sweden's offset is always positive (+01:00 or +02:00)."""

    output_field = CharField()
    template = (
        "to_char(%(expressions)s AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD\"T\"HH24:MI:SS+')"
        " || to_char((%(expressions)s AT TIME ZONE 'Europe/Stockholm')"
        " - (%(expressions)s AT TIME ZONE 'UTC'), 'HH24:MI')"
    )


#: The first photo and the latest public staff note of the outer report row (constant SQL,
#: no input; standard, so PostgreSQL and SQLite alike).
FIRST_PHOTO_SQL = (
    'SELECT p."image" FROM "fixamingata_reportphoto" p'
    ' WHERE p."report_id" = "fixamingata_report"."id" AND p."order" = 1'
)
LATEST_NOTE_SQL = (
    'SELECT u."text" FROM "fixamingata_update" u'
    ' WHERE u."report_id" = "fixamingata_report"."id" AND u."is_staff_update"'
    """ AND u."confirmed" AND NOT u."hidden" AND u."text" <> ''"""
    ' ORDER BY u."created_at" DESC, u."id" DESC LIMIT 1'
)


def request_values(qs):
    """``qs`` as request rows in one query: the plain :data:`.formatters.REQUEST_FIELDS`,
    the dates (ISO text on PostgreSQL), the first ``media_urls`` entry, and as correlated
    subqueries (evaluated for the returned rows only; ``(report, order)`` is unique and
    ``fmg_update_report_idx`` serves the note) the first photo and the latest public staff
    note. The subqueries are fixed SQL (standard, PostgreSQL and SQLite alike): compiling
    them as querysets cost about 1 ms per request, as much as the rest of the statement."""
    pg = connection.vendor == "postgresql"
    return qs.values(
        *formatters.REQUEST_FIELDS,
        created=LocalIso("created_at") if pg else F("created_at"),
        updated=LocalIso("updated_at") if pg else F("updated_at"),
        closed=LocalIso("closed_at") if pg else F("closed_at"),
        media=KT("media_urls__0"),
        photo=RawSQL(FIRST_PHOTO_SQL, (), output_field=CharField()),  # noqa: S611 (constant)
        note=RawSQL(LATEST_NOTE_SQL, (), output_field=CharField()),  # noqa: S611 (constant)
    )


def build_requests(params: Params, rows: list[dict]) -> list[dict]:
    """Requests from :func:`request_values` rows (no further queries)."""
    if not rows:
        return []
    categories, bodies = report_labels()
    if any(r["category_id"] not in categories or r["body_id"] not in bodies for r in rows):
        categories, bodies = fresh_report_labels()  # made in another process just now
    decorators = [d for d in (hook(params) for hook in REQUEST_DECORATORS) if d is not None]
    if not decorators:
        return [formatters.request_row(row, categories, bodies) for row in rows]
    result = []
    for row in rows:
        item = formatters.request_row(row, categories, bodies)
        for decorate in decorators:
            decorate(row, item)
        result.append(item)
    return result


def one_request(params: Params, kommun, request_id: str) -> list[dict]:
    qs = public_reports().filter(service_request_id=request_id, state__in=OPEN_LIST + CLOSED_LIST)
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    rows = list(request_values(qs.order_by())[:1])
    if not rows:
        raise NotFound(_("Okänt service_request_id: %(id)s.") % {"id": request_id[:40]})
    return build_requests(params, rows)


def token(kommun, value: str) -> list[dict]:
    """``tokens/{token}``: the id once the request is public; until then only the token."""
    qs = Report.objects.filter(token=value)
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    row = qs.values("service_request_id", "state", "hidden").first()
    if row is None:
        raise NotFound(_("Okänd token."))
    public = not row["hidden"] and row["state"] in OPEN_LIST + CLOSED_LIST
    if public:
        return [{"service_request_id": row["service_request_id"], "token": value}]
    return [{"token": value}]


UPDATE_FIELDS = (
    "pk",
    "report_id",
    "report__service_request_id",
    "report__state",
    "text",
    "new_state",
    "mark_fixed",
    "reopen",
    "created_at",
    "confirmed_at",
    "media_url",
)


def update_list(params: Params, kommun) -> list[dict]:
    """mySociety ``servicerequestupdates``: public updates of public reports in the window."""
    start, end = date_window(params)
    offset, limit = paging(params)
    qs = (
        Update.objects.filter(
            confirmed=True,
            hidden=False,
            created_at__gte=start,
            created_at__lte=end,
            report__kommun_id=kommun.pk,
            report__hidden=False,
            report__state__in=OPEN_LIST + CLOSED_LIST,
        )
        .order_by("created_at", "pk")
        .values(*UPDATE_FIELDS)[offset : offset + limit]
    )
    result = []
    for row in qs:
        if row["new_state"]:
            state = row["new_state"]
        elif row["mark_fixed"]:
            state = "fixed"
        elif row["reopen"]:
            state = "confirmed"
        else:
            state = row["report__state"]
        result.append(formatters.update_row(row, state=state))
    return result
