"""Read a CSV file as the datasets sheet.

Excel saves CSV as UTF-8 (with a byte-order mark, "CSV UTF-8") or in the Windows code
page (Windows-1252 in Canada); LibreOffice asks. The encoding is decided by a streaming
UTF-8 check of the whole file, then the file is parsed once with :mod:`csv`, row by row.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from importer.errors import WorkbookError

_CHUNK = 1024 * 1024
_SNIFF_BYTES = 64 * 1024


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` if every byte decodes as UTF-8 (BOM or not), else ``cp1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(row_number, values)`` for every line; row numbers as a spreadsheet shows them."""
    encoding = detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
            sample = fh.read(_SNIFF_BYTES)
            fh.seek(0)
            if "\0" in sample:
                raise WorkbookError(f"{path.name} is not a text CSV file (it holds binary data)")
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                    sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            reader = csv.reader(fh, dialect)
            yield from enumerate(reader, start=1)
    except csv.Error as err:
        raise WorkbookError(f"{path.name} is not a readable CSV file: {err}") from None
    except OSError as err:
        raise WorkbookError(f"cannot read {path}: {err.strerror}") from None
