"""Header matching: machine names or labels, anywhere in the first rows; every odd column
reported once, located at its header cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from importer.errors import WorkbookError
from importer.read import read_workbook
from importer.read.headers import column_letter
from importer.schema.columns import Scope
from tests.workbooks import LAYOUT, datasets_book, meta_for, valid_dataset, write_xlsx


def _codes(result) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.cell, p.severity.value) for p in result.problems]


@pytest.mark.parametrize(
    "header", ["contacts_1_email", "Contact 1 Email", "CONTACTS 1 EMAIL", " contact-1-email "]
)
def test_header_variants_name_the_same_column(tmp_path: Path, header: str) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"title": "T", header: "a@b.ca"}],
                      dataset_headers=["title", header])
    result = read_workbook(path, LAYOUT)
    info = result.sheets[Scope.DATASET]
    assert info.columns[1] is not None and info.columns[1].path == "contacts[1].email"
    assert result.datasets[0].values == ("T", "a@b.ca")


@pytest.mark.parametrize(
    ("above", "header_row"),
    [
        ([], 1),
        ([["Datasets for the Ministry of Forests"]], 2),
        ([[None], ["Catalogue upload", None, "draft"], [None]], 4),
    ],
)
def test_header_row_not_on_row_1(tmp_path: Path, above, header_row: int) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()], above=above)
    result = read_workbook(path, LAYOUT)
    assert result.header_row == {"datasets": header_row}
    assert [r.number for r in result.datasets] == [header_row + 1]


def test_meta_header_rows_says_where_data_starts(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "datasets"
    ws.append(["Title", "URL"])  # a label row
    ws.append(["title", "name"])  # the machine-name row
    ws.append(["Roads", "roads"])
    ms = wb.create_sheet("meta")
    for k, v in meta_for(header_rows="2").items():
        ms.append([k, v])
    wb.save(tmp_path / "w.xlsx")
    result = read_workbook(tmp_path / "w.xlsx", LAYOUT)
    assert [(r.number, r.values) for r in result.datasets] == [(3, ("Roads", "roads"))]


def test_unknown_column_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"title": "T", "titel": "x"}],
                      dataset_headers=["title", "titel"])
    result = read_workbook(path, LAYOUT)
    (problem,) = [p for p in result.problems if p.code == "unknown-column"]
    assert (problem.cell, problem.header, problem.severity.value) == ("B1", "titel", "warning")
    assert problem.message == (
        "'titel' is not a dataset field of this catalogue, so the values in column B are "
        "not read. Did you mean 'title'?")
    assert result.datasets[0].unknown()[0].value == "x"


def test_unknown_resource_column_says_it_would_be_junk(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()],
                      [{"dataset_name": "groundwater-wells-1", "formatt": "csv"}],
                      resource_headers=["dataset_name", "formatt"])
    result = read_workbook(path, LAYOUT)
    (problem,) = [p for p in result.problems if p.code == "unknown-column"]
    assert problem.sheet == "resources" and problem.cell == "B1"
    assert "junk" in problem.message and "Did you mean 'format'?" in problem.message


def test_duplicate_header_is_a_located_error_and_first_wins(tmp_path: Path) -> None:
    path = datasets_book(tmp_path / "w.xlsx", ["title", "name", "Title"], ["A", "a", "B"])
    result = read_workbook(path, LAYOUT)
    (problem,) = [p for p in result.problems if p.code == "duplicate-column"]
    assert (problem.cell, problem.severity.value, problem.field) == ("C1", "error", "title")
    assert problem.message == ("Column C ('Title') is the same column as A ('title'); only "
                               "column A is read. Delete or rename one of them.")
    assert result.datasets[0].fields()[LAYOUT.match(Scope.DATASET, "title")].value == "A"


def test_merged_header_cells_are_reported(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "datasets"
    ws.append(["title", "name", None, "notes"])
    ws.merge_cells("B1:C1")
    ws.append(["A", "a", "stray", "n"])
    wb.save(tmp_path / "w.xlsx")
    result = read_workbook(tmp_path / "w.xlsx", LAYOUT)
    got = {(p.code, p.cell) for p in result.problems if p.code != "missing-column"}
    assert got == {("merged-header", "C1"), ("unknown-column", "C2")}


def test_value_under_a_blank_header_is_not_dropped_silently(tmp_path: Path) -> None:
    path = datasets_book(tmp_path / "w.xlsx", ["title"], ["A"], ["B", None, "lost?"])
    result = read_workbook(path, LAYOUT)
    (problem,) = [p for p in result.problems if p.code == "unknown-column"]
    assert (problem.cell, problem.severity.value) == ("C3", "warning")


def test_missing_required_columns_are_warned_once(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"title": "A"}], dataset_headers=["title", "id"])
    result = read_workbook(path, LAYOUT)
    missing = [p.header for p in result.problems if p.code == "missing-column"]
    assert "name" in missing and "title" not in missing and "contacts_1_email" in missing


def test_extra_repeating_entries_widen_the_layout(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"title": "A", "contacts_5_email": "e@x.ca"}],
                      dataset_headers=["title", "contacts_5_email"])
    result = read_workbook(path, LAYOUT)
    assert not [p for p in result.problems if p.code == "unknown-column"]
    assert result.layout.counts["contacts"] == 5
    col = result.sheets[Scope.DATASET].columns[1]
    assert col is not None and col.path == "contacts[5].email"


def test_id_column_is_recognised_without_include_ids(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"id": "abc", "title": "A"}],
                      dataset_headers=["id", "title"])
    result = read_workbook(path, LAYOUT)
    assert not [p for p in result.problems if p.code == "unknown-column"]


def test_blank_rows_are_ignored_and_numbers_kept(tmp_path: Path) -> None:
    path = datasets_book(tmp_path / "w.xlsx", ["title"], ["A"], [None], ["  \u00a0"], ["B"])
    result = read_workbook(path, LAYOUT)
    assert [(r.number, r.values) for r in result.datasets] == [(2, ("A",)), (5, ("B",))]


@pytest.mark.parametrize(("n", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                           (702, "AAA")])
def test_column_letter(n: int, letter: str) -> None:
    assert column_letter(n) == letter


def test_no_recognisable_header_is_a_workbook_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"foo": 1}], dataset_headers=["foo", "bar"])
    with pytest.raises(WorkbookError, match="no recognisable column headers"):
        read_workbook(path, LAYOUT)


def test_rows_inserted_above_a_template_header_are_tolerated(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()], [],
                      meta=meta_for(), above=[["Upload for March"]])
    result = read_workbook(path, LAYOUT)
    assert result.header_row["datasets"] == 2
    assert [r.number for r in result.datasets] == [3]


def test_resources_after_many_blank_rows_are_read(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "datasets"
    ws.append(["title", "name"])
    ws.append(["A", "a"])
    rs = wb.create_sheet("resources")
    for _ in range(15):
        rs.append([None])
    rs.append(["dataset_name", "name"])
    rs.append(["a", "CSV"])
    wb.save(tmp_path / "w.xlsx")
    result = read_workbook(tmp_path / "w.xlsx", LAYOUT)
    assert result.header_row == {"datasets": 1, "resources": 16}
    assert [(r.number, r.values) for r in result.resources] == [(17, ("a", "CSV"))]


def test_system_field_column_says_the_catalogue_fills_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [{"title": "A", "record_create_date": "2024-01-01"}],
                      dataset_headers=["title", "record_create_date"])
    (p,) = [p for p in read_workbook(path, LAYOUT).problems if p.code == "unknown-column"]
    assert p.message == ("'record_create_date' is filled in by the catalogue itself, so the "
                         "values in column B are not read or sent.")


def test_a_second_entry_of_a_single_entry_field_is_reported(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()],
                      [{"dataset_name": "groundwater-wells-1",
                        "temporal_extent_2_end_date": "2024-01-01"}],
                      resource_headers=["dataset_name", "temporal_extent_2_end_date"])
    (p,) = [p for p in read_workbook(path, LAYOUT).problems if p.sheet == "resources"
            and p.code != "missing-column"]
    assert (p.code, p.cell, p.severity.value) == ("single-entry", "B1", "warning")
    assert p.message == ("Data Collection Period takes only one entry, so column B "
                         "('temporal_extent_2_end_date') is not read. Put the values in the "
                         "temporal_extent_1_... columns.")
