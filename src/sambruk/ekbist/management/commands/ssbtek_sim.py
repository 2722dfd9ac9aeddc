"""Run the local SSBTEK simulator: ``sambruk ssbtek_sim --port 8089``."""

from __future__ import annotations

import contextlib
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, make_server

from django.core.management.base import BaseCommand

from sambruk.ekbist.ssbtek.simulator import SimulatorApp, SimulatorConfig


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Command(BaseCommand):
    help = "Startar SSBTEK-simulatorn (Sammansatt bastjänst ekonomiskt bistånd v10)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument(
            "--latency", type=float, default=0.0, help="Fördröjning per svar i sekunder."
        )

    def handle(self, *args, host, port, latency, **options):
        app = SimulatorApp(SimulatorConfig(latency=latency))
        with make_server(host, port, app, server_class=_ThreadingServer) as server:
            self.stdout.write(
                f"SSBTEK-simulatorn svarar på http://{host}:{port}/ (Ctrl-C avslutar)"
            )
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
