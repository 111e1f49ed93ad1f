"""``bcdc-import columns`` and ``--columns`` on check and import, through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.clirun import run_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
INVENTORY = SAMPLES / "inventory.xlsx"
MAPPING = SAMPLES / "inventory-columns.json"
EXPECTED = json.loads((SAMPLES / "inventory.expected.json").read_text())


def test_columns_writes_the_proposal_for_review(tmp_path: Path) -> None:
    out_path = tmp_path / "proposed.json"
    out = run_cli("columns", INVENTORY, "-o", out_path)
    assert (out.returncode, out.stderr) == (0, "")
    lines = out.stdout.splitlines()
    assert lines[0] == "Sheet 'Inventory', headers in row 1:"
    assert "  'Branch' -> owner_org  [a usual name for this column]" in lines
    assert "  'Show contact?' -> (ignored)  [no match]" in lines
    assert lines[-2] == "  Required columns no header maps to: contacts_1_org"
    assert lines[-1] == (f"Wrote {out_path}. Review it (a column set to null is ignored), "
                         f"then: bcdc-import check {INVENTORY} --columns {out_path}")
    proposed = json.loads(out_path.read_text())
    reviewed = json.loads(MAPPING.read_text())
    reviewed["datasets"]["columns"] |= {"Show contact?": None, "Replaced by": None}
    assert proposed == reviewed


def test_columns_does_not_replace_a_file_without_force(tmp_path: Path) -> None:
    out_path = tmp_path / "m.json"
    out_path.write_text("mine")
    out = run_cli("columns", INVENTORY, "-o", out_path)
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", f"Error: {out_path} exists; use --force to replace it\n")
    assert out_path.read_text() == "mine"


def test_check_with_the_mapping_reports_the_planted_mistakes(tmp_path: Path) -> None:
    book = shutil.copy(INVENTORY, tmp_path / "inventory.xlsx")
    report = tmp_path / "inventory.json"
    out = run_cli("check", book, "--columns", MAPPING, "--json", report, "--no-report")
    assert (out.returncode, out.stderr) == (1, "")
    assert out.stdout.startswith("Checked 20 rows: 4 with errors; 4 errors, 1 warning.\n")
    data = json.loads(report.read_text())
    assert [[p["sheet"], p["cell"], p["code"]] for p in data["problems"]
            if p["severity"] == "error"] == EXPECTED
    assert data["column_mapping"] == json.loads(MAPPING.read_text())


def test_check_with_a_bad_mapping_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"format": "bcdc-importer column mapping", "version": 1,
                               "datasets": {"columns": {"Branch": "organisation"}}}))
    out = run_cli("check", INVENTORY, "--columns", bad, "--no-report")
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == ("Error: m.json, datasets: 'Branch' maps to 'organisation', which "
                          "is not a column of this schema\n")
