"""The report as JSON, for scripts and CI (``check --json``).

Schema, version 1 (a new key may be added within a version; a key is never removed or
changed in meaning without bumping ``version``)::

    {
      "version": 1,
      "tool": "bcdc-importer", "tool_version": "0.1.0",
      "file": "datasets.xlsx",            # the input, as given
      "report": "datasets-report.xlsx",   # the report workbook, or null
      "valid": false,                     # no errors (warnings allowed)
      "rows_checked": 20, "rows_with_errors": 3,
      "counts": {"errors": 5, "warnings": 1,
                 "by_code": {"required": 2, ...},        # most frequent first
                 "by_column": {"datasets: title": 1, ...}},
      "top_problems": [{"sheet": "datasets", "column": "title", "code": "required",
                        "severity": "error", "count": 2, "first_cell": "A3",
                        "message": "..."}, ...],           # at most 10
      "problems": [Problem.to_dict(), ...],   # every problem, in reading order:
          # {"code", "message", "severity", "sheet", "row", "column", "header",
          #  "field", "value", "cell"}
      ...extra                              # keys the caller adds (e.g. "created")
    }
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from importer import __version__
from importer.problems import Problem, sort_key
from importer.report.summary import Summary, summarise

JSON_VERSION = 1


def report_to_json(
    file: str,
    problems: Sequence[Problem],
    *,
    rows_checked: int,
    rows_with_errors: int | None = None,
    report: str | None = None,
    extra: Mapping[str, Any] | None = None,
    summary: Summary | None = None,
) -> dict[str, Any]:
    """The JSON-ready dict of a check (see the module docstring for the schema)."""
    result = summary or summarise(problems, rows_checked, rows_with_errors)
    data: dict[str, Any] = {
        "version": JSON_VERSION,
        "tool": "bcdc-importer",
        "tool_version": __version__,
        "file": file,
        "report": report,
        "valid": result.valid,
        "rows_checked": result.rows_checked,
        "rows_with_errors": result.rows_with_errors,
        "counts": {
            "errors": result.errors,
            "warnings": result.warnings,
            "by_code": dict(result.by_code),
            "by_column": dict(result.by_column),
        },
        "top_problems": [
            {
                "sheet": c.sheet,
                "column": c.column,
                "code": c.code,
                "severity": str(c.severity),
                "count": c.count,
                "first_cell": c.example.cell,
                "message": c.example.message,
            }
            for c in result.top
        ],
        "problems": [p.to_dict() for p in sorted(problems, key=sort_key)],
    }
    data.update(extra or {})
    return data
