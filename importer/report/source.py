"""Read back the user's sheets, values only, so a report can copy them.

The report shows the user's own rows, at their own row numbers, so a message that says
"datasets!D7" and the red cell in the report are the same place as in the file they
filled. Values only: styles, formulas and validations of the input are not copied (a
formula is copied as its cached value). Sheets are read one at a time with calamine,
which reads an .xlsx sheet several times faster than openpyxl's streaming mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from importer.errors import WorkbookError

#: the sheet name a CSV file's rows are reported under (a CSV file is the datasets sheet).
CSV_SHEET = "datasets"

Row = tuple[int, Sequence[Any]]


@dataclass(frozen=True)
class SourceSheet:
    """One sheet to copy: its name, and a way to stream its rows as
    ``(1-based row number, values from column A)``."""

    name: str
    rows: Callable[[], Iterator[Row]]


def source_sheets(source: Path, wanted: Callable[[str], bool]) -> list[SourceSheet]:
    """The sheets of ``source`` whose name ``wanted`` accepts, in workbook order.

    Raises :class:`WorkbookError` if the file cannot be opened (the check has normally
    failed earlier for such a file, so this is a guard, not the usual path).
    """
    if source.suffix.lower() == ".csv":
        return [SourceSheet(CSV_SHEET, lambda: _csv_rows(source))] if wanted(CSV_SHEET) else []
    try:
        book = CalamineWorkbook.from_path(str(source))
    except Exception as err:  # calamine raises several unrelated types
        raise WorkbookError(f"{source.name}: cannot be read again for the report ({err})") from err
    return [
        SourceSheet(name, _calamine_rows(book, name))
        for name in book.sheet_names
        if wanted(name)
    ]


def _calamine_rows(book: Any, name: str) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        sheet = book.get_sheet_by_name(name)
        # calamine yields rows from row 1 but columns from the first used column.
        pad = [""] * sheet.start[1] if sheet.start else []
        for number, values in enumerate(sheet.iter_rows(), start=1):
            yield number, (pad + values) if pad else values

    return rows


def _csv_rows(source: Path) -> Iterator[Row]:
    text = decode_csv(source.read_bytes())
    yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252: what spreadsheet programs write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
