"""`bcdc-import check` offline starts without loading what only other commands need."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = ("import sys, importer.cli, importer.check, importer.report.outputs; "
        "print(sorted(m for m in {0!r} if m in sys.modules))")


@pytest.mark.parametrize("module", ["openpyxl", "requests", "ckanapi", "yaml"])
def test_the_check_path_does_not_import(module: str) -> None:
    out = subprocess.run([sys.executable, "-c", CODE.format([module])], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
