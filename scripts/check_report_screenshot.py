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

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "datasets-with-mistakes.xlsx"
PRINT_AREA = "A1:G23"
DPI = 150
MARGIN = 12  # pixels of white kept around the content
TIMEOUT = 180


def content_box(ppm: Path) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the non-white part of a binary PPM image, plus a margin."""
    data = ppm.read_bytes()
    fields = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - width * height * 3:]
    stride = width * 3
    white = b"\xff" * stride
    rows = [r for r in range(height) if pixels[r * stride:(r + 1) * stride] != white]
    if not rows:
        return 0, 0, width, height
    left, right = width, 0
    for r in rows:
        line = pixels[r * stride:(r + 1) * stride]
        first = next(i for i in range(0, stride, 3) if line[i:i + 3] != b"\xff\xff\xff")
        last = max(i for i in range(0, stride, 3) if line[i:i + 3] != b"\xff\xff\xff")
        left, right = min(left, first // 3), max(right, last // 3)
    x, y = max(left - MARGIN, 0), max(rows[0] - MARGIN, 0)
    return x, y, min(right + MARGIN, width) - x, min(rows[-1] + MARGIN, height) - y


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
        subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(page)],
                       check=True, capture_output=True, timeout=TIMEOUT)
        pdf = str(work / "datasets.pdf")
        page1 = ["-r", str(DPI), "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(["pdftoppm", *page1, pdf, str(work / "page")],
                       check=True, capture_output=True, timeout=TIMEOUT)
        x, y, w, h = content_box(work / "page.ppm")
        subprocess.run(["pdftoppm", "-png", *page1, "-x", str(x), "-y", str(y), "-W", str(w),
                        "-H", str(h), pdf, str(work / "shot")],
                       check=True, capture_output=True, timeout=TIMEOUT)
        shutil.copy(work / "shot.png", out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
