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
