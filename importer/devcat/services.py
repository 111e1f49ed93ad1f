"""PostgreSQL and Redis for the dev catalogue: reuse local ones, else install and start our own.

System packages come from the distribution (``apt-get``), which needs root. Without root,
a missing piece is reported in one line that says how to provide it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
from pathlib import Path

from importer.devcat import procs
from importer.devcat.errors import DevCatalogueError, MissingPrerequisite
from importer.devcat.layout import DEFAULT_PG_PORT, Layout, State

DB_NAME = "ckan_devcat"  # the default variant's; others add their key (db_name)
DB_USER = "ckan_devcat"
DB_PASSWORD = "ckan_devcat"  # local-only cluster bound to 127.0.0.1
NO_CKAN_HINT = "or set CKAN_URL (and the CKAN_*_TOKEN variables) to test against an existing CKAN"


def is_root() -> bool:
    return os.geteuid() == 0


def apt_install(packages: list[str], log_path: Path) -> None:
    """Install Debian packages (root only); one ``apt-get update`` per call."""
    if not packages:
        return
    if not is_root() or shutil.which("apt-get") is None:
        raise MissingPrerequisite(
            f"missing system packages: {' '.join(packages)}. Install them "
            f"(e.g. sudo apt-get install {' '.join(packages)}), {NO_CKAN_HINT}."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    procs.run(["apt-get", "update"], "apt-get update", env=env, log_path=log_path)
    procs.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages],
        f"apt-get install {' '.join(packages)}",
        env=env,
        log_path=log_path,
    )


def missing_build_packages() -> list[str]:
    """Packages needed to compile psycopg2 when the CKAN venv is built."""
    missing = []
    if shutil.which("pg_config") is None:
        missing.append("libpq-dev")
    if shutil.which("gcc") is None:
        missing.append("gcc")
    return missing


def pg_bindir() -> Path | None:
    """Directory holding initdb/pg_ctl/postgres (Debian puts them off PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


# --------------------------------------------------------------------------- PostgreSQL


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb/pg_ctl refuse to run as root: run them as the ``postgres`` OS user."""
    if not is_root():
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


def _pg_admin_ok(layout: Layout, admin_url: str) -> bool:
    """Can the CKAN venv's psycopg2 log in with this admin URL and create databases?"""
    code = (
        "import sys, psycopg2\n"
        "c = psycopg2.connect(sys.argv[1], connect_timeout=3)\n"
        "cur = c.cursor(); cur.execute('select rolcreatedb or rolsuper from pg_roles "
        "where rolname = current_user'); sys.exit(0 if cur.fetchone()[0] else 1)\n"
    )
    try:
        procs.run([str(layout.bin("python")), "-c", code, admin_url], "postgres probe")
    except DevCatalogueError:
        return False
    return True


def _init_private_cluster(layout: Layout, root: Path, bindir: Path) -> None:
    """initdb a throw-away cluster (trust auth, TCP on 127.0.0.1 only, no fsync: dev data)."""
    root.mkdir(parents=True, exist_ok=True)
    if is_root():
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(root.parent, "postgres", "postgres")
    data = root / "data"
    procs.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--no-locale"]),
        "initdb",
        log_path=layout.logs / "setup.log",
    )
    settings = (
        "\n# bcdc-importer dev catalogue\nlisten_addresses = '127.0.0.1'\n"
        "unix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\n"
        "full_page_writes = off\n"
    )
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(settings)


def _start_private_cluster(layout: Layout, state: State) -> None:
    """Start (initdb first if needed) the private cluster on a free port; record its PID."""
    bindir = pg_bindir()
    if bindir is None:
        apt_install(["postgresql"], layout.logs / "setup.log")
        bindir = pg_bindir()
        if bindir is None:
            raise MissingPrerequisite(f"PostgreSQL is not installed (no initdb), {NO_CKAN_HINT}.")
    root = Path(state.pg_root) if state.pg_root else layout.pg_root(is_root())
    if not (root / "data" / "PG_VERSION").exists():
        _init_private_cluster(layout, root, bindir)
    port = procs.free_port(state.pg_port or DEFAULT_PG_PORT)
    log = root / "postgres.log"
    procs.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(log),
                      "-o", f"-p {port}", "-w", "-t", "60", "start"]),
        "starting PostgreSQL",
    )
    pid_line = (root / "data" / "postmaster.pid").read_text().splitlines()[0]
    state.pg_root, state.pg_port, state.pg_ours = str(root), port, True
    state.pids["postgres"] = int(pid_line)
    state.db_admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"


def ensure_postgres(layout: Layout, state: State) -> None:
    """Use a usable server on 127.0.0.1 (ours from last time, $BCDC_DEVCAT_PG_ADMIN_URL, or
    a trust-auth one on 5432); otherwise start the private cluster."""
    if state.pg_ours and procs.pid_alive(state.pids.get("postgres")):
        if (Path(state.pg_root) / "data" / "PG_VERSION").exists():
            return
        # our server lost its data directory (deleted under it): stop it and start afresh
        procs.stop_pid(state.pids.pop("postgres", None), signal.SIGQUIT, timeout=30)
    candidates = [os.environ.get("BCDC_DEVCAT_PG_ADMIN_URL", "")]
    if procs.port_in_use(5432):
        candidates.append("postgresql://postgres@127.0.0.1:5432/postgres")
    for url in filter(None, candidates):
        if _pg_admin_ok(layout, url):
            state.db_admin_url, state.pg_ours = url, False
            state.pids.pop("postgres", None)
            return
    _start_private_cluster(layout, state)


def db_name(layout: Layout) -> str:
    """Each variant has its own database, so variants may share one PostgreSQL server."""
    if layout.variant.is_default:
        return DB_NAME
    return DB_NAME + "_" + "".join(c if c.isalnum() else "_" for c in layout.variant.key)


def _db_admin(layout: Layout, state: State, drop: bool) -> bool:
    """Create (optionally drop first) the dedicated role and database."""
    code = (
        "import sys, psycopg2\n"
        "url, db, user, pw, drop = sys.argv[1:6]\n"
        "c = psycopg2.connect(url); c.autocommit = True; cur = c.cursor()\n"
        "if drop == '1': cur.execute(f'drop database if exists \"{db}\" with (force)')\n"
        "cur.execute('select 1 from pg_roles where rolname = %s', (user,))\n"
        "if not cur.fetchone(): cur.execute(f'create role \"{user}\" login password %s', (pw,))\n"
        "cur.execute('select 1 from pg_database where datname = %s', (db,))\n"
        "if not cur.fetchone():\n"
        "    cur.execute(f'create database \"{db}\" owner \"{user}\" "
        "encoding \\'UTF8\\' template template0'); print('created')\n"
    )
    out = procs.run(
        [str(layout.bin("python")), "-c", code, state.db_admin_url, db_name(layout), DB_USER,
         DB_PASSWORD, "1" if drop else "0"],
        "creating the CKAN database",
    )
    host_port = state.db_admin_url.split("@", 1)[1].split("/", 1)[0]
    state.db_url = f"postgresql://{DB_USER}:{DB_PASSWORD}@{host_port}/{db_name(layout)}"
    return "created" in out.split()


def ensure_database(layout: Layout, state: State, drop: bool = False) -> bool:
    """Create the database if it is missing; True when it was created now (a new
    database: the caller starts the search index empty too)."""
    return _db_admin(layout, state, drop)


def stop_postgres(state: State) -> bool:
    """Fast shutdown (SIGINT) of the private cluster, by its recorded PID."""
    if not state.pg_ours:
        return False
    stopped = procs.stop_pid(state.pids.pop("postgres", None), signal.SIGINT, timeout=30)
    return stopped


# --------------------------------------------------------------------------- Redis


def redis_ping(port: int, host: str = "127.0.0.1") -> bool:
    """True if a Redis answers PING on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(layout: Layout, state: State) -> None:
    """Use Redis on 127.0.0.1:6379 if it answers; else start a private daemonized one."""
    if state.redis_ours and procs.pid_alive(state.pids.get("redis")) and redis_ping(
        state.redis_port
    ):
        return
    if redis_ping(6379):
        state.redis_url, state.redis_port = "redis://127.0.0.1:6379/1", 6379
        state.redis_ours = False
        state.pids.pop("redis", None)
        return
    binary = shutil.which("redis-server")
    if binary is None:
        apt_install(["redis-server"], layout.logs / "setup.log")
        binary = shutil.which("redis-server")
        if binary is None:
            raise MissingPrerequisite(f"redis-server is not installed, {NO_CKAN_HINT}.")
    port = procs.free_port(state.redis_port or 6389)
    pidfile = layout.site / "redis.pid"
    pidfile.unlink(missing_ok=True)
    procs.run(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--pidfile", str(pidfile), "--logfile", str(layout.logs / "redis.log"),
         "--dir", str(layout.site), "--save", "", "--appendonly", "no"],
        "starting redis-server",
    )
    procs.wait_until(lambda: redis_ping(port) and pidfile.exists(), None,
                     layout.logs / "redis.log", "redis-server", timeout=20)
    state.pids["redis"] = int(pidfile.read_text().strip())
    state.redis_url, state.redis_ours, state.redis_port = f"redis://127.0.0.1:{port}/1", True, port


def stop_redis(state: State) -> bool:
    if not state.redis_ours:
        return False
    return procs.stop_pid(state.pids.pop("redis", None))
