"""Issue 3's bad-input corpus through the real command: exit code, first stderr line, no
traceback, no hang (each run has a timeout). Files are generated in tmp_path by
tests/corpus_files.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

import tests.corpus_files as corpus
from tests.cli.clirun import run_cli

SAVE_AS = corpus.SAVE_AS

UNUSABLE: list[tuple[Callable[[Path], Path], str]] = [
    (make, f"Error: {message}") for make, message in corpus.UNUSABLE]


REAL = Path(__file__).resolve().parents[1] / "corpus"


def _real(name: str) -> Callable[[Path], Path]:
    """A committed file made by a real program (tests/corpus/README.md), copied to tmp."""
    def make(tmp: Path) -> Path:
        return Path(shutil.copy(REAL / name, tmp / name))

    make.__name__ = name
    return make


UNUSABLE += [
    (_real("libreoffice.xls"),
     f"Error: libreoffice.xls is an old-style Excel 97-2003 (.xls) file: {SAVE_AS}"),
    (_real("libreoffice.ods"),
     f"Error: libreoffice.ods is an OpenDocument spreadsheet (.ods): {SAVE_AS}"),
    (_real("encrypted-secret.xlsx"),
     "Error: encrypted-secret.xlsx is password-protected (encrypted): remove the password in "
     "Excel (File > Info > Protect Workbook > Encrypt with Password) and save it again"),
]


@pytest.mark.parametrize(("make", "first_line"), UNUSABLE, ids=[m.__name__ for m, _ in UNUSABLE])
def test_unusable_file_exits_2_with_one_line(tmp_path: Path, make: Callable[[Path], Path],
                                             first_line: str) -> None:
    path = make(tmp_path)
    out = run_cli("check", path)
    assert out.returncode == 2
    assert out.stderr.splitlines()[0] == first_line
    assert len(out.stderr.splitlines()) == 1
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stdout == ""
    assert list(tmp_path.glob("*-report.xlsx")) == []  # no report for an unusable file


#: (generator, exit code, first console line, the problem codes found (sheet, cell, code))
LOCATED: list[tuple[Callable[[Path], Path], int, str, list[tuple[str, str, str]]]] = [
    (corpus.headers_only, 1, "Checked 0 rows: 0 with errors; 1 error, 0 warnings.",
     [("datasets", "row 1", "no-rows")]),
    (corpus.duplicate_headers, 1, "Checked 1 row: 0 with errors; 1 error, 0 warnings.",
     [("datasets", "AQ1", "duplicate-column")]),
    (corpus.merged_header_cells, 1, "Checked 1 row: 1 with errors; 1 error, 3 warnings.",
     [("datasets", "row 1", "missing-column"), ("datasets", "B1", "merged-header"),
      ("datasets", "B2", "unknown-column"), ("datasets", "row 2", "required")]),
    (corpus.header_not_on_row_1, 0, "Checked 2 rows: no errors.", []),
    (corpus.csv_windows_1252, 0, "Checked 2 rows: no errors.", []),
    (corpus.csv_with_bom, 0, "Checked 2 rows: no errors.", []),
]


@pytest.mark.parametrize(("make", "code", "first", "found"), LOCATED,
                         ids=[m.__name__ for m, *_ in LOCATED])
def test_awkward_file_gives_located_problems(
    tmp_path: Path, make: Callable[[Path], Path], code: int, first: str,
    found: list[tuple[str, str, str]],
) -> None:
    import json

    path = make(tmp_path)
    out = run_cli("check", path, "--json", tmp_path / "out.json")
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stderr == ""
    assert out.returncode == code
    assert out.stdout.splitlines()[0] == first
    problems = json.loads((tmp_path / "out.json").read_text())["problems"]
    got = [(p["sheet"], p["cell"] or (f"row {p['row']}" if p["row"] else None), p["code"])
           for p in problems]
    assert sorted(got, key=str) == sorted(found, key=str)
    assert (tmp_path / f"{path.stem}-report.xlsx").exists()


def test_header_below_row_1_keeps_row_numbers_in_the_report(tmp_path: Path) -> None:
    path = corpus.header_not_on_row_1(tmp_path)
    assert run_cli("check", path).returncode == 0
    ws = load_workbook(tmp_path / "header-row-3-report.xlsx")["datasets"]
    assert [ws.cell(r, 1).value for r in range(1, 6)] == [None, None, "status", "OK", "OK"]
    assert ws["B3"].value == "title"


def test_non_ascii_csv_is_copied_into_the_report(tmp_path: Path) -> None:
    path = corpus.csv_windows_1252(tmp_path)
    assert run_cli("check", path).returncode == 0
    ws = load_workbook(tmp_path / "datasets-1252-report.xlsx")["datasets"]
    assert ws["B2"].value == "Café wells – Québec Street"


@pytest.mark.slow
def test_50_mb_shared_strings_is_read_within_the_timeout(tmp_path: Path) -> None:
    path = corpus.big_shared_strings(tmp_path)
    out = run_cli("check", path, "--no-report")
    assert "Traceback" not in out.stderr + out.stdout
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == "Checked 0 rows: 0 with errors; 1 error, 15 warnings."
