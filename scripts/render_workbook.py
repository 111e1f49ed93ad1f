#!/usr/bin/env python3
"""Render a workbook as LibreOffice shows it: FILE.xlsx -> OUTDIR/FILE.pdf -> OUTDIR/FILE.png.

    python scripts/render_workbook.py template.xlsx out/
    python scripts/render_workbook.py template.xlsx out/ --crop   # trimmed to the content, 150 dpi

Uses ``soffice --headless --convert-to pdf`` (a private user profile, so it works beside a
running LibreOffice) and ``pdftoppm -png -r 80`` of the first page. Needs the system tools
that scripts/system-deps.sh installs. Prints the PNG's path; exit 2 with one line if a tool
is missing or fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT = 180
MARGIN = 12  # pixels of white kept around the content when cropping


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


def render(workbook: Path, outdir: Path, resolution: int = 80, crop: bool = False) -> Path:
    """Convert ``workbook`` to PDF and its first page to PNG in ``outdir``; return the PNG.
    With ``crop``, the PNG is trimmed to the printed content (no blank page around it)."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed (run scripts/system-deps.sh)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(outdir), str(workbook)],
            check=True, capture_output=True, timeout=TIMEOUT,
        )
    pdf = outdir / f"{workbook.stem}.pdf"
    if not pdf.exists():
        raise RuntimeError(f"soffice did not write {pdf}")
    stem = outdir / workbook.stem
    page1 = ["-r", str(resolution), "-f", "1", "-l", "1", "-singlefile"]
    box: list[str] = []
    if crop:
        subprocess.run(["pdftoppm", *page1, str(pdf), str(stem)],
                       check=True, capture_output=True, timeout=TIMEOUT)
        ppm = stem.with_suffix(".ppm")
        x, y, w, h = content_box(ppm)
        ppm.unlink()
        box = ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run(["pdftoppm", "-png", *page1, *box, str(pdf), str(stem)],
                   check=True, capture_output=True, timeout=TIMEOUT)
    return stem.with_suffix(".png")


def main(argv: list[str]) -> int:
    crop = "--crop" in argv
    args = [a for a in argv if a != "--crop"]
    if len(args) != 2:
        print("usage: render_workbook.py FILE.xlsx OUTDIR [--crop]", file=sys.stderr)
        return 2
    try:
        png = render(Path(args[0]), Path(args[1]), resolution=150 if crop else 80, crop=crop)
    except (RuntimeError, subprocess.SubprocessError, OSError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
