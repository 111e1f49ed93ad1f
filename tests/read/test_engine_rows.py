"""Issue 16 items 6 and 7: a second header row (labels kept under the machine names, or
above them) is skipped with a warning, not read as a dataset; a blank cell hidden under
merged cells says so."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from importer.check import run_check
from importer.problems import Severity
from tests.workbooks import LAYOUT, valid_dataset, write_xlsx

HEADERS = [*valid_dataset(), "contacts_1_org"]
LABELS = {c.header: c.label for c in LAYOUT.dataset_columns if c.header in HEADERS}


def _found(path: Path) -> tuple[list[tuple[str, str | None, int | None]], int]:
    result = run_check(path, LAYOUT)
    return [(p.code, p.severity.value, p.row) for p in result.problems], len(result.records)


def test_a_label_row_under_the_machine_names_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [LABELS, valid_dataset()], dataset_headers=HEADERS)
    result = run_check(path, LAYOUT)
    assert [(p.code, p.severity, p.row, p.message) for p in result.problems] == [
        ("header-row", Severity.WARNING, 2,
         "Row 2 repeats the column names (labels or machine names), so it was read as a "
         "second header row and skipped, not as data. Delete it if it is not needed.")]
    assert [r.row for r in result.records] == [3]
    assert result.valid


def test_a_label_row_above_the_machine_names_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()], dataset_headers=HEADERS,
                      above=[[LABELS[h] for h in HEADERS]])
    assert _found(path) == ([("header-row", "warning", 2)], 1)


def test_a_dataset_row_that_mentions_column_names_is_still_data(tmp_path: Path) -> None:
    row = valid_dataset(title="Title", notes="Description")
    path = write_xlsx(tmp_path / "w.xlsx", [row], dataset_headers=HEADERS)
    assert _found(path) == ([], 1)


def test_a_blank_cell_under_merged_cells_says_why(tmp_path: Path) -> None:
    rows = [valid_dataset(i) for i in (1, 2, 3)]
    for row in rows[1:]:
        row["owner_org"] = None
    path = write_xlsx(tmp_path / "w.xlsx", rows, dataset_headers=HEADERS)
    book = load_workbook(path)
    col = HEADERS.index("owner_org") + 1
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[col - 1]
    book["datasets"].merge_cells(f"{letter}2:{letter}4")
    book.save(path)
    result = run_check(path, LAYOUT)
    assert [(p.code, p.cell, p.message) for p in result.problems
            if p.field == "owner_org"] == [
        ("required", f"{letter}{r}",
         f"Published By (owner_org) is required: fill in this cell. This cell is part of the "
         f"merged cells {letter}2:{letter}4, whose value belongs to {letter}2 only: each row "
         "needs its own value, so unmerge the cells and fill in every row.") for r in (3, 4)]
