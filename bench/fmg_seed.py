"""Seeding for bench_fixamingata.py: bench bodies and categories for every kommun, the
reports (PostgreSQL ``COPY``, SQLite ``executemany``) and photo/staff-note rows."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

BENCH_DOMAIN = "bench.fixamingata.example.se"
CATEGORIES = [
    "Gatubelysning", "Hål i vägen", "Klotter", "Nedskräpning", "Trafikskyltar", "Parker",
    "Snöröjning", "Halkbekämpning", "Lekplatser", "Cykelvägar", "Vatten och avlopp", "Övrigt",
]  # fmt: skip
STATES = [  # (state, weight)
    ("unconfirmed", 10), ("confirmed", 18), ("investigating", 6), ("in_progress", 6),
    ("action_scheduled", 4), ("fixed", 40), ("closed", 6), ("not_responsible", 4),
    ("unable_to_fix", 3), ("duplicate", 3),
]  # fmt: skip
CLOSED = {"closed", "not_responsible", "unable_to_fix", "duplicate"}


def ensure_config():
    """A body with 12 categories for each kommun; returns {kommun_id: (body_id, [cat ids])}."""
    from django.db import transaction

    from sambruk.core.organisations.models import Organisation
    from sambruk.fixamingata.models import Body, Category

    kommuner = list(Organisation.objects.exclude(kommunkod="").exclude(kommunkod__isnull=True))
    with transaction.atomic():
        have = set(Body.objects.filter(national=False).values_list("organisation_id", flat=True))
        Body.objects.bulk_create(
            [
                Body(
                    organisation=k,
                    name=k.name,
                    contact_email=f"felanmalan@{k.kommunkod}.{BENCH_DOMAIN}",
                )
                for k in kommuner
                if k.pk not in have
            ]
        )
        bodies = {b.organisation_id: b for b in Body.objects.filter(national=False)}
        with_cats = set(Category.objects.values_list("body_id", flat=True))
        Category.objects.bulk_create(
            [
                Category(body=b, name=name, code=f"k{b.organisation_id}-{i}", order=i)
                for b in bodies.values()
                if b.pk not in with_cats
                for i, name in enumerate(CATEGORIES)
            ]
        )
    cats: dict[int, list[int]] = {}
    for body_id, cat_id in Category.objects.order_by("pk").values_list("body_id", "pk"):
        cats.setdefault(body_id, []).append(cat_id)
    return {
        k.pk: (bodies[k.pk].pk, cats[bodies[k.pk].pk], k.kommunkod)
        for k in kommuner
        if k.pk in bodies
    }


def point_pools(codes: list[str], per_kommun: int, rng: random.Random) -> dict[str, list]:
    """Points inside each kommun: uniform in its bounding box, kept if kommuner_at agrees."""
    import numpy as np
    import shapely

    from sambruk.core.organisations import geo

    index = geo.get_index()
    geom_of = dict(zip(index.codes.tolist(), index.geoms.tolist(), strict=True))
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    pools = {}
    for code in codes:
        minx, miny, maxx, maxy = shapely.bounds(geom_of[code])
        got: list = []
        for _ in range(50):
            lon = nprng.uniform(minx, maxx, per_kommun * 3)
            lat = nprng.uniform(miny, maxy, per_kommun * 3)
            found = geo.kommuner_at(lat, lon)
            got += [
                (float(a), float(o)) for a, o, c in zip(lat, lon, found, strict=True) if c == code
            ]
            if len(got) >= per_kommun:
                break
        pools[code] = got[:per_kommun]
    return pools


def bench_report_count() -> int:
    from sambruk.fixamingata.models import Report

    return Report.objects.filter(reporter_email__endswith="@" + BENCH_DOMAIN).count()


def seed(n: int, config, rng: random.Random) -> None:
    from django.db import connection

    from sambruk.fixamingata.models import Report

    have = bench_report_count()
    if have >= n:
        print(f"{have} bench reports already seeded")
        return
    start = time.perf_counter()
    kommuner = list(config.items())
    weights = [1 / (i + 1) ** 0.8 for i in range(len(kommuner))]  # a few big kommuner
    rng.shuffle(weights)
    pools = point_pools([c[2] for _k, c in kommuner], 400, rng)
    now = datetime.now(UTC)
    first_id = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    states = [s for s, _w in STATES]
    state_w = [w for _s, w in STATES]
    cols = [
        "id", "service_request_id", "body_id", "category_id", "kommun_id", "lat", "lon",
        "title", "detail", "address_string", "attributes", "media_urls", "reporter_name",
        "reporter_email", "reporter_phone", "show_name_publicly", "state", "created_at",
        "updated_at", "confirmed_at", "fixed_at", "closed_at", "source", "idempotency_key",
        "send_state", "send_method_used", "send_attempts", "send_last_error", "sent_at",
        "external_id", "hidden", "hidden_reason", "flagged", "original_title",
        "original_detail", "send_questionnaire", "pinpointed", "device_id", "account_id",
    ]  # fmt: skip
    todo = n - have
    batch_size = 50_000
    written = 0
    while written < todo:
        rows = []
        for i in range(min(batch_size, todo - written)):
            pk = first_id + written + i
            kommun_id, (body_id, cat_ids, code) = rng.choices(kommuner, weights)[0]
            lat, lon = rng.choice(pools[code])
            state = rng.choices(states, state_w)[0]
            created = now - timedelta(seconds=rng.uniform(0, 730 * 86400))
            confirmed = None if state == "unconfirmed" else created + timedelta(minutes=5)
            fixed = closed = None
            if state == "fixed":
                fixed = closed = confirmed + timedelta(hours=rng.expovariate(1 / 240))
            elif state in CLOSED:
                closed = confirmed + timedelta(hours=rng.expovariate(1 / 120))
            updated = max(t for t in (created, confirmed, fixed, closed) if t)
            updated = min(updated, now)
            sent = state != "unconfirmed"
            rows.append(
                (
                    pk, str(pk), body_id, rng.choice(cat_ids), kommun_id,
                    round(lat, 6), round(lon, 6), "Fel på gatan", "Beskrivning av felet.",
                    "", "{}", "[]", "Bench Anmälare", f"r{pk % 5000}@{BENCH_DOMAIN}", "",
                    False, state, created, updated, confirmed, fixed, closed, "web", "",
                    "sent" if sent else "unsent", "email" if sent else "", int(sent), "",
                    confirmed, "", False, "", False, "", "", True, True, "", "",
                )
            )  # fmt: skip
        _write(connection, cols, rows)
        written += len(rows)
        print(f"  seeded {have + written}/{n} ({time.perf_counter() - start:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('fixamingata_report', 'id'), "
                "(SELECT max(id) FROM fixamingata_report))"
            )
            cursor.execute("ANALYZE fixamingata_report")
        else:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - start
    print(f"seeded {todo} reports in {elapsed:.0f} s ({todo / elapsed:,.0f} rows/s)")


def seed_photos_and_notes() -> None:
    """A first photo on 30 % of the bench reports and a public staff note on 40 % of the
    confirmed ones (rows only, no files), so the Open311 list's photo and note lookups
    meet real data. Server-side INSERT … SELECT; skipped when already done."""
    from django.db import connection, transaction

    bench = f"r.reporter_email LIKE '%@{BENCH_DOMAIN}'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM fixamingata_reportphoto WHERE image LIKE 'fixamingata/bench/%' LIMIT 1"
        )
        if cursor.fetchone():
            return
        start = time.perf_counter()
        cursor.execute(
            'INSERT INTO fixamingata_reportphoto (report_id, image, width, height, "order",'  # noqa: S608
            " created_at) SELECT r.id, 'fixamingata/bench/' || r.id || '.jpg', 2048, 1536, 1,"
            f" r.created_at FROM fixamingata_report r WHERE {bench} AND r.id % 10 < 3"
        )
        cursor.execute(
            "INSERT INTO fixamingata_update (report_id, text, author_name, author_email,"  # noqa: S608
            " show_name, is_staff_update, posted_as_body, new_state, mark_fixed, reopen,"
            " confirmed, confirmed_at, hidden, hidden_reason, original_text,"
            " external_update_id, media_url, created_at) SELECT r.id, 'Vi har tittat på"
            " felet.', '', '', TRUE, TRUE, TRUE, '', FALSE, FALSE, TRUE, r.updated_at, FALSE,"
            " '', '', '', '', r.updated_at FROM fixamingata_report r"
            f" WHERE {bench} AND r.state <> 'unconfirmed' AND r.id % 10 >= 6"
        )
    print(f"seeded photo and note rows in {time.perf_counter() - start:.0f} s")


def _write(connection, cols, rows) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY fixamingata_report ({', '.join(cols)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(cols))
            cursor.executemany(
                f"INSERT INTO fixamingata_report ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608
                rows,
            )
