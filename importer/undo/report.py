"""The undo results report, in the import report's style: a workbook (status column,
record id and URL, what was put back, conflicts red at their row with old / imported /
current, a summary sheet, an errors sheet with links), the JSON of the same, and the
console summary.

The import journal does not hold the workbook, so the report's one data sheet, ``undo``,
lists the imported rows (sheet, row, name) rather than copying the user's sheets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from importer.problems import Problem, Severity
from importer.report import ExtraColumn, SourceSheet, report_to_json, write_report_workbook
from importer.report.console import write_run_summary
from importer.report.outputs import write_text_file
from importer.report.source import Row
from importer.undo.plan import UndoStatus
from importer.undo.run import UndoOutcome, UndoResult

JSON_KIND = "undo-results"
UNDO_SHEET = "undo"
#: the columns of the ``undo`` sheet: (header, letter).
_HEADERS = ("sheet", "row", "name", "put back", "conflicts")
_DONE_COL, _CONFLICT_COL = "D", "E"


def default_report_path(journal: Path) -> Path:
    """``in-import-report.journal.jsonl`` -> ``in-undo-report.xlsx``, beside the journal
    (another journal name ``x.jsonl`` -> ``x-undo-report.xlsx``)."""
    stem = journal.name.split(".journal")[0] if ".journal" in journal.name else journal.stem
    stem = stem.removesuffix("-import-report")
    return journal.with_name(f"{stem}-undo-report.xlsx")


def short(value: Any) -> str:
    """A value as one short line: ``(empty)`` for none."""
    text = "(empty)" if value is None else repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def status_rows(result: UndoResult) -> list[tuple[str, int]]:
    counts = result.counts
    return [(s.value, counts[s.value]) for s in UndoStatus if counts.get(s.value)]


def console_summary(result: UndoResult, out: TextIO) -> None:
    """The dry run's field-level plan (or the conflicts), then the counts."""
    for o in result.outcomes:
        where = f"{o.row.sheet} row {o.row.row} ({o.row.name})"
        if result.dry_run and o.restores:
            out.write(f"{where}: would undo\n")
            for r in o.restores:
                out.write(f"    {r.path}: {short(r.current)} -> {short(r.restored)}\n")
        for c in o.conflicts:
            out.write(f"{where}: conflict: {c.path}: before the import {short(c.old)}, "
                      f"imported {short(c.imported)}, now {short(c.current)}\n")
        if o.status is UndoStatus.FAILED:
            out.write(f"{where}: failed: {o.message}\n")
    title = "Undo plan (dry run, nothing sent)" if result.dry_run else "Undo finished"
    if result.interrupted:
        title = "Undo stopped (Ctrl-C)"
    write_run_summary(out, f"{title}: {len(result.outcomes)} rows, {result.site_url}",
                      status_rows(result), result.notices, width=14)


def outcome_dict(result: UndoResult, o: UndoOutcome) -> dict[str, Any]:
    return {"sheet": o.row.sheet, "row": o.row.row, "name": o.row.name, "id": o.row.id,
            "status": str(o.status), "url": result.url_of(o),
            "restored": [r.to_dict() for r in o.restores],
            "conflicts": [c.to_dict() for c in o.conflicts], "done": o.done,
            "message": o.message, "confirmed": o.confirmed}


def _problems(result: UndoResult) -> list[Problem]:
    out = []
    for line, o in enumerate(result.outcomes, start=2):
        for c in o.conflicts:
            out.append(Problem("undo-conflict", f"{c.message} (before the import "
                                                f"{short(c.old)}, imported {short(c.imported)}, "
                                                f"now {short(c.current)})",
                               Severity.ERROR, UNDO_SHEET, line, _CONFLICT_COL,
                               "conflicts", c.path))
        if o.status in (UndoStatus.FAILED, UndoStatus.NOT_DONE):
            out.append(Problem("undo-failed" if o.status is UndoStatus.FAILED else
                               "undo-not-done", o.message or str(o.status), Severity.ERROR,
                               UNDO_SHEET, line, _DONE_COL, "put back"))
    return out


def _sheet(result: UndoResult) -> SourceSheet:
    def rows() -> Iterator[Row]:
        yield 1, list(_HEADERS)
        for line, o in enumerate(result.outcomes, start=2):
            put_back = "; ".join(f"{r.path}: {short(r.current)} -> {short(r.restored)}"
                                 for r in o.restores) if result.dry_run else \
                ", ".join(o.done) or o.message
            yield line, [o.row.sheet, o.row.row, o.row.name or "", put_back,
                         ", ".join(c.path for c in o.conflicts)]

    return SourceSheet(UNDO_SHEET, rows)


def summary_lines(result: UndoResult) -> list[tuple[str, Any]]:
    lines: list[tuple[str, Any]] = [
        ("Import journal", str(result.journal)), ("Site", result.site_url),
        ("Mode", "undo, dry run (nothing sent)" if result.dry_run else "undo")]
    if result.interrupted:
        lines.append(("Result", "stopped by Ctrl-C; run the same command again to finish"))
    lines += [(f"Rows {status}", n) for status, n in status_rows(result)]
    lines.append(("Seconds", round(result.seconds, 2)))
    if result.undo_journal:
        lines.append(("Undo journal", str(result.undo_journal)))
    lines += [("Notice", n) for n in result.notices]
    return lines


def write_undo_workbook(result: UndoResult, out: Path) -> None:
    keys = {(UNDO_SHEET, line): o for line, o in enumerate(result.outcomes, start=2)}
    write_report_workbook(
        result.journal, _problems(result), out, rows_checked=len(result.outcomes),
        row_status={k: str(o.status) for k, o in keys.items()},
        extra_columns=[
            ExtraColumn("record id", {k: o.row.id for k, o in keys.items() if o.row.id}, 38),
            ExtraColumn("url", {k: result.url_of(o) for k, o in keys.items()
                                if result.url_of(o)}, 50)],
        summary=summary_lines(result), sheets=[_sheet(result)],
        title="bcdc-import undo report")


def undo_json(result: UndoResult, report: Path | None) -> dict[str, Any]:
    """The check report's JSON (version 1) plus ``kind: "undo-results"``, ``site``,
    ``dry_run``, ``interrupted``, ``statuses`` and ``rows`` (one per imported row:
    sheet, row, name, id, status, url, restored [{field, current, restored}], conflicts
    [{field, old, imported, current, message}], done, message, confirmed)."""
    return report_to_json(
        str(result.journal), _problems(result), rows_checked=len(result.outcomes),
        report=None,
        extra={"kind": JSON_KIND, "site": result.site_url, "dry_run": result.dry_run,
               "interrupted": result.interrupted, "seconds": round(result.seconds, 3),
               "statuses": dict(status_rows(result)),
               "undo_journal": str(result.undo_journal) if result.undo_journal else None,
               "notices": result.notices,
               "rows": [outcome_dict(result, o) for o in result.outcomes]})


def write_undo_json(result: UndoResult, out: Path, report: Path | None) -> None:
    data = undo_json(result, report)
    data["report"] = str(report) if report else None
    write_text_file(out, json.dumps(data, indent=2, ensure_ascii=False, default=str))
