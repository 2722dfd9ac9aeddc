"""Run the local SSBTEK simulator: ``sambruk ssbtek-sim --port 8089`` (or ``ssbtek_sim``).

``--latency S`` delays every answer; ``--error PNR:AGENCY[:felkod]`` (repeatable) makes that
agency answer with an ``error`` part for that person, e.g. ``--error 191212121212:FK`` or
``--error 19121212-1212:TNS:TNS-500``. The default error (CSN fails for Testa Påhittadsson)
stays unless ``--no-default-errors`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, make_server

from django.core.management.base import BaseCommand

from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer
from sambruk.ekbist.ssbtek.simulator import SimulatorApp, SimulatorConfig
from sambruk.ekbist.ssbtek.types import AGENCIES, AGENCY_NAMES

ERROR_KALLA = "BT"  # the error comes from the agency's own service (bastjänst)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def parse_error(text: str) -> tuple[str, str, tuple[str, str, str]]:
    """``PNR:AGENCY[:felkod]`` → ``(pnr, agency, (kalla, felkod, message))``.

    Raises :class:`argparse.ArgumentTypeError` with a Swedish message for bad input.
    """
    parts = str(text).split(":")
    if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
        raise argparse.ArgumentTypeError(
            f"Ogiltigt --error {text!r}: ange PERSONNUMMER:MYNDIGHET[:FELKOD], "
            "t.ex. 191212121212:FK eller 191212121212:TNS:TNS-500."
        )
    raw_pnr, agency = parts[0].strip(), parts[1].strip().upper()
    try:
        pnr = Personnummer.parse(raw_pnr).value
    except InvalidPersonnummer as exc:
        raise argparse.ArgumentTypeError(
            f"Ogiltigt personnummer i --error {text!r}: {exc.messages[0]}"
        ) from None
    if agency not in AGENCIES:
        raise argparse.ArgumentTypeError(
            f"Okänd myndighet {parts[1]!r} i --error; välj bland {', '.join(AGENCIES)}."
        )
    felkod = parts[2].strip() if len(parts) == 3 else f"{agency}-503"
    message = f"{AGENCY_NAMES[agency]} kunde inte svara just nu (simulerat fel {felkod})."
    return pnr, agency, (ERROR_KALLA, felkod, message)


def build_config(latency: float, errors, *, default_errors: bool = True) -> SimulatorConfig:
    config = SimulatorConfig(latency=latency)
    if not default_errors:
        config.errors = {}
    for pnr, agency, error in errors or ():
        config.errors.setdefault(pnr, {})[agency] = error
    return config


class Command(BaseCommand):
    help = "Startar SSBTEK-simulatorn (Sammansatt bastjänst ekonomiskt bistånd v10)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument(
            "--latency", type=float, default=0.0, help="Fördröjning per svar i sekunder."
        )
        parser.add_argument(
            "--error",
            dest="errors",
            action="append",
            type=parse_error,
            default=[],
            metavar="PNR:MYNDIGHET[:FELKOD]",
            help=(
                "Låt myndigheten svara med fel för personen, t.ex. 191212121212:FK eller "
                f"191212121212:TNS:TNS-500 (myndigheter: {', '.join(AGENCIES)}). "
                "Kan anges flera gånger."
            ),
        )
        parser.add_argument(
            "--no-default-errors",
            action="store_true",
            help="Utan standardfelet (CSN svarar med fel för Testa Påhittadsson).",
        )

    def handle(self, *args, host, port, latency, errors, no_default_errors, **options):
        config = build_config(latency, errors, default_errors=not no_default_errors)
        app = SimulatorApp(config)
        with make_server(host, port, app, server_class=_ThreadingServer) as server:
            for pnr, agency_errors in sorted(config.errors.items()):
                for agency, (_kalla, felkod, _message) in sorted(agency_errors.items()):
                    self.stdout.write(f"Simulerat fel: {agency} för {pnr[:8]}-**** ({felkod})")
            self.stdout.write(
                f"SSBTEK-simulatorn svarar på http://{host}:{port}/ (Ctrl-C avslutar)"
            )
            self.stdout.flush()
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
