"""Bad input for the dev catalogue manager: clear one-line errors, never a wrapper traceback."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from importer.devcat import procs, services
from importer.devcat.errors import MissingPrerequisite, ServerStartError
from importer.errors import ImporterError


def test_missing_packages_without_root_say_what_and_how(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(services, "is_root", lambda: False)
    with pytest.raises(MissingPrerequisite) as caught:
        services.apt_install(["postgresql"], tmp_path / "setup.log")
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "missing system packages: postgresql. Install them (e.g. sudo apt-get install "
        "postgresql), or set CKAN_URL (and the CKAN_*_TOKEN variables) to test against an "
        "existing CKAN."
    )
    assert isinstance(caught.value, ImporterError)


def test_port_in_use_moves_to_a_free_one() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        chosen = procs.free_port(taken)
    assert chosen != taken
    assert chosen > 0


def test_failed_start_reports_the_log_tail(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    script = "import sys\nfor i in range(40): print('line', i)\nsys.exit(3)"
    pid = procs.start_background([sys.executable, "-c", script], log)
    with pytest.raises(ServerStartError) as caught:
        procs.wait_until(lambda: False, pid, log, "the test server", timeout=20)
    message = str(caught.value)
    assert message.startswith(f"the test server exited during start-up. Last lines of {log}:")
    assert message.endswith("line 39")
    assert "line 9\n" not in message
    assert message.count("\n") == procs.LOG_TAIL_LINES


def test_no_postgresql_and_no_root_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`up` on a machine without root and without PostgreSQL says what is missing and how."""
    from importer.devcat.layout import Layout, State

    monkeypatch.setattr(services, "is_root", lambda: False)
    monkeypatch.setattr(services, "pg_bindir", lambda: None)
    monkeypatch.setattr(services, "_pg_admin_ok", lambda layout, url: False)
    with pytest.raises(MissingPrerequisite) as caught:
        services.ensure_postgres(Layout(tmp_path), State())
    assert str(caught.value) == (
        "missing system packages: postgresql. Install them (e.g. sudo apt-get install "
        "postgresql), or set CKAN_URL (and the CKAN_*_TOKEN variables) to test against an "
        "existing CKAN."
    )


def test_unwritable_state_home_is_one_clear_line(tmp_path: Path) -> None:
    from importer.devcat import manager

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(MissingPrerequisite) as caught:
        manager.status(home=blocker / "devcat")
    assert str(caught.value) == (
        f"cannot create the dev catalogue's state directory {blocker / 'devcat'} (Not a "
        "directory); set BCDC_DEVCAT_HOME to a writable directory"
    )
