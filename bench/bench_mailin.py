"""Inbound e-mail → case throughput over real SMTP (issue 6, "Performance": ≥ 50 mails/s).

Starts the real receiver (``python -m sambruk.cli mailin``, a subprocess) on a free loopback
port, then ``--clients`` threads (default 4, as a relaying mail server opens a few
connections) each send their share of ``--mails`` (default 1000) over one SMTP connection
each; every mail is a new mail to an access point, so each one becomes a case with a contact,
a conversation, the first message, an attachment every ``--attach-every``-th mail and a
receipt in the outbox. Waits until every stored mail is processed, then checks that none was
lost (250 answers = stored rows = processed rows = new cases) and prints:

* mails/s end to end (first SMTP connection → last case committed);
* p50/p95 of the SMTP answer per mail (DATA → 250: the durable store) and of mail → case
  (stored → processed, from the rows' timestamps);
* peak memory (VmHWM) of the receiver process.

Prints figures; never passes/fails (exit code 1 only if a mail was lost).

    .venv/bin/python bench/bench_mailin.py                     # SQLite in a temp dir
    createdb -h 127.0.0.1 -U postgres sambruk_mailinbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_mailinbench \\
        .venv/bin/python bench/bench_mailin.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
ADDRESS = "bench-kundcenter@bench.sambruk.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def setup() -> None:
    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-mailinbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    os.environ.setdefault("CASES_REPLY_DOMAIN", "svar.bench.sambruk.example")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_access_point():
    from sambruk.cases.models import CaseType, Queue, Status, StatusKind
    from sambruk.channel.mail.models import EmailAccessPoint
    from sambruk.core.organisations.models import Organisation, OrganisationType

    org, _ = Organisation.objects.get_or_create(
        slug="mailin-bench",
        defaults={"name": "Benchkommun", "type": OrganisationType.KOMMUN, "kommunkod": "9999"},
    )
    case_type, created = CaseType.objects.get_or_create(
        organisation=org, code="epost", defaults={"name": "E-post"}
    )
    if created:
        Status.objects.create(
            case_type=case_type, code="ny", name="Ny", kind=StatusKind.OPEN, is_initial=True
        )
    queue, _ = Queue.objects.get_or_create(organisation=org, name="Kundcenter")
    point, _ = EmailAccessPoint.objects.get_or_create(
        address=ADDRESS,
        defaults={
            "organisation": org,
            "name": "Kundcenter",
            "queue": queue,
            "case_type": case_type,
        },
    )
    return point


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, int(len(values) * q + 0.5) - 1))]


def make_mail(n: int, run: str, attach: bool) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Testperson {n} <person{n}@medborgare.example>"
    message["To"] = ADDRESS
    message["Subject"] = f"Fråga {run}-{n} om soptunnan"
    message["Message-ID"] = make_msgid(domain="medborgare.example")
    message.set_content(
        f"Hej!\n\nSoptunnan vid Storgatan {n} har inte tömts på två veckor.\n\nMvh\nPerson {n}\n"
    )
    if attach:
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="bild.pdf")
    return message


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its (worker) children, from /proc."""
    total = 0.0
    for one in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def peak_memory_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="receiver processing threads")
    parser.add_argument(
        "--processes",
        type=int,
        default=-1,
        help="receiver worker processes (0: threads; -1: the default of MAILIN_PROCESSES)",
    )
    parser.add_argument("--attach-every", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    setup()
    point = ensure_access_point()
    from django.db import connection

    from sambruk.cases.models import Case
    from sambruk.channel.mail.models import InboundMail, InboundStatus

    first_pk = (InboundMail.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    cases_before = Case.objects.filter(queue=point.queue).count()
    run = str(int(time.time()))
    port = free_port()
    env = {
        **os.environ,
        "MAILIN_WORKERS": str(args.workers),
        "MAILIN_PROCESSES": str(args.processes),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sambruk.cli", "mailin", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    smtp_ms: list[float] = []
    errors: list[str] = []
    accepted = [0]
    lock = threading.Lock()
    try:
        for _ in range(300):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as probe:
                    probe.noop()
                break
            except OSError:
                time.sleep(0.1)

        def client(index: int) -> None:
            numbers = range(index, args.mails, args.clients)
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
                    for n in numbers:
                        message = make_mail(n, run, attach=n % args.attach_every == 0)
                        t0 = time.perf_counter()
                        try:
                            smtp.send_message(message)
                        except smtplib.SMTPException as exc:
                            with lock:
                                errors.append(repr(exc))
                            continue
                        with lock:
                            smtp_ms.append((time.perf_counter() - t0) * 1000)
                            accepted[0] += 1
            except (OSError, smtplib.SMTPException) as exc:
                with lock:
                    errors.append(repr(exc))

        cpu_before = cpu_seconds(proc.pid)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent_at = time.perf_counter()
        rows = InboundMail.objects.filter(pk__gt=first_pk)
        deadline = time.perf_counter() + args.max_seconds
        while time.perf_counter() < deadline:
            waiting = rows.filter(
                status__in=[InboundStatus.RECEIVED, InboundStatus.PROCESSING]
            ).count()
            if waiting == 0:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds(proc.pid) - cpu_before
        load_after = os.getloadavg()[0]
        memory = peak_memory_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    stored = rows.count()
    processed = rows.filter(status=InboundStatus.PROCESSED).count()
    failed = list(rows.exclude(status=InboundStatus.PROCESSED).values_list("pk", "status", "error"))
    made = Case.objects.filter(queue=point.queue).count() - cases_before
    latencies = [
        (done - received).total_seconds() * 1000
        for received, done in rows.values_list("received_at", "processed_at")
        if done is not None
    ]
    lost = args.mails - processed
    if args.processes < 0:
        from sambruk.channel.mail.smtp import auto_processes

        args.processes = auto_processes(connection.vendor, os.cpu_count() or 1)
    mode = f"{args.processes} worker processes" if args.processes else f"{args.workers} threads"
    print(
        f"mailin: {args.mails} mails, {args.clients} SMTP clients, receiver with {mode}, "
        f"attachment every {args.attach_every}, {connection.vendor}, "
        f"load average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores"
    )
    print(f"  SMTP 250: {accepted[0]}, stored: {stored}, processed: {processed}, new cases: {made}")
    print(f"  errors: {len(errors)} {errors[:3]}  not processed: {failed[:3]}")
    print(f"  lost: {lost}")
    print(
        f"  throughput: {processed / elapsed:.1f} mails/s end to end ({elapsed:.1f} s); "
        f"SMTP accept {accepted[0] / (sent_at - start):.1f} mails/s"
    )
    print(
        f"  SMTP DATA→250 per mail: p50={pct(smtp_ms, 0.5):.1f} ms  p95={pct(smtp_ms, 0.95):.1f} ms"
    )
    print(
        f"  mail → case per mail:   p50={pct(latencies, 0.5):.1f} ms  "
        f"p95={pct(latencies, 0.95):.1f} ms"
    )
    cpu_ms = cpu * 1000 / max(processed, 1)
    print(
        f"  receiver CPU: {cpu_ms:.1f} ms per mail (SMTP + store + case + event handlers) "
        f"→ {1000 / cpu_ms if cpu_ms else float('nan'):.0f} mails/s per free core"
    )
    print(f"  receiver peak memory (VmHWM): {memory:.0f} MB")
    return 1 if lost or made != processed else 0


if __name__ == "__main__":
    sys.exit(main())
