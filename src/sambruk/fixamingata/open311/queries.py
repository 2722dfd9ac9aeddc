"""Reads behind the Open311 GET endpoints.

A request list is one indexed query over ``Report`` (index ``kommun, state, created_at``)
projected with ``values()``, plus one query for the first photo and one for the latest
public staff note of the (at most 1000) requests on the page — no per-row queries.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import (
    CLOSED_STATES,
    FIXED_STATES,
    OPEN_STATES,
    Report,
    ReportPhoto,
    Update,
)
from ..routing import categories_for_kommun, category_for_service_code
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
    rows = list(
        qs.order_by("-created_at", "-pk").values(*formatters.REQUEST_FIELDS)[
            offset : offset + limit
        ]
    )
    return build_requests(params, rows)


def build_requests(params: Params, rows: list[dict]) -> list[dict]:
    """Requests from :data:`formatters.REQUEST_FIELDS` rows, with one query for the first
    photos and one for the latest staff notes (none when there are no rows)."""
    if not rows:
        return []
    pks = [r["pk"] for r in rows]
    photos = dict(
        ReportPhoto.objects.filter(report_id__in=pks, order=1)
        .order_by()
        .values_list("report_id", "image")
    )
    notes: dict[int, str] = {}
    for report_id, text in (
        Update.objects.filter(report_id__in=pks, is_staff_update=True, confirmed=True, hidden=False)
        .exclude(text="")
        .order_by("report_id", "created_at", "pk")
        .values_list("report_id", "text")
    ):
        notes[report_id] = text
    result = []
    for row in rows:
        pk = row["pk"]
        photo = photos.get(pk)
        note = notes.get(pk)
        item = formatters.request_row(
            row,
            photo=formatters.photo_url(photo) if photo else None,
            notes=note[: formatters.MAX_DESCRIPTION] if note else None,
        )
        for hook in REQUEST_DECORATORS:
            hook(params, row, item)
        result.append(item)
    return result


def one_request(params: Params, kommun, request_id: str) -> list[dict]:
    qs = public_reports().filter(service_request_id=request_id, state__in=OPEN_LIST + CLOSED_LIST)
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    rows = list(qs.values(*formatters.REQUEST_FIELDS)[:1])
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
