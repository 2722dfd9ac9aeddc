"""FixaMinGata at national volume (issue 4, "Performance"). Prints figures; never passes/fails.

Seeds ``--reports`` reports across all 290 kommuner (each kommun a body with 12 categories;
points sampled inside each kommun with ``sambruk.core.organisations.geo``: uniform points in
the kommun's bounding box kept only when ``kommuner_at`` maps them back), mixed states, dates
over two years — PostgreSQL by ``COPY``, SQLite by ``executemany`` — with a photo row on 30 %
and a public staff note on 40 % of them. Then measures:

* ``GET /open311/v2/requests.json?jurisdiction_id=<kommunkod>&status=open&start_date&end_date``
  (90-day window) through gunicorn (2 workers) on loopback with a bounded thread-pool load:
  p50/p95 and requests/s;
* map pins ``GET /fixamingata/pins/?bbox=…`` (viewport ≤ 500 pins), p95 in-process;
* report submission rate through ``services.submit_report`` (confirmed at once, i.e. the case
  is created and delivery scheduled);

and for each the same SQL run directly with ``cursor.execute`` (captured from the request),
so the framework overhead shows as a ratio.

Small default (``make bench``): 30,000 reports on SQLite. Full size (docs/fixamingata-performance.md)::

    createdb -h 127.0.0.1 -U postgres sambruk_fmgbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_fmgbench \\
        .venv/bin/python bench/bench_fixamingata.py --reports 1000000

``--explain`` prints EXPLAIN ANALYZE of the main queries (PostgreSQL).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_VAR = Path(tempfile.gettempdir()) / "sambruk-bench-fixamingata"

from fmg_seed import (  # noqa: E402  (bench/ is on the path from here on)
    BENCH_DOMAIN,
    bench_report_count,
    ensure_config,
    seed,
    seed_photos_and_notes,
)


def setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        DEFAULT_VAR.mkdir(exist_ok=True)
        os.environ.setdefault("SAMBRUK_VAR_DIR", str(DEFAULT_VAR))
    else:
        os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-fmgbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.FIXAMINGATA_OPEN311_CACHE_SECONDS = 0  # in-process figures without the list cache

    call_command("migrate", verbosity=0)
    from sambruk.core.organisations.models import Organisation

    if Organisation.objects.filter(kommunkod__isnull=False).count() < 290:
        call_command("load_reference", verbosity=0)


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(len(values) * q + 0.5) - 1))]


def analyze() -> None:
    """Fresh planner statistics for FixaMinGata's tables. Needed where autovacuum is off (as
    on the shared bench server): without them PostgreSQL took ``fixamingata_body`` for 30 rows
    and nested-looped 290 bitmap scans (640 ms for the largest kommun instead of ≈ 5 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ANALYZE fixamingata_body, fixamingata_category, fixamingata_report,"
                " fixamingata_reportphoto, fixamingata_update"
            )
        else:
            cursor.execute("ANALYZE")


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --- measuring ------------------------------------------------------------------------------
def captured(client, path):
    """(response, [(sql, params)]) of one in-process request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return response, [q["sql"] for q in ctx.captured_queries]


def time_raw(sqls, n) -> list[float]:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(n):
            t = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            timings.append((time.perf_counter() - t) * 1000)
    return timings


def raw_for_paths(client, paths, repeat=3) -> list[float]:
    """Raw SQL of each path's request (captured), run ``repeat`` times each."""
    sqls = [captured(client, p)[1] for p in paths]
    return [t for _ in range(repeat) for sql in sqls for t in time_raw(sql, 1)]


def time_client(client, paths, n, cpu=None) -> list[float]:
    """Wall ms per request; with a list ``cpu``, this process's CPU ms per request too."""
    timings = []
    for i in range(n):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(paths[i % len(paths)])
        timings.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
    return timings


def open311_paths(config, n, rng) -> list[str]:
    from urllib.parse import quote

    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=90)
    codes = [c[2] for c in config.values()]
    return [
        f"/open311/v2/requests.json?jurisdiction_id={rng.choice(codes)}&status=open"
        f"&start_date={quote(start.isoformat())}&end_date={quote(end.isoformat())}"
        for _ in range(n)
    ]


def pin_paths(config, n, rng) -> list[str]:
    """Viewports of about 4 × 6 km around a point of a random kommun."""
    from sambruk.fixamingata.models import Report

    paths = []
    kommun_ids = list(config)
    while len(paths) < n:
        lat, lon = (
            Report.objects.filter(kommun_id=rng.choice(kommun_ids))
            .values_list("lat", "lon")
            .first()
        )
        paths.append(f"/fixamingata/pins/?bbox={lon - 0.05},{lat - 0.02},{lon + 0.05},{lat + 0.02}")
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WRK_SCRIPT = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {Host = "127.0.0.1"})
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def wrk_load(port, paths, concurrency, seconds):
    """Load with wrk (Debian package ``wrk``; C, far lighter than Python threads on 2 cores).

    Returns (p50 ms, p95 ms, requests/s, errors)."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "-s", str(script),
             f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        script.unlink()
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    n, errors, duration, p50, p95 = line.split()[1:]
    return float(p50), float(p95), int(n) / float(duration), int(errors)


def gunicorn_load(
    paths, total, concurrency, max_seconds, *, cache_seconds=0, workers=2, use_wrk=False
):
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "SAMBRUK_TESTING": "false"}
    env["DJANGO_SETTINGS_MODULE"] = "fmg_bench_settings"
    env["FMG_BENCH_OPEN311_CACHE_SECONDS"] = str(cache_seconds)
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "sambruk.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "256",
         "--pythonpath", str(ROOT / "bench")],
        cwd=ROOT, env=env,
    )  # fmt: skip

    def get(path):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"gunicorn answered {response.status} for {path}")
        return (time.perf_counter() - t) * 1000

    try:
        for _ in range(300):
            try:
                get("/healthz")
                break
            except (OSError, SystemExit):
                time.sleep(0.1)
        for path in paths[:20]:  # warm both workers
            get(path)
        if use_wrk:
            return wrk_load(port, paths, concurrency, min(max_seconds, 30))
        deadline = time.perf_counter() + max_seconds
        timings = []
        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            futures = [
                pool.submit(lambda p: get(p) if time.perf_counter() < deadline else None, p)
                for p in (paths[i % len(paths)] for i in range(total))
            ]
            timings = [f.result() for f in futures]
        timings = [t for t in timings if t is not None]
        elapsed = time.perf_counter() - start
        return timings, len(timings) / elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def submission_rate(config, n, rng, *, warm=True) -> tuple[float, list[float]]:
    from sambruk.fixamingata import services
    from sambruk.fixamingata.models import Category, Report, Source

    kommun_ids = list(config)
    plan = []
    for i in range(n):
        kommun_id = rng.choice(kommun_ids)
        lat, lon = Report.objects.filter(kommun_id=kommun_id).values_list("lat", "lon").first()
        plan.append((Category.objects.get(pk=config[kommun_id][1][i % 12]), lat, lon))
    if warm:  # one-off configuration, not a per-report cost: each kommun's case setup
        from sambruk.fixamingata.casesetup import ensure_case_setup

        for category, _lat, _lon in plan:
            ensure_case_setup(category.body.organisation)
    for category, lat, lon in plan[:10] if warm else []:  # warm the code paths
        services.submit_report(
            lat=lat, lon=lon, category=category, title="Uppvärmning", detail="", photos=[],
            name="Bench", email=f"warm@{BENCH_DOMAIN}", phone="", show_name=False,
            source=Source.STAFF,
        )  # fmt: skip
    timings = []
    start = time.perf_counter()
    for category, lat, lon in plan:
        t = time.perf_counter()
        services.submit_report(
            lat=lat, lon=lon, category=category, title="Trasig gatlykta",
            detail="Lyktan är släckt.", photos=[], name="Bench Anmälare",
            email=f"submit@{BENCH_DOMAIN}", phone="", show_name=False, source=Source.STAFF,
        )  # fmt: skip
        timings.append((time.perf_counter() - t) * 1000)
    return n / (time.perf_counter() - start), timings


def _submission_child(job):
    config, n, seed = job
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    try:
        return submission_rate(config, n, random.Random(seed))
    finally:
        connections.close_all()


def parallel_submission_rate(config, n, procs) -> tuple[float, list[float]]:
    """``procs`` processes (forked after setup) submitting ``n`` reports in all; the rate is
    the sum of the processes' rates (they run side by side)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    jobs = [(config, n // procs, 1000 + i) for i in range(procs)]
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        results = pool.map(_submission_child, jobs)
    return sum(r for r, _t in results), [t for _r, ts in results for t in ts]


#: Where a submission's time goes (cumulative per submission, measured under cProfile).
PROFILE_PARTS = [
    ("submit_report (total)", "fixamingata/services/reports.py", "submit_report"),
    ("routing: check_category_at_point", "fixamingata/routing.py", "check_category_at_point"),
    ("case engine: create_case", "fixamingata/services/reports.py", "create_case"),
    ("  of which case setup (ensure_case_setup)", "fixamingata/casesetup.py", "ensure_case_setup"),
    ("  of which do_create", "cases/services/lifecycle.py", "do_create"),
    ("case event subscribers (on commit)", "cases/events.py", "dispatch"),
    ("delivery scheduling", "fixamingata/delivery.py", "schedule_delivery"),
    ("  of which huey enqueue", "huey/api.py", "enqueue"),
    ("audit records", "core/audit/services.py", "record"),
]


def submission_profile(config, n, rng) -> None:
    """cProfile of ``n`` submissions: ms per submission in each part, and queries each."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pr = cProfile.Profile()
    with CaptureQueriesContext(connection) as ctx:
        pr.enable()
        submission_rate(config, n, rng, warm=False)
        pr.disable()
    stats = pstats.Stats(pr).stats
    print(
        f"\nsubmission profile ({n} submissions under cProfile, {len(ctx) / n:.1f} queries each):"
    )
    for label, path, name in PROFILE_PARTS:
        total = sum(
            v[3] for (file, _line, func), v in stats.items() if func == name and file.endswith(path)
        )
        print(f"  {label:<44} {total * 1000 / n:8.1f} ms")
    by_table: dict[str, int] = {}
    for q in ctx.captured_queries:
        sql = q["sql"]
        verb = sql.split(None, 1)[0].upper()
        table = next((w.strip('"') for w in sql.split() if w.startswith('"') and "_" in w), "?")
        key = f"{verb} {table.split('.')[0]}"
        by_table[key] = by_table.get(key, 0) + 1
    top = sorted(by_table.items(), key=lambda kv: -kv[1])[:12]
    print("  queries per submission: " + ", ".join(f"{k} {v / n:.1f}" for k, v in top))


def raw_insert_ms(config, n) -> list[float]:
    """The report's own INSERT, alone (what submission costs at the SQL level)."""
    from django.db import connection, transaction

    kommun_id, (body_id, cats, _code) = next(iter(config.items()))
    now = datetime.now(UTC)
    sql = (
        "INSERT INTO fixamingata_report (body_id, category_id, kommun_id, lat, lon, title, detail,"
        " address_string, attributes, media_urls, reporter_name, reporter_email, reporter_phone,"
        " show_name_publicly, state, created_at, updated_at, source, idempotency_key, send_state,"
        " send_method_used, send_attempts, send_last_error, external_id, hidden, hidden_reason,"
        " flagged, original_title, original_detail, send_questionnaire, pinpointed, device_id,"
        " account_id) VALUES (%s, %s, %s, 60.6,"
        " 16.7, 'x', '', '', '{}', '[]', '', '', '', false, 'confirmed', %s, %s, 'staff', '',"
        " 'unsent', '', 0, '', '', false, '', false, '', '', true, true, '', '')"
    )
    timings = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            for _ in range(n):
                t = time.perf_counter()
                cursor.execute(sql, [body_id, cats[0], kommun_id, now, now])
                timings.append((time.perf_counter() - t) * 1000)
        transaction.set_rollback(True)
    return timings


def explain(sqls_by_name):
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, sqls in sqls_by_name.items():
            main = max(sqls, key=len)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + main)
            print(f"\n-- EXPLAIN ANALYZE: {name}\n" + "\n".join(r[0] for r in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None, help="gunicorn requests")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--submissions", type=int, default=300, help="0: skip submissions")
    parser.add_argument("--submit-procs", type=int, default=2, help="parallel submitters")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", type=int, default=50, help="submissions to profile (0: none)")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    vendor = connection.vendor
    n = args.reports or (1_000_000 if vendor == "postgresql" else 30_000)
    total = args.requests or (3000 if vendor == "postgresql" else 600)
    rng = random.Random(4)
    config = ensure_config()
    seed(n, config, rng)
    seed_photos_and_notes()
    analyze()
    print(f"database: {vendor}, bench reports: {bench_report_count():,}; {load()}")

    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    # Open311 list
    o_paths = open311_paths(config, 200, rng)
    _resp, o_sql = captured(client, o_paths[0])
    sizes = [len(client.get(p).json()) for p in o_paths[:50]]
    o_cpu = []
    o_inproc = time_client(client, o_paths[:100], 300, o_cpu)
    print(
        f"Open311 in-process, no cache: CPU per request mean {statistics.mean(o_cpu):.2f} ms, "
        f"p50 {percentile(o_cpu, 0.5):.2f}, p95 {percentile(o_cpu, 0.95):.2f} (Python, this "
        f"process; wall p50 {percentile(o_inproc, 0.5):.1f} ms); {load()}"
    )
    o_raw = raw_for_paths(client, o_paths[:100])
    w = args.workers
    print(f"Open311 gunicorn ({w} workers), no cache: {load()}")
    o_http, o_rps = gunicorn_load(o_paths, total, args.concurrency, args.max_seconds, workers=w)
    rows.append((f"Open311 requests.json (gunicorn {w} w, no cache)", o_http, o_raw, o_rps))
    print(f"Open311 gunicorn ({w} workers), 20 s list cache: {load()}")
    c_http, c_rps = gunicorn_load(
        o_paths, total, args.concurrency, args.max_seconds, cache_seconds=20, workers=w
    )
    rows.append((f"Open311 requests.json (gunicorn {w} w, 20 s cache)", c_http, o_raw, c_rps))
    rows.append(("Open311 requests.json (in-process)", o_inproc, o_raw, None))
    wrk_rows = []
    if shutil.which("wrk"):  # the load generator in C: the 2 cores go to gunicorn + PostgreSQL
        for cache in (0, 20):
            print(f"Open311 gunicorn ({w} workers), wrk, cache {cache} s: {load()}")
            wrk_rows.append(
                (cache, *gunicorn_load(
                    o_paths, total, args.concurrency, args.max_seconds,
                    cache_seconds=cache, workers=w, use_wrk=True,
                ))
            )  # fmt: skip
    print(
        f"Open311 answers: median {statistics.median(sizes)} requests, max {max(sizes)}, "
        f"p90 {percentile(sizes, 0.9):.0f}"
    )
    # Pins
    p_paths = pin_paths(config, 100, rng)
    _resp, p_sql = captured(client, p_paths[0])
    pins = [len(client.get(p).json()["pins"]) for p in p_paths[:50]]
    p_inproc = time_client(client, p_paths, 300)
    p_raw = raw_for_paths(client, p_paths)
    rows.append(("Map pins (in-process)", p_inproc, p_raw, None))
    print(f"pins per viewport: median {statistics.median(pins)}, max {max(pins)}")
    # Submission (writes reports: --submissions 0 keeps the bench database read-only)
    if args.submissions > 0:
        print(f"submission: {load()}")
        rate, s_ms = submission_rate(config, args.submissions, rng)
        s_raw = raw_insert_ms(config, 300)
        rows.append(("submit_report (case + delivery scheduled)", s_ms, s_raw, rate))
    if args.submissions > 0 and args.submit_procs > 1:
        print(f"submission, {args.submit_procs} processes: {load()}")
        p_rate, p_ms = parallel_submission_rate(config, args.submissions, args.submit_procs)
        rows.append((f"submit_report ({args.submit_procs} processes)", p_ms, s_raw, p_rate))

    print(f"\n{'scenario':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'raw SQL p50':>11} "
          f"{'ratio':>6} {'per s':>7}")  # fmt: skip
    for name, ms, raw, per_s in rows:
        p50, p95, raw50 = percentile(ms, 0.5), percentile(ms, 0.95), percentile(raw, 0.5)
        print(
            f"{name:<44} {len(ms):>5} {p50:>8.1f} {p95:>8.1f} {raw50:>11.2f} "
            f"{p50 / raw50 if raw50 else 0:>6.1f} {'' if per_s is None else f'{per_s:.0f}':>7}"
        )
    o_raw50 = percentile(o_raw, 0.5)
    for cache, p50, p95, rps, errors in wrk_rows:
        name = f"Open311 requests.json (wrk, {w} w, cache {cache} s)"
        print(
            f"{name:<44} {'':>5} {p50:>8.1f} {p95:>8.1f} {o_raw50:>11.2f} "
            f"{p50 / o_raw50 if o_raw50 else 0:>6.1f} {rps:>7.0f}"
            + (f"  ({errors} errors)" if errors else "")
        )
    print("\ntargets: Open311 list p95 < 100 ms and ≥ 300 req/s on 2 cores; pins p95 < 50 ms; "
          "submission ≥ 100/s")  # fmt: skip
    print(f"({load()})")
    if args.profile and args.submissions > 0:
        submission_profile(config, args.profile, rng)
    if args.explain:
        explain({"Open311 list": o_sql, "pins": p_sql})


if __name__ == "__main__":
    main()
