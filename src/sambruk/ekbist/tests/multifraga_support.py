"""Multifråga tests: the SSBTEK simulator on a real loopback HTTP server, with faults per agency.

``faults`` maps an agency to ``"timeout"`` (the answer comes after the client's timeout),
``"garbage"`` (the answer is not XML) or ``"schema"`` (the agency's part breaks the XSD). A
faulty agency only affects calls that include it (Multifråga calls one agency at a time by
default). The server counts requests and the largest number answered at the same time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from lxml import etree

from sambruk.ekbist.ssbtek.schema import NS_SOAP, NS_SSBT
from sambruk.ekbist.ssbtek.simulator import SimulatorConfig, answer

TIMEOUT = 1.0  # the client's timeout in these tests, seconds


@dataclass
class SimState:
    url: str = ""
    config: SimulatorConfig = field(default_factory=SimulatorConfig)
    faults: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    asked: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    lagtexts: list[str] = field(default_factory=list)  # the request's lagtext, as sent
    lock: threading.Lock = field(default_factory=threading.Lock)


def _included(content: bytes) -> tuple[str, tuple[str, ...]]:
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return "", ()
    pnr = root.find(f".//{{{NS_SSBT}}}personidentitet")
    spec = root.find(f".//{{{NS_SSBT}}}specifikaFrageparametrar")
    agencies = tuple(
        etree.QName(c).localname
        for c in (spec if spec is not None else [])
        if c.get("inkludera") == "true"
    )
    return (pnr.text if pnr is not None else ""), agencies


def _lagtext(content: bytes) -> str:
    try:
        node = etree.fromstring(content).find(f".//{{{NS_SSBT}}}lagtext")
    except etree.XMLSyntaxError:
        return ""
    return node.text or "" if node is not None else ""


class _App:
    def __init__(self, state: SimState):
        self.state = state

    def __call__(self, environ, start_response):
        s = self.state
        length = int(environ.get("CONTENT_LENGTH") or 0)
        content = environ["wsgi.input"].read(length) if length else b""
        pnr, agencies = _included(content)
        lagtext = _lagtext(content)
        with s.lock:
            s.lagtexts.append(lagtext)
            s.requests += 1
            s.in_flight += 1
            s.max_in_flight = max(s.max_in_flight, s.in_flight)
            s.asked.append((pnr, agencies))
        try:
            status, body = answer(content, s.config)
            faults = {s.faults[a] for a in agencies if a in s.faults}
            if "timeout" in faults:
                time.sleep(TIMEOUT * 2.5)
            if "garbage" in faults:
                status, body = 200, b"<html>502 Bad Gateway</html"
            elif "schema" in faults:
                body = body.replace(
                    b"<er:Schemaversion>4.0</er:Schemaversion>", b"<er:Okant>x</er:Okant>"
                ).replace(b"<tns:resultat>OK</tns:resultat>", b"<tns:okant>OK</tns:okant>")
        finally:
            with s.lock:
                s.in_flight -= 1
        start_response(
            "200 OK" if status == 200 else "500 Internal Server Error",
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


@pytest.fixture(name="ssbtek")
def ssbtek_sim(settings):
    """The simulator over HTTP; ``settings.SSBTEK_URL`` points at it."""
    state = SimState()
    server = make_server("127.0.0.1", 0, _App(state), _Server, _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/ssbtek"
    settings.SSBTEK_URL = state.url
    settings.SSBTEK_TIMEOUT = TIMEOUT
    yield state
    server.shutdown()
    server.server_close()


__all__ = ["SimState", "TIMEOUT", "ssbtek_sim", "NS_SOAP"]
