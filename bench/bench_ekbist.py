"""Ekonomiskt bistånd (issue 7, "Performance"): norm calculation, Multifråga, overview page.

1. **Norm**: ``calculate_needs`` (batch) and ``calculate_need`` one by one for ``--households``
   (default 100,000) varied households (1–2 adults, 0–8 children, växelvis/umgänge, costs with
   a housing cap, incomes) against the 2023 riksnorm. Target < 2 s. Wall and CPU time are
   printed: on a shared machine the CPU time is the figure that does not depend on the load.
2. **Multifråga**: a 4-person household (the simulator's demo persons) × 7 agencies against
   the SSBTEK simulator on a threaded loopback HTTP server answering each call after
   ``--latency`` (default 50 ms). Measures ``run_multifraga`` end to end (validation, parallel
   SSBTEK calls, XSD validation and parsing, snapshot, 4 audit events, case-log entry), with
   one call per person and agency (28 calls, the default) and one call per person (4 calls).
   Target < 500 ms.
3. **Overview**: ``/ekonomiskt-bistand/ansokningar/<id>/oversikt/`` for a verified caseworker
   through Django's full middleware stack (the application, the need calculation, audited
   reads, the list of stored Multifråga snapshots). Target p95 < 100 ms.

Prints p50/p95/throughput and peak memory; never passes or fails.

    .venv/bin/python bench/bench_ekbist.py [--households 100000] [--rounds 20] [--requests 200]
    createdb -h 127.0.0.1 -U postgres sambruk_ekbistbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_ekbistbench \\
        .venv/bin/python bench/bench_ekbist.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PERSONS = [
    ("sokande", "Tolvan Tolvansson", "191212121212", "1912-12-12"),
    ("medsokande", "Testa Påhittadsson", "198112189876", "1981-12-18"),
    ("annan_vuxen", "Sam Samordnare", "197010632391", "1970-10-03"),
    ("annan_vuxen", "Skyddad Demoperson", "199001012385", "1990-01-01"),
]


def setup() -> None:
    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-ekbistbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    os.environ.setdefault("HUEY_IMMEDIATE", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_riksnorm", stdout=io.StringIO())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def households(n: int, seed: int = 7):
    from sambruk.ekbist.norm import Costs, Household, Income, Member, Residence

    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        adults = [Member(rnd.randint(18, 70), adult=True) for _ in range(rnd.choice((1, 1, 2)))]
        kids = []
        for _k in range(rnd.choice((0, 0, 1, 2, 3, 5, 8))):
            res = rnd.choice((Residence.FULL,) * 6 + (Residence.VAXELVIS, Residence.UMGANGE))
            kids.append(
                Member(
                    rnd.randint(0, 20),
                    school_lunch=rnd.random() < 0.5,
                    residence=res,
                    days_per_month=rnd.randint(1, 30) if res != Residence.FULL else None,
                )
            )
        costs = Costs(
            housing=rnd.randint(3000, 12000),
            electricity=rnd.choice((0, 400)),
            home_insurance=rnd.choice((0, 150)),
            other=(("Glasögon", 900),) if rnd.random() < 0.1 else (),
        )
        incomes = [Income("Lön", rnd.randint(0, 20000))] if rnd.random() < 0.6 else []
        out.append((Household(tuple(adults + kids), rnd.choice((0, 0, 0, 1))), costs, incomes))
    return out


def bench_norm(n: int) -> None:
    from sambruk.ekbist.norm import Guideline, calculate_need, calculate_needs
    from sambruk.ekbist.services.norm import norm_table

    table = norm_table(2023)
    guideline = Guideline({1: 6000, 2: 7500, 4: 9500}, source="bench")
    cases = households(n)
    print(f"\n1. Norm calculation, {n:,} households (riksnorm 2023, housing cap)")
    for name, fn in (
        ("calculate_needs (batch)", lambda: calculate_needs(table, cases, guideline=guideline)),
        (
            "calculate_need one by one",
            lambda: [calculate_need(table, h, c, i, guideline=guideline) for h, c, i in cases],
        ),
    ):
        walls, cpus = [], []
        for _round in range(3):
            w, c = time.perf_counter(), time.process_time()
            results = fn()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            del results
        print(
            f"  {name:28s} best wall {min(walls):.2f} s, best CPU {min(cpus):.2f} s "
            f"({n / min(cpus):,.0f} households/s CPU)"
        )


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


def start_simulator(latency: float) -> str:
    from sambruk.ekbist.ssbtek.simulator import SimulatorApp, SimulatorConfig

    server = make_server(
        "127.0.0.1", 0, SimulatorApp(SimulatorConfig(latency=latency)), _Server, _Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/ssbtek"


def seed():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sambruk.cases import services as case_services
    from sambruk.core.accounts.models import Membership, User
    from sambruk.core.organisations.models import Organisation
    from sambruk.ekbist.casesetup import ensure_case_setup
    from sambruk.ekbist.models import Application, ApplicationKind, ApplicationState

    org, _c = Organisation.objects.get_or_create(
        slug="ekbist-bench",
        defaults={"name": "Bänkens kommun", "type": "kommun", "kommunkod": "9902"},
    )
    user = User.objects.filter(email="socialsekreterare@bench.invalid").first()
    if user is None:
        user = User.objects.create_user(
            email="socialsekreterare@bench.invalid", password="x", full_name="Sara Bänk"
        )
        for role in ("caseworker", "ekbist_caseworker"):
            Membership.objects.create(user=user, organisation=org, role=role)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    case_type, queue = ensure_case_setup(org)
    queue.members.add(user)
    members = [
        {"role": role, "name": name, "civic_number": pnr, "birth_date": born, "residence": "heltid"}
        for role, name, pnr, born in PERSONS
    ]
    members.append(
        {
            "role": "barn",
            "name": "Lilla",
            "birth_date": "2016-04-01",
            "residence": "heltid",
            "school_lunch": True,
        }
    )
    data = {
        "version": 1,
        "kind": "nyansokan",
        "period": "2023-12",
        "members": members,
        "housing": {
            "type": "hyresratt",
            "rent": 9000,
            "residents": 5,
            "landlord": "Bostadsbolaget",
        },
        "incomes": [
            {"person": "sokande", "type": "a_kassa", "amount": 8712, "source": "SO"},
            {"person": "medsokande", "type": "lon", "amount": 4000},
        ],
        "costs": {"hyra": 9000, "hushallsel": 450, "hemforsakring": 150, "ovrigt": []},
        "assets": [
            {"type": "fordon", "owner": "sokande", "description": "Volvo V70", "value": 15000}
        ],
        "attachments": [{"kind": "hyresavi", "name": "hyresavi.pdf", "file_id": 1}],
    }
    case = case_services.do_create(
        actor=user, queue=queue, case_type=case_type, title="Ansökan om ekonomiskt bistånd"
    )
    application = Application.objects.create(
        organisation=org,
        case=case,
        kind=ApplicationKind.NEW,
        state=ApplicationState.SUBMITTED,
        period=dt.date(2023, 12, 1),
        applicant=PERSONS[0][2],
        co_applicant=PERSONS[1][2],
        data=data,
    )
    return user, application


def bench_multifraga(user, application, rounds: int, latency: float) -> None:
    from django.conf import settings

    from sambruk.ekbist.services import multifraga as mf

    settings.SSBTEK_URL = start_simulator(latency)
    settings.SSBTEK_TIMEOUT = 10
    user.is_verified = lambda: True
    persons = [p[2] for p in PERSONS]
    start, end = mf.default_period(application)
    print(
        f"\n2. Multifråga, {len(persons)} persons × {len(mf.AGENCIES)} agencies, "
        f"{latency * 1000:.0f} ms simulated latency per call, {rounds} rounds"
    )
    for split, calls in (("agency", len(persons) * 7), ("person", len(persons))):
        times, cpus, errors = [], [], 0
        for i in range(rounds + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            query = mf.run_multifraga(
                application,
                actor=user,
                persons=persons,
                agencies=list(mf.AGENCIES),
                period_from=start,
                period_to=end,
                purpose=f"Bänk {i}",
                split=split,
            )
            if i:  # the first round warms up (schema compilation, connections)
                times.append((time.perf_counter() - t0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
                errors += query.error_count
        print(
            f"  one call per {split:7s} ({calls:2d} calls): p50 {pct(times, 50):6.0f} ms, "
            f"p95 {pct(times, 95):6.0f} ms, {1000 / statistics.mean(times):.1f} queries/s, "
            f"CPU p50 {pct(cpus, 50):.0f} ms (client and simulator, one process), "
            f"agency errors per query {errors / rounds:.0f} (the simulator's CSN fault)"
        )


def bench_overview(user, application, requests: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    url = f"/ekonomiskt-bistand/ansokningar/{application.pk}/oversikt/"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times, cpus = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    print(
        f"\n3. Application overview, {requests} requests ({len(statements)} SQL "
        f"queries per page, {application.queries.count()} stored Multifråga snapshots)"
    )
    print(
        f"  p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, "
        f"{1000 / statistics.mean(times):.0f} pages/s; CPU p50 {pct(cpus, 50):.1f} ms, "
        f"p95 {pct(cpus, 95):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.db import connection

    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.2f}")
    bench_norm(args.households)
    user, application = seed()
    bench_multifraga(user, application, args.rounds, args.latency)
    bench_overview(user, application, args.requests)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (ru_maxrss): {peak:.0f} MB; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
