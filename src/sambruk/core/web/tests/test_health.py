"""/healthz and the friendly 503 when the database is down, with real failing components."""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_unreachable():
    """Point the default connection at a PostgreSQL port that is closed on 127.0.0.1.

    Every query then fails the way it does when the database server is down: psycopg cannot
    connect and Django raises ``OperationalError``.
    """
    from django.db.backends.postgresql.base import DatabaseWrapper

    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    settings_dict.update(
        ENGINE="django.db.backends.postgresql",
        NAME="sambruk",
        USER="sambruk",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=str(closed_port()),
        OPTIONS={"connect_timeout": 2},
        CONN_MAX_AGE=0,
        CONN_HEALTH_CHECKS=False,
    )
    broken = DatabaseWrapper(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["task_queue"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_task_queue_is_down(client, settings):
    settings.HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sambruk-health-test",
        "url": f"redis://127.0.0.1:{closed_port()}/0",
        "immediate": False,
    }
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["task_queue"] == {"ok": False, "detail": "ConnectionError"}


@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client):
    with database_unreachable():
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["task_queue"]["ok"] is True


@pytest.mark.django_db
def test_page_answers_friendly_503_when_database_is_down(member, org_factory, login):
    client = Client(raise_request_exception=False)
    login(client, member(org_factory(), "caseworker"))  # the session lives in the database
    with database_unreachable():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" in content
    assert "<h1>" in content
    assert "no-store" in response["Cache-Control"]


def test_outage_outside_a_view_reaches_handler500_as_503(rf):
    """An OperationalError raised in a middleware is turned into the same 503 by handler500."""
    from django.db import OperationalError

    from sambruk.core.web.views import server_error

    try:
        raise OperationalError("connection to server at 127.0.0.1 failed")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "Tjänsten är tillfälligt otillgänglig" in response.content.decode()


@pytest.mark.django_db
def test_api_answers_json_503_when_database_is_down(member, org_factory, login):
    client = Client(raise_request_exception=False)
    login(client, member(org_factory(), "org_admin"))
    with database_unreachable():
        response = client.get("/api/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
@pytest.mark.django_db
def test_healthz_with_real_redis(client, settings):
    settings.HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sambruk-health-test",
        "url": os.environ["REDIS_URL"],
        "immediate": False,
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["task_queue"] == {"ok": True, "detail": "RedisHuey"}


def test_redis_url_selects_redis_huey_and_cache(tmp_path):
    """With REDIS_URL the settings use RedisHuey and the Redis cache (fresh interpreter)."""
    code = (
        "import json; from sambruk import settings as s;"
        "print(json.dumps([s.HUEY['huey_class'], s.HUEY['url'], s.CACHES['default']['BACKEND']]))"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "SAMBRUK_TESTING": "1",
        "SAMBRUK_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    huey_class, url, cache = json.loads(out.strip().splitlines()[-1])
    assert huey_class == "huey.RedisHuey"
    assert url == "redis://127.0.0.1:6379/3"
    assert cache == "django.core.cache.backends.redis.RedisCache"
