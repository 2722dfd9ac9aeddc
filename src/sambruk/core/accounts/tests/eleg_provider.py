"""The loopback OIDC provider (tests/oidc_provider, npm ``oidc-provider``) and a browser-less
driver of the real authorization code flow: the Django test client plays the RP's side,
``requests`` plays the browser at the provider."""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings

PROVIDER_DIR = Path(settings.PROJECT_DIR) / "tests" / "oidc_provider"
CALLBACK = "http://testserver/konto/e-legitimation/callback/"
CLIENT_SECRET = "test-secret-sambruk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_provider(node, timeout: float = 30.0):
    """(process, READY line or "", output lines) of one start of the provider."""
    port = _free_port()
    proc = subprocess.Popen(
        [node, str(PROVIDER_DIR / "provider.mjs")],
        env={
            **os.environ,
            "PORT": str(port),
            "REDIRECT_URIS": CALLBACK,
            "CLIENT_SECRET": CLIENT_SECRET,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def pump():  # reads until EOF, which also keeps the pipe drained afterwards
        for out in proc.stdout:
            lines.put(out)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            out = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if out is None:
            break
        seen.append(out)
        if out.startswith("READY "):
            return proc, out, seen
    proc.kill()
    proc.wait(timeout=10)
    return proc, "", seen


@pytest.fixture(scope="session")
def oidc_provider():
    """Start the provider on loopback; installs its npm packages (npm ci) when missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required for the OIDC provider tests (Debian: apt install nodejs)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            ["npm", "ci", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund"], check=True
        )
    # Node has been seen to deadlock at start-up (a futex in key generation, no output, no
    # port) about once in a few hundred starts: wait for READY with a timeout and start again.
    attempts = []
    for _attempt in range(3):
        proc, line, seen = _start_provider(node)
        if line:
            break
        attempts.append("".join(seen))
    else:
        pytest.fail(f"OIDC provider did not start: {attempts}")
    yield line.split()[1]
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def eleg_settings(settings, oidc_provider):
    settings.ELEG_OIDC_ISSUER = oidc_provider
    settings.ELEG_OIDC_CLIENT_ID = "sambruk"
    settings.ELEG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.ELEG_OIDC_ACR_VALUES = "http://id.elegnamnden.se/loa/1.0/loa3"
    settings.SITE_URL = "http://testserver"
    return settings


def replace_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def at_provider(auth_url: str, account: str) -> str:
    """Play the browser at the provider: open the login page, pick ``account``, follow
    redirects until the provider sends us back to the RP; returns that callback URL."""
    browser = requests.Session()
    page = browser.get(auth_url, allow_redirects=True, timeout=10)
    page.raise_for_status()
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    response = browser.post(
        urljoin(page.url, action), data={"account": account}, allow_redirects=False, timeout=10
    )
    for _hop in range(10):
        assert response.status_code in (302, 303), response.text[:500]
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith("http://testserver/"):
            return target
        response = browser.get(target, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never redirected back")


def login_page_text(auth_url: str) -> str:
    return requests.get(auth_url, timeout=10).text


def start(client, next_url: str = "/") -> str:
    response = client.get(f"/konto/e-legitimation/start/?{urlencode({'next': next_url})}")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def back_to_rp(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")
