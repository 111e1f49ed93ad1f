"""The streaming xlsx writer: values, styles, comments, links, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from importer.report.xlsx import XlsxStream, cell_xml, column_letter, formula_xml, style


@pytest.mark.parametrize(
    ("value", "read_back", "data_type"),
    [
        ("text", "text", "s"),
        ("=1+2", "=1+2", "s"),
        ("  spaced \n lines ", "  spaced \n lines ", "s"),
        ("a & b < c > d", "a & b < c > d", "s"),
        ("bell\x07", "bell\ufffd", "s"),
        (3, 3, "n"),
        (2.5, 2.5, "n"),
        (-113.5, -113.5, "n"),
        (True, True, "b"),
        (False, False, "b"),
        (float("nan"), "nan", "s"),
        (dt.date(2024, 1, 15), dt.datetime(2024, 1, 15), "d"),
        (dt.datetime(2024, 1, 15, 9, 30), dt.datetime(2024, 1, 15, 9, 30), "d"),
        (dt.time(9, 30), "09:30:00", "s"),
        (["school_year", "district"], '["school_year", "district"]', "s"),
        ({"fields": []}, '{"fields": []}', "s"),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_values_round_trip(tmp_path: Path, value: Any, read_back: Any, data_type: str) -> None:
    path = tmp_path / "v.xlsx"
    stream = XlsxStream(path, "me", "t", "")
    stream.sheet("s").row(1, [cell_xml("B1", value, style("error"))])
    stream.close(["s"])
    cell = load_workbook(path)["s"]["B1"]
    assert (cell.value, cell.data_type) == (read_back, data_type)
    assert cell.fill.fgColor.rgb == "FFFFC7CE"


def test_blank_values_write_no_cell_unless_styled() -> None:
    assert cell_xml("A1", None) == ""
    assert cell_xml("A1", "") == ""
    assert cell_xml("A1", None, style("error")) == f'<c r="A1" s="{style("error")}"/>'


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"]


def test_many_comments_use_their_own_vml_id_blocks(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    stream = XlsxStream(path, "me", "t", "2026-01-01T00:00:00Z")
    for name, count in (("one", 2000), ("two", 3)):
        ws = stream.sheet(name)
        for r in range(count):
            ws.row(r + 1, [cell_xml(f"A{r + 1}", r)])
            ws.comment(r, 0, f"note {r}")
    stream.close(["two", "one"])
    book = load_workbook(path)
    assert book.sheetnames == ["two", "one"]
    assert book["one"]["A2000"].comment.text == "note 1999"
    assert book["two"]["A3"].comment.text == "note 2"
    with zipfile.ZipFile(path) as zf:
        first = zf.read("xl/drawings/vmlDrawing1.vml").decode()
        second = zf.read("xl/drawings/vmlDrawing2.vml").decode()
    assert 'data="1,2"' in first and 'data="3"' in second
    ids = re.findall(r'id="_x0000_s(\d+)"', first + second)
    assert len(ids) == len(set(ids)) == 2003
    assert all(1024 <= int(i) < 3 * 1024 for i in ids[:2000])
    assert all(3 * 1024 <= int(i) < 4 * 1024 for i in ids[2000:])


def test_link_formula_frozen_panes_filter_and_properties(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsx"
    stream = XlsxStream(path, "bcdc-import report", "A title", "2026-01-01T00:00:00Z")
    ws = stream.sheet("errors", widths=[(0, 12.5)], freeze=(1, 2))
    ws.row(1, [cell_xml("A1", "h")])
    ws.row(2, [formula_xml("A2", "=HYPERLINK(\"#'d'!B2\",\"B2\")", "B2")])
    ws.autofilter("A1:J2")
    stream.close(["errors"])
    book = load_workbook(path)
    sheet = book["errors"]
    assert sheet["A2"].value == "=HYPERLINK(\"#'d'!B2\",\"B2\")"
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:J2"
    assert sheet.column_dimensions["A"].width == 12.5
    assert (book.properties.creator, book.properties.title) == ("bcdc-import report", "A title")


@pytest.mark.parametrize("values", [
    ["a", None, "", "x & <y>", 3, 2.5, True, dt.date(2024, 1, 2), "z" * 40_000, "bell\x07"],
    [],
    [None, None],
])
@pytest.mark.parametrize("shift", [0, 2, 1020])  # 1020: past the precomputed columns
def test_plain_cells_is_cell_xml_for_each_value(values: list[Any], shift: int) -> None:
    from importer.report.xlsx import letter, plain_cells

    expected = "".join(cell_xml(f"{letter(c + shift)}7", v) for c, v in enumerate(values))
    assert plain_cells(values, shift, 7) == expected
