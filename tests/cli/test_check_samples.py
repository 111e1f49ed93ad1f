"""The committed samples through ``check``: the valid one is clean, the mistakes one
produces exactly the expected problems, and its report matches the golden dump.

Regenerate the golden report dump with ``UPDATE_GOLDEN=1 pytest tests/cli`` and review
the diff; the expected problems come from samples/make_samples.py (the spec).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reportdump import dump_report

from cli.clirun import run_cli
from importer.check import run_check
from importer.report import report_to_json
from importer.schema import build_layout, load_bundled

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
VALID = SAMPLES / "datasets.xlsx"
MISTAKES = SAMPLES / "datasets-with-mistakes.xlsx"
EXPECTED = SAMPLES / "datasets-with-mistakes.expected.json"
GOLDEN = ROOT / "tests" / "golden" / "mistakes-report.json"


def located(problem: dict[str, object]) -> list[object]:
    """[sheet, cell, code], with "row N" for a problem about a whole row."""
    cell = problem["cell"] or (f"row {problem['row']}" if problem["row"] else None)
    return [problem["sheet"], cell, problem["code"]]


def test_samples_are_up_to_date_and_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLES / "make_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    for name in ("datasets.xlsx", "datasets-with-mistakes.xlsx",
                 "datasets-with-mistakes.expected.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def test_valid_sample_exits_0_and_every_row_is_ok(tmp_path: Path) -> None:
    report = tmp_path / "valid-report.xlsx"
    out = run_cli("check", VALID, "--report", report)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == f"Checked 63 rows: no errors.\nReport: {report}\n"
    dump = dump_report(report)
    assert dump["sheets"] == ["summary", "errors", "datasets", "resources"]
    for sheet, rows in (("datasets", 22), ("resources", 41)):
        status = dump[sheet]["status"]
        assert status.pop("A1") == ["status", None]
        assert sorted(status.values()) == [["OK", "ok"]] * rows
        assert dump[sheet]["marked"] == {}
    assert dump["errors"] == [["Sheet", "Cell", "Row", "Column", "Header", "Field", "Value",
                               "Code", "Severity", "Message"]]


def test_valid_sample_content_is_as_described() -> None:
    result = run_check(VALID, build_layout(load_bundled()))
    assert result.problems == []
    packages = [r.package for r in result.records]
    resources = [res.resource for r in result.records for res in r.resources]
    assert len(packages) >= 20
    assert len({p["owner_org"] for p in packages}) == 3
    assert len(resources) >= 30
    assert {r["bcdc_type"] for r in resources} == {"document", "geographic", "webservice",
                                                   "application"}
    for p in packages:  # a generic inbox first, as point of contact, displayed
        first = p["contacts"][0]
        assert (first["role"], first["displayed"]) == ("pointOfContact", ["displayed"])
    assert any(r.get("object_name", "").startswith("WHSE_") for r in resources)


def test_mistakes_sample_gives_exactly_the_expected_problems() -> None:
    expected = json.loads(EXPECTED.read_text())
    result = run_check(MISTAKES, build_layout(load_bundled()))
    got = [located(p.to_dict()) for p in result.problems]
    assert got == expected
    assert len({code for _, _, code in expected}) >= 15  # different kinds of mistake


def test_mistakes_report_matches_golden_and_json_equals_library(tmp_path: Path) -> None:
    report, data = tmp_path / "mistakes-report.xlsx", tmp_path / "mistakes.json"
    out = run_cli("check", MISTAKES, "--report", report, "--json", data)
    assert out.returncode == 1
    assert out.stderr == ""
    dump = dump_report(report, volatile=("Created",))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(dump, indent=1, ensure_ascii=False) + "\n")
    assert dump == json.loads(GOLDEN.read_text())
    # the JSON is the library's report of the same check (apart from where it was written)
    written = json.loads(data.read_text())
    result = run_check(MISTAKES, build_layout(load_bundled()))
    library = report_to_json(MISTAKES.name, result.problems, rows_checked=result.rows_checked,
                             rows_with_errors=result.rows_with_errors, report=str(report),
                             extra={"created": written["created"]})
    assert written == json.loads(json.dumps(library))
