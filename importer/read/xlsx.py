"""Read the sheets of an .xlsx / .xlsm workbook with python-calamine.

Chosen by measurement (bench/RESULTS-read.md): calamine returns the raw values of a
10,000-dataset workbook ~18x faster than openpyxl's read-only mode, and ~1.8x faster
than pandas on the same engine. It returns typed values (dates as ``datetime.date``),
formulas as their cached values, and merged ranges; formula cells without a cached value
are found separately (:mod:`importer.read.formulas`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from importer.errors import WorkbookError


@dataclass
class RawSheet:
    """A sheet's rows as raw values. ``rows`` yields ``(row_number, values)`` with
    1-based row numbers and values starting at column A; ``merged`` holds
    ``((row, col), (row, col))`` 0-based merged ranges."""

    name: str
    rows: Iterator[tuple[int, list[Any]]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


class XlsxBook:
    """An open workbook. Sheets are loaded one at a time, when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._book = CalamineWorkbook.from_path(str(path))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except Exception as err:  # calamine raises its own and generic errors
            raise WorkbookError(f"{path.name} cannot be read as a workbook: {_short(err)}") \
                from None

    def find(self, wanted: str) -> str | None:
        """The sheet whose name is ``wanted`` ignoring case and surrounding spaces."""
        for name in self.sheet_names:
            if name.strip().lower() == wanted:
                return name
        return None

    def sheet(self, name: str) -> RawSheet:
        try:
            sheet = self._book.get_sheet_by_name(name)
            merged = list(sheet.merged_cell_ranges or [])
            start = sheet.start
        except Exception as err:
            raise WorkbookError(
                f"sheet {name!r} of {self.path.name} cannot be read: {_short(err)}") from None
        return RawSheet(name, _rows(sheet, start, self.path), merged)

    def close(self) -> None:
        self._book.close()


def _rows(sheet: Any, start: tuple[int, int] | None, path: Path) -> Iterator[
        tuple[int, list[Any]]]:
    """Calamine yields rows from row 1 but columns from the first used column: pad."""
    if start is None:
        return
    pad = [""] * start[1]
    try:
        for number, values in enumerate(sheet.iter_rows(), start=1):
            yield number, (pad + values) if pad else values
    except Exception as err:
        raise WorkbookError(f"{path.name} cannot be read: {_short(err)}") from None


def _short(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:200]
