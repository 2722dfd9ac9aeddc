"""Friendly answer when the database is down: 503 with a static page, never a 500.

This middleware answers for exceptions raised by views. An outage that surfaces in another
middleware (for example while saving the session) reaches ``handler500``
(:func:`sambruk.core.web.views.server_error`), which gives the same 503 page.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"


def is_database_unavailable(exception: BaseException) -> bool:
    """True for errors that mean "cannot reach the database", not for bugs in a query."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    return isinstance(exception, DatabaseError) and "connect" in str(exception).lower()


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith(("/api/", "/healthz")):
        response = JsonResponse(
            {
                "detail": _("Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."),
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        html = loader.get_template("web/unavailable.html").render({})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log.error("Database unavailable: %s", exception)
        return unavailable_response(request)
