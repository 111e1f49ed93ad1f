"""The short summary printed after a check: what a person reads before opening the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from importer.problems import Severity
from importer.report.summary import CheckedRows, Summary, summarise_checked

CONSOLE_TOP = 5


def render_console_summary(
    result: CheckedRows,
    stream: TextIO,
    *,
    report: Path | None = None,
    json_path: Path | None = None,
    top: int = CONSOLE_TOP,
    summary: Summary | None = None,
) -> None:
    """Write a few lines: rows checked, rows with errors, the commonest problems, and
    where the report is. Plain text, no colour: it is read in logs and CI too."""
    s = summary or summarise_checked(result)
    rows = "row" if s.rows_checked == 1 else "rows"
    stream.write(f"Checked {s.rows_checked} {rows}: ")
    if s.valid:
        warn = f" ({s.warnings} warning{'s' if s.warnings != 1 else ''})" if s.warnings else ""
        stream.write(f"no errors{warn}.\n")
    else:
        stream.write(
            f"{s.rows_with_errors} with errors; {s.errors} error{'s' if s.errors != 1 else ''}"
            f", {s.warnings} warning{'s' if s.warnings != 1 else ''}.\n"
        )
    if s.top:
        stream.write("Most common problems:\n")
        for common in s.top[:top]:
            first = common.example
            where = f"{first.sheet}!{first.cell}" if first.sheet and first.cell else (
                first.sheet or "file")
            times = f" ({common.count}x)" if common.count > 1 else ""
            word = "error" if common.severity is Severity.ERROR else "warning"
            stream.write(f"  {where}: {word} {common.code}{times}: {first.message}\n")
    if report is not None:
        stream.write(f"Report: {report}\n")
    if json_path is not None:
        stream.write(f"JSON: {json_path}\n")


def write_run_summary(out: TextIO, heading: str, counts: Sequence[tuple[str, int]],
                      notices: Sequence[str], width: int = 13) -> None:
    """The few lines after an import or an undo: the heading, rows per status, notices."""
    out.write(f"{heading}\n")
    for status, n in counts:
        out.write(f"  {status:<{width}}{n:>6}\n")
    for notice in notices:
        out.write(f"{notice}\n")
