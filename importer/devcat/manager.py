"""Bring the dev catalogue up, down, reset it, report its status (library API).

Functions write progress to an optional text stream and return values; they never exit or
print to the global stdout. Expected failures raise :class:`DevCatalogueError` subclasses
with a one-line (or log-tail) message.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from importer.devcat import ckanenv, index, procs, seed, services
from importer.devcat.errors import DevCatalogueError, MissingPrerequisite
from importer.devcat.layout import DEFAULT_CKAN_PORT, Layout, State, default_home
from importer.devcat.seed import Seed
from importer.devcat.variant import DEFAULT, Variant

SOLR_STANDIN = Path(__file__).with_name("solr_standin.py")
GUNICORN_WORKERS = 2


@dataclass(frozen=True)
class UpResult:
    """What ``up`` produced: the seeded site, whether this call started it, and timings."""

    site: Seed
    started: bool
    venv_built: bool
    seconds: float


@dataclass(frozen=True)
class Status:
    """Which parts are running (by recorded PID) and whether CKAN answers."""

    home: Path
    url: str | None
    responding: bool
    processes: dict[str, bool]
    venv_ready: bool


def _say(out: TextIO | None, message: str) -> None:
    if out is not None:
        out.write(message + "\n")
        out.flush()


def _layout(home: Path | None, variant: Variant = DEFAULT) -> Layout:
    """The state layout; the home must be creatable (e.g. not under a missing $HOME)."""
    layout = Layout(home or default_home(), variant)
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MissingPrerequisite(
            f"cannot create the dev catalogue's state directory {layout.home} "
            f"({exc.strerror}); set BCDC_DEVCAT_HOME to a writable directory"
        ) from None
    return layout


def _requested_port(variant: Variant = DEFAULT) -> int:
    """``$BCDC_DEVCAT_PORT`` (default 5055) plus the variant's offset (2.9: +10, stock: +20),
    so one setting gives every variant its own port."""
    raw = os.environ.get("BCDC_DEVCAT_PORT", "")
    if not raw:
        return DEFAULT_CKAN_PORT + variant.port_offset
    if not raw.isdigit() or not 0 < int(raw) + variant.port_offset < 65536:
        raise DevCatalogueError(f"BCDC_DEVCAT_PORT must be a port number, not {raw!r}")
    return int(raw) + variant.port_offset


def _running_site(layout: Layout, state: State) -> Seed | None:
    """The seeded site if our gunicorn is alive, answers, and the saved seed is valid."""
    if not procs.pid_alive(state.pids.get("gunicorn")):
        return None
    url = ckanenv.site_url(state)
    if not procs.ckan_responds(url):
        return None
    saved = Seed.load(layout.seed_file)
    return saved if saved and saved.url == url and seed.seed_valid(saved, url) else None


def _start_solr(layout: Layout, state: State, out: TextIO | None) -> None:
    if procs.pid_alive(state.pids.get("solr")) and procs.port_in_use(state.solr_port):
        return
    state.solr_port = procs.free_port(state.solr_port or None)
    log = layout.logs / "solr-standin.log"
    argv = [sys.executable, str(SOLR_STANDIN), "--port", str(state.solr_port),
            "--data", str(layout.solr_data)]
    if layout.variant.ckan == "2.9":  # 2.9 accepts Solr schema versions 2.8-2.10 only
        argv += ["--schema-name", "ckan-2.9"]
    pid = procs.start_background(argv, log)
    state.pids["solr"] = pid
    procs.wait_until(lambda: procs.port_in_use(state.solr_port), pid, log,
                     "the Solr stand-in", timeout=20)
    _say(out, f"Solr stand-in (not Solr) on 127.0.0.1:{state.solr_port}")


def _start_ckan(layout: Layout, state: State, out: TextIO | None) -> None:
    """Start gunicorn; a gunicorn we recorded earlier that is alive but not healthy goes first."""
    if procs.stop_pid(state.pids.pop("gunicorn", None)):
        _say(out, "stopped an unhealthy CKAN from an earlier run")
    wanted = _requested_port(layout.variant)
    state.ckan_port = procs.free_port(wanted)
    if state.ckan_port != wanted:
        _say(out, f"port {wanted} is in use; using {state.ckan_port}")
    ckanenv.write_site_files(layout, state)
    log = layout.logs / "ckan.log"
    log.write_text("")
    env = ckanenv.process_env(layout)
    pid = procs.start_background(
        [str(layout.bin("gunicorn")), "--workers", str(GUNICORN_WORKERS), "--bind",
         f"127.0.0.1:{state.ckan_port}", "--timeout", "120", "--chdir", str(layout.site),
         "wsgi:application"],
        log, cwd=layout.site, env=env,
    )
    state.pids["gunicorn"] = pid
    state.save(layout.state_file)
    url = ckanenv.site_url(state)
    procs.wait_until(lambda: procs.ckan_responds(url), pid, log, "CKAN (gunicorn)",
                     timeout=120)
    flavour = "" if layout.variant.schema == "bc" else " (stock schema)"
    _say(out, f"CKAN {layout.variant.ckan}{flavour} on {url}")


def _ensure_db_schema(layout: Layout, out: TextIO | None) -> None:
    """``ckan db init`` is idempotent (runs pending migrations); cheap on a warm start."""
    ckanenv.ckan(layout, "db", "init", what="ckan db init")
    _say(out, "database ready")


def _bring_up(layout: Layout, state: State, out: TextIO | None, fresh_db: bool) -> bool:
    """Start everything that is not running. Returns True if the CKAN venv was built now."""
    layout.logs.mkdir(parents=True, exist_ok=True)
    built = ckanenv.ensure_venv(layout)
    if built:
        _say(out, f"built the CKAN venv in {layout.venv}")
    services.ensure_postgres(layout, state)
    services.ensure_redis(layout, state)
    if services.ensure_database(layout, state, drop=fresh_db):
        # a new database starts with an empty index (one lifetime for both)
        procs.stop_pid(state.pids.pop("solr", None))
        index.clear_index_file(layout)
    ckanenv.ensure_secret(state)
    state.save(layout.state_file)
    _start_solr(layout, state, out)
    state.save(layout.state_file)
    if state.ckan_port == 0:
        state.ckan_port = procs.free_port(_requested_port(layout.variant))
    ckanenv.write_site_files(layout, state)
    _ensure_db_schema(layout, out)
    _start_ckan(layout, state, out)
    state.save(layout.state_file)
    return built


def up(
    home: Path | None = None, out: TextIO | None = None, variant: Variant = DEFAULT
) -> UpResult:
    """Start the dev catalogue (or find it running) and return its seeded site.

    The first run builds the CKAN venv and seeds users/orgs; later runs reuse both.
    """
    layout = _layout(home, variant)
    started_at = time.monotonic()
    with procs.file_lock(layout.lock):
        state = State.load(layout.state_file)
        running = _running_site(layout, state)
        if running is not None:
            _say(out, f"already running on {running.url}")
            index.mend(layout, state, out)
            return UpResult(running, False, False, time.monotonic() - started_at)
        try:
            built = _bring_up(layout, state, out, fresh_db=False)
            url = ckanenv.site_url(state)
            saved = Seed.load(layout.seed_file)
            if saved and seed.seed_valid(saved, url):
                site = dataclasses.replace(saved, url=url)
                site.save(layout.seed_file)
                seed.ensure_agency(url, site.sysadmin_token)
            else:
                site = _reseed(layout, state, out)
            index.mend(layout, state, out)
        except BaseException:
            _stop_all(layout, state, None)
            raise
        return UpResult(site, True, built, time.monotonic() - started_at)


def _reseed(layout: Layout, state: State, out: TextIO | None) -> Seed:
    """Seed an empty site. A stale seed (other URL, wiped db) means start from a clean db."""
    url = ckanenv.site_url(state)
    body = procs.http_json(f"{url}/api/3/action/user_show?id={seed.SYSADMIN}")
    if isinstance(body, dict) and body.get("success"):
        _say(out, "saved tokens do not match this site's data: wiping it")
        _wipe(layout, state, out)
    result = seed.seed(layout, ckanenv.site_url(state))
    _say(out, "seeded sysadmin, org admin, editor and three organizations")
    return result


def _wipe(layout: Layout, state: State, out: TextIO | None) -> None:
    """Stop CKAN and the stand-in, drop the database and the index, start again."""
    procs.stop_pid(state.pids.pop("gunicorn", None))
    procs.stop_pid(state.pids.pop("solr", None))
    layout.solr_data.unlink(missing_ok=True)
    layout.seed_file.unlink(missing_ok=True)
    state.save(layout.state_file)
    _bring_up(layout, state, out, fresh_db=True)


def reset(
    home: Path | None = None, out: TextIO | None = None, variant: Variant = DEFAULT
) -> UpResult:
    """Wipe all data (database and search index) and re-seed; leaves the catalogue running."""
    layout = _layout(home, variant)
    started_at = time.monotonic()
    with procs.file_lock(layout.lock):
        state = State.load(layout.state_file)
        try:
            _wipe(layout, state, out)
            site = seed.seed(layout, ckanenv.site_url(state))
        except BaseException:
            _stop_all(layout, state, None)
            raise
        _say(out, "reset done")
        return UpResult(site, True, False, time.monotonic() - started_at)


def _stop_all(layout: Layout, state: State, out: TextIO | None) -> list[str]:
    """Stop, by recorded PID, everything ``up`` started; return what was stopped."""
    stopped = []
    for name in ("gunicorn", "solr"):
        if procs.stop_pid(state.pids.pop(name, None)):
            stopped.append(name)
    if services.stop_redis(state):
        stopped.append("redis")
    if services.stop_postgres(state):
        stopped.append("postgres")
    state.save(layout.state_file)
    for name in stopped:
        _say(out, f"stopped {name}")
    return stopped


def down(
    home: Path | None = None, out: TextIO | None = None, variant: Variant = DEFAULT
) -> list[str]:
    """Stop exactly the processes ``up`` started (CKAN, the stand-in, private PG/Redis)."""
    layout = _layout(home, variant)
    with procs.file_lock(layout.lock):
        state = State.load(layout.state_file)
        stopped = _stop_all(layout, state, out)
        if not stopped:
            _say(out, "nothing was running")
        return stopped


def status(home: Path | None = None, variant: Variant = DEFAULT) -> Status:
    """Report which recorded processes are alive and whether CKAN answers."""
    layout = _layout(home, variant)
    state = State.load(layout.state_file)
    processes = {name: procs.pid_alive(pid) for name, pid in state.pids.items()}
    url = ckanenv.site_url(state) if state.ckan_port else None
    responding = bool(url and processes.get("gunicorn") and procs.ckan_responds(url))
    venv_ready = (layout.venv / "devcat-ready.json").exists()
    return Status(layout.root, url, responding, processes, venv_ready)


def load_site(home: Path | None = None, variant: Variant = DEFAULT) -> Seed | None:
    """The saved seed (tokens, orgs) of the dev catalogue, if any."""
    return Seed.load(_layout(home, variant).seed_file)


__all__ = ["DevCatalogueError", "Status", "UpResult", "down", "load_site", "reset", "status", "up"]
