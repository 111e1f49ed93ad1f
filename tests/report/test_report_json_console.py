"""The JSON report (schema version 1) and the console summary."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from importer.problems import Problem, Severity
from importer.report import render_console_summary, report_to_json, status_text, summarise

PROBLEMS = [
    Problem("bad-email", "Contact 1 Email 'jo@' is not an e-mail address.", Severity.ERROR,
            "datasets", 3, "I", "contacts_1_email", "contacts[1].email", "jo@"),
    Problem("required", "Title is required.", Severity.ERROR, "datasets", 2, "A", "title",
            "title", None),
    Problem("required", "Title is required.", Severity.ERROR, "datasets", 5, "A", "title",
            "title", None),
    Problem("publish-state", "State must be DRAFT for a new record.", Severity.WARNING,
            "datasets", 5, "D", "publish_state", "publish_state", "PUBLISHED"),
]


@dataclass
class FakeResult:
    problems: list[Problem] = field(default_factory=list)
    rows_checked: int = 0
    rows_with_errors: int = 0


def test_json_report_schema_version_1() -> None:
    data = report_to_json("in.xlsx", PROBLEMS, rows_checked=6, report="in-report.xlsx",
                          extra={"created": "2026-01-01T00:00:00Z"})
    assert json.loads(json.dumps(data)) == data
    assert {k: data[k] for k in ("version", "tool", "file", "report", "valid", "rows_checked",
                                 "rows_with_errors", "created")} == {
        "version": 1, "tool": "bcdc-importer", "file": "in.xlsx", "report": "in-report.xlsx",
        "valid": False, "rows_checked": 6, "rows_with_errors": 3,
        "created": "2026-01-01T00:00:00Z",
    }
    assert data["counts"] == {
        "errors": 3, "warnings": 1,
        "by_code": {"required": 2, "bad-email": 1, "publish-state": 1},
        "by_column": {"datasets: title": 2, "datasets: contacts_1_email": 1,
                      "datasets: publish_state": 1},
    }
    assert data["top_problems"][0] == {
        "sheet": "datasets", "column": "title", "code": "required", "severity": "error",
        "count": 2, "first_cell": "A2", "message": "Title is required.",
    }
    assert [p["cell"] for p in data["problems"]] == ["A2", "I3", "A5", "D5"]
    assert data["problems"][1] == {
        "code": "bad-email", "message": "Contact 1 Email 'jo@' is not an e-mail address.",
        "severity": "error", "sheet": "datasets", "row": 3, "column": "I",
        "header": "contacts_1_email", "field": "contacts[1].email", "value": "jo@",
        "cell": "I3",
    }


def test_warnings_only_is_valid() -> None:
    data = report_to_json("in.xlsx", PROBLEMS[3:], rows_checked=2)
    assert (data["valid"], data["rows_with_errors"], data["counts"]["warnings"]) == (True, 0, 1)


def test_console_summary_with_errors() -> None:
    out = io.StringIO()
    render_console_summary(FakeResult(PROBLEMS, 6, 3), out, report=Path("in-report.xlsx"),
                           json_path=Path("in.json"))
    assert out.getvalue() == (
        "Checked 6 rows: 3 with errors; 3 errors, 1 warning.\n"
        "Most common problems:\n"
        "  datasets!A2: error required (2x): Title is required.\n"
        "  datasets!I3: error bad-email: Contact 1 Email 'jo@' is not an e-mail address.\n"
        "  datasets!D5: warning publish-state: State must be DRAFT for a new record.\n"
        "Report: in-report.xlsx\n"
        "JSON: in.json\n"
    )


def test_console_summary_clean() -> None:
    out = io.StringIO()
    render_console_summary(FakeResult([], 1, 0), out, report=Path("r.xlsx"))
    assert out.getvalue() == "Checked 1 row: no errors.\nReport: r.xlsx\n"
    out = io.StringIO()
    render_console_summary(FakeResult(PROBLEMS[3:], 2, 0), out)
    assert out.getvalue().splitlines()[0] == "Checked 2 rows: no errors (1 warning)."


def test_console_summary_shows_at_most_top() -> None:
    many = [Problem(f"code-{i}", "m", Severity.ERROR, "datasets", 2, "A") for i in range(9)]
    out = io.StringIO()
    render_console_summary(FakeResult(many, 1, 1), out, top=3)
    assert len(out.getvalue().splitlines()) == 1 + 1 + 3


def test_summary_top_is_ten_most_common() -> None:
    many = [Problem(f"code-{i:02d}", "m", Severity.ERROR, "datasets", r, "A")
            for i in range(12) for r in range(2, 3 + i)]
    s = summarise(many, rows_checked=20)
    assert [c.code for c in s.top] == [f"code-{i:02d}" for i in range(11, 1, -1)]
    assert [c.count for c in s.top] == list(range(12, 2, -1))


def test_status_text() -> None:
    assert [status_text(0, 0), status_text(1, 0), status_text(2, 0), status_text(0, 1),
            status_text(1, 2)] == ["OK", "1 error", "2 errors", "1 warning",
                                   "1 error, 2 warnings"]
