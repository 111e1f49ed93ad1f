#!/usr/bin/env python3
"""Make docs/check-report.png: the datasets sheet of the check report of the mistakes sample,
as LibreOffice renders it.

    python scripts/check_report_screenshot.py [OUT.png]

Runs ``bcdc-import check`` on samples/datasets-with-mistakes.xlsx, keeps the report's
datasets sheet with a print area of its first columns and rows, converts it with
``soffice --headless --convert-to pdf`` (private profile) and ``pdftoppm -png``. Needs
LibreOffice Calc and poppler-utils (apt-get install -y libreoffice-calc poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_workbook import render  # a sibling script, not a package

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "datasets-with-mistakes.xlsx"
PRINT_AREA = "A1:G23"
DPI = 150
TIMEOUT = 180


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "check-report.png"
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"Error: {tool} is not installed", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="report-shot-") as tmp:
        work = Path(tmp)
        report = work / "report.xlsx"
        subprocess.run([sys.executable, "-m", "importer", "check", str(SAMPLE), "--report",
                        str(report)], cwd=ROOT, capture_output=True, timeout=TIMEOUT,
                       check=False)
        book = load_workbook(report)
        for name in book.sheetnames:
            if name != "datasets":
                del book[name]
        sheet = book["datasets"]
        sheet.print_area = PRINT_AREA
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.gridLines = True
        page = work / "datasets.xlsx"
        book.save(page)
        shutil.copy(render(page, work / "shot", resolution=DPI, crop=True), out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
