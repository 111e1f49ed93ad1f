"""The bad-input corpus at the library level: each file gives a one-line WorkbookError or
located problems, quickly, never a traceback or a hang. Files are made at test time."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import tests.corpus_files as corpus
from importer.check import run_check
from importer.errors import WorkbookError
from importer.read import read_workbook
from importer.schema.columns import Scope
from tests.workbooks import LAYOUT, meta_for, valid_dataset, write_xlsx


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _valid(path: Path) -> Path:
    return write_xlsx(path, [valid_dataset()], [])


def xls_renamed(tmp: Path) -> Path:
    return corpus.xls_file(tmp).rename(tmp / "old.xlsx")


def ods_renamed(tmp: Path) -> Path:
    return corpus.ods_file(tmp).rename(tmp / "calc.xlsx")


def zip_encrypted(tmp: Path) -> Path:
    """A workbook whose zip entries carry the "encrypted" flag (zip-level password)."""
    data = bytearray(_valid(tmp / "ok.xlsx").read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(sig, start)) >= 0:
            data[start + flag_at] |= 0x01
            start += 4
    path = tmp / "zipcrypt.xlsx"
    path.write_bytes(bytes(data))
    return path


def zip_not_excel(tmp: Path) -> Path:
    return _zip(tmp / "photos.xlsx", {"a.txt": b"hello"})


def entity_bomb_after_padding(tmp: Path) -> Path:
    """The DTD hidden after 20 KB of comment (and a comment holding a fake element)."""
    data = _valid(tmp / "ok.xlsx")
    with zipfile.ZipFile(data) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    pad = "<!-- <a> " + "x" * 20_000 + " -->"
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0"?>{pad}<!DOCTYPE w [<!ENTITY a "aaaa">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "&a;</workbook>").encode()
    return _zip(tmp / "padded.xlsx", parts)


def meta_other_type(tmp: Path) -> Path:
    return write_xlsx(tmp / "other.xlsx", [valid_dataset()], [],
                      meta=meta_for(schema_type="harvest_dataset"))


def meta_unknown_layout(tmp: Path) -> Path:
    return write_xlsx(tmp / "future.xlsx", [valid_dataset()], [],
                      meta=meta_for(layout='{"contacts": 3, "data_owners": 2}'))


def meta_single_entry_twice(tmp: Path) -> Path:
    return write_xlsx(tmp / "twice.xlsx", [valid_dataset()], [],
                      meta=meta_for(layout='{"resources.temporal_extent": 2}'))


OTHER_UNUSABLE: list[tuple[Callable[[Path], Path], str]] = [
    (xls_renamed, "old.xlsx is an old-style Excel 97-2003 (.xls) file"),
    (ods_renamed, "calc.xlsx is an OpenDocument spreadsheet (.ods)"),
    (zip_not_excel, "photos.xlsx is a zip archive but not an Excel workbook"),
    (zip_encrypted, "zipcrypt.xlsx is password-protected (an encrypted zip)"),
    (entity_bomb_after_padding, "contains an XML document type declaration in "
                                "xl/workbook.xml"),
    (meta_other_type, "was made for dataset type 'harvest_dataset', but this check uses "
                      "the 'bcdc_dataset' schema"),
    (meta_unknown_layout, "'data_owners', which the 'bcdc_dataset' schema does not have"),
    (meta_single_entry_twice, "'resources.temporal_extent' allows one entry"),
]


#: (file, its message, whether that is the whole message or a part of it)
CASES = [*((make, message, True) for make, message in corpus.UNUSABLE),
         *((make, message, False) for make, message in OTHER_UNUSABLE)]


@pytest.mark.parametrize(("make", "message", "whole"), CASES,
                         ids=[make.__name__ for make, _, _ in CASES])
def test_unusable_files_raise_one_line(tmp_path: Path, make: Callable[[Path], Path],
                                       message: str, whole: bool) -> None:
    """The CLI corpus's files (tests/corpus_files.py, whole messages) and more, at the
    library level: one line, exit code 2, quickly."""
    path = make(tmp_path)
    start = time.monotonic()
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, LAYOUT)
    assert time.monotonic() - start < 10
    text = str(info.value)
    if whole:
        assert text == message
    else:
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
    big = corpus.big_shared_strings(tmp_path)
    start = time.monotonic()
    result = read_workbook(big, LAYOUT)
    assert time.monotonic() - start < 20
    assert (result.sheets[Scope.DATASET].headers, result.datasets) == (("title",), [])
