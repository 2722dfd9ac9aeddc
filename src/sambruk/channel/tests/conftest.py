"""Fixtures of the channel tests: API clients with channel scopes, a loopback HTTP receiver."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from sambruk.channel import roles
from sambruk.core.api.services import create_api_client

INTEGRATION_SCOPES = [
    roles.VIEW_SHADOWCASE,
    roles.CHANGE_SHADOWCASE,
    "channel.view_shadowcaselogentry",
    roles.VIEW_FEED,
]


@pytest.fixture
def api_for(db):
    """``api_for(org, scopes=…)`` → an APIClient authenticated with a new bearer token."""

    def make(organisation, scopes=INTEGRATION_SCOPES, name="Integration"):
        _client, token = create_api_client(
            actor=None, organisation=organisation, name=name, scopes=list(scopes)
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return api

    return make


class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers queued codes."""

    def __init__(self):
        self.requests: list[dict] = []
        self.codes: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append({"headers": self.headers, "body": body})
                    code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"ok": code < 300}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = True
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True  # receivers on loopback
    with Receiver() as r:
        yield r
