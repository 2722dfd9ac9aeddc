"""Bulk writers of ``seed_cases.py``: COPY on PostgreSQL, executemany on SQLite.

Both drop the secondary indexes of the big case tables before the load and rebuild them
after, and write the search index exactly as ``sambruk.cases.search.reindex_cases`` does.
"""

from __future__ import annotations

import queue
import threading
import time
from datetime import date, datetime

CASE_COLS = (  # noqa: SIM905
    "id reference state due_date title description origin restricted is_draft removed "
    "created_at updated_at closed_at version assignee_id closed_by_id created_by_id "
    "organisation_id case_type_id priority_id queue_id resolution_id status_id"
).split()
LOG_COLS = ["case_id", "at", "actor_id", "kind", "text", "data", "visible_to_citizen"]
CONTACT_COLS = "case_id role name email phone address note created_at".split()  # noqa: SIM905
EVENT_COLS = ["case_id", "name", "payload", "at", "actor_id"]
LABEL_COLS = ["case_id", "label_id"]


# --- writers ---------------------------------------------------------------------------------

INDEXED_TABLES = ["cases_case", "cases_caselogentry", "cases_caseevent", "cases_casecontact"]


def _copy_value(v) -> str:
    t = type(v)
    if t is str:
        if "\\" in v or "\n" in v or "\t" in v or "\r" in v:
            v = v.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            return v.replace("\r", "\\r")
        return v
    if t is int:
        return str(v)
    if v is None:
        return r"\N"
    if t is bool:
        return "t" if v else "f"
    if t is datetime:
        return v.isoformat(sep=" ")
    return str(v)


def copy_text(rows) -> str:
    """Rows in COPY text format (done in the generating thread; the writer only sends it)."""
    lines = ["\t".join(map(_copy_value, row)) for row in rows]
    return "\n".join(lines) + "\n" if lines else ""


def _copy(cursor, table, cols, text: str) -> None:
    if not text:
        return
    with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for start in range(0, len(text), 1 << 20):
            copy.write(text[start : start + (1 << 20)])


class PostgresWriter:
    """Writes batches with COPY from ``workers`` threads, each on its own psycopg connection,
    while the main thread generates the next batch (the tsvector is computed by the server)."""

    def __init__(self, workers: int = 2):
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.params = params
        self.conn = psycopg.connect(**params, autocommit=True)
        self.cur = self.conn.cursor()
        self.cur.execute("SET maintenance_work_mem = '512MB'")
        self.indexes = []
        self.timing = dict.fromkeys(["stage", "insert+tsvector", "children", "commit"], 0.0)
        self.queue: queue.Queue = queue.Queue(maxsize=workers + 1)
        self.error = None
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]

    def _connect(self):
        import psycopg

        conn = psycopg.connect(**self.params, autocommit=True)
        # No FK triggers while loading: the generated rows are consistent by construction.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        conn.execute(
            "CREATE TEMP TABLE bench_stage (LIKE cases_case INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        conn.execute("ALTER TABLE bench_stage ADD doc_a text, ADD doc_b text, ADD doc_c text")
        return conn

    def drop_indexes(self):
        self.cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = "
            "i.indexname WHERE i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint "
            "k WHERE k.conindid = c.oid)",
            [INDEXED_TABLES],
        )
        self.indexes = self.cur.fetchall()
        for name, _def in self.indexes:
            self.cur.execute(f'DROP INDEX "{name}"')

    def start(self):
        for thread in self.threads:
            thread.start()

    def put(self, batch):
        if self.error:
            raise self.error
        self.queue.put(self.prepare(batch))

    def _run(self):
        conn = self._connect()
        try:
            while (batch := self.queue.get()) is not None:
                self._write(conn, batch)
        except Exception as exc:  # reported to the main thread
            self.error = exc
        finally:
            conn.close()

    def prepare(self, batch) -> dict:
        """Format a batch as COPY text (in the caller's thread)."""
        if "counters" in batch:
            return {"counters": copy_text(batch["counters"])}
        docs = {d[0]: d[1:] for d in batch["doc"]}
        return {
            "stage": copy_text(c + docs[c[0]] for c in batch["case"]),
            "log": copy_text(batch["log"]),
            "event": copy_text(batch["event"]),
            "contact": copy_text(batch["contact"]),
            "label": copy_text(batch["label"]),
        }

    def _write(self, conn, batch):
        cur = conn.cursor()
        if "counters" in batch:
            _copy(cur, "cases_referencecounter", ["organisation_id", "day", "last"],
                  batch["counters"])  # fmt: skip
            return
        clock = time.perf_counter
        with conn.transaction():
            t0 = clock()
            _copy(cur, "bench_stage", [*CASE_COLS, "doc_a", "doc_b", "doc_c"], batch["stage"])
            t1 = clock()
            cols = ", ".join(CASE_COLS)
            cur.execute(
                f"INSERT INTO cases_case ({cols}, search_vector) SELECT {cols}, "  # noqa: S608
                "setweight(to_tsvector('swedish'::regconfig, COALESCE(doc_a, '')), 'A') || "
                "setweight(to_tsvector('swedish'::regconfig, COALESCE(doc_b, '')), 'B') || "
                "setweight(to_tsvector('swedish'::regconfig, COALESCE(doc_c, '')), 'C') "
                "FROM bench_stage"
            )
            t2 = clock()
            _copy(cur, "cases_caselogentry", LOG_COLS, batch["log"])
            _copy(cur, "cases_caseevent", EVENT_COLS, batch["event"])
            _copy(cur, "cases_casecontact", CONTACT_COLS, batch["contact"])
            _copy(cur, "cases_case_labels", LABEL_COLS, batch["label"])
            t3 = clock()
        self.timing["stage"] += t1 - t0
        self.timing["insert+tsvector"] += t2 - t1
        self.timing["children"] += t3 - t2
        self.timing["commit"] += clock() - t3

    def _side_build(self, definitions):
        import psycopg

        with psycopg.connect(**self.params, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            for definition in definitions:
                conn.execute(definition)

    def finish(self):
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        if self.error:
            raise self.error
        print("  writer: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timing.items()))
        t0 = time.perf_counter()
        # GIN builds are not parallel: build it on a second connection beside the b-trees.
        gin = [d for _n, d in self.indexes if "USING gin" in d]
        side = threading.Thread(target=self._side_build, args=(gin,))
        side.start()
        for _name, definition in self.indexes:
            if definition not in gin:
                self.cur.execute(definition)
        side.join()
        self.cur.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))"
        )
        print(f"  indexes rebuilt in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        self.cur.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")
        self.conn.close()


class SqliteWriter:
    """executemany in one transaction per batch on Django's own connection."""

    def __init__(self):
        from django.db import connection

        connection.ensure_connection()
        self.db = connection.connection
        self.db.execute("PRAGMA foreign_keys = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -200000")
        self.indexes = []

    def drop_indexes(self):
        names = ",".join(f"'{t}'" for t in INDEXED_TABLES)
        self.indexes = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({names})"
        ).fetchall()
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def start(self):
        pass

    def put(self, batch):
        db = self.db

        def ins(table, cols, rows):
            marks = ", ".join("?" * len(cols))
            db.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)  # noqa: S608

        def ts(v):
            if isinstance(v, datetime):
                return v.strftime("%Y-%m-%d %H:%M:%S.%f")
            return v.isoformat() if isinstance(v, date) else v

        db.execute("BEGIN")
        if "counters" in batch:
            ins("cases_referencecounter", ["organisation_id", "day", "last"],
                [(o, d.isoformat(), n) for o, d, n in batch["counters"]])  # fmt: skip
        else:
            ins("cases_case", CASE_COLS, [tuple(map(ts, r)) for r in batch["case"]])
            ins("cases_caselogentry", LOG_COLS, [tuple(map(ts, r)) for r in batch["log"]])
            ins("cases_caseevent", EVENT_COLS, [tuple(map(ts, r)) for r in batch["event"]])
            ins("cases_casecontact", CONTACT_COLS, [tuple(map(ts, r)) for r in batch["contact"]])
            ins("cases_case_labels", LABEL_COLS, batch["label"])
            # search.reindex_cases: body = "\n".join((a, b, c))
            ins("cases_case_fts", ["rowid", "body"],
                [(d[0], "\n".join(d[1:])) for d in batch["doc"]])  # fmt: skip
        db.execute("COMMIT")

    def finish(self):
        t0 = time.perf_counter()
        for _name, sql in self.indexes:
            self.db.execute(sql)
        print(f"  indexes rebuilt in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = NORMAL")
        print(f"  ANALYZE in {time.perf_counter() - t0:.1f} s")
