"""Helpers for the e-application tests (no tests here): publish, fill in, sign."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sambruk.eforms.tests.test_submissions_support import (  # noqa: F401  (re-exported)
    PNG,
    citizen_login,
    page_url,
    running_smtp,
    smtp_server,
    start,
    url,
)
from sambruk.ekbist.services.application import publish_eservice
from sambruk.ekbist.ssbtek.simulator import SimulatorApp, SimulatorConfig

TOLVAN, TESTA, SKYDDAD, MARKERAD = 0, 1, 3, 4
PAGES = {
    "om_ansokan": 0,
    "hushallet": 1,
    "boende": 2,
    "sysselsattning": 3,
    "sjalvservice": 4,
    "inkomster": 5,
    "kostnader": 6,
    "tillgangar": 7,
    "bilagor": 8,
    "ovrigt": 9,
}


def pdf_upload(name="hyresavi.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def answers(**overrides) -> dict:
    """One POST per page of a couple with one child, rent and a-kassa."""
    pages = {
        "om_ansokan": {
            "ansokningstyp": "nyansokan",
            "period": "2026-12",
            "epost": "tolvan@example.se",
            "telefon": "070-1234567",
        },
        "hushallet": {
            "har_medsokande": "yes",
            "medsokande_namn": "Testa Påhittadsson",
            "medsokande_pnr": "198112189876",
            "hushall-count": "1",
            "hushall-0-person_namn": "Lilla Tolvansson",
            "hushall-0-person_relation": "barn",
            "hushall-0-person_fodd": "2019-05-01",
            "hushall-0-person_boende": "heltid",
            "hushall-0-person_skola": "no",
            "hushall-0-person_skollunch": "yes",
        },
        "boende": {
            "boendeform": "hyresratt",
            "rum": "3",
            "antal_boende": "3",
            "hyresvard": "Sandvikenhus AB",
            "hyra": "7800",
        },
        "sysselsattning": {
            "sokande_sysselsattning": "arbetssokande",
            "sokande_plan": "Söker lagerjobb, möte med AF varannan vecka.",
            "medsokande_sysselsattning": "sfi",
        },
        "sjalvservice": {"sjalvservice": "no"},
        "inkomster": {
            "inkomster-count": "1",
            "inkomster-0-inkomst_person": "medsokande",
            "inkomster-0-inkomst_typ": "barnbidrag",
            "inkomster-0-inkomst_belopp": "1250",
        },
        "kostnader": {"kostnader": ["hyra", "hushallsel"], "kostnad_hushallsel": "400"},
        "tillgangar": {"tillgangar-count": "0"},
        "bilagor": {"bilaga_hyresavi": pdf_upload},
        "ovrigt": {"ovrigt_meddelande": "Tack!"},
    }
    for key, value in overrides.items():
        pages[key] = value
    return pages


def post_page(client, sub, name, data, expect=302):
    data = {k: (v() if callable(v) else v) for k, v in data.items()}
    response = client.post(page_url(sub, PAGES[name]), {**data, "nav": "next"})
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def fill(client, sub, pages: dict, *, upto: str | None = None):
    for name, data in pages.items():
        post_page(client, sub, name, data)
        if name == upto:
            return


def sign_first(client, sub):
    back = client.post(url("sign", sub))
    assert back.status_code == 302, back.content.decode()[:2000]
    return client.get(back["Location"])


def cosign(link: str):
    second = Client()
    citizen_login(second, TESTA)
    back = second.post(link)
    return second.get(back["Location"])


@pytest.fixture
def eservice(org_factory):
    return publish_eservice(org_factory())


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture
def ssbtek_sim(settings):
    """The SSBTEK simulator over real HTTP on loopback; ``SSBTEK_URL`` points at it."""
    config = SimulatorConfig()
    server = make_server("127.0.0.1", 0, SimulatorApp(config), _Server, _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SSBTEK_URL = f"http://127.0.0.1:{server.server_port}/"
    settings.SSBTEK_TIMEOUT = 5
    yield config
    server.shutdown()
    server.server_close()
