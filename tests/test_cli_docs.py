"""docs/cli.md cannot drift from the commands (STYLE.md practice 11): its generated block
must equal every command's ``--help`` as printed now, and every command must have a
section. When this fails, run ``python scripts/cli_docs.py`` and commit docs/cli.md."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from importer.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli.md"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cli_docs = _script()
COMMANDS = [
    (), ("template",), ("columns",), ("check",), ("import",), ("undo",), ("export",),
    ("serve",), ("worker",), ("demo",), ("dev-catalogue",),
    ("dev-catalogue", "up"), ("dev-catalogue", "down"), ("dev-catalogue", "reset"),
    ("dev-catalogue", "status"),
]


def section(path: tuple[str, ...]) -> str:
    """The help text docs/cli.md shows for the command at ``path``."""
    heading = re.escape(f"## `{' '.join(('bcdc-import', *path))}`")
    found = re.search(heading + r"\n\n```text\n(.*?)\n```\n", DOC.read_text(), re.S)
    assert found, f"docs/cli.md has no section for {path}"
    return found.group(1)


def test_the_walk_finds_every_command() -> None:
    assert list(cli_docs.command_paths(cli)) == COMMANDS


def test_generated_block_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert cli_docs.replace_block(text, cli_docs.render(cli)) == text, (
        "docs/cli.md is out of date: run python scripts/cli_docs.py")


def test_every_command_is_documented() -> None:
    assert cli_docs.undocumented(DOC.read_text(encoding="utf-8"), cli) == []


def test_a_new_command_is_reported_undocumented() -> None:
    group = click.Group("bcdc-import", commands=[click.Command("frobnicate")])
    group.add_command(click.Group("dev-catalogue", commands=[click.Command("wipe")]))
    assert cli_docs.undocumented(DOC.read_text(encoding="utf-8"), group) == [
        "bcdc-import frobnicate", "bcdc-import dev-catalogue wipe"]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "bcdc-import")
def test_section_equals_help_through_the_entry_point(path: tuple[str, ...]) -> None:
    out = subprocess.run([sys.executable, "-m", "importer", *path, "--help"],
                         capture_output=True, text=True, check=False, timeout=60,
                         env={**os.environ, "COLUMNS": "120"})
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.rstrip("\n") == section(path)


def test_check_mode_fails_on_a_stale_copy_and_the_script_mends_it(tmp_path: Path) -> None:
    copy = tmp_path / "cli.md"
    copy.write_text(DOC.read_text().replace("Workbook to write.", "Workbook to writ."))
    assert cli_docs.main(["--check", "--doc", str(copy)]) == 1
    assert cli_docs.main(["--doc", str(copy)]) == 0
    assert copy.read_text() == DOC.read_text()
    assert cli_docs.main(["--check", "--doc", str(copy)]) == 0
