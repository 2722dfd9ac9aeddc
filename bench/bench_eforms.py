"""E-service publisher (issue 5, "Performance"): concurrent citizens completing a 5-page form.

Starts gunicorn (2 workers) on loopback; ``--citizens`` threads (default 50), each with its
own session (cookies, CSRF), start the e-service, GET and POST each of the 5 pages, open the
summary and submit (the case is created in the request; the PDF receipt is queued for the
task worker and not made in the request). Bounded by ``--rounds`` per citizen and
``--max-seconds``; ``--think`` adds a random pause (0.5–1.5 × the value) before each request,
as a citizen reading the page would (0 = every thread hammers the server back to back). Prints errors (must be 0), page p50/p95 (GET and POST of a form page) and
submit p50/p95. Prints figures; never passes/fails.

    .venv/bin/python bench/bench_eforms.py                     # SQLite in a temp dir
    createdb -h 127.0.0.1 -U postgres sambruk_eformsbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_eformsbench \\
        .venv/bin/python bench/bench_eforms.py
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PAGES = 5


def setup() -> None:
    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-eformsbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def schema() -> dict:
    def page(i):
        return {
            "title": f"Sida {i + 1}",
            "fields": [
                {"type": "text", "name": f"text{i}", "label": f"Text {i}", "required": True},
                {"type": "number", "name": f"tal{i}", "label": f"Tal {i}", "min": 0},
                {"type": "yesno", "name": f"janej{i}", "label": f"Ja eller nej {i}"},
                {"type": "textarea", "name": f"fritext{i}", "label": f"Fritext {i}"},
            ],
        }

    pages = [page(i) for i in range(PAGES)]
    pages[0]["fields"].append({"type": "email", "name": "epost", "label": "E-post"})
    return {"formatVersion": 1, "title": "Bänkformulär", "pages": pages}


def ensure_eservice():
    from django.utils import timezone

    from sambruk.cases.models import CaseType, Queue, Status
    from sambruk.core.organisations.models import Organisation
    from sambruk.eforms.models import EService, FormDefinition, FormVersion

    org, _c = Organisation.objects.get_or_create(
        slug="bench-kommun", defaults={"name": "Bänkens kommun"}
    )
    queue, _c = Queue.objects.get_or_create(organisation=org, name="Kundtjänst")
    case_type, created = CaseType.objects.get_or_create(
        organisation=org, code="bench", defaults={"name": "Bänkärende"}
    )
    if created:
        Status.objects.create(
            case_type=case_type, code="ny", name="Ny", kind="open", is_initial=True
        )
    definition, _c = FormDefinition.objects.get_or_create(
        organisation=org, code="bench", defaults={"name": "Bänkformulär"}
    )
    version = definition.versions.filter(status="published").first()
    if version is None:
        version = FormVersion.objects.create(
            definition=definition,
            number=1,
            schema=schema(),
            status="published",
            published_at=timezone.now(),
        )
    eservice, _c = EService.objects.get_or_create(
        organisation=org,
        slug="bankformular",
        defaults={
            "name": "Bänkformulär",
            "form_version": version,
            "queue": queue,
            "case_type": case_type,
        },
    )
    return eservice


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Citizen:
    def __init__(self, base, eservice_path, stats, lock, think: float = 0.0):
        import requests

        self.think = think
        self.session = requests.Session()
        self.base = base
        self.path = eservice_path
        self.stats = stats
        self.lock = lock

    def _note(self, kind: str, ms: float) -> None:
        with self.lock:
            self.stats[kind].append(ms)

    def _error(self, message: str) -> None:
        with self.lock:
            self.stats["errors"].append(message)

    def _timed(self, kind, method, url, **kwargs):
        if self.think:
            time.sleep(self.think * (0.5 + random.random()))  # noqa: S311
        t = time.perf_counter()
        response = self.session.request(method, self.base + url, allow_redirects=False, **kwargs)
        self._note(kind, (time.perf_counter() - t) * 1000)
        return response

    def run_once(self, n: int) -> None:
        r = self._timed("other", "GET", self.path)
        token = CSRF.search(r.text).group(1)
        r = self._timed("other", "POST", self.path, data={"csrfmiddlewaretoken": token})
        if r.status_code != 302:
            return self._error(f"start {r.status_code}")
        url = r.headers["Location"]
        for i in range(PAGES):
            r = self._timed("page", "GET", url)
            if r.status_code != 200:
                return self._error(f"page GET {r.status_code}")
            token = CSRF.search(r.text).group(1)
            data = {
                "csrfmiddlewaretoken": token,
                f"text{i}": f"Svar {n}-{i}",
                f"tal{i}": str(i * 3),
                f"janej{i}": "yes",
                f"fritext{i}": "Lite längre fritext " * 5,
                "nav": "next",
            }
            if i == 0:
                data["epost"] = f"invanare{n}@example.se"
            r = self._timed("page", "POST", url, data=data)
            if r.status_code != 302:
                return self._error(f"page POST {r.status_code}")
            url = r.headers["Location"]
        r = self._timed("other", "GET", url)
        if r.status_code != 200 or "idempotency_key" not in r.text:
            return self._error(f"summary {r.status_code}")
        token = CSRF.search(r.text).group(1)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', r.text).group(1)
        r = self._timed(
            "submit", "POST", url, data={"csrfmiddlewaretoken": token, "idempotency_key": key}
        )
        if r.status_code != 302 or "/kvittens/" not in r.headers.get("Location", ""):
            return self._error(f"submit {r.status_code}")
        r = self._timed("other", "GET", r.headers["Location"])
        if r.status_code != 200:
            return self._error(f"receipt {r.status_code}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) the gunicorn workers have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _children(master):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            continue
    return total


def workers_peak_rss(master: int) -> int:
    """The largest peak resident set (KiB) among the workers (VmHWM)."""
    peak = 0
    for pid in _children(master):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            continue
    return peak


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, int(len(values) * q + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="forms per citizen")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a citizen waits between requests"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    setup()
    eservice = ensure_eservice()
    from sambruk.cases.models import Case

    cases_before = Case.objects.filter(queue=eservice.queue).count()
    path = f"/e-tjanster/{eservice.organisation.slug}/{eservice.slug}/"
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "SAMBRUK_TESTING": "false"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "sambruk.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "256"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    stats = {"page": [], "submit": [], "other": [], "errors": []}
    lock = threading.Lock()
    try:
        import requests

        started = time.perf_counter()
        while True:  # gunicorn imports Django in each worker: slow on a loaded machine
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {proc.returncode}")
            if time.perf_counter() - started > 120:
                raise SystemExit("gunicorn did not answer within 120 s")
            try:
                if requests.get(base + path, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        Citizen(base, path, {k: [] for k in stats}, lock).run_once(-1)  # warm-up
        deadline = time.perf_counter() + args.max_seconds

        def citizen(i):
            c = Citizen(base, path, stats, lock, think=args.think)
            for r in range(args.rounds):
                if time.perf_counter() > deadline:
                    return
                try:
                    c.run_once(i * 1000 + r)
                except Exception as exc:  # noqa: BLE001 — counted as an error
                    c._error(repr(exc))

        cpu_before = workers_cpu(proc.pid)
        start = time.perf_counter()
        threads = [threading.Thread(target=citizen, args=(i,)) for i in range(args.citizens)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        cpu_used = workers_cpu(proc.pid) - cpu_before
        rss_peak = workers_peak_rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    made = Case.objects.filter(queue=eservice.queue).count() - cases_before - 1
    from django.db import connection

    print(f"E-tjänster: {args.citizens} samtidiga invånare × {args.rounds} formulär "
          f"({PAGES} sidor), think {args.think} s, gunicorn {args.workers} workers, "
          f"{connection.vendor}, "
          f"{elapsed:.1f} s")  # fmt: skip
    print(f"  fel: {len(stats['errors'])} {stats['errors'][:5]}")
    print(f"  inskick: {len(stats['submit'])}, nya ärenden: {made}")
    requests_made = sum(len(stats[k]) for k in ("page", "submit", "other"))
    print(
        f"  genomströmning: {requests_made / elapsed:.1f} anrop/s, "
        f"{len(stats['submit']) / elapsed * 60:.0f} inskick/min; "
        f"serverns CPU {cpu_used / max(requests_made, 1) * 1000:.1f} ms/anrop "
        f"({cpu_used:.1f} s för {requests_made} anrop); "
        f"största worker-RSS {rss_peak / 1024:.0f} MiB; load {os.getloadavg()[0]:.1f}"
    )
    for kind in ("page", "submit"):
        values = stats[kind]
        print(
            f"  {kind:6}: n={len(values):5}  p50={pct(values, 0.5):7.1f} ms  "
            f"p95={pct(values, 0.95):7.1f} ms  max={max(values or [0]):7.1f} ms  "
            f"mean={statistics.fmean(values or [0]):7.1f} ms"
        )


if __name__ == "__main__":
    main()
