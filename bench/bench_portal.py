"""Mina sidor (issue 6, "Performance"): a citizen with 200 cases (target p95 < 100 ms).

Seeds a fresh embedded SQLite database (or the one in DATABASE_URL): one kommun, ``--cases``
cases (default 200) with the citizen as contact, each with a case-log entry visible to the
citizen, ``--threads`` of them with a message thread and an attachment, and
``--background`` cases (default 20,000) of other persons so the contact lookup runs against
a realistic table. Then requests, through Django's full middleware stack as the logged-in
citizen, ``/mina-sidor/`` (the list: every case, audited — one read event per case) and a
case page with a thread. Prints p50/p95/throughput and peak memory; never passes or fails.

    .venv/bin/python bench/bench_portal.py [--requests 200]
    createdb -h 127.0.0.1 -U postgres sambruk_portalbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_portalbench \\
        .venv/bin/python bench/bench_portal.py
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
CIVIC_NUMBER = "191212121212"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def setup() -> None:
    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-portalbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    os.environ.setdefault("HUEY_IMMEDIATE", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.path.join(os.environ["SAMBRUK_VAR_DIR"], "media")
    call_command("migrate", verbosity=0)


def seed(args):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from sambruk.cases import services
    from sambruk.cases.models import Case, CaseContact
    from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
    from sambruk.core.accounts.models import User, UserKind
    from sambruk.core.organisations.models import Organisation
    from sambruk.core.persons.models import Person

    org, created = Organisation.objects.get_or_create(
        slug="portal-bench",
        defaults={"name": "Bänkens kommun", "type": "kommun", "kommunkod": "9901"},
    )
    citizen, _c = User.objects.get_or_create(
        email="tolvan-bench@e-legitimation.invalid",
        defaults={"kind": UserKind.CITIZEN, "civic_number": CIVIC_NUMBER, "full_name": "Tolvan"},
    )
    if not created:
        first = Case.objects.filter(organisation=org, contacts__person__civic_number=CIVIC_NUMBER)
        return citizen, first.filter(conversations__isnull=False).first()
    tolvan, _c = Person.objects.get_or_create(
        civic_number=CIVIC_NUMBER, defaults={"given_name": "Tolvan", "family_name": "Tolvansson"}
    )
    case_type = CaseTypeFactory(organisation=org, name="Bygglov")
    queue = QueueFactory(organisation=org, name="Kundtjänst", default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Handläggare")
    status = case_type.statuses.get(is_initial=True)
    t0 = time.perf_counter()
    with transaction.atomic():
        rows = Case.objects.bulk_create(
            Case(
                organisation=org,
                reference=f"BG-{i}",
                case_type=case_type,
                queue=queue,
                status=status,
                title=f"Annans ärende {i}",
                created_by=worker,
            )
            for i in range(args.background)
        )
        CaseContact.objects.bulk_create(
            CaseContact(case=c, name=f"Person {i}", email=f"person{i}@example.se")
            for i, c in enumerate(rows)
        )
    mine = []
    for i in range(args.cases):
        with transaction.atomic():
            case = services.do_create(
                actor=worker,
                queue=queue,
                case_type=case_type,
                title=f"Ansökan nummer {i}",
                contacts=[{"person": tolvan, "role": "Sökande"}],
            )
            services.do_add_note(
                case, actor=worker, text="Ansökan har kommit in.", visible_to_citizen=True
            )
            mine.append(case)
    for case in mine[: args.threads]:
        conversation = services.do_start_conversation(
            case, actor=worker, topic="Komplettering", participants=[tolvan]
        )
        for n in range(5):
            files = [SimpleUploadedFile("intyg.pdf", PDF)] if n == 0 else []
            services.do_post_message(
                conversation, actor=worker, body=f"Meddelande {n}", attachments=files
            )
    print(
        f"seeded {args.background} background + {args.cases} citizen cases "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return citizen, mine[0]


def logged_in_client(citizen):
    from django.test import Client

    client = Client()
    client.force_login(citizen)
    session = client.session
    session["eleg_epoch"] = citizen.session_epoch
    session["eleg_last_seen"] = time.time()
    session["eleg_loa"] = "test"
    session.save()
    return client


def measure(client, url, requests, expect: str) -> list[float]:
    times = []
    for i in range(requests + 5):
        t = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if i == 0:
            assert expect in response.content.decode(), f"{expect!r} not on {url}"
        if i >= 5:  # warm-up
            times.append(elapsed)
    return times


def report(name, times) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{name:<28} n={len(times):>4}  p50 {statistics.median(times):6.1f} ms  "
        f"p95 {p95:6.1f} ms  {1000 * len(times) / sum(times):6.1f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--background", type=int, default=20_000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    citizen, case = seed(args)
    client = logged_in_client(citizen)
    print(f"database: {connection.vendor}")
    report("/mina-sidor/ (200 cases)", measure(client, "/mina-sidor/", args.requests, "Ansökan"))
    report(
        "case page (thread)",
        measure(client, f"/mina-sidor/arende/{case.pk}/", args.requests, "Meddelande 4"),
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
