"""The report workbook: status column, shifted cells, fills, comments, links, safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from reportdump import dump_report

from importer.problems import Problem, Severity
from importer.report import ExtraColumn, write_report_workbook

W = Severity.WARNING


def make_source(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def p(code: str, sheet: str | None, row: int | None, column: str | None,
      severity: Severity = Severity.ERROR, value: Any = None, header: str | None = None,
      message: str | None = None) -> Problem:
    return Problem(code=code, message=message or f"{code} message", severity=severity,
                   sheet=sheet, row=row, column=column, header=header, value=value)


DATASETS = [
    ["title", "name", "owner_org", "notes"],
    ["Wells", "wells", "org-a", "Groundwater wells"],
    ["Roads", "bad slug", "org-a", "Road closures"],
    ["Fish", "fish", "org-b", "Fish passage"],
]


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    return make_source(tmp_path / "in.xlsx", {
        "datasets": DATASETS,
        "resources": [["dataset_name", "name"], ["wells", "Download"]],
        "meta": [["tool", "bcdc-importer"]],
    })


def test_status_column_shift_fill_and_comment(source: Path, tmp_path: Path) -> None:
    problems = [
        p("bad-slug", "datasets", 3, "B", value="bad slug", header="name"),
        p("publish-state", "datasets", 4, "C", W, header="owner_org"),
    ]
    out = tmp_path / "report.xlsx"
    summary = write_report_workbook(source, problems, out)
    dump = dump_report(out)
    assert dump["sheets"] == ["summary", "errors", "datasets", "resources"]
    assert dump["datasets"]["status"] == {
        "A1": ["status", None],
        "A2": ["OK", "ok"],
        "A3": ["1 error", "error"],
        "A4": ["1 warning", "warning"],
    }
    # column B of the user's file is column C of the report
    assert dump["datasets"]["marked"] == {
        "C3": {"value": "bad slug", "tone": "error",
               "comment": "Error (bad-slug): bad-slug message"},
        "D4": {"value": "org-b", "tone": "warning",
               "comment": "Warning (publish-state): publish-state message"},
    }
    assert dump["resources"]["status"] == {"A1": ["status", None], "A2": ["OK", "ok"]}
    assert summary.rows_checked == 4
    assert summary.rows_with_errors == 1
    book = load_workbook(out)
    assert book["datasets"]["B2"].value == "Wells"  # values copied after the status column


def test_several_problems_in_one_cell_share_one_comment(source: Path, tmp_path: Path) -> None:
    problems = [
        p("bad-slug", "datasets", 3, "B", message="Use a-z, 0-9, - and _ only."),
        p("duplicate-name", "datasets", 3, "B", W, message="Also used in row 2."),
    ]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out)
    cell = dump_report(out)["datasets"]["marked"]["C3"]
    assert cell["tone"] == "error"  # the worst severity wins
    assert cell["comment"] == (
        "Error (bad-slug): Use a-z, 0-9, - and _ only.\n"
        "Warning (duplicate-name): Also used in row 2."
    )
    assert dump_report(out)["datasets"]["status"]["A3"] == ["1 error, 1 warning", "error"]


def test_errors_sheet_lines_and_links_to_shifted_cells(source: Path, tmp_path: Path) -> None:
    problems = [
        p("required", "datasets", 4, "D", header="notes", message="Description is required."),
        p("no-displayed-contact", "datasets", 2, None, message="Show one contact."),
        p("orphan-resource", "resources", 2, "A", value="wells", header="dataset_name"),
        p("no-datasets", None, None, None, W, message="file-level"),
    ]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out)
    rows = dump_report(out)["errors"]
    assert rows[0] == ["Sheet", "Cell", "Row", "Column", "Header", "Field", "Value", "Code",
                       "Severity", "Message"]
    assert rows[1:] == [
        [None, None, None, None, None, None, None, "no-datasets", "warning", "file-level"],
        ["datasets", "=HYPERLINK(\"#'datasets'!A2\",\"row 2\")", 2, None, None, None, None,
         "no-displayed-contact", "error", "Show one contact."],
        ["datasets", "=HYPERLINK(\"#'datasets'!E4\",\"D4\")", 4, "D", "notes", None, None,
         "required", "error", "Description is required."],
        ["resources", "=HYPERLINK(\"#'resources'!B2\",\"A2\")", 2, "A", "dataset_name", None,
         "wells", "orphan-resource", "error", "orphan-resource message"],
    ]
    # the row-level problem is a comment on the status cell
    book = load_workbook(out)
    assert book["datasets"]["A2"].comment.text == "Error (no-displayed-contact): Show one contact."


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil","x")', "@SUM(1)", "+1+2", "-2+3", "=1+1", "=cmd|' /C calc'!A0"],
)
def test_user_text_never_becomes_a_formula(tmp_path: Path, text: str) -> None:
    source = make_source(tmp_path / "in.xlsx", {"datasets": [["title", "notes"], ["x", "y"]]})
    # put the text in the source as a string cell (openpyxl would make it a formula)
    book = load_workbook(source)
    book["datasets"]["B2"].value = text
    book["datasets"]["B2"].data_type = "s"
    book.save(source)
    problems = [p("bad", "datasets", 2, "B", value=text, header=text, message=f"{text} is bad")]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out, summary=[("File", text)])
    report = load_workbook(out)
    copied = report["datasets"]["C2"]
    assert (copied.value, copied.data_type) == (text, "s")
    errors = report["errors"]
    for cell in (errors["E2"], errors["G2"], errors["J2"]):  # header, value, message
        assert cell.data_type == "s"
        assert cell.value in (text, f"{text} is bad")
    assert report["summary"]["B3"].value == text
    assert report["summary"]["B3"].data_type == "s"
    # the only formulas in the report are our own links
    formulas = [c.value for ws in report for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert all(f.startswith('=HYPERLINK("#') for f in formulas)
    assert formulas  # the errors line links to its cell


def test_header_row_below_row_1_and_values_of_every_type(tmp_path: Path) -> None:
    when = dt.datetime(2024, 1, 15, 9, 30)
    source = make_source(tmp_path / "in.xlsx", {"datasets": [
        ["Filled in by: branch"],
        [],
        ["title", "date", "count", "flag"],
        ["Wells", when, 3, True],
        [None, None, None, None],
        ["Roads", dt.date(2024, 2, 1), 2.5, False],
    ]})
    out = tmp_path / "r.xlsx"
    summary = write_report_workbook(source, [p("x", "datasets", 6, "B")], out,
                                    header_rows={"datasets": 3})
    ws = load_workbook(out)["datasets"]
    assert [c.value for c in ws["A"]] == [None, None, "status", "OK", None, "1 error"]
    assert ws["B1"].value == "Filled in by: branch"
    assert [ws["C4"].value, ws["D4"].value, ws["E4"].value] == [when, 3, True]
    assert ws["C6"].value == dt.datetime(2024, 2, 1)
    assert ws["C6"].number_format == "yyyy-mm-dd"
    assert summary.rows_checked == 2


def test_data_not_starting_at_a1_keeps_its_coordinates(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "datasets"
    ws["C3"] = "title"
    ws["C4"] = "Wells"
    book.save(tmp_path / "in.xlsx")
    out = tmp_path / "r.xlsx"
    write_report_workbook(tmp_path / "in.xlsx", [p("x", "datasets", 4, "C")], out,
                          header_rows={"datasets": 3})
    report = load_workbook(out)["datasets"]
    assert report["D4"].value == "Wells"
    assert report["A3"].value == "status"
    assert dump_report(out)["datasets"]["marked"]["D4"]["tone"] == "error"


def test_csv_source_is_the_datasets_sheet(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("title,name\r\nCaf\xe9 wells,cafe\r\n".encode("cp1252"))
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, [p("x", "datasets", 2, "B")], out)
    ws = load_workbook(out)["datasets"]
    assert [ws["A2"].value, ws["B2"].value, ws["C2"].value] == ["1 error", "Café wells", "cafe"]


def test_problem_beyond_the_data_is_still_shown(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, [p("x", "datasets", 2, "H"), p("y", "datasets", 9, "A")], out)
    marked = dump_report(out)["datasets"]["marked"]
    assert marked["I2"]["tone"] == "error"
    assert marked["B9"]["tone"] == "error"


def test_row_status_and_extra_columns_for_the_import(source: Path, tmp_path: Path) -> None:
    status = {("datasets", 2): "created", ("datasets", 3): "failed"}
    ids = ExtraColumn("id", {("datasets", 2): "6f1e-uuid"})
    problems = [p("server", "datasets", 3, "B")]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out, row_status=status, extra_columns=[ids])
    ws = load_workbook(out)["datasets"]
    assert [ws["A1"].value, ws["B1"].value, ws["C1"].value] == ["status", "id", "title"]
    assert [ws["A2"].value, ws["B2"].value, ws["A3"].value] == ["created", "6f1e-uuid", "failed"]
    assert dump_report(out)["datasets"]["marked"]["D3"]["tone"] == "error"  # B shifted by 2
    assert load_workbook(out)["errors"]["B2"].value == "=HYPERLINK(\"#'datasets'!D3\",\"B3\")"


def test_control_characters_and_huge_text_are_stored(tmp_path: Path) -> None:
    source = make_source(tmp_path / "in.xlsx", {"datasets": [["title"], ["ok"]]})
    huge = "x" * 40_000
    problems = [p("x", "datasets", 2, "A", value="bell\x07" + huge, message="bad\x00value")]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out)
    errors = load_workbook(out)["errors"]
    assert errors["J2"].value == "bad\ufffdvalue"
    assert len(errors["G2"].value) == 32_767
    assert errors["G2"].value.startswith("bell\ufffdxxx")


def test_summary_sheet_counts(source: Path, tmp_path: Path) -> None:
    problems = [
        p("required", "datasets", 2, "D", header="notes", message="Needed."),
        p("required", "datasets", 3, "D", header="notes", message="Needed."),
        p("bad-email", "datasets", 3, "B", header="name", message="Not an e-mail."),
        p("publish-state", "datasets", 4, "C", W, header="owner_org", message="Use DRAFT."),
    ]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out,
                          summary=[("File", "in.xlsx"), ("Created", "2026-01-01T00:00")])
    rows = dump_report(out)["summary"]
    assert rows[:10] == [
        ["bcdc-import check report"],
        [],
        ["File", "in.xlsx"],
        ["Created", "<volatile>"],
        ["Result", "Errors found: fix the red cells, then check again."],
        ["Rows checked", 4],
        ["Rows with errors", 2],
        ["Errors", 3],
        ["Warnings", 1],
        [],
    ]
    assert rows[10:16] == [
        ["Problems by code"],
        ["Code", "Count"],
        ["required", 2],
        ["bad-email", 1],
        ["publish-state", 1],
        [],
    ]
    assert rows[16:22] == [
        ["Problems by column"],
        ["Column", "Count"],
        ["datasets: notes", 2],
        ["datasets: name", 1],
        ["datasets: owner_org", 1],
        [],
    ]
    assert rows[22:] == [
        ["The 3 most common problems"],
        ["Column", "Count", "Code", "Severity", "Sheet", "First cell",
         "Message (first occurrence)"],
        ["notes", 2, "required", "error", "datasets", "=HYPERLINK(\"#'datasets'!E2\",\"D2\")",
         "Needed."],
        ["name", 1, "bad-email", "error", "datasets", "=HYPERLINK(\"#'datasets'!C3\",\"B3\")",
         "Not an e-mail."],
        ["owner_org", 1, "publish-state", "warning", "datasets",
         "=HYPERLINK(\"#'datasets'!D4\",\"C4\")", "Use DRAFT."],
    ]


def test_sheet_name_with_quotes_is_escaped_in_links(tmp_path: Path) -> None:
    source = make_source(tmp_path / "in.xlsx", {"it's \"x\"": [["title"], ["a"]]})
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, [p("x", "it's \"x\"", 2, "A")], out)
    link = load_workbook(out)["errors"]["B2"].value
    assert link == "=HYPERLINK(\"#'it''s \"\"x\"\"'!B2\",\"A2\")"


def test_unwritable_output_is_an_output_error(source: Path, tmp_path: Path) -> None:
    from importer.errors import OutputError

    with pytest.raises(OutputError, match="cannot write the report"):
        write_report_workbook(source, [], tmp_path / "missing-dir" / "r.xlsx")


def cell_order_problems(path: Path) -> list[str]:
    """Cells out of order or repeated, rows out of order: what Excel calls a corrupt file."""
    import re
    import zipfile

    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            xml = zf.read(name).decode()
            last_row = 0
            for number, body in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml):
                if int(number) <= last_row:
                    found.append(f"{name}: row {number} after row {last_row}")
                last_row = int(number)
                cols = [sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))
                        for letters, _ in re.findall(r'<c r="([A-Z]+)(\d+)"', body)]
                if cols != sorted(set(cols)):
                    found.append(f"{name}: row {number} cells {cols}")
    return found


def test_header_row_problems_keep_the_status_header(source: Path, tmp_path: Path) -> None:
    problems = [
        p("unknown-column", "datasets", 1, "D", W, header="notes"),
        p("missing-column", "datasets", 1, None, W, message="No 'name' column."),
        p("bad", "datasets", 2, None),
        p("bad", "datasets", 2, "A"),
        p("late", "datasets", 7, "B"),
    ]
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, problems, out,
                          extra_columns=[ExtraColumn("id", {("datasets", 2): "x"})],
                          row_status={("datasets", 5): "skipped"})
    assert cell_order_problems(out) == []
    dump = dump_report(out)["datasets"]
    assert dump["status"]["A1"] == ["status", "warning"]
    assert dump["status"]["A2"] == ["2 errors", "error"]
    assert dump["status"]["A5"] == ["skipped", "ok"]
    assert dump["status"]["A7"] == ["1 error", "error"]
    assert dump["marked"]["F1"]["tone"] == "warning"  # D1 behind status and id
    assert load_workbook(out)["datasets"]["A1"].comment.text == (
        "Warning (missing-column): No 'name' column.")


def test_columns_are_sized_from_the_header_and_first_rows(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_report_workbook(source, [], out)
    dims = load_workbook(out)["datasets"].column_dimensions
    # status; title ("Wells", "Roads" -> header "title" 5 + 2 -> min 8); notes 17 + 2
    assert [dims["A"].width, dims["B"].width, dims["E"].width] == [16, 8, 19]
