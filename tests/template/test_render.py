"""LibreOffice proof: the template opens in LibreOffice and renders its datasets sheet.

Runs when soffice and pdftoppm are installed (scripts/system-deps.sh installs them; `make
test` runs it first), skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) or poppler (pdftoppm) not installed: scripts/system-deps.sh",
)


def _render_module():
    spec = importlib.util.spec_from_file_location("render_workbook",
                                                  ROOT / "scripts" / "render_workbook.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_template_renders_in_libreoffice(tmp_path) -> None:
    book = tmp_path / "template.xlsx"
    made = subprocess.run([sys.executable, "-m", "importer", "template", "-o", str(book),
                           "--example"], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    png = _render_module().render(book, tmp_path / "out")
    pdf = tmp_path / "out" / "template.pdf"
    assert pdf.stat().st_size > 10_000
    assert png.stat().st_size > 5_000
    assert _png_size(png) == (880, 680)  # one landscape Letter/A4 page at 80 dpi
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    # The first page is the datasets sheet: its headers, with the required marker shown.
    for fragment in ("title *", "name *", "owner_org *", "Example Dataset Title", "DRAFT"):
        assert fragment in text
    # Hidden sheets are not printed; the instructions sheet is.
    all_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "How to fill this workbook" in all_text
    assert "header_rows" not in all_text and "schema_digest" not in all_text
