"""Fixtures for outbox tests: a real SMTP server on loopback (aiosmtpd) and a movable clock."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone


def free_port() -> int:
    """A loopback port that nobody listens on (free right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def envelopes(self):
        return list(self.handler.envelopes)

    @property
    def messages(self):
        return [
            message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes
        ]

    def wait_for(self, count: int, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while len(self.handler.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on a free loopback port, *not yet started*; Django's mail points at it."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def running_smtp(smtp_server):
    return smtp_server.start()


@pytest.fixture
def clock(monkeypatch):
    """The outbox services' clock; ``clock.advance(seconds=...)`` moves it forward."""
    from sambruk.core.notifications import services

    state = SimpleNamespace(offset=timedelta(0))

    def now():
        return timezone.now() + state.offset

    def advance(**kwargs):
        state.offset += timedelta(**kwargs)

    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=now))
    return SimpleNamespace(now=now, advance=advance)
