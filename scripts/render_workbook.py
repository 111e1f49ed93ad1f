#!/usr/bin/env python3
"""Render a workbook as LibreOffice shows it: FILE.xlsx -> OUTDIR/FILE.pdf -> OUTDIR/FILE.png.

    python scripts/render_workbook.py template.xlsx out/

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


def render(workbook: Path, outdir: Path, resolution: int = 80) -> Path:
    """Convert ``workbook`` to PDF and its first page to PNG in ``outdir``; return the PNG."""
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
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
         str(pdf), str(stem)],
        check=True, capture_output=True, timeout=TIMEOUT,
    )
    return stem.with_suffix(".png")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: render_workbook.py FILE.xlsx OUTDIR", file=sys.stderr)
        return 2
    try:
        png = render(Path(argv[0]), Path(argv[1]))
    except (RuntimeError, subprocess.SubprocessError, OSError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
