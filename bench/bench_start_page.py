"""Staff start page latency with 100 organisations and 1,000 users (target p95 < 50 ms).

Seeds a fresh embedded SQLite database (or the one in DATABASE_URL) and requests ``/``
as a verified staff user through Django's full middleware stack. Prints figures; never
passes or fails on time.

    .venv/bin/python bench/bench_start_page.py [--requests 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--organisations", type=int, default=100)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()

    os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sambruk.core.accounts.models import Membership, User
    from sambruk.core.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                type="kommun", name=f"Benchkommun {i}", slug=f"bench-{i}", kommunkod=f"{8000 + i}"
            )
            for i in range(args.organisations)
        )
        users = User.objects.bulk_create(
            User(email=f"bench{i}@example.se", full_name=f"Bench User {i}", password="!")
            for i in range(args.users)
        )
        roles = ["caseworker", "auditor", "org_admin"]
        Membership.objects.bulk_create(
            Membership(user=u, organisation=orgs[i % len(orgs)], role=roles[i % 3])
            for i, u in enumerate(users)
        )
        # The measured user belongs to three organisations with several roles.
        user = users[2]
        for org in orgs[1:3]:
            Membership.objects.get_or_create(user=user, organisation=org, role="auditor")
    seed = time.perf_counter() - t0

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()

    for _ in range(20):  # warm-up
        assert client.get("/").status_code == 200
    timings = []
    for _ in range(args.requests):
        start = time.perf_counter()
        response = client.get("/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"database: {connection.vendor}")
    print(f"seeded {args.organisations} organisations, {args.users} users in {seed:.2f} s")
    print(
        f"start page GET /  n={args.requests}  p50={p50:.1f} ms  p95={p95:.1f} ms  max={timings[-1]:.1f} ms"
    )
    print("target: p95 < 50 ms")


if __name__ == "__main__":
    main()
