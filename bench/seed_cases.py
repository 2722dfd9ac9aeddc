"""Seed realistic case volumes for the case benchmarks (``bench/bench_cases.py``).

    .venv/bin/python bench/seed_cases.py                       # SQLite, 200,000 cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sambruk_bench \\
        .venv/bin/python bench/seed_cases.py --cases 1000000   # PostgreSQL

Without ``DATABASE_URL`` the database is an SQLite file in a dedicated temporary
``SAMBRUK_VAR_DIR`` (``<tmp>/sambruk-bench-cases``), so a second run can ``--reuse`` it.

What is seeded: ``--orgs`` kommun-like organisations, each with 13 staff users and their
memberships, 6 queues (funktioner; the first is the busy one), 4 case types with the usual
statuses (Ny, Pågår, Väntar på svar, Avslutad), transitions and resolutions, 3 priorities and
5 labels. Cases: 70 % closed, 20 % open, 10 % on hold; 30 % of the open ones unassigned;
closed cases created evenly over three years, open ones mostly in the last months; Swedish
titles and descriptions from a word list; a free contact on 40 %, a note on 20 %, a labelled
15 %; every case has a "created" log entry and a ``case.created`` event (closed ones also a
closing entry). References are ``yyyyMMdd-N`` per organisation and day with matching
reference counters, so the service layer can keep creating cases afterwards.

Rows are written in bulk — PostgreSQL: ``COPY`` (psycopg ``cursor.copy()``) from a writer
thread while the main thread generates the next batch; SQLite: ``executemany`` in big
transactions — with the secondary indexes dropped during the load and rebuilt after. The
search index is built exactly as :func:`sambruk.cases.search.reindex_cases` builds it: the
same (A, B, C) documents, as ``setweight(to_tsvector('swedish', …))`` on PostgreSQL and as
rows of the FTS5 table on SQLite. Then ANALYZE. Prints time and rows/s.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from seed_writers import PostgresWriter, SqliteWriter  # noqa: E402

BENCH_SLUG = "bench-"
BENCH_PASSWORD = "bench-password-123"
DEFAULT_VAR_DIR = Path(tempfile.gettempdir()) / "sambruk-bench-cases"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
BATCH = 50_000

KOMMUNER = """Alingsås Bollnäs Borlänge Eksjö Enköping Eslöv Falköping Finspång Gislaved Hudiksvall
Härnösand Kalix Karlshamn Katrineholm Kiruna Kristinehamn Köping Landskrona Lidköping Ludvika
Lysekil Mjölby Motala Mora Nybro Nyköping Nässjö Oskarshamn Piteå Sala Sandviken Skövde
Sollefteå Strängnäs Söderhamn Tranås Trelleborg Uddevalla Ulricehamn Varberg Vetlanda Vimmerby
Vänersborg Värnamo Västervik Ystad Åmål Ängelholm Örnsköldsvik Östhammar""".split()  # noqa: SIM905
QUEUES = ["Kontaktcenter", "Gata och park", "Bygglov", "Vatten och avlopp", "Skola", "Omsorg"]
QUEUE_WEIGHTS = [40, 20, 15, 10, 10, 5]
CASE_TYPES = [("felanmalan", "Felanmälan"), ("fraga", "Fråga"), ("klagomal", "Klagomål"),
              ("ansokan", "Ansökan")]  # fmt: skip
STATUSES = [("ny", "Ny", "open", True), ("pagar", "Pågår", "open", False),
            ("vantar", "Väntar på svar", "on_hold", False),
            ("avslutad", "Avslutad", "closed", False)]  # fmt: skip
TABLE = [("ny", "pagar"), ("ny", "avslutad"), ("pagar", "vantar"), ("pagar", "avslutad"),
         ("vantar", "pagar"), ("avslutad", "pagar")]  # fmt: skip
RESOLUTIONS = ["Åtgärdat", "Besvarat", "Hänvisat", "Avvisat"]
PRIORITIES = [("Hög", "#b91c1c", 1), ("Normal", "#6b7280", 2), ("Låg", "#15803d", 3)]
LABELS = ["Akut", "Återkommande", "Media", "Politiker", "Tillgänglighet"]
ORIGINS = ["phone"] * 4 + ["email"] * 3 + ["web_form"] * 3 + ["fixamingata", "visit", "api"]

SUBJECTS = """Trasig gatlampa|Gatlampan lyser inte|Trasig skylt|Nedkörd skylt|Potthål i vägen|
Klotter på viadukt|Snöröjning saknas|Halkbekämpning behövs|Vattenläcka vid brunn|Stopp i avlopp|
Buller från byggarbetsplats|Överfull papperskorg|Nedfallet träd|Trasig parkbänk|Trasig lekplats|
Fråga om bygglov|Ansökan om förskoleplats|Skolskjuts saknas|Fråga om faktura|Hemtjänst uteblev|
Felparkerad bil|Övergiven cykel|Råttor i soprum|Hämtning av grovsopor|Trasigt staket|
Översvämning i källare|Fråga om avgift för vatten|Klagomål på bemötande|Ansökan om parkeringstillstånd|
Borttappad nyckel i simhall""".replace("\n", "").split("|")
STREETS = """Storgatan Kungsgatan Drottninggatan Järnvägsgatan Skolgatan Kyrkogatan Torggatan
Parkvägen Björkvägen Ekvägen Tallvägen Granvägen Industrivägen Hamngatan Nygatan Östra
Långgatan Västra Vägen Sjövägen Ängsvägen Backvägen Lärkvägen""".split()  # noqa: SIM905
SENTENCES = """Anmälaren ringde och berättade om problemet.|Det har varit så i flera veckor.|
Ärendet gäller en plats nära skolan.|Många barn passerar här varje morgon.|
Anmälaren vill bli kontaktad när felet är åtgärdat.|Felet upptäcktes i går kväll.|
Det är mörkt och svårt att se på kvällen.|Grannarna har också klagat.|
Enligt anmälaren är det farligt för cyklister.|Bifogad bild visar skadan.|
Kontakta gärna fastighetsägaren först.|Området sköts av en entreprenör.|
Frågan gäller avgiften för förra kvartalet.|Den sökande har lämnat alla handlingar.|
Ärendet skickades vidare från växeln.|Vid besöket fanns ingen på plats.|
Anmälaren önskar svar per e-post.|Problemet återkommer varje vinter.|
Det luktar illa och vattnet står kvar.|Skylten har fallit omkull efter stormen.""".replace(
    "\n", ""
).split("|")
NOTES = """Ringde anmälaren och lämnade besked.|Beställt åtgärd av entreprenören.|
Väntar på svar från fastighetsägaren.|Besiktning gjord, felet bekräftat.|
Skickat frågan till ansvarig handläggare.|Åtgärdat enligt entreprenören.""".replace("\n", "").split(
    "|"
)
FIRST = "Anna Erik Maria Lars Karin Anders Eva Johan Sara Per Lena Nils Emma Olof Ida Karl".split()  # noqa: SIM905
LAST = """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson
Pettersson Jonsson Lindberg Lindström Berg Holm Sjöberg Engström""".split()  # noqa: SIM905


# --- environment ------------------------------------------------------------------------------


def setup(var_dir: str | None = None) -> None:
    """Configure the environment (temporary SQLite by default) and start Django."""
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SAMBRUK_VAR_DIR", str(var_dir or DEFAULT_VAR_DIR))
    else:
        os.environ.setdefault("SAMBRUK_VAR_DIR", tempfile.mkdtemp(prefix="sambruk-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    os.environ["DEBUG"] = "false"
    os.environ["SAMBRUK_TESTING"] = "false"
    import django

    django.setup()


def bench_case_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case c JOIN organisations_organisation o "
            "ON o.id = c.organisation_id WHERE o.slug LIKE %s",
            [BENCH_SLUG + "%"],
        )
        return cursor.fetchone()[0]


def wipe() -> None:
    """Empty the dedicated bench database (refused unless it is clearly a bench database)."""
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        if "bench" not in db["NAME"]:
            sys.exit(f"refusing to wipe {db['NAME']!r}: its name does not contain 'bench'")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        if not str(db["NAME"]).startswith(tempfile.gettempdir()):
            sys.exit(f"refusing to wipe {db['NAME']}: not under {tempfile.gettempdir()}")
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)


# --- configuration rows (ORM; small) ------------------------------------------------------------


def seed_config(n_orgs: int) -> list[dict]:
    """Organisations, users, memberships and case configuration; returns one dict per org."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from sambruk.cases import models as m
    from sambruk.core.accounts.models import Membership, User
    from sambruk.core.organisations.models import Organisation

    password = make_password(BENCH_PASSWORD)
    orgs = []
    with transaction.atomic():
        for i in range(n_orgs):
            name = KOMMUNER[i % len(KOMMUNER)] + (f" {i // len(KOMMUNER) + 1}" if i >= 50 else "")
            org = Organisation.objects.create(
                type="kommun",
                name=f"{name} kommun (bench)",
                slug=f"{BENCH_SLUG}{i}",
                kommunkod=f"{9000 + i}",
                is_member=True,
            )
            m.CaseSettings.objects.create(organisation=org, reference_prefix="")
            users = User.objects.bulk_create(
                User(
                    email=f"bench{i}-{j}@bench.example.se",
                    full_name=f"{FIRST[(i + j) % len(FIRST)]} {LAST[(i * 3 + j) % len(LAST)]}",
                    password=password,
                )
                for j in range(13)
            )
            Membership.objects.bulk_create(
                Membership(user=u, organisation=org, role="org_admin" if j == 12 else "caseworker")
                for j, u in enumerate(users)
            )
            queues = [m.Queue.objects.create(organisation=org, name=q) for q in QUEUES]
            for k, q in enumerate(queues):  # the first user is in every queue
                q.members.add(users[0], *users[1 + 2 * k : 4 + 2 * k])
            types = []
            for code, tname in CASE_TYPES:
                ct = m.CaseType.objects.create(
                    organisation=org, code=code, name=tname, default_days_to_due=14
                )
                st = {
                    code_: m.Status.objects.create(
                        case_type=ct, code=code_, name=sname, kind=kind, is_initial=ini, order=n
                    )
                    for n, (code_, sname, kind, ini) in enumerate(STATUSES)
                }
                m.Transition.objects.bulk_create(
                    m.Transition(case_type=ct, from_status=st[a], to_status=st[b]) for a, b in TABLE
                )
                res = m.Resolution.objects.bulk_create(
                    m.Resolution(case_type=ct, name=r) for r in RESOLUTIONS
                )
                types.append({"id": ct.pk, "status": {k: v.pk for k, v in st.items()},
                              "resolutions": [r.pk for r in res]})  # fmt: skip
            prios = m.Priority.objects.bulk_create(
                m.Priority(organisation=org, name=n, colour=c, rank=r) for n, c, r in PRIORITIES
            )
            labels = m.Label.objects.bulk_create(m.Label(organisation=org, name=n) for n in LABELS)
            orgs.append(
                {
                    "id": org.pk,
                    "users": [u.pk for u in users[:12]],
                    "queues": [q.pk for q in queues],
                    "types": types,
                    "priorities": [p.pk for p in prios],
                    "labels": [lb.pk for lb in labels],
                }
            )
    return orgs


# --- case rows ----------------------------------------------------------------------------------


def plan_cases(n: int, n_orgs: int, rng: random.Random, now: float):
    """(created epoch, state) for every case, oldest first: the ids follow time."""
    span = 3 * 365 * 86400
    rows = []
    for _ in range(n):
        r = rng.random()
        state = "closed" if r < 0.7 else ("open" if r < 0.9 else "on_hold")
        if state == "closed":
            age = rng.uniform(2 * 86400, span)
        else:
            age = min(rng.expovariate(1 / (45 * 86400)), span)
        rows.append((now - age, state))
    rows.sort()
    return rows


def generate(plan, orgs, first_id: int, rng: random.Random, now: float):
    """Yield batches: dict table → list of row tuples (None = NULL), plus the documents."""
    r = rng.random

    def pick(seq):
        return seq[int(r() * len(seq))]

    def weighted(cum):
        return bisect.bisect(cum, r() * cum[-1])

    org_cum = list(itertools.accumulate(1 / (1 + 0.05 * i) for i in range(len(orgs))))
    queue_cum = list(itertools.accumulate(QUEUE_WEIGHTS))
    n_sent = len(SENTENCES)
    counters: dict[tuple[int, date], int] = {}
    batch = _empty()
    for i, (created, state) in enumerate(plan):
        case_id = first_id + i
        org = orgs[weighted(org_cum)]
        qi = weighted(queue_cum)
        types = org["types"]
        ct = types[qi % len(types)] if r() < 0.7 else pick(types)
        users = org["users"]
        created_dt = datetime.fromtimestamp(created, UTC)
        day = created_dt.astimezone(STOCKHOLM).date()
        key = (org["id"], day)
        counters[key] = counters.get(key, 0) + 1
        reference = f"{day:%Y%m%d}-{counters[key]}"
        creator = pick(users)
        assignee = None if state == "open" and r() < 0.3 else pick(users)
        if state == "closed":
            status = ct["status"]["avslutad"]
            closed = min(created + 3600 + r() * 30 * 86400, now - 60)
            closed_dt = datetime.fromtimestamp(closed, UTC)
            resolution = pick(ct["resolutions"])
        else:
            status = ct["status"]["vantar" if state == "on_hold" else
                                  ("ny" if assignee is None else "pagar")]  # fmt: skip
            closed_dt, resolution = None, None
        updated_dt = closed_dt or datetime.fromtimestamp(min(created + r() * 5 * 86400, now), UTC)
        title = f"{pick(SUBJECTS)}, {pick(STREETS)} {1 + int(r() * 120)}"
        start, k = int(r() * n_sent), 2 + int(r() * 4)
        description = " ".join(SENTENCES[(start + j) % n_sent] for j in range(k))
        x = r()
        prio = org["priorities"][0 if x < 0.1 else (1 if x < 0.9 else 2)]
        batch["case"].append((
            case_id, reference, state, day + timedelta(days=14), title, description,
            pick(ORIGINS), False, False, False, created_dt, updated_dt, closed_dt,
            1 + (2 if state == "closed" else 0), assignee,
            assignee if state == "closed" else None, creator, org["id"], ct["id"], prio,
            org["queues"][qi], resolution, status,
        ))  # fmt: skip
        batch["log"].append((case_id, created_dt, creator, "system", "Ärendet skapades.", "{}", 0))
        batch["event"].append((case_id, "case.created", '{"version": 1, "draft": false}',
                               created_dt, creator))  # fmt: skip
        rest = []
        if r() < 0.2:
            note = pick(NOTES) + " " + pick(SENTENCES)
            at = datetime.fromtimestamp(min(created + 600 + r() * 86400, now), UTC)
            batch["log"].append((case_id, at, assignee or creator, "note", note, "{}", 0))
            rest.append(note)
        if state == "closed":
            batch["log"].append((case_id, closed_dt, assignee, "system",
                                 "Ärendet avslutades.", "{}", 0))  # fmt: skip
        if r() < 0.4:
            first, last = pick(FIRST), pick(LAST)
            email = f"{first}.{last}{1 + int(r() * 99)}@example.se".lower()
            phone = f"070-{1000000 + int(r() * 8999999)}"
            batch["contact"].append((case_id, "Anmälare", f"{first} {last}", email, phone,
                                     "", "", created_dt))  # fmt: skip
            rest.append(f"{first} {last} {email}")  # name, e-mail: as search._documents joins them
        if r() < 0.15:
            batch["label"].append((case_id, pick(org["labels"])))
        # The search document: exactly what sambruk.cases.search._documents builds.
        batch["doc"].append((
            case_id, f"{reference} {reference.replace('-', ' ')} {title}", description,
            "\n".join(rest),
        ))  # fmt: skip
        if len(batch["case"]) >= BATCH:
            yield batch
            batch = _empty()
    if batch["case"]:
        yield batch
    yield {"counters": [(org_id, d, last) for (org_id, d), last in counters.items()]}


def _empty():
    return {"case": [], "log": [], "event": [], "contact": [], "label": [], "doc": []}


def seed(n_cases: int, n_orgs: int, *, seed_value: int = 42) -> dict:
    """Seed an empty (migrated) database; returns figures."""
    from django.db import connection

    rng = random.Random(seed_value)
    t_start = time.perf_counter()
    orgs = seed_config(n_orgs)
    t_config = time.perf_counter() - t_start
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM cases_case")
        first_id = cursor.fetchone()[0] + 1
    writer = PostgresWriter() if connection.vendor == "postgresql" else SqliteWriter()
    writer.drop_indexes()
    writer.start()
    now = time.time()
    counts = dict.fromkeys(["case", "log", "event", "contact", "label"], 0)
    t_rows = time.perf_counter()
    for batch in generate(plan_cases(n_cases, n_orgs, rng, now), orgs, first_id, rng, now):
        for key in counts:
            counts[key] += len(batch.get(key, ()))
        writer.put(batch)
        if "case" in batch:
            done = counts["case"]
            rate = done / (time.perf_counter() - t_rows)
            print(f"  {done:>9,} cases  ({rate:,.0f} cases/s)", flush=True)
    writer.finish()
    total = time.perf_counter() - t_start
    rows = sum(counts.values())
    figures = {
        "vendor": connection.vendor,
        "orgs": n_orgs,
        "config_s": t_config,
        "total_s": total,
        "rows": rows,
        **counts,
    }
    print(
        f"seeded {counts['case']:,} cases, {counts['log']:,} log entries, {counts['event']:,} events, "
        f"{counts['contact']:,} contacts, {counts['label']:,} labels in {n_orgs} organisations "
        f"({connection.vendor}) in {total:.1f} s: {rows / total:,.0f} rows/s, "
        f"{counts['case'] / total:,.0f} cases/s (configuration {t_config:.1f} s)"
    )
    return figures


def ensure_seeded(n_cases: int, n_orgs: int, *, reuse: bool, wipe_first: bool = False) -> int:
    """Migrate, then seed unless the database already holds the bench cases. Returns count."""
    from django.core.management import call_command

    if wipe_first:
        wipe()
    call_command("migrate", verbosity=0)
    existing = bench_case_count()
    if existing and reuse and existing >= n_cases:
        print(f"reusing the seeded database: {existing:,} bench cases")
        return existing
    if existing:
        sys.exit(
            f"the database already holds {existing:,} bench cases (wanted {n_cases:,}): "
            "use --reuse to keep them or --wipe to start over"
        )
    seed(n_cases, n_orgs)
    return bench_case_count()


def default_cases(vendor: str) -> int:
    return 1_000_000 if vendor == "postgresql" else 200_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, help="default 1,000,000 (PostgreSQL) / 200,000 (SQLite)"
    )
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--wipe", action="store_true", help="empty the bench database first")
    args = parser.parse_args()
    setup()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    ensure_seeded(
        args.cases or default_cases(connection.vendor),
        args.orgs,
        reuse=args.reuse,
        wipe_first=args.wipe,
    )


if __name__ == "__main__":
    main()
