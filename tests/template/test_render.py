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
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

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


@pytest.mark.slow
def test_template_survives_a_libreoffice_save(tmp_path) -> None:
    """Editors use LibreOffice: after it saves the file, the machine names, the example
    values, the hidden sheets, the meta marker and the drop-downs are all still there."""
    book = tmp_path / "template.xlsx"
    made = subprocess.run([sys.executable, "-m", "importer", "template", "-o", str(book),
                           "--example"], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    outdir = tmp_path / "saved"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(outdir), str(book)],
                       check=True, capture_output=True, timeout=180)
    before = openpyxl.load_workbook(book)
    after = openpyxl.load_workbook(outdir / "template.xlsx")
    assert after.sheetnames == before.sheetnames
    assert [ws.sheet_state for ws in after.worksheets] == [ws.sheet_state
                                                           for ws in before.worksheets]
    for sheet in ("datasets", "resources", "meta", "lists"):
        assert _values(after[sheet]) == _values(before[sheet]), sheet
    for sheet in ("datasets", "resources"):
        assert _dropdowns(after[sheet]) == _dropdowns(before[sheet]), sheet
        assert after[sheet]["B1"].number_format == before[sheet]["B1"].number_format
        assert after[sheet]["B1"].comment.text == before[sheet]["B1"].comment.text


def _values(ws) -> list[tuple[object, ...]]:
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


def _dropdowns(ws) -> dict[str, tuple[str, str]]:
    """Column letter -> (list range, error style) of the validation on its row 2."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            if cells.min_row <= 2 <= cells.max_row:
                for col in range(cells.min_col, cells.max_col + 1):
                    out[get_column_letter(col)] = (dv.type, dv.formula1, dv.errorStyle)
    return out
