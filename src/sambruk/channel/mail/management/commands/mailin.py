"""``sambruk mailin`` (``manage.py mailin``): run the inbound SMTP receiver until stopped."""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand

from sambruk.channel.mail.smtp import make_controller


class Command(BaseCommand):
    help = "Tar emot e-post över SMTP och gör den till ärenden (e-postingångar)."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="adress att lyssna på (MAILIN_HOST)")
        parser.add_argument("--port", type=int, help="port (MAILIN_PORT)")
        parser.add_argument("--workers", type=int, help="trådar som behandlar e-post")
        parser.add_argument(
            "--processes", type=int, help="processer som behandlar e-post (MAILIN_PROCESSES)"
        )

    def handle(self, *args, host=None, port=None, workers=None, processes=None, **options):
        from django.db import connections

        # aiosmtpd logs every SMTP command at INFO; our own log says what happened to a mail.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        connections.close_all()  # worker processes open their own
        controller = make_controller(host=host, port=port, workers=workers, processes=processes)
        stop = threading.Event()

        def on_signal(signum, frame):
            stop.set()

        old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        controller.start()
        controller.handler.catch_up()
        self.stdout.write(
            f"Sambruk mailin tar emot e-post på {controller.hostname}:{controller.port}. "
            "Avsluta med Ctrl-C.",
        )
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            self.stdout.write("Stoppar mailin ...")
            controller.stop()
            controller.handler.close()
            for sig, handler in old.items():
                signal.signal(sig, handler)
