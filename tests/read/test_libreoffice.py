"""A workbook saved by LibreOffice (what many editors use) reads the same as the original;
LibreOffice computes the formulas, so their values are read."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from importer.check import run_check
from tests.workbooks import LAYOUT, valid_dataset, valid_resource, write_xlsx

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None,
                                reason="LibreOffice (soffice) not installed")


def _resave(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
         str(path)],
        check=True, capture_output=True, timeout=180)
    return out / path.name


def test_libreoffice_saved_workbook_gives_the_same_problems(tmp_path: Path) -> None:
    rows = [
        valid_dataset(1, dates_1_type="Created", dates_1_date=dt.date(2024, 5, 1)),
        valid_dataset(2, security_class="Protected A", contacts_1_email="bob@",
                      dates_1_type="Created", dates_1_date="31/01/2024"),
        valid_dataset(3, name="=LOWER(\"GROUNDWATER-WELLS-3\")", source_data_path=12345.0),
    ]
    original = write_xlsx(tmp_path / "in.xlsx", rows, [valid_resource(1), valid_resource(9)])
    before = run_check(original, LAYOUT)
    after = run_check(_resave(original, tmp_path), LAYOUT)

    def key(result):
        return [(p.code, p.sheet, p.cell, p.value) for p in result.problems]

    assert ("formula-no-value", "datasets", "B4", None) in key(before)
    assert [k for k in key(before) if k[0] != "formula-no-value" and k[2] != "B4"] == \
        [k for k in key(after) if k[2] != "B4"]
    assert "formula-no-value" not in [k[0] for k in key(after)]
    assert after.records[2].package["name"] == "groundwater-wells-3"
    assert after.records[2].package["source_data_path"] == "12345"
    assert after.records[0].package["dates"] == [{"type": "Created", "date": "2024-05-01"}]
