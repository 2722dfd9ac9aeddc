"""Reads behind the Open311 GET endpoints.

A request list is one query over ``Report`` (index ``fmg_report_o311_idx``: kommun, then
newest first, public only; ``fmg_report_kommun_idx`` for narrow status filters) projected
with ``values()``: the first photo and the latest public staff note are correlated
subqueries of the same statement and the dates come formatted from PostgreSQL, so the rows
go straight into the output dicts (see docs/fixamingata-performance.md).

The common list (one kommun, a status filter, the date window, no extension filter) is
compiled by the ORM once per process and shape and then run with each request's values
(:func:`_list_statement`): building and compiling the queryset was a third of the list's
CPU time (pass 4 in the performance notes).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

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

log = logging.getLogger(__name__)
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
    ids = params.csv("service_request_id")
    if ids:
        # service_request_id overrides every other filter.
        qs = public_reports().filter(service_request_id__in=ids, state__in=OPEN_LIST + CLOSED_LIST)
        if kommun is not None:
            qs = qs.filter(kommun_id=kommun.pk)
        return build_requests(params, _rows(qs, 0, len(ids)))
    statuses = params.csv("status")
    states = states_for(statuses) if statuses else OPEN_LIST + CLOSED_LIST
    start, end = date_window(params)
    codes = params.csv("service_code")
    hooks = [hook for hook in REQUEST_LIST_FILTERS if _asked(hook, params)]
    if kommun is not None and not codes and not hooks:
        offset, limit = paging(params)
        statement = _list_statement(len(states), offset, limit)
        if statement is not None:
            return build_requests(params, statement.rows(kommun.pk, states, start, end))
    qs = _list_queryset(kommun.pk if kommun is not None else None, states, start, end)
    if codes:
        qs = qs.filter(category__code__in=codes)
    for hook in hooks:
        qs = hook(params, qs)
    offset, limit = paging(params)  # after the hooks: their errors come first, as before
    return build_requests(params, _rows(qs, offset, limit))


def _asked(hook, params: Params) -> bool:
    """Whether the filter hook can narrow this request: hooks that name their
    ``parameters`` are skipped when none of them is given (so the common list keeps its
    precompiled statement); a hook without that attribute always runs."""
    names = getattr(hook, "parameters", None)
    return names is None or any(params.get(name) is not None for name in names)


def _list_queryset(kommun_id, states, start, end):
    qs = public_reports()
    if kommun_id is not None:
        qs = qs.filter(kommun_id=kommun_id)
    return qs.filter(state__in=states, created_at__gte=start, created_at__lte=end)


def _rows(qs, offset: int, limit: int) -> list[tuple]:
    """``qs`` (unordered) in list order as :data:`REQUEST_COLUMNS` tuples."""
    return list(_rows_queryset(qs, offset, limit))


#: Values that stand for a request's own in the statement compiled once per shape; found
#: by identity of position in the compiled parameters (see :class:`_ListStatement`).
_KOMMUN_MARK = -7_311_311
_START_MARK = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_END_MARK = datetime(1902, 3, 4, 5, 6, 7, tzinfo=UTC)
_CREATED_AT = Report._meta.get_field("created_at")
_statements: dict[tuple, _ListStatement | None] = {}


class _ListStatement:
    """The SQL and parameters the ORM compiles for :func:`_list_queryset` of one shape
    (number of states, offset, limit) with marker values, and where each marker landed in
    the parameters. A request runs the same SQL with its own values in those places: the
    statement is byte for byte the one its own queryset would compile to (checked in the
    tests), without rebuilding and compiling the queryset each time (about 1 ms)."""

    def __init__(self, n_states: int, offset: int, limit: int):
        self.marks = [f"\x01state{i}\x01" for i in range(n_states)]
        qs = _rows_queryset(
            _list_queryset(_KOMMUN_MARK, self.marks, _START_MARK, _END_MARK), offset, limit
        )
        compiler = qs.query.get_compiler(using=qs.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = {}
        wanted = {
            _KOMMUN_MARK: "kommun",
            self._prep(_START_MARK): "start",
            self._prep(_END_MARK): "end",
            **{mark: i for i, mark in enumerate(self.marks)},
        }
        for position, value in enumerate(self.params):
            if isinstance(value, int | str | datetime) and value in wanted:
                slot = wanted[value]
                if slot in self.slots:
                    raise ValueError(f"marker {slot!r} twice in the compiled list statement")
                self.slots[slot] = position
        if len(self.slots) != len(wanted):
            raise ValueError("a marker is missing from the compiled list statement")
        self.compiler = compiler
        fields = [column[0] for column in compiler.select]
        if len(fields) != len(REQUEST_COLUMNS):
            raise ValueError("unexpected columns in the compiled list statement")
        self.converters = compiler.get_converters(fields)

    @staticmethod
    def _prep(value: datetime):
        return _CREATED_AT.get_db_prep_value(value, connection)

    def bind(self, kommun_id: int, states: list[str], start: datetime, end: datetime) -> list:
        params = self.params.copy()
        slots = self.slots
        params[slots["kommun"]] = kommun_id
        for i, state in enumerate(states):
            params[slots[i]] = state
        params[slots["start"]] = self._prep(start)
        params[slots["end"]] = self._prep(end)
        return params

    def rows(self, kommun_id: int, states: list[str], start: datetime, end: datetime):
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(kommun_id, states, start, end))
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(r) for r in self.compiler.apply_converters(rows, self.converters)]
        return rows


def _list_statement(n_states: int, offset: int, limit: int) -> _ListStatement | None:
    """The compiled statement of this shape (None: this shape cannot be precompiled, the
    request builds its queryset as before)."""
    key = (connection.alias, connection.vendor, n_states, offset, limit)
    try:
        return _statements[key]
    except KeyError:
        pass
    try:
        statement = _ListStatement(n_states, offset, limit)
    except Exception:  # noqa: BLE001 (any surprise: the general path answers)
        log.warning("Open311: list statement not precompiled", exc_info=True)
        statement = None
    if len(_statements) > 200:  # bounded: page numbers are the caller's
        _statements.clear()
    _statements[key] = statement
    return statement


def _rows_queryset(qs, offset: int, limit: int):
    return request_values(qs.order_by("-created_at", "-pk"))[offset : offset + limit]


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


#: A request row: the columns of :func:`request_values`, in this order.
REQUEST_COLUMNS = formatters.REQUEST_COLUMNS
CATEGORY = REQUEST_COLUMNS.index("category_id")
BODY = REQUEST_COLUMNS.index("body_id")


def request_values(qs):
    """``qs`` as request rows (:data:`REQUEST_COLUMNS` tuples) in one query: the plain :data:`.formatters.REQUEST_FIELDS`,
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
    ).values_list(*REQUEST_COLUMNS)


def build_requests(params: Params, rows: list[tuple]) -> list[dict]:
    """Requests from :func:`request_values` rows (no further queries)."""
    if not rows:
        return []
    categories, bodies = report_labels()
    if any(r[CATEGORY] not in categories or r[BODY] not in bodies for r in rows):
        categories, bodies = fresh_report_labels()  # made in another process just now
    photo_url = formatters.photo_urls()
    decorators = [d for d in (hook(params) for hook in REQUEST_DECORATORS) if d is not None]
    request_row = formatters.request_row
    if not decorators:
        return [request_row(row, categories, bodies, photo_url) for row in rows]
    result = []
    for row in rows:
        item = request_row(row, categories, bodies, photo_url)
        named = dict(zip(REQUEST_COLUMNS, row, strict=True))
        for decorate in decorators:
            decorate(named, item)
        result.append(item)
    return result


def one_request(params: Params, kommun, request_id: str) -> list[dict]:
    qs = public_reports().filter(service_request_id=request_id, state__in=OPEN_LIST + CLOSED_LIST)
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    rows = _rows(qs, 0, 1)
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
