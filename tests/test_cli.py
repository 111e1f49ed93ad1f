"""The CLI shell: entry points, version, error translation."""

from __future__ import annotations

import subprocess
import sys

import pytest

import importer.template.build
from importer import __version__
from importer.cli import DEBUG_ENV, main


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


def _broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


def test_an_unexpected_error_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path) -> None:
    """A bug met on some input still ends as one line, never a traceback."""
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    monkeypatch.setattr(importer.template.build, "make_template", _broken)
    with pytest.raises(SystemExit) as done:
        main(["template", "-o", str(tmp_path / "t.xlsx")])
    assert done.value.code == 2
    out = capsys.readouterr()
    assert (out.out, out.err) == ("", "Error: unexpected RuntimeError: boom (a bug: please "
                                  "report it with the command; BCDC_IMPORT_DEBUG=1 shows "
                                  "where it happened)\n")
    monkeypatch.setenv(DEBUG_ENV, "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["template", "-o", str(tmp_path / "t.xlsx")])
