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


# -- a workbook made from an older template (issue 15, item 1) ----------------------------

def test_columns_proposes_an_older_templates_renames(tmp_path: Path) -> None:
    from tests.read.oldbooks import older_template

    book = older_template(tmp_path / "old.xlsx")
    out_path = tmp_path / "mapping.json"
    out = run_cli("columns", book, "-o", out_path)
    assert (out.returncode, out.stderr) == (0, "")
    lines = [line for line in out.stdout.splitlines()
             if "[same name as the template column]" not in line]
    digest = _current_digest()[:12]
    assert lines == [
        "This workbook was made from an older template (schema digest 0123456789ab, current "
        f"{digest}): 3 column(s) renamed, 1 retired, 1 new.",
        "Sheet 'datasets', headers in row 1:",
        "  'edc_state' -> publish_state  [renamed: a known rename in the schema's history]",
        "  'iso_topic_string' -> (ignored)  [retired: no longer in the schema, so its values "
        "are not imported]",
        "  'retention_expiry' -> retention_expiry_date  [renamed: spelled like this column]",
        "  New columns this workbook does not have: support_url",
        "Sheet 'resources', headers in row 1:",
        "  'download_url' -> url  [renamed: a usual name for this column]",
        f"Wrote {out_path}. Review it (a column set to null is ignored), then: "
        f"bcdc-import check {book} --columns {out_path}"]
    columns = json.loads(out_path.read_text())
    assert {h: c for h, c in columns["datasets"]["columns"].items() if h != c} == {
        "edc_state": "publish_state", "iso_topic_string": None,
        "retention_expiry": "retention_expiry_date"}
    assert {h: c for h, c in columns["resources"]["columns"].items() if h != c} == {
        "download_url": "url"}


def _current_digest() -> str:
    from importer.schema import load_bundled

    return load_bundled().digest


def test_check_an_older_template_without_and_with_the_proposed_mapping(tmp_path: Path) -> None:
    from tests.read.oldbooks import older_template

    book = older_template(tmp_path / "old.xlsx")
    report = tmp_path / "old.json"
    out = run_cli("check", book, "--json", report, "--no-report")
    assert (out.returncode, out.stderr) == (1, "")
    assert out.stdout.startswith("Checked 2 rows: 1 with errors; 4 errors, 3 warnings.\n")
    how = ("run: bcdc-import columns old.xlsx -o mapping.json, then check with --columns "
           "mapping.json (or copy your rows into a new template).")
    assert ("  datasets!D1: error renamed-column: Column D ('edc_state') was renamed "
            "'publish_state' (State) in the current schema, and this workbook was made from an "
            f"older template, so its values are not read. To read them, {how}\n") in out.stdout
    found = [(p["cell"], p["code"], p["severity"]) for p in json.loads(report.read_text())
             ["problems"] if p["row"] == 1 and p["cell"]]
    assert found == [("D1", "renamed-column", "error"), ("G1", "retired-column", "warning"),
                     ("AO1", "renamed-column", "error"), ("C1", "renamed-column", "error")]
    mapping = tmp_path / "mapping.json"
    assert run_cli("columns", book, "-o", mapping).returncode == 0
    out = run_cli("check", book, "--columns", mapping, "--json", report, "--no-report")
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.startswith("Checked 2 rows: no errors (2 warnings).\n")
    assert [(p["cell"], p["code"], p["message"]) for p in json.loads(report.read_text())
            ["problems"] if p["row"] == 1] == [
        ("G1", "retired-column", "Column G ('iso_topic_string') is no longer in the schema "
         "(this workbook was made from an older template), so its values are not imported.")]


def test_columns_flags_the_new_columns_that_are_required(tmp_path: Path) -> None:
    from tests.read.oldbooks import older_template

    book = older_template(tmp_path / "old.xlsx", {"support_url": None, "purpose": None,
                                                  "view_audience": "audience_old"}, {})
    out = run_cli("columns", book, "-o", tmp_path / "m.json")
    assert (out.returncode, out.stderr) == (0, "")
    lines = out.stdout.splitlines()
    assert "  'audience_old' -> (ignored)  [retired: no longer in the schema, so its values " \
        "are not imported]" in lines
    assert ("  New columns this workbook does not have: support_url, purpose, "
            "view_audience (required)") in lines
    assert "  Required columns no header maps to: view_audience" in lines
