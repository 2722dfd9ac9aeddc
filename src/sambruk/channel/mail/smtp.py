"""The SMTP receiver (aiosmtpd): ``sambruk mailin``.

* ``RCPT TO`` outside our accepted domains → ``550`` (no open relay); more than
  ``MAX_RECIPIENTS`` → ``452``.
* ``DATA`` larger than ``MAILIN_MAX_MESSAGE_BYTES`` → ``552`` (aiosmtpd's size limit, also
  announced in ``EHLO SIZE``).
* ``DATA`` is stored (an :class:`~.models.InboundMail` row with the raw bytes) and *committed
  before* the receiver answers ``250``; if the database is unavailable the answer is ``451``
  (the sending server keeps the mail and tries again). Nothing accepted is lost.
* After the ``250`` the mail is processed on a worker thread of the receiver
  (``MAILIN_WORKERS``); failures are recorded on the row, never raised into the server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import multiprocessing
import os
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connection

from . import routing, services, worker

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 100


def _db_call(func, *args, **kwargs):
    """Run ``func`` on this worker thread with a usable database connection."""
    close_old_connections()
    try:
        return func(*args, **kwargs)
    finally:
        close_old_connections()


def auto_processes(vendor: str, cpus: int) -> int:
    """``MAILIN_PROCESSES`` unset (-1): two worker processes on PostgreSQL with two or more
    cores (54–60 mails/s against 35 with threads, docs/channel-mail.md); threads otherwise
    (SQLite serialises writers, so processes gain nothing there)."""
    return 2 if vendor == "postgresql" and cpus >= 2 else 0


class MailinHandler:
    """aiosmtpd handler. ``process=False`` only stores (processing left to the periodic task).

    Processing runs on ``workers`` threads, or with ``processes`` > 0 on that many worker
    processes (spawned, each with its own Django): threads share one interpreter lock, so
    processes are how the receiver uses more than one core (PostgreSQL; SQLite serialises
    writers anyway).
    """

    def __init__(self, *, workers: int | None = None, processes: int | None = None, process=True):
        workers = workers or int(getattr(settings, "MAILIN_WORKERS", 2))
        processes = int(
            processes if processes is not None else getattr(settings, "MAILIN_PROCESSES", -1)
        )
        if processes < 0:
            processes = auto_processes(connection.vendor, os.cpu_count() or 1)
        self.process = process
        self.store_pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="mailin-db")
        if processes > 0:
            self.process_pool = concurrent.futures.ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"), initializer=worker.init
            )
            self._run, self._pending_job = worker.process, worker.process_pending
        else:
            self.process_pool = concurrent.futures.ThreadPoolExecutor(
                workers, thread_name_prefix="mailin-work"
            )
            self._run = functools.partial(_db_call, services.process)
            self._pending_job = functools.partial(_db_call, services.process_pending)
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        loop = asyncio.get_running_loop()
        try:
            ok = await loop.run_in_executor(self.store_pool, _db_call, routing.accepts, address)
        except Exception:  # noqa: BLE001 - the database is down: try again later
            log.exception("mailin: RCPT check failed for %r", address)
            return "451 4.3.0 Temporary failure, please try again later"
        if not ok:
            log.info("mailin: refused RCPT %r from %s", address, session.peer)
            return f"550 5.1.1 <{address}>: Recipient address rejected: not a domain of ours"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer or "")
        loop = asyncio.get_running_loop()
        try:
            mail = await loop.run_in_executor(
                self.store_pool,
                lambda: _db_call(
                    services.store,
                    raw,
                    envelope_from=envelope.mail_from or "",
                    recipients=list(envelope.rcpt_tos),
                    peer=peer,
                ),
            )
        except Exception:  # noqa: BLE001 - not stored: the sender must keep the mail
            log.exception("mailin: could not store a mail from %r", envelope.mail_from)
            return "451 4.3.0 Temporary failure, please try again later"
        if self.process:
            try:
                self.submit(mail.pk)
            except Exception:  # noqa: BLE001 - stored: the periodic task processes it later
                log.exception("mailin: could not hand mail %s to a worker", mail.pk)
        return f"250 2.0.0 OK: queued as {mail.pk}"

    def submit(self, pk) -> concurrent.futures.Future:
        future = self.process_pool.submit(self._run, pk)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future) -> None:
        with self._lock:
            self._pending.discard(future)
        if future.exception() is not None:  # services.process records its own failures
            log.error("mailin: processing raised", exc_info=future.exception())

    def drain(self, timeout: float = 30) -> bool:
        """Wait until every submitted mail is processed (tests, benchmarks, shutdown)."""
        with self._lock:
            pending = set(self._pending)
        done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done

    def catch_up(self) -> None:
        """At start: process what an earlier run stored but did not process."""
        self.process_pool.submit(self._pending_job)

    def close(self) -> None:
        self.drain()
        self.store_pool.shutdown(wait=True)
        self.process_pool.shutdown(wait=True)


def make_controller(
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    processes: int | None = None,
    process=True,
) -> Controller:
    """A started-later aiosmtpd :class:`Controller` for the receiver (``.handler`` is ours)."""
    handler = MailinHandler(workers=workers, processes=processes, process=process)
    return Controller(
        handler,
        hostname=host or getattr(settings, "MAILIN_HOST", "127.0.0.1"),
        port=int(port if port is not None else getattr(settings, "MAILIN_PORT", 2525)),
        server_hostname=getattr(settings, "MAILIN_SERVER_NAME", "") or routing.reply_domain(),
        ident="Sambruk mailin",
        data_size_limit=services.max_message_bytes(),
        enable_SMTPUTF8=True,
        decode_data=False,
        timeout=120,
    )
