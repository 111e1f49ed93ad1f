"""Workbooks of the web tests that talk to the dev catalogue."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from openpyxl import Workbook, load_workbook

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def unique_sample(tmp: Path) -> tuple[Path, str]:
    """samples/datasets.xlsx with every dataset name and title prefixed (the site wants
    both unique), so its rows are creates."""
    prefix = "w" + uuid.uuid4().hex[:8]
    path = tmp / "datasets.xlsx"
    shutil.copy(SAMPLES / "datasets.xlsx", path)
    book = load_workbook(path)
    for sheet, column in (("datasets", 1), ("datasets", 2), ("resources", 1)):
        for row in book[sheet].iter_rows(min_row=2, min_col=column, max_col=column):
            if row[0].value:
                row[0].value = f"{prefix}-{row[0].value}"[:100]
    book.save(path)
    return path, prefix


def xss_workbook(tmp: Path) -> Path:
    """A datasets sheet whose cells hold HTML that would run if it were not escaped."""
    path = tmp / "xss.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "datasets"
    sheet.append(["title", "name"])
    sheet.append(["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"])
    book.save(path)
    return path


def long_sample(tmp: Path, datasets: int = 60) -> tuple[Path, str]:
    """:func:`unique_sample` with its dataset rows repeated (names and titles made unique)
    up to ``datasets`` rows: more than one page of the grid (50 rows a page)."""
    path, prefix = unique_sample(tmp)
    book = load_workbook(path)
    sheet = book["datasets"]
    originals = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)
                 if row[0].value]
    copy = 0
    while sheet.max_row - 1 < datasets:
        values = list(originals[copy % len(originals)])
        copy += 1
        values[0] = f"{values[0]} (copy {copy})"
        values[1] = f"{str(values[1])[:90]}-c{copy}"
        sheet.append(values)
    book.save(path)
    return path, prefix
