from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .modules import modules_for

log = logging.getLogger(__name__)


def start(request):
    user = request.user
    if user.is_authenticated and user.is_verified():
        organisations = sorted(
            {m.organisation.name for m in user.memberships.select_related("organisation")}
        )
        return render(
            request,
            "web/start.html",
            {"modules": modules_for(user), "user_organisations": organisations},
        )
    return render(request, "web/welcome.html")


def _check_database() -> tuple[bool, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connections["default"].vendor
    except Exception as exc:
        log.warning("healthz: database check failed: %s", exc)
        return False, type(exc).__name__


def _check_queue() -> tuple[bool, str]:
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.pending_count()
        return True, type(HUEY).__name__
    except Exception as exc:
        log.warning("healthz: task queue check failed: %s", exc)
        return False, type(exc).__name__


@never_cache
def healthz(request):
    db_ok, db_info = _check_database()
    queue_ok, queue_info = _check_queue()
    ok = db_ok and queue_ok
    body = {
        "status": "ok" if ok else "unavailable",
        "database": {"ok": db_ok, "detail": db_info},
        "task_queue": {"ok": queue_ok, "detail": queue_info},
    }
    return JsonResponse(body, status=200 if ok else 503)


def server_error(request, *args, **kwargs):
    """handler500: a database outage is a 503 with a friendly page, never a bare 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError | DatabaseError):
        html = loader.get_template("web/unavailable.html").render({})
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    html = loader.get_template("web/500.html").render({"debug": settings.DEBUG})
    return HttpResponseServerError(html)
