"""The ``sambruk`` command: backup/restore (SQLite, PostgreSQL), passthrough to Django, serve."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

# Variables of the parent run that must not leak into the child process.
_LEAKY = ("DATABASE_URL", "REDIS_URL", "SAMBRUK_ENV", "SAMBRUK_VAR_DIR", "SAMBRUK_TESTING", "DEBUG")


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env["SAMBRUK_VAR_DIR"] = str(tmp_path / "var")
    env["DJANGO_SETTINGS_MODULE"] = "sambruk.settings"
    env.update(extra)
    return env


def sambruk(*args: str, env: dict[str, str], timeout: float = 120, **kw):
    return subprocess.run(
        [sys.executable, "-m", "sambruk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        **kw,
    )


def make_sqlite_db(path: Path, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE arende (id INTEGER PRIMARY KEY, rubrik TEXT)")
    con.executemany("INSERT INTO arende (rubrik) VALUES (?)", [(r,) for r in rows])
    con.commit()
    con.close()


def sqlite_rows(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r for (r,) in con.execute("SELECT rubrik FROM arende ORDER BY id")]
    finally:
        con.close()


# --- SQLite ---------------------------------------------------------------------------------


def test_sqlite_backup_and_restore_roundtrip(tmp_path):
    env = child_env(tmp_path)
    live = tmp_path / "var" / "sambruk.sqlite3"
    make_sqlite_db(live, ["Trasig gatlampa", "Hål i vägen"])
    # Keep a writer connection open: the backup is an online copy.
    writer = sqlite3.connect(live)
    writer.execute("INSERT INTO arende (rubrik) VALUES ('Nedskräpning')")
    writer.commit()

    backup = tmp_path / "kopior" / "sambruk-backup.sqlite3"
    result = sambruk("backup", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert "Säkerhetskopia skriven" in result.stdout
    assert sqlite_rows(backup) == ["Trasig gatlampa", "Hål i vägen", "Nedskräpning"]

    writer.execute("DELETE FROM arende")
    writer.execute("INSERT INTO arende (rubrik) VALUES ('efter kopian')")
    writer.commit()
    writer.close()

    # Refuses to overwrite an existing backup without --force.
    again = sambruk("backup", str(backup), env=env)
    assert again.returncode == 1
    assert "finns redan" in again.stderr

    result = sambruk("restore", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert sqlite_rows(live) == ["Trasig gatlampa", "Hål i vägen", "Nedskräpning"]
    con = sqlite3.connect(live)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_sqlite_restore_refuses_a_file_that_is_not_sqlite(tmp_path):
    env = child_env(tmp_path)
    live = tmp_path / "var" / "sambruk.sqlite3"
    make_sqlite_db(live, ["orörd"])
    bogus = tmp_path / "inte-en-databas.sqlite3"
    bogus.write_text("detta är ingen databas\n" * 10)

    result = sambruk("restore", str(bogus), env=env)

    assert result.returncode == 1
    assert "är ingen SQLite-databas" in result.stderr
    assert "Traceback" not in result.stderr
    assert sqlite_rows(live) == ["orörd"]


def test_sqlite_backup_without_database_says_so(tmp_path):
    result = sambruk("backup", str(tmp_path / "b.sqlite3"), env=child_env(tmp_path))
    assert result.returncode == 1
    assert "finns inte" in result.stderr


# --- PostgreSQL -----------------------------------------------------------------------------

PG_URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs DATABASE_URL=postgres://...")
def test_postgres_backup_and_restore_roundtrip(tmp_path):
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(PG_URL)
    admin_kwargs = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    name = f"sambruk_cli_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin_kwargs) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(dbname=name, autocommit=True, **admin_kwargs) as con:
            con.execute("CREATE TABLE arende (id serial PRIMARY KEY, rubrik text)")
            con.execute("INSERT INTO arende (rubrik) VALUES ('Trasig gatlampa'), ('Hål i vägen')")

        url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
        env = child_env(tmp_path, DATABASE_URL=url)
        dump = tmp_path / "sambruk.dump"
        result = sambruk("backup", str(dump), env=env)
        assert result.returncode == 0, result.stderr
        assert dump.read_bytes()[:5] == b"PGDMP"

        with psycopg.connect(dbname=name, autocommit=True, **admin_kwargs) as con:
            con.execute("DELETE FROM arende")
            con.execute("CREATE TABLE skrap (id int)")

        result = sambruk("restore", str(dump), env=env)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(dbname=name, autocommit=True, **admin_kwargs) as con:
            rows = [r for (r,) in con.execute("SELECT rubrik FROM arende ORDER BY id")]
        assert rows == ["Trasig gatlampa", "Hål i vägen"]

        bogus = tmp_path / "bogus.dump"
        bogus.write_bytes(b"not a dump")
        refused = sambruk("restore", str(bogus), env=env)
        assert refused.returncode == 1
        assert "ingen pg_dump-fil" in refused.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin_kwargs) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- passthrough and help -------------------------------------------------------------------


def test_unknown_subcommands_go_to_django(tmp_path):
    env = child_env(tmp_path)
    version = sambruk("version", env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().startswith("5.2")

    listing = sambruk("help", "--commands", env=env)
    assert listing.returncode == 0, listing.stderr
    for command in ("migrate", "createsuperuser", "shell", "run_huey"):
        assert command in listing.stdout.split()

    unknown = sambruk("no_such_command", env=env)
    assert unknown.returncode != 0
    assert "Unknown command" in unknown.stderr


def test_help_lists_own_commands(tmp_path):
    result = sambruk("--help", env=child_env(tmp_path))
    assert result.returncode == 0
    for command in ("serve", "worker", "setup", "demo", "backup", "restore"):
        assert command in result.stdout


def test_main_in_process_dispatches_passthrough(capsys):
    from sambruk import cli

    assert cli.main(["version"]) == 0
    assert capsys.readouterr().out.strip().startswith("5.2")


# --- serve ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_web_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    env = child_env(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sambruk.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        status, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if not any("Avsluta med Ctrl-C" in line for line in lines):
                time.sleep(0.2)
                continue
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    status = r.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200, "serve did not answer /healthz:\n" + "".join(lines)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    out = "".join(lines)
    assert proc.returncode == 0, out
    assert f"Sambruk kör på http://127.0.0.1:{port}" in out
    assert "Demo-2026-sambruk" in out
    # Nothing of the process group is left running.
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)


# --- ssbtek-sim -----------------------------------------------------------------------------


def test_ssbtek_sim_both_spellings_and_errors_from_the_command_line(tmp_path):
    import datetime as dt

    from sambruk.ekbist.ssbtek import types as t
    from sambruk.ekbist.ssbtek.client import SsbtekClient, SsbtekConfig

    env = child_env(tmp_path)
    for spelling in ("ssbtek-sim", "ssbtek_sim"):
        usage = sambruk("help", spelling, env=env)
        assert usage.returncode == 0, usage.stderr
        assert "--error" in usage.stdout and "--latency" in usage.stdout

    bad = sambruk("ssbtek-sim", "--error", "191212121212:XYZ", env=env)
    assert bad.returncode != 0
    assert "Okänd myndighet 'XYZ'" in bad.stderr
    bad = sambruk("ssbtek-sim", "--error", "191212121213:FK", env=env)
    assert bad.returncode != 0
    assert "Ogiltigt personnummer" in bad.stderr and "kontrollsiffra" in bad.stderr

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sambruk.cli",
            "ssbtek-sim",
            "--port",
            str(port),
            "--error",
            "19121212-1212:FK:FK-500",
            "--error",
            "191212121212:tns",
            "--no-default-errors",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if any("SSBTEK-simulatorn svarar" in line for line in lines):
                break
            time.sleep(0.2)
        assert any("SSBTEK-simulatorn svarar" in line for line in lines), "".join(lines)
        client = SsbtekClient(SsbtekConfig(url=f"http://127.0.0.1:{port}/", timeout=10))
        query = {
            "ingivare": t.Ingivare("2120001234", "Sandvikens kommun", "handl01"),
            "arendeidentitet": "EB-2026-17",
            "from_datum": dt.date(2026, 8, 1),
            "tom_datum": dt.date(2026, 10, 31),
            "syfte": "Utredning av rätt till ekonomiskt bistånd",
            "lagtext": "socialtjänstlagen (2025:400)",
        }
        tolvan = client.hamta(personnummer="191212121212", agencies=("FK", "TNS", "SO"), **query)
        assert tolvan.agencies["FK"].error.felkod == "FK-500"
        assert "Försäkringskassan kunde inte svara" in tolvan.agencies["FK"].error.felmeddelanden[0]
        assert tolvan.agencies["TNS"].error.felkod == "TNS-503"
        assert tolvan.agencies["SO"].error is None
        # --no-default-errors: CSN answers for Testa Påhittadsson
        testa = client.hamta(personnummer="198112189876", agencies=("CSN",), **query)
        assert testa.agencies["CSN"].error is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
