"""Friendly answer when the database is down: 503 with a static page, never a 500."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) and not (
            isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
        ):
            return None
        log.error("Database unavailable: %s", exception)
        if request.path.startswith("/api/") or request.path.startswith("/healthz"):
            return JsonResponse(
                {"detail": "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.",
                 "code": "service_unavailable"},
                status=503,
                headers={"Retry-After": "30"},
            )
        html = loader.get_template("web/unavailable.html").render({})
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
