"""The Open311 client delivering reports to a kommun's server, tested against OUR OWN Open311
server running on loopback (pytest-django ``live_server``), plus a tiny GeoReport v2 stub for
the token answer (our server only answers a token for reports it hides).

Scenario: Trafikverket's road category is delivered over Open311 to Sandviken's server (the
platform's own ``/open311/v2/``), with the api_key of Sandviken's API client: the report
arrives there as a new report of Sandviken, and Sandviken's status updates come back.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from sambruk.cases.models import CaseLogEntry
from sambruk.core.api.services import create_api_client
from sambruk.core.notifications.tests.conftest import free_port
from sambruk.fixamingata import delivery, services
from sambruk.fixamingata.models import Report, ReportState, SendState, Source, Update
from sambruk.fixamingata.roles import POST_UPDATE, SUBMIT_REPORT

from .factories import ROAD, SANDVIKEN

pytestmark = pytest.mark.django_db(transaction=True)


def sandviken_key(world) -> str:
    _client, token = create_api_client(
        actor=None,
        organisation=world.sandviken,
        name="Trafikverkets vidaresändning",
        scopes=[SUBMIT_REPORT, POST_UPDATE, "fixamingata.view_report"],
    )
    return token


def open311_body(world, endpoint: str, key: str, **extra):
    body = world.tv_body
    body.send_method = "open311"
    body.open311_endpoint = endpoint
    body.open311_jurisdiction = "2181"
    body.open311_api_key = key
    for name, value in extra.items():
        setattr(body, name, value)
    body.save()
    road = world.cat(body, ROAD)
    # Sandviken's server knows the fault as its street-light service.
    road.open311_service_code = world.cat(world.sandviken_body, "Gatubelysning").code
    road.save()
    return road


def submit_road_report(world, **kw):
    return services.submit_report(
        lat=SANDVIKEN[0],
        lon=SANDVIKEN[1],
        category=world.cat(world.tv_body, ROAD),
        title="Lampa släckt vid riksvägen",
        detail="Tre lampor i rad är släckta, mörkt vid övergångsstället.",
        photos=[],
        name="Åsa Öberg Lind",
        email="asa@example.se",
        phone="070-1234567",
        show_name=False,
        source=Source.STAFF,
        **kw,
    )


def test_report_is_posted_to_our_own_open311_server(world, live_server):
    open311_body(world, live_server.url + "/open311/v2/", sandviken_key(world))

    report = submit_road_report(world)
    report.refresh_from_db()

    assert report.send_state == SendState.SENT, report.send_last_error
    assert report.send_method_used == "open311"
    assert report.send_attempts == 1
    received = Report.objects.get(service_request_id=report.external_id)
    assert received.pk != report.pk
    assert received.source == Source.OPEN311
    assert received.body == world.sandviken_body
    assert received.category == world.cat(world.sandviken_body, "Gatubelysning")
    assert received.reporter_name == "Åsa Öberg Lind"
    assert received.reporter_email == "asa@example.se"
    assert received.reporter_phone == "070-1234567"
    assert abs(received.lat - SANDVIKEN[0]) < 1e-5 and abs(received.lon - SANDVIKEN[1]) < 1e-5
    assert "Tre lampor i rad är släckta" in received.detail + received.title
    # attribute[fixmystreet_id] makes the server's submission idempotent per our report.
    assert received.idempotency_key.endswith(f":{report.pk}")
    assert received.state == ReportState.CONFIRMED and received.case_id is not None
    note = CaseLogEntry.objects.filter(case=report.case, text__contains="Open311").first()
    assert note is not None and report.external_id in note.text


def test_retries_while_the_server_is_down_then_recovers(world, live_server, member):
    port = free_port()  # nobody listens here: connection refused
    open311_body(world, f"http://127.0.0.1:{port}/open311/v2/", sandviken_key(world))
    start = timezone.now()

    report = submit_road_report(world)
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT
    assert report.send_attempts == 1
    assert "Kunde inte ansluta" in report.send_last_error
    first_retry = report.send_next_attempt_at - start
    assert timedelta(minutes=4) < first_retry <= timedelta(minutes=6)

    assert delivery.retry_unsent(now=start + timedelta(minutes=4)) == 0
    report.refresh_from_db()
    assert report.send_attempts == 1  # not due yet

    at = start + timedelta(minutes=6)
    assert delivery.retry_unsent(now=at) == 0
    report.refresh_from_db()
    assert report.send_attempts == 2
    assert report.send_next_attempt_at == at + timedelta(minutes=30)

    # The kommun's server is back (here: the right address is configured).
    world.tv_body.open311_endpoint = live_server.url + "/open311/v2/"
    world.tv_body.save()
    assert delivery.retry_unsent(now=at + timedelta(minutes=29)) == 0
    assert delivery.retry_unsent(now=at + timedelta(minutes=31)) == 1
    report.refresh_from_db()
    assert report.send_state == SendState.SENT
    assert report.send_attempts == 3
    assert report.send_last_error == ""
    assert report.send_next_attempt_at is None
    assert Report.objects.filter(service_request_id=report.external_id).exists()
    # Later runs do not send it again.
    assert delivery.retry_unsent(now=at + timedelta(hours=3)) == 0
    assert Report.objects.filter(source=Source.OPEN311).count() == 1


def test_gives_up_after_the_maximum_number_of_attempts(world, settings):
    settings.FIXAMINGATA_SEND_MAX_ATTEMPTS = 2
    open311_body(world, f"http://127.0.0.1:{free_port()}/open311/v2/", "key")
    start = timezone.now()
    report = submit_road_report(world)
    delivery.retry_unsent(now=start + timedelta(minutes=6))
    report.refresh_from_db()
    assert report.send_state == SendState.FAILED
    assert report.send_attempts == 2
    assert delivery.retry_unsent(now=start + timedelta(days=1)) == 0
    assert delivery.failing_reports().filter(pk=report.pk).exists()


def test_wrong_api_key_is_a_visible_failure(world, live_server):
    open311_body(world, live_server.url + "/open311/v2/", "not-a-key")
    report = submit_road_report(world)
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT
    assert "403" in report.send_last_error
    assert not Report.objects.filter(source=Source.OPEN311).exists()


def test_status_updates_come_back_from_our_own_server(world, live_server, member):
    road = open311_body(
        world, live_server.url + "/open311/v2/", sandviken_key(world), open311_fetch_updates=True
    )
    assert road.body.open311_fetch_updates
    report = submit_road_report(world)
    report.refresh_from_db()
    received = Report.objects.get(service_request_id=report.external_id)

    worker = member(world.sandviken, "caseworker")
    services.set_state(
        received, actor=worker, state=ReportState.IN_PROGRESS, text="Vi byter lamporna i veckan."
    )

    assert delivery.fetch_updates() == 1
    report.refresh_from_db()
    assert report.state == ReportState.IN_PROGRESS
    update = Update.objects.get(report=report, external_update_id__gt="")
    assert update.text == "Vi byter lamporna i veckan."
    assert update.posted_as_body and update.is_public
    assert update.external_updated_at is not None  # the back end's updated_datetime
    assert report.case.status.code == "pagar"

    # Idempotent: the overlapping window brings the same update again.
    world.tv_body.refresh_from_db()
    assert world.tv_body.open311_updates_fetched_at is not None
    assert delivery.fetch_updates(now=timezone.now() + timedelta(minutes=1)) == 0
    assert Update.objects.filter(report=report, external_update_id__gt="").count() == 1

    services.set_state(received, actor=worker, state=ReportState.FIXED, text="Lagat.")
    assert delivery.fetch_updates(now=timezone.now() + timedelta(minutes=2)) == 1
    report.refresh_from_db()
    assert report.state == ReportState.FIXED
    assert report.fixed_at is not None
    assert report.case.state == "closed"


# --- a minimal GeoReport v2 server that answers with a token --------------------------
class TokenServer:
    """POST requests.json → a token; tokens/{token}.json → [] until ``assign`` is called."""

    def __init__(self):
        self.posts: list[dict] = []
        self.assigned = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.posts.append(parse_qs(self.rfile.read(length).decode()))
                self._json(200, [{"token": "tok-123"}])

            def do_GET(self):
                path = urlparse(self.path).path
                if path.endswith("/tokens/tok-123.json"):
                    found = [{"token": "tok-123", "service_request_id": outer.assigned}]
                    self._json(200, found if outer.assigned else [])
                else:
                    self._json(404, [{"code": 404, "description": "not found"}])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/open311/v2/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_token_answer_is_resolved_to_an_id_later(world):
    with TokenServer() as server:
        open311_body(world, server.url, "stub-key")
        start = timezone.now()
        report = submit_road_report(world, attributes={})
        report.refresh_from_db()
        post = server.posts[0]
        assert post["api_key"] == ["stub-key"]
        assert post["jurisdiction_id"] == ["2181"]
        assert post["first_name"] == ["Åsa"] and post["last_name"] == ["Öberg Lind"]
        assert post["description"][0].startswith("Titel: Lampa släckt vid riksvägen")
        assert post["description"][0].endswith("Skickad via FixaMinGata")
        assert report.external_id == "token:tok-123"
        assert report.send_state == SendState.UNSENT  # accepted, id not known yet
        assert report.sent_at is not None

        delivery.retry_unsent(now=start + timedelta(minutes=6))  # no id yet
        report.refresh_from_db()
        assert report.external_id == "token:tok-123"
        assert len(server.posts) == 1  # never posted twice

        server.assigned = "SR-4711"
        delivered = delivery.retry_unsent(now=start + timedelta(minutes=40))
        report.refresh_from_db()
        assert delivered == 1
        assert report.send_state == SendState.SENT
        assert report.external_id == "SR-4711"
        assert len(server.posts) == 1
