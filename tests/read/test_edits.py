"""Cell edits as a layer over a read workbook (importer.read.edits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from importer.check import check_setup, run_check
from importer.read.edits import (
    Edit,
    EditError,
    SheetCells,
    locate,
    new_value,
    write_corrected,
)

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = ROOT / "samples" / "datasets-with-mistakes.xlsx"
SHEETS = [SheetCells("datasets", ["A", "B", "C"], [2, 3, 5])]


@pytest.mark.parametrize("ref, message", [
    ("datasets!D2", "Cell datasets!D2 is outside the sheet: column D has no header "
                    "(columns A to C)"),
    ("datasets!B4", "Cell datasets!B4 is outside the sheet's data: row 4 is not a data row of "
                    "this sheet (only filled rows below the header can be edited)"),
    ("other!B2", "Cell other!B2 is outside the workbook: there is no sheet 'other' "
                 "(sheets: datasets)"),
    ("B2", "'B2' is not a cell: give it as Sheet!B4"),
    ("datasets!B0", "'datasets!B0' is not a cell: give it as Sheet!B4"),
])
def test_a_cell_outside_the_data_is_refused_with_one_line(ref: str, message: str) -> None:
    with pytest.raises(EditError) as err:
        locate(ref, SHEETS)
    assert str(err.value) == message


def test_locate_gives_the_sheet_and_column_position() -> None:
    sheet, position = locate("datasets!C5", SHEETS)
    assert (sheet.name, position) == ("datasets", 2)


@pytest.mark.parametrize("typed, stored", [("  Public ", "Public"), ("", None),
                                           ("=1+1", "=1+1")])
def test_new_values_are_normalised_as_reading_does(typed: str, stored: str | None) -> None:
    assert new_value(typed) == stored


def test_edits_change_the_checked_values_only_where_made() -> None:
    layout, _ = check_setup(None, None, "bcdc_dataset")
    before = run_check(MISTAKES, layout)
    numbers = {r.number for r in before.read.datasets}
    first = next(p for p in before.problems
                 if p.sheet == "datasets" and p.column and p.row in numbers)
    cell = f"{first.sheet}!{first.column}{first.row}"
    row = next(r for r in before.read.datasets if r.number == first.row)
    position = row.sheet.letters.index(first.column)
    good = next(r for r in before.read.datasets
                if r.number != first.row and len(r.values) > position
                and r.values[position] is not None
                and not any(p.row == r.number for p in before.problems))
    after = run_check(MISTAKES, layout, edits=[Edit(cell, row.values[position],
                                                    good.values[position])])
    assert cell not in {f"{p.sheet}!{p.column}{p.row}" for p in after.problems
                        if p.code == first.code}
    edited = next(r for r in after.read.datasets if r.number == first.row)
    assert edited.values[position] == good.values[position]
    assert [r.values for r in after.read.datasets if r.number != first.row] == \
        [r.values for r in before.read.datasets if r.number != first.row]


def test_an_edit_of_a_row_that_was_not_read_is_refused() -> None:
    layout, _ = check_setup(None, None, "bcdc_dataset")
    with pytest.raises(EditError, match=r"^Cell datasets!B900 is outside the sheet's data: "
                                        r"row 900 is not a data row of this sheet$"):
        run_check(MISTAKES, layout, edits=[Edit("datasets!B900", None, "x")])


def test_the_corrected_workbook_has_the_edits_and_formulas_as_text(tmp_path: Path) -> None:
    target = tmp_path / "corrected.xlsx"
    write_corrected(MISTAKES, [Edit("datasets!A2", None, "New title"),
                               Edit("datasets!C2", None, "=HYPERLINK(\"http://x\")"),
                               Edit("datasets!D2", "x", None)], target)
    book, original = load_workbook(target), load_workbook(MISTAKES)
    assert book.sheetnames == original.sheetnames
    ws = book["datasets"]
    assert (ws["A2"].value, ws["C2"].value, ws["C2"].data_type, ws["D2"].value) == \
        ("New title", "=HYPERLINK(\"http://x\")", "s", None)
    assert ws["B2"].value == original["datasets"]["B2"].value
