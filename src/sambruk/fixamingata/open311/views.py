"""Open311 GeoReport v2 views at ``/open311/v2/`` (format by URL suffix ``.xml``/``.json``).

Every answer is an Open311 document or an Open311 error list in the requested format (JSON
when the suffix is unknown): never an HTML page. Unexpected failures are logged and answered
503 in the error format; client errors are 400/403/404 as the spec says (413 for a body
over ``DATA_UPLOAD_MAX_MEMORY_SIZE``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import formatters, inbound, queries
from .errors import BadRequest, Open311Error
from .params import Params, jurisdiction
from .renderers import FORMATS, render, render_errors

log = logging.getLogger(__name__)
CHANGESET = datetime(2025, 1, 1, tzinfo=UTC)


def open311(*methods: str):
    """Format check, method check, Open311 errors and a last-resort handler."""

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def inner(request, fmt: str = "", **kwargs) -> HttpResponse:
            fmt = (fmt or "").lower()
            if fmt not in FORMATS:
                return render_errors(
                    "json",
                    [{"code": 404, "description": _("Okänt format: använd .xml eller .json.")}],
                    404,
                )
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(methods)
                response["Access-Control-Allow-Origin"] = "*"
                return response
            if request.method not in methods and not (
                request.method == "HEAD" and "GET" in methods
            ):
                response = render_errors(
                    fmt, [{"code": 405, "description": _("Metoden stöds inte här.")}], 405
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if "\x00" in request.path_info:
                    # NUL cannot be stored or looked up in PostgreSQL text columns.
                    raise BadRequest(_("Adressen innehåller otillåtna tecken."))
                return view(request, fmt, Params(request), **kwargs)
            except Open311Error as error:
                return render_errors(fmt, error.as_list(), error.status)
            except (SuspiciousOperation, MultiPartParserError) as error:
                # Raised while Django parses the query string or the body (request.GET/POST).
                error = _request_error(error)
                return render_errors(fmt, error.as_list(), error.status)
            except DatabaseError:
                log.exception("Open311: database error")
                return _unavailable(fmt)
            except Exception:
                log.exception("Open311: unexpected error")
                return _unavailable(fmt)

        return inner

    return wrap


def _request_error(error: Exception) -> Open311Error:
    """A client error of the request's form (too big, too many fields, malformed) → 400/413."""
    if isinstance(error, RequestDataTooBig):
        return Open311Error(
            413,
            _("Anropet är för stort (högst %(n)d byte).")
            % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0},
        )
    if isinstance(error, TooManyFieldsSent):
        return BadRequest(
            _("Anropet innehåller för många parametrar (högst %(n)d).")
            % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 0}
        )
    log.info("Open311: bad request form: %s", error)
    return BadRequest(_("Anropet kunde inte tolkas."))


def _unavailable(fmt: str) -> HttpResponse:
    return render_errors(
        fmt,
        [{"code": 503, "description": _("Tjänsten är tillfälligt otillgänglig. Försök igen.")}],
        503,
    )


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


#: Seconds a GET request list stays cached (public, read-only data; invalidated by time
#: only, so a change shows within this many seconds). 0 turns the cache off.
DEFAULT_LIST_CACHE_SECONDS = 20


def _list_cache_key(request, fmt: str) -> str:
    """The normalised query: parameters sorted, empty values dropped (empty = absent)."""
    items = sorted(
        (key, tuple(v.strip() for v in request.GET.getlist(key) if v.strip()))
        for key in request.GET
    )
    text = repr((request.path, fmt, [item for item in items if item[1]]))
    return "fmg:open311:list:" + hashlib.sha256(text.encode()).hexdigest()


def _cached_list(request, fmt: str, build) -> HttpResponse:
    """``build()`` (a rendered 200 response) through the Django cache for a short time."""
    seconds = getattr(settings, "FIXAMINGATA_OPEN311_CACHE_SECONDS", DEFAULT_LIST_CACHE_SECONDS)
    if seconds <= 0:
        return build()
    key = _list_cache_key(request, fmt)
    hit = cache.get(key)
    if hit is not None:
        response = HttpResponse(hit, content_type=FORMATS[fmt])
        response["Access-Control-Allow-Origin"] = "*"
        return response
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, seconds)
    return response


@open311("GET")
def discovery(request, fmt, params):
    return render(fmt, "discovery", formatters.discovery(CHANGESET))


@open311("GET")
def services(request, fmt, params):
    kommun = jurisdiction(params, required=True)
    return render(fmt, "services", queries.services(kommun))


@open311("GET")
def service_definition(request, fmt, params, service_code: str):
    kommun = jurisdiction(params, required=True)
    category = queries.category_or_404(kommun, service_code)
    return render(fmt, "service_definition", formatters.service_definition(category))


@open311("GET", "POST")
def requests(request, fmt, params):
    kommun = jurisdiction(params, required=True)
    if request.method == "POST":
        result = inbound.post_request(params, kommun, ip=_client_ip(request))
        return render(fmt, "service_requests", result)
    return _cached_list(
        request,
        fmt,
        lambda: render(fmt, "service_requests", queries.request_list(params, kommun)),
    )


@open311("GET")
def request_detail(request, fmt, params, request_id: str):
    kommun = jurisdiction(params, required=False)
    return render(fmt, "service_requests", queries.one_request(params, kommun, request_id))


@open311("GET")
def token(request, fmt, params, token: str):
    kommun = jurisdiction(params, required=False)
    return render(fmt, "service_requests", queries.token(kommun, token))


@open311("GET", "POST")
def service_request_updates(request, fmt, params):
    if request.method == "POST":
        kommun = jurisdiction(params, required=False)
        result = inbound.post_update(params, kommun)
        return render(fmt, "service_request_updates", result)
    kommun = jurisdiction(params, required=True)
    return render(fmt, "service_request_updates", queries.update_list(params, kommun))


@csrf_exempt
def not_found(request, path: str = ""):
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path else "json"
    return render_errors(
        fmt, [{"code": 404, "description": _("Resursen finns inte i Open311 GeoReport v2.")}], 404
    )
