"""The bad-input corpus at the library level: each file gives a one-line WorkbookError or
located problems, quickly, never a traceback or a hang. Files are made at test time."""

from __future__ import annotations

import os
import struct
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from importer.check import run_check
from importer.errors import WorkbookError
from importer.read import read_workbook
from importer.read.safety import CFB_MAGIC
from tests.workbooks import LAYOUT, meta_for, valid_dataset, write_xlsx


def _cfb(path: Path, stream_names: list[str]) -> Path:
    """A minimal Compound File Binary header followed by directory entries naming
    ``stream_names`` (UTF-16LE), as in .xls files and encrypted OOXML packages."""
    header = CFB_MAGIC + b"\0" * 16 + struct.pack("<HH", 0x3E, 3) + b"\xfe\xff" + b"\0" * 470
    entries = b""
    for name in stream_names:
        encoded = name.encode("utf-16-le") + b"\0\0"
        entries += encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded)) + b"\0" * 62
    path.write_bytes(header + entries.ljust(512, b"\0"))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _valid(path: Path) -> Path:
    return write_xlsx(path, [valid_dataset()], [])


def truncated(tmp: Path) -> Path:
    data = _valid(tmp / "full.xlsx").read_bytes()
    path = tmp / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def text_renamed(tmp: Path) -> Path:
    path = tmp / "notes.xlsx"
    path.write_text("title,name\nthis is not a workbook\n")
    return path


def xls(tmp: Path) -> Path:
    return _cfb(tmp / "old.xls", ["Root Entry", "Workbook", "\x05SummaryInformation"])


def xls_renamed(tmp: Path) -> Path:
    return _cfb(tmp / "old.xlsx", ["Root Entry", "Workbook"])


def encrypted(tmp: Path) -> Path:
    return _cfb(tmp / "secret.xlsx", ["Root Entry", "EncryptionInfo", "EncryptedPackage"])


def ods(tmp: Path) -> Path:
    return _zip(tmp / "calc.ods", {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<office:document-content/>",
    })


def ods_renamed(tmp: Path) -> Path:
    return _zip(tmp / "calc.xlsx", {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<office:document-content/>",
    })


def zip_not_excel(tmp: Path) -> Path:
    return _zip(tmp / "photos.xlsx", {"a.txt": b"hello"})


def empty_file(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def empty_workbook(tmp: Path) -> Path:
    path = tmp / "new.xlsx"
    Workbook().save(path)
    return path


def empty_datasets_sheet(tmp: Path) -> Path:
    wb = Workbook()
    wb.active.title = "datasets"
    wb.save(tmp / "blank.xlsx")
    return tmp / "blank.xlsx"


def zip_bomb(tmp: Path) -> Path:
    """A workbook whose worksheet inflates 1000:1 (50 MB of zeros)."""
    data = _valid(tmp / "ok.xlsx")
    with zipfile.ZipFile(data) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts["xl/worksheets/sheet1.xml"] = b"<" + b"\0" * (50 * 1024 * 1024)
    return _zip(tmp / "bomb.xlsx", parts)


def entity_bomb(tmp: Path) -> Path:
    data = _valid(tmp / "ok.xlsx")
    with zipfile.ZipFile(data) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    lol = "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" * 1}' * 1 + '">'
                  if i else '<!ENTITY lol0 "lol">' for i in range(10))
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{lol}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si></sst>").encode()
    return _zip(tmp / "lol.xlsx", parts)


def meta_other_type(tmp: Path) -> Path:
    return write_xlsx(tmp / "other.xlsx", [valid_dataset()], [],
                      meta=meta_for(schema_type="harvest_dataset"))


def meta_unknown_layout(tmp: Path) -> Path:
    return write_xlsx(tmp / "future.xlsx", [valid_dataset()], [],
                      meta=meta_for(layout='{"contacts": 3, "data_owners": 2}'))


def meta_single_entry_twice(tmp: Path) -> Path:
    return write_xlsx(tmp / "twice.xlsx", [valid_dataset()], [],
                      meta=meta_for(layout='{"resources.temporal_extent": 2}'))


def ten_thousand_columns(tmp: Path) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("datasets")
    ws.append(["title", *(f"col{i}" for i in range(10_000))])
    ws.append(["A", *range(10_000)])
    wb.save(tmp / "wide.xlsx")
    return tmp / "wide.xlsx"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (truncated, "truncated.xlsx is damaged or incomplete"),
        (text_renamed, "notes.xlsx is not a valid .xlsx file (it is not a zip archive"),
        (xls, "old.xls is an old-style Excel 97-2003 (.xls) file: open it in Excel or "
              "LibreOffice and save it as .xlsx"),
        (xls_renamed, "old.xlsx is an old-style Excel 97-2003 (.xls) file"),
        (encrypted, "secret.xlsx is password-protected (encrypted)"),
        (ods, "calc.ods is an OpenDocument spreadsheet (.ods): open it in Excel or "
              "LibreOffice and save it as .xlsx"),
        (ods_renamed, "calc.xlsx is an OpenDocument spreadsheet (.ods)"),
        (zip_not_excel, "photos.xlsx is a zip archive but not an Excel workbook"),
        (empty_file, "empty.xlsx is empty (0 bytes)"),
        (empty_workbook, "new.xlsx has no 'datasets' sheet (its sheets: 'Sheet')"),
        (empty_datasets_sheet, "sheet 'datasets' is empty"),
        (zip_bomb, "refusing it as a possible zip bomb"),
        (entity_bomb, "refusing it as unsafe (possible XML entity bomb)"),
        (meta_other_type, "was made for dataset type 'harvest_dataset', but this check uses "
                          "the 'bcdc_dataset' schema"),
        (meta_unknown_layout, "'data_owners', which the 'bcdc_dataset' schema does not have"),
        (meta_single_entry_twice, "'resources.temporal_extent' allows one entry"),
        (ten_thousand_columns, "has 10001 header cells in row 1"),
    ],
)
def test_unusable_files_raise_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    start = time.monotonic()
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, LAYOUT)
    assert time.monotonic() - start < 10
    text = str(info.value)
    assert message in text
    assert "\n" not in text and info.value.exit_code == 2


def test_headers_only_is_a_no_rows_problem(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [], [])
    result = run_check(path, LAYOUT)
    assert [(p.code, p.sheet, p.row, p.severity.value) for p in result.problems] == [
        ("no-rows", "datasets", 1, "error")]
    assert (result.rows_checked, result.valid) == (0, False)


def test_large_shared_strings_file_is_read_within_bounds(tmp_path: Path) -> None:
    """50 MB of distinct shared strings (not compressible, so not a zip bomb) is read."""
    path = _valid(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    chunks = [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    size = 0
    while size < 50 * 1024 * 1024:
        text = os.urandom(3000).hex().encode()
        chunks.append(b"<si><t>" + text + b"</t></si>")
        size += len(text) + 16
    chunks.append(b"</sst>")
    parts["xl/sharedStrings.xml"] = b"".join(chunks)
    big = _zip(tmp_path / "big.xlsx", parts)
    start = time.monotonic()
    result = read_workbook(big, LAYOUT)
    assert time.monotonic() - start < 20
    assert len(result.datasets) == 1
