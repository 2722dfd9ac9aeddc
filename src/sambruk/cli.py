"""Kommandoradsverktyget ``sambruk``.

Egna underkommandon::

    sambruk serve [--host H] [--port P | --bind H:P] [--workers N] [--no-worker]
    sambruk worker            # huey-konsumenten (manage.py run_huey)
    sambruk mailin            # SMTP-mottagaren för inkommande e-post (manage.py mailin)
    sambruk setup [--no-demo] # migrate, collectstatic, översättningar, load_reference, load_demo
    sambruk demo              # load_demo
    sambruk backup PATH       # SQLite: online-kopia; PostgreSQL: pg_dump -Fc
    sambruk restore PATH      # SQLite: tillbaka-kopia; PostgreSQL: pg_restore --clean --if-exists

Alla andra underkommandon skickas vidare till Djangos ``manage.py``
(``sambruk migrate``, ``sambruk createsuperuser``, ``sambruk shell`` ...). Django-kommandon
med understreck kan också skrivas med bindestreck där de finns i ``COMMAND_ALIASES``
(``sambruk ssbtek-sim`` = ``sambruk ssbtek_sim``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

SETTINGS_MODULE = "sambruk.settings"

DEMO_PASSWORD = "Demo-2026-sambruk"  # noqa: S105 - documented demo password
DEMO_TOTP_CODE = "000000"
DEMO_LOGINS = [
    ("admin@sandviken.example.se", "Administratör, Sandvikens kommun"),
    ("handlaggare@sandviken.example.se", "Handläggare, Sandvikens kommun"),
    ("granskare@sandviken.example.se", "Granskare, Sandvikens kommun"),
    ("handlaggare@gavle.example.se", "Handläggare, Gävle kommun"),
    ("trafikverket@trafikverket.example.se", "Trafikverket (extern myndighet)"),
]

OWN_COMMANDS = (
    "serve",
    "worker",
    "setup",
    "demo",
    "backup",
    "restore",
    "compile-translations",
)
# Hyphenated spellings of Django management commands (the docs and issues use both).
COMMAND_ALIASES = {"ssbtek-sim": "ssbtek_sim"}
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class CliError(Exception):
    """An error with a message meant for the operator; printed without a traceback."""


# --- helpers ------------------------------------------------------------------------------


def _configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)


def _django():
    _configure()
    import django

    django.setup()


def _settings():
    _configure()
    from django.conf import settings

    return settings


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def _call(name: str, *args: str) -> None:
    from django.core.management import call_command

    call_command(name, *args)


def _db() -> dict:
    return _settings().DATABASES["default"]


def _is_sqlite(db: dict) -> bool:
    return db["ENGINE"] == "django.db.backends.sqlite3"


def _is_postgres(db: dict) -> bool:
    return "postgresql" in db["ENGINE"] or "postgis" in db["ENGINE"]


def _pg_args_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from the parsed DATABASE_URL."""
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def demo_logins() -> tuple[list[tuple[str, str]], str]:
    """The demo accounts and password: from load_demo's own module when it loads, else ours."""
    try:
        _django()
        from sambruk.core.accounts.demo import DEMO_USERS
        from sambruk.core.demo import DEMO_PASSWORD as password
        from sambruk.core.demo import extra_demo_logins

        rows = [
            (str(email), "plattformsadministratör" if superuser else str(role))
            for email, _name, _org, role, superuser in DEMO_USERS
        ]
        rows += extra_demo_logins()
        return rows, str(password)
    except Exception:
        return DEMO_LOGINS, DEMO_PASSWORD


def print_demo_logins(out=None, logins=None) -> None:
    out = out or sys.stdout
    rows, password = logins or demo_logins()
    print("Demoinloggningar (endast demoläge):", file=out)
    width = max(len(email) for email, _ in rows)
    for email, who in rows:
        print(f"  {email.ljust(width)}  {who}", file=out)
    print(f"  Lösenord: {password}    Engångskod (TOTP): {DEMO_TOTP_CODE}", file=out)


# --- translations -------------------------------------------------------------------------


def compile_translations(verbose: bool = True) -> int:
    """Compile every locale/*/LC_MESSAGES/*.po whose .mo is missing or older (Babel, no gettext).

    Returns the number of catalogues compiled. Skips quietly where the package is read-only.
    """
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:  # pragma: no cover - Babel is a dependency
        return 0
    base = Path(__file__).resolve().parent
    compiled = 0
    for po in sorted(base.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        locale = po.parent.parent.name
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as fh:
                write_mo(fh, catalog)
            tmp.replace(mo)
        except OSError as exc:
            print(f"Kunde inte kompilera {po}: {exc}", file=sys.stderr)
            continue
        compiled += 1
        if verbose:
            print(f"Kompilerade {po.relative_to(base.parent)}")
    return compiled


def cmd_compile_translations(args: argparse.Namespace) -> int:
    n = compile_translations()
    if not n:
        print("Alla översättningar är redan kompilerade.")
    return 0


# --- serve / worker -----------------------------------------------------------------------


def _wait_for_port(host: str, port: int, timeout: float, procs: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + timeout
    connect_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    connect_host = "::1" if connect_host == "::" else connect_host
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with socket.create_connection((connect_host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(procs: list[subprocess.Popen], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(sig)
    deadline = time.monotonic() + timeout
    for p in procs:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            p.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _gunicorn_has_option(flag: str) -> bool:
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:  # pragma: no cover
        return False
    return any(flag in (getattr(s, "cli", None) or []) for s in KNOWN_SETTINGS)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    host, port = args.host, args.port
    if args.bind:
        host, _, port_s = args.bind.rpartition(":")
        if not host or not port_s.isdigit():
            raise CliError(f"Ogiltigt --bind {args.bind!r}: ange VÄRD:PORT, t.ex. 127.0.0.1:8000.")
        port = int(port_s)
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    settings = _settings()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ["DJANGO_SETTINGS_MODULE"])

    web_cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "sambruk.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(args.workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
    ]
    if _gunicorn_has_option("--no-control-socket"):
        # Several instances on one machine must not fight over ~/.gunicorn/gunicorn.ctl.
        web_cmd.append("--no-control-socket")
    worker_cmd = [sys.executable, "-m", "sambruk.cli", "worker"]
    mailin_cmd = [sys.executable, "-m", "sambruk.cli", "mailin"]
    start_mailin = args.mailin if args.mailin is not None else getattr(settings, "DEMO_MODE", False)
    mailin_addr = (
        getattr(settings, "MAILIN_HOST", "127.0.0.1"),
        getattr(settings, "MAILIN_PORT", 2525),
    )
    if start_mailin and not _port_free(*mailin_addr):
        print(
            f"E-postmottagaren (sambruk mailin) startas inte: {mailin_addr[0]}:{mailin_addr[1]} "
            "används redan.",
            file=sys.stderr,
        )
        start_mailin = False

    procs: list[subprocess.Popen] = []
    mailin = None
    stopping = {"flag": False}

    def on_signal(signum, frame):
        # Only the first signal interrupts; later ones (a process-group kill, a second
        # Ctrl-C) must not break off the orderly stop of the children.
        if stopping["flag"]:
            return
        stopping["flag"] = True
        raise KeyboardInterrupt

    # Load everything that is printed before any child starts: the output must not lag behind.
    logins = demo_logins() if getattr(settings, "DEMO_MODE", False) else None

    old_term = signal.signal(signal.SIGTERM, on_signal)
    old_hup = signal.signal(signal.SIGHUP, on_signal)
    old_int = signal.signal(signal.SIGINT, on_signal)
    try:
        web = subprocess.Popen(web_cmd, env=env)  # noqa: S603
        procs.append(web)
        if not args.no_worker:
            procs.append(subprocess.Popen(worker_cmd, env=env))  # noqa: S603
        if start_mailin:
            mailin = subprocess.Popen(mailin_cmd, env=env)  # noqa: S603
            procs.append(mailin)
        if not _wait_for_port(host, port, 60, procs):
            _stop(procs)
            raise CliError(f"Webbservern startade inte på {bind}.")
        shown = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104
        url = f"http://{shown}:{port}" if ":" not in shown else f"http://[{shown}]:{port}"
        print()
        print(f"Sambruk kör på {url}")
        if not args.no_worker:
            print("Uppgiftskön (huey) körs i bakgrunden.")
        if mailin is not None:
            print(f"E-postmottagaren tar emot SMTP på {mailin_addr[0]}:{mailin_addr[1]}.")
        if logins:
            print_demo_logins(logins=logins)
        print("Avsluta med Ctrl-C.", flush=True)
        while True:
            for p in procs:
                rc = p.poll()
                if rc is not None and p is mailin:
                    # Inbound e-mail is optional: the web server and the queue go on.
                    print(f"E-postmottagaren avslutades (kod {rc}).", file=sys.stderr)
                    procs.remove(p)
                    mailin = None
                    break
                if rc is not None:
                    name = "webbservern" if p is web else "uppgiftskön"
                    print(f"{name} avslutades oväntat (kod {rc}); stoppar.", file=sys.stderr)
                    _stop(procs)
                    return rc or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStoppar Sambruk ...", flush=True)
        _stop(procs)
        return 0
    finally:
        _stop(procs)  # whatever happened (even a broken stdout pipe), no child is left behind
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGHUP, old_hup)
        signal.signal(signal.SIGINT, old_int)


def cmd_worker(args: argparse.Namespace) -> int:
    _configure()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sambruk", "run_huey", *args.rest])
    return 0


# --- setup / demo -------------------------------------------------------------------------


def _load_demo() -> None:
    settings = _settings()
    if not getattr(settings, "DEMO_MODE", False):
        print("Demoläget är avstängt (SAMBRUK_DEMO): ingen demodata laddas.")
        return
    if not _has_command("load_demo"):
        print(
            "Demodata laddas inte: kommandot load_demo finns inte ännu (sambruk.core.accounts).",
            file=sys.stderr,
        )
        return
    _call("load_demo")


def cmd_setup(args: argparse.Namespace) -> int:
    compile_translations()
    _django()
    _call("migrate", "--noinput")
    _call("collectstatic", "--noinput", "--verbosity", "0")
    if _has_command("load_reference"):
        _call("load_reference")
    else:
        print(
            "Referensdata laddas inte: kommandot load_reference finns inte ännu.", file=sys.stderr
        )
    if not args.no_demo:
        _load_demo()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    _load_demo()
    return 0


# --- backup / restore ---------------------------------------------------------------------


def _sqlite_path(db: dict) -> Path:
    return Path(str(db["NAME"]))


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def cmd_backup(args: argparse.Namespace) -> int:
    target = Path(args.path).resolve()
    if target.exists() and not args.force:
        raise CliError(f"{target} finns redan; välj ett annat namn eller ange --force.")
    target.parent.mkdir(parents=True, exist_ok=True)
    db = _db()
    if _is_sqlite(db):
        source = _sqlite_path(db)
        if not _is_sqlite_file(source):
            raise CliError(f"Databasen {source} finns inte (kör `sambruk setup` först).")
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # online: consistent even while the server writes
        finally:
            dst.close()
            src.close()
        tmp.replace(target)
    elif _is_postgres(db):
        conn_args, env = _pg_args_env(db)
        cmd = ["pg_dump", "--format=custom", "--file", str(target), *conn_args]
        result = subprocess.run(cmd, env=env)  # noqa: S603
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise CliError(f"pg_dump misslyckades (kod {result.returncode}).")
    else:
        raise CliError(f"Säkerhetskopiering stöds inte för {db['ENGINE']}.")
    print(f"Säkerhetskopia skriven: {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.path).resolve()
    if not source.is_file():
        raise CliError(f"Filen {source} finns inte.")
    db = _db()
    if _is_sqlite(db):
        if not _is_sqlite_file(source):
            raise CliError(
                f"Filen {source} är ingen SQLite-databas; återställningen avbröts och "
                "databasen är orörd."
            )
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        finally:
            check.close()
        if not ok:
            raise CliError(f"Filen {source} är en skadad SQLite-databas; återställningen avbröts.")
        target = _sqlite_path(db)
        if not _confirm(args, f"Ersätta databasen {target} med {source}?"):
            return 1
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            # The backup API (rather than a file copy) keeps the -wal/-shm files consistent.
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif _is_postgres(db):
        with source.open("rb") as fh:
            if fh.read(5) != PGDUMP_MAGIC:
                raise CliError(
                    f"Filen {source} är ingen pg_dump-fil i custom-format (pg_dump -Fc); "
                    "återställningen avbröts."
                )
        if not _confirm(args, f"Ersätta innehållet i databasen {db['NAME']} med {source}?"):
            return 1
        conn_args, env = _pg_args_env(db)
        cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", *conn_args, str(source)]
        result = subprocess.run(cmd, env=env)  # noqa: S603
        if result.returncode != 0:
            raise CliError(f"pg_restore misslyckades (kod {result.returncode}).")
    else:
        raise CliError(f"Återställning stöds inte för {db['ENGINE']}.")
    print(f"Databasen återställd från {source}. Kör `sambruk migrate` om koden är nyare.")
    return 0


def _confirm(args: argparse.Namespace, question: str) -> bool:
    if args.yes or not sys.stdin.isatty():
        return True
    print("Stoppa webbserver och uppgiftskö innan du återställer.")
    answer = input(f"{question} [j/N] ").strip().lower()
    return answer in ("j", "ja", "y", "yes")


# --- entry point --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sambruk",
        description="Sambruks plattform för kommunal samverkan.",
        epilog=(
            "Alla andra kommandon skickas till Django: sambruk migrate, sambruk createsuperuser, "
            "sambruk shell, sambruk help ..."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")

    p = sub.add_parser("serve", help="webbserver (gunicorn) och uppgiftskö (huey)")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--bind", help="VÄRD:PORT (ersätter --host/--port)")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")))
    p.add_argument("--no-worker", action="store_true", help="bara webbservern, ingen uppgiftskö")
    p.add_argument("--access-log", action="store_true", help="skriv åtkomstlogg till stdout")
    p.add_argument(
        "--mailin",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="starta även e-postmottagaren (sambruk mailin); standard: på i demoläge",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="uppgiftskön (manage.py run_huey)")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="argument till run_huey")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("setup", help="migrera, samla statiska filer, ladda referens- och demodata")
    p.add_argument("--no-demo", action="store_true", help="ladda inte demodata")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser(
        "compile-translations", help="kompilera .po till .mo med Babel (utan gettext)"
    )
    p.set_defaults(func=cmd_compile_translations)

    p = sub.add_parser("demo", help="ladda demodata (load_demo)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("backup", help="säkerhetskopiera databasen till PATH")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help="skriv över PATH om den finns")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="återställ databasen från PATH")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--yes", "-y", action="store_true", help="fråga inte")
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _configure()
    if argv and argv[0] in COMMAND_ALIASES:
        argv[0] = COMMAND_ALIASES[argv[0]]
    if len(argv) > 1 and argv[0] == "help" and argv[1] in COMMAND_ALIASES:
        argv[1] = COMMAND_ALIASES[argv[1]]
    if argv and not argv[0].startswith("-") and argv[0] not in OWN_COMMANDS:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sambruk", *argv])
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except CliError as exc:
        print(f"sambruk {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
