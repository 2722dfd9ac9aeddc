"""Case engine and workspace latency on a seeded database (targets of issue 3, "Performance").

Runs against the database of ``bench/seed_cases.py`` (``DATABASE_URL``, or the temporary
SQLite file of the seeder) through Django's full stack: ``django.test.Client`` with a
verified (2FA) staff session for the workspace pages, a bearer token for the REST API, the
service layer for ``do_create``, and a real gunicorn worker for the memory figure. If the
database holds no bench cases yet, it is seeded first (``--cases``; default 20,000 cases and
fewer requests, so that ``make bench`` stays short on a fresh machine). Prints p50/p95/max
per scenario and a table against the targets; never passes or fails on time.

Full size (the figures in docs/cases-performance.md)::

    .venv/bin/python bench/seed_cases.py --cases 200000 && .venv/bin/python bench/bench_cases.py
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_bench
    .venv/bin/python bench/seed_cases.py --cases 1000000 && .venv/bin/python bench/bench_cases.py

``--explain FILE`` also writes EXPLAIN (ANALYZE, BUFFERS) of each scenario's main query
(PostgreSQL).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed_cases  # noqa: E402

ROOT = seed_cases.ROOT
BENCH_TOKEN = "sbk_bench-cases-token-0123456789abcdefghijklmnopq"
SMALL_DEFAULT = {"sqlite": 20_000, "postgresql": 20_000}
# Requests / creates per scenario: full size for a seeded bench database, fewer for the
# small database ``make bench`` seeds on a fresh machine (figures are then indicative only).
FULL_COUNTS = {"requests": 300, "creates": 2000, "gunicorn_requests": 300}
SMALL_COUNTS = {"requests": 100, "creates": 300, "gunicorn_requests": 100}
SMALL_DATABASE = 100_000  # bench cases below this: small counts
TARGETS = {  # scenario → (comparison, value, unit)
    "inbox page": ("p95 <", 50, "ms"),
    "case view": ("p95 <", 80, "ms"),
    "full-text search": ("p95 <", 200, "ms"),
    "REST list (first page)": ("p95 <", 60, "ms"),
    "REST list (keyset page 200)": ("p95 <", 60, "ms"),
    "create case (do_create)": ("≥", 200, "cases/s"),
    "web worker RSS": ("<", 200, "MB"),
}


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, max(0, int(len(sorted_values) * q) - 1))]


class Runner:
    def __init__(self):
        self.results: dict[str, dict] = {}
        self.samples: dict[str, list] = {}

    def measure(self, name, fn, n, *, warmup=10):
        """Call ``fn(i)`` (returns an HTTP response or None) n times; keep the timings."""
        for i in range(warmup):
            _check(fn(i))
        timings, cpu = [], []
        start = time.perf_counter()
        for i in range(n):
            t0, c0 = time.perf_counter(), time.thread_time()
            _check(fn(i))
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        total = time.perf_counter() - start
        timings.sort()
        self.results[name] = {
            "n": n,
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "max": timings[-1],
            "rps": n / total,
            "cpu": statistics.median(cpu),
        }
        r = self.results[name]
        print(
            f"{name:<30} n={n:<5} p50={r['p50']:7.1f} ms  p95={r['p95']:7.1f} ms  "
            f"max={r['max']:7.1f} ms  {r['rps']:7.1f} req/s  (Python CPU p50 {r['cpu']:.1f} ms)",
            flush=True,
        )


def _check(response):
    if response is not None and response.status_code != 200:
        raise SystemExit(f"unexpected HTTP {response.status_code}: {response.content[:300]!r}")


def staff_client(user):
    """A django.test.Client with a verified 2FA session (as bench_start_page.py does)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name="bench").first() or (
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def api_token(organisation) -> str:
    from sambruk.cases.roles import CASEWORKER_VIEW, CHANGE_CASE, CREATE_CASE
    from sambruk.core.api.models import ApiClient, hash_token
    from sambruk.core.api.services import create_api_client

    if not ApiClient.objects.filter(token_hash=hash_token(BENCH_TOKEN)).exists():
        create_api_client(
            actor=None,
            organisation=organisation,
            name="Bench API",
            scopes=sorted(CASEWORKER_VIEW | {CHANGE_CASE, CREATE_CASE}),
            token=BENCH_TOKEN,
        )
    return BENCH_TOKEN


def context():
    """The measured user (in every queue of the first bench organisation) and its data."""
    from sambruk.cases.models import Case, CaseType, Queue
    from sambruk.core.accounts.models import User
    from sambruk.core.organisations.models import Organisation

    org = Organisation.objects.get(slug=f"{seed_cases.BENCH_SLUG}0")
    user = User.objects.get(email="bench0-0@bench.example.se")
    queues = list(Queue.objects.filter(organisation=org).order_by("pk"))
    rng = random.Random(7)
    max_id = Case.objects.filter(organisation=org).order_by("-pk").values_list("pk", flat=True)[0]
    ids = list(
        Case.objects.filter(
            organisation=org, pk__gte=rng.randint(1, max(1, max_id - 200_000))
        ).values_list("pk", flat=True)[:20_000]
    )
    case_ids = rng.sample(ids, min(1000, len(ids)))
    reference = Case.objects.get(pk=rng.choice(case_ids)).reference
    return {
        "org": org,
        "user": user,
        "busy_queue": queues[0],
        "quiet_queue": queues[-1],
        "case_type": CaseType.objects.filter(organisation=org).order_by("pk").first(),
        "case_ids": case_ids,
        "reference": reference,
    }


def search_urls(reference):
    from urllib.parse import urlencode

    queries = [
        {"text": "gatlampa"},
        {"text": "trasig skylt"},
        {"text": reference, "state": "all"},
        {"text": "Andersson", "state": "all"},
        {"text": "vattenläcka brunn"},
    ]
    return [f"/arenden/sok/?{urlencode(q)}" for q in queries]


def deep_cursor(client, headers, pages=200) -> str:
    """Follow ``next`` links ``pages`` times; returns the path of that keyset page."""
    url = "/api/cases/"
    for _ in range(pages):
        response = client.get(url, **headers)
        _check(response)
        nxt = response.json().get("next")
        if not nxt:
            break
        url = nxt.split("testserver", 1)[-1]
    return url


def run_http(runner, ctx, n):
    client = staff_client(ctx["user"])
    ids, rng = ctx["case_ids"], random.Random(3)
    runner.measure(
        "inbox page", lambda i: client.get(f"/arenden/funktion/{ctx['busy_queue'].pk}/"), n
    )
    runner.measure("mina ärenden", lambda i: client.get("/arenden/mina/"), n)
    runner.measure("case view", lambda i: client.get(f"/arenden/{rng.choice(ids)}/"), n)
    urls = search_urls(ctx["reference"])
    runner.measure("full-text search", lambda i: client.get(urls[i % len(urls)]), n)
    api = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ctx['org'])}"}
    runner.measure("REST list (first page)", lambda i: client.get("/api/cases/", **api), n)
    deep = deep_cursor(client, api)
    runner.measure("REST list (keyset page 200)", lambda i: client.get(deep, **api), n)
    return client, urls, deep


def run_create(runner, ctx, n):
    from sambruk.cases import services

    user, queue, case_type = ctx["user"], ctx["quiet_queue"], ctx["case_type"]
    words = seed_cases.SUBJECTS

    def create(i):
        services.do_create(
            actor=user,
            queue=queue,
            case_type=case_type,
            title=f"{words[i % len(words)]} (bench {i})",
            description="Skapat av bench_cases.py genom tjänstelagret.",
            contacts=[{"name": "Anna Andersson", "email": "anna@example.se"}],
        )

    runner.measure("create case (do_create)", create, n, warmup=5)
    runner.results["create case (do_create)"]["per_s"] = runner.results["create case (do_create)"][
        "rps"
    ]


def explain(client, api, urls, deep, ctx, path):
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest cases_case query of each scenario."""
    from django.db import connection

    scenarios = [
        ("Inkorg (queue inbox)", f"/arenden/funktion/{ctx['busy_queue'].pk}/", {}),
        ("Mina ärenden", "/arenden/mina/", {}),
        ("Case view", f"/arenden/{ctx['case_ids'][0]}/", {}),
        *((f"Search {u}", u, {}) for u in urls[:3]),
        ("REST list, first page", "/api/cases/", api),
        ("REST list, keyset page 200", deep, api),
    ]
    out = []
    for title, url, extra in scenarios:
        client.get(url, **extra)  # warm
        captured = []  # (sql, params, seconds); an execute wrapper survives request_started

        def capture(execute, sql, params, many, context, captured=captured):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append((sql, params, time.perf_counter() - t0))

        with connection.execute_wrapper(capture):
            client.get(url, **extra)
        selects = [q for q in captured if q[0].startswith("SELECT") and '"cases_case"' in q[0]]
        sql, params, _seconds = max(selects, key=lambda q: q[2])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out.append(
            f"### {title}\n\n{len(captured)} queries in the request; "
            f"main query:\n\n```sql\n{connection.ops.compose_sql(sql, params)}\n```\n\n"
            f"```\n{plan}\n```\n"
        )
    Path(path).write_text("\n".join(out))
    print(f"query plans written to {path}")


# --- gunicorn ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gunicorn(runner, ctx, urls, deep, n):
    from django.conf import settings

    client = staff_client(ctx["user"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "SAMBRUK_TESTING": "false"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "sambruk.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        conn = None
        for _ in range(200):  # wait for the listener (bounded)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                conn = None
                time.sleep(0.1)
        if conn is None:
            raise SystemExit("gunicorn did not start")
        worker = _children(proc.pid)[0]
        rss_idle = _memory(worker)["VmRSS"]
        ids, rng = ctx["case_ids"], random.Random(5)
        paths = [
            (f"/arenden/funktion/{ctx['busy_queue'].pk}/", {"Cookie": cookie}),
            ("/arenden/mina/", {"Cookie": cookie}),
            (None, {"Cookie": cookie}),
            (None, {"Cookie": cookie}),
            ("/api/cases/", {"Authorization": f"Bearer {BENCH_TOKEN}"}),
            (deep, {"Authorization": f"Bearer {BENCH_TOKEN}"}),
        ]
        timings = []
        start = time.perf_counter()
        for i in range(n):  # bounded loop of mixed requests over loopback
            path, headers = paths[i % len(paths)]
            if path is None:
                path = f"/arenden/{rng.choice(ids)}/" if i % 2 else urls[i % len(urls)]
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            response.read()
            timings.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                raise SystemExit(f"gunicorn answered {response.status} for {path}")
        total = time.perf_counter() - start
        mem = _memory(worker)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    timings.sort()
    runner.results["web worker RSS"] = {
        "n": n,
        "rss": mem["VmRSS"] / 1024,
        "hwm": mem["VmHWM"] / 1024,
        "idle": rss_idle / 1024,
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "rps": n / total,
    }
    r = runner.results["web worker RSS"]
    print(
        f"{'gunicorn mixed requests':<30} n={n:<5} p50={r['p50']:7.1f} ms  p95={r['p95']:7.1f} ms"
        f"  {r['rps']:7.1f} req/s;  worker RSS after start {r['idle']:.0f} MB, after the "
        f"requests {r['rss']:.0f} MB (VmHWM {r['hwm']:.0f} MB)"
    )


def _children(pid) -> list[int]:
    for _ in range(100):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if text:
            return [int(p) for p in text]
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def _memory(pid) -> dict[str, int]:
    """VmRSS and VmHWM in kB from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def report(runner, vendor, count):
    from bench.common import print_table

    rows = []
    for name, (op, target, unit) in TARGETS.items():
        r = runner.results.get(name)
        if r is None:
            continue
        if unit == "ms":
            value, ok = r["p95"], r["p95"] < target
        elif unit == "cases/s":
            value, ok = r["per_s"], r["per_s"] >= target
        else:
            value, ok = r["hwm"], r["hwm"] < target
        rows.append([name, f"{op} {target} {unit}", f"{value:.1f} {unit}", "yes" if ok else "NO"])
    print_table(
        f"Targets ({vendor}, {count:,} bench cases, {os.cpu_count()} CPUs)",
        ["scenario", "target", "measured", "within"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="cases to seed when the database is empty")
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--requests", type=int, help="per HTTP scenario (default 300; 100 small)")
    parser.add_argument("--creates", type=int, help="do_create calls (default 2000; 300 small)")
    parser.add_argument("--gunicorn-requests", type=int, help="default 300; 100 small")
    parser.add_argument(
        "--only", default="http,create,gunicorn", help="comma-separated: http, create, gunicorn"
    )
    parser.add_argument(
        "--explain", metavar="FILE", help="write EXPLAIN ANALYZE plans (PostgreSQL)"
    )
    args = parser.parse_args()
    seed_cases.setup()
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    count = seed_cases.bench_case_count()
    if count == 0:
        wanted = args.cases or SMALL_DEFAULT[vendor]
        print(f"empty database: seeding {wanted:,} cases first (see seed_cases.py for full size)")
        seed_cases.seed(wanted, args.orgs)
        count = seed_cases.bench_case_count()
    counts = SMALL_COUNTS if count < SMALL_DATABASE else FULL_COUNTS
    for key, value in counts.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    print(f"database: {vendor} {connection.settings_dict['NAME']}, {count:,} bench cases")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    ctx = context()
    runner = Runner()
    parts = set(args.only.split(","))
    if "http" in parts:
        client, urls, deep = run_http(runner, ctx, args.requests)
        if args.explain and vendor == "postgresql":
            api = {"HTTP_AUTHORIZATION": f"Bearer {BENCH_TOKEN}"}
            explain(client, api, urls, deep, ctx, args.explain)
    else:
        urls = search_urls(ctx["reference"])
        deep = deep_cursor(
            staff_client(ctx["user"]), {"HTTP_AUTHORIZATION": f"Bearer {api_token(ctx['org'])}"}
        )
    if "create" in parts:
        run_create(runner, ctx, args.creates)
    if "gunicorn" in parts:
        run_gunicorn(runner, ctx, urls, deep, args.gunicorn_requests)
    report(runner, vendor, count)
    print(
        "load average after: {:.2f} {:.2f} {:.2f} (other processes share these CPUs)".format(
            *os.getloadavg()
        )
    )


if __name__ == "__main__":
    main()
