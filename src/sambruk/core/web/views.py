from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import connections
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .middleware import is_database_unavailable, unavailable_response
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
    """Run ``SELECT 1`` on the default database (a new connection if needed)."""
    try:
        connection = connections["default"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        log.warning("healthz: database check failed: %s", exc)
        return False, type(exc).__name__


def _check_queue() -> tuple[bool, str]:
    """Reach the task queue's storage as configured in ``settings.HUEY``.

    The queue is built from the settings on every call (not the module-level huey, which
    uses an in-memory store in immediate mode), with short socket timeouts so a dead
    Redis answers within two seconds, and closed afterwards.
    """
    huey = None
    pool = None
    shared_pool = False
    try:
        from huey import Huey
        from huey.contrib.djhuey import default_queue_name, get_backend
        from huey.storage import RedisStorage
        from redis import ConnectionPool

        config = settings.HUEY
        if isinstance(config, Huey):
            config.pending_count()
            return True, type(config).__name__
        config = dict(config or {})
        name = config.pop("name", default_queue_name())
        backend = get_backend(config.pop("huey_class", "huey.RedisHuey"))
        config.pop("consumer", None)
        config.pop("immediate", None)
        config.update(config.pop("connection", {}))
        storage_class = config.get("storage_class", backend.storage_class)
        if issubclass(storage_class, RedisStorage):
            timeouts = {"socket_connect_timeout": 2, "socket_timeout": 2}
            if config.get("url"):
                pool = ConnectionPool.from_url(config.pop("url"), **timeouts)
                config["connection_pool"] = pool
            elif config.get("connection_pool"):
                shared_pool = True
            else:
                config.update(timeouts)
            config["blocking"] = False
        huey = backend(name, immediate=False, **config)
        if not shared_pool:
            pool = pool or getattr(huey.storage, "pool", None)
        huey.pending_count()
        return True, type(huey).__name__
    except Exception as exc:
        log.warning("healthz: task queue check failed: %s", exc)
        return False, type(exc).__name__
    finally:
        if huey is not None:
            try:
                huey.storage.close()
                if pool is not None:
                    pool.disconnect()
            except Exception:  # closing a broken connection must not fail the check
                log.debug("healthz: closing the queue check failed", exc_info=True)


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
    if exc is not None and is_database_unavailable(exc):
        return unavailable_response(request)
    html = loader.get_template("web/500.html").render({"debug": settings.DEBUG})
    return HttpResponseServerError(html)
