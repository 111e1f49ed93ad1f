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
