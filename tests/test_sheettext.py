"""Cell text in every workbook the project writes reads back exactly as written (issue 18
item 3): ``_xHHHH_`` literals and carriage returns are escaped as OOXML requires."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from importer.report.xlsx import XlsxStream, cell_xml, plain_cells
from importer.sheettext import display_text, escape_text, shown_text
from importer.template.workbook import _write_value

TEXTS = ["literal _x000D_ and _x0041_", "_x005F_", "_X00e9_ upper", "a\r\nb", "lone\rCR",
         "no escape _x12_ here", "plain"]


@pytest.mark.parametrize(("text", "written"), [
    ("_x0041_", "_x005F_x0041_"),
    ("a\rb", "a_x000D_b"),
    ("_x0041_x0042_", "_x005F_x0041_x005F_x0042_"),
    ("_x12_", "_x12_"),
    ("plain", "plain"),
])
def test_escape_text(text: str, written: str) -> None:
    assert escape_text(text) == written


@pytest.mark.parametrize(("text", "shown"), [
    ("bell\x07", "bell[U+0007]"),
    ("\ufffe", "[U+FFFE]"),
    ("x" * 40, "x" * 20 + "… (40 characters)"),
])
def test_shown_text(text: str, shown: str) -> None:
    limit = len(shown) if len(text) > 30 else 100
    assert display_text(text, limit) == shown
    assert shown_text(text + "_x0041_", limit + 7 if len(text) < 30 else 10**6) == (
        escape_text(display_text(text + "_x0041_", limit + 7 if len(text) < 30 else 10**6)))


def read(path: Path) -> list[str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [str(r[0]) for r in rows]


def test_template_cells_read_back_as_written(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for i, text in enumerate(TEXTS, start=1):
        _write_value(wb.active.cell(i, 1), text)
    wb.save(tmp_path / "t.xlsx")
    assert read(tmp_path / "t.xlsx") == TEXTS


def test_report_cells_read_back_as_written(tmp_path: Path) -> None:
    stream = XlsxStream(tmp_path / "r.xlsx", "test", "test", "2026-01-01T00:00:00Z")
    sheet = stream.sheet("s")
    for i, text in enumerate(TEXTS, start=1):
        sheet.row(i, [cell_xml(f"A{i}", text) if i % 2 else plain_cells([text], 0, i)])
    stream.close(["s"])
    assert read(tmp_path / "r.xlsx") == TEXTS
