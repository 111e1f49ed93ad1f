"""The CLI shell: entry points, version, error translation."""

from __future__ import annotations

import subprocess
import sys

from importer import __version__


def test_version_through_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "importer", "--version"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"bcdc-import, version {__version__}"


def test_unknown_command_is_a_usage_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "importer", "frobnicate"], capture_output=True, text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "No such command 'frobnicate'" in out.stderr
    assert "Traceback" not in out.stderr
