"""What real spreadsheets hold: date cells, floats, booleans, formulas, NBSPs; and CSVs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from importer.read import read_workbook
from importer.schema.columns import Scope
from tests.workbooks import LAYOUT, datasets_book, set_cached_values


def _one_row(tmp_path: Path, headers: list[str], values: list[object]) -> dict[str, str | None]:
    result = read_workbook(datasets_book(tmp_path / "w.xlsx", headers, values), LAYOUT)
    (row,) = result.datasets
    return {c.header: v for c, v in zip(row.sheet.columns, row.values, strict=False) if c}


@pytest.mark.parametrize(
    ("header", "value", "text"),
    [
        ("dates_1_date", dt.date(2024, 3, 1), "2024-03-01"),
        ("dates_1_date", dt.datetime(2024, 3, 1, 14, 5), "2024-03-01"),
        ("dates_1_date", "2024/03/01", "2024-03-01"),
        ("dates_1_date", "01/03/2024", "01/03/2024"),
        ("retention_expiry_date", dt.datetime(2030, 12, 31), "2030-12-31"),
        ("name", 2.0, "2"),
        ("name", 100000.0, "100000"),
        ("source_data_path", 12345, "12345"),
        ("contacts_1_displayed", True, "TRUE"),
        ("contacts_1_displayed", False, "FALSE"),
        ("title", "\u00a0Roads\u00a0and\u00a0Bridges ", "Roads and Bridges"),
    ],
)
def test_cell_types(tmp_path: Path, header: str, value: object, text: str) -> None:
    assert _one_row(tmp_path, ["title", header] if header != "title" else ["title"],
                    ["T", value] if header != "title" else [value])[header] == text


def test_formula_with_cached_value_reads_the_value(tmp_path: Path) -> None:
    datasets_book(tmp_path / "w.xlsx", ["title", "name"], ["Roads", "=LOWER(A2)"])
    set_cached_values(tmp_path / "w.xlsx", "xl/worksheets/sheet1.xml", {"B2": "roads"})
    wb2 = tmp_path / "w.xlsx"
    # openpyxl wrote no type for the cached string: mark it as a formula string result
    result = read_workbook(wb2, LAYOUT)
    assert not [p for p in result.problems if p.code == "formula-no-value"]
    assert result.datasets[0].values[1] == "roads"


def test_formula_without_cached_value_is_a_located_warning(tmp_path: Path) -> None:
    datasets_book(tmp_path / "w.xlsx", ["title", "name"], ["Roads", "=LOWER(A2)"])
    result = read_workbook(tmp_path / "w.xlsx", LAYOUT)
    (problem,) = [p for p in result.problems if p.code == "formula-no-value"]
    assert (problem.sheet, problem.cell, problem.header, problem.severity.value) == (
        "datasets", "B2", "name", "warning")
    assert result.datasets[0].values == ("Roads",)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("title,name\nCaf\u00e9 Roads,cafe-roads\n".encode(), "utf-8"),
        ("title,name\nCaf\u00e9 Roads,cafe-roads\n".encode("utf-8-sig"), "utf-8 BOM"),
        ("title,name\r\nCaf\u00e9 Roads,cafe-roads\r\n".encode("cp1252"), "windows-1252"),
        ("title;name\nCaf\u00e9 Roads;cafe-roads\n".encode("cp1252"), "semicolons"),
        ("\ufefftitle,name\n\"Caf\u00e9 Roads\",cafe-roads\n\n".encode(), "quoted"),
        ("title\tname\r\nCaf\u00e9 Roads\tcafe-roads\r\n".encode("utf-16"), "utf-16 tabs"),
    ],
)
def test_csv_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "datasets.csv"
    path.write_bytes(data)
    result = read_workbook(path, LAYOUT)
    assert [r.values for r in result.datasets] == [("Caf\u00e9 Roads", "cafe-roads")], encoding
    assert result.sheets[Scope.DATASET].headers == ("title", "name")
    assert result.resources == [] and result.meta == {}


def test_csv_euro_sign_in_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "datasets.csv"
    path.write_bytes("title\nCost \u20ac\n".encode("cp1252"))
    assert read_workbook(path, LAYOUT).datasets[0].values == ("Cost \u20ac",)


def test_xlsm_is_read(tmp_path: Path) -> None:
    datasets_book(tmp_path / "w.xlsm", ["title"], ["Macro book"])
    assert read_workbook(tmp_path / "w.xlsm", LAYOUT).datasets[0].values == ("Macro book",)


def test_meta_is_read_from_the_hidden_sheet(tmp_path: Path) -> None:
    from tests.workbooks import meta_for, valid_dataset, write_xlsx

    meta = meta_for()
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset()], [], meta=meta)
    result = read_workbook(path, LAYOUT)
    assert result.meta == meta
    assert result.header_row == {"datasets": 1, "resources": 1}


def test_error_value_is_a_located_warning(tmp_path: Path) -> None:
    import zipfile

    path = datasets_book(tmp_path / "w.xlsx", ["title", "name"], ["Roads", "=1/0"])
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = xml.replace(
        '<c r="B2"><f>1/0</f><v /></c>', '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    ).encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    result = read_workbook(path, LAYOUT)
    (problem,) = [p for p in result.problems if p.code.startswith("formula")]
    assert (problem.code, problem.cell, problem.value, problem.severity.value) == (
        "formula-error", "B2", "#DIV/0!", "warning")
    assert problem.message == ("This cell shows the error #DIV/0!, so it reads as blank. Fix "
                               "the formula or type the value.")
