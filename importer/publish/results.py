"""The results report of an import: the check report's workbook and JSON, plus per-row
outcome (status, record id, URL on the site, fields changed).

Written with :mod:`importer.report`, so it looks like the check report: the user's own
sheets behind a leading ``status`` column (``created`` / ``updated`` / ``unchanged`` /
``failed`` / ``skipped`` / ``invalid`` / ``not done``), then the record id, its URL and
the fields changed; every problem (the check's, and the server's ``error_dict`` mapped
back to cells) red at its cell; a summary sheet; an errors sheet with links.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from importer.errors import OutputError
from importer.problems import Problem
from importer.publish.engine import RowOutcome
from importer.publish.plan import Change, change_text
from importer.publish.run import ImportResult, outcome_dict, summary_rows
from importer.report import ExtraColumn, report_to_json, write_report_workbook

RowKey = tuple[str, int]
JSON_KIND = "import-results"


def default_report_path(source: Path, folder: Path | None = None) -> Path:
    """``datasets.xlsx`` -> ``datasets-import-report.xlsx``, beside the input (or in
    ``folder``). Named once, for ``import`` and ``demo``."""
    return (folder or source.parent) / f"{source.stem}-import-report.xlsx"


def journal_path(report: Path) -> Path:
    """The journal lives next to the report: ``<report stem>.journal.jsonl``, so a rerun
    with the same report finds it and resumes."""
    return report.with_name(f"{report.stem}.journal.jsonl")


def _row_values(result: ImportResult) -> tuple[dict[RowKey, str], dict[RowKey, Any],
                                                 dict[RowKey, Any], dict[RowKey, Any]]:
    status: dict[RowKey, str] = {}
    ids: dict[RowKey, Any] = {}
    urls: dict[RowKey, Any] = {}
    changed: dict[RowKey, Any] = {}

    def put(key: RowKey, outcome: RowOutcome, what: str) -> None:
        status[key] = what
        if outcome.record_id:
            ids[key] = outcome.record_id
        url = result.url_of(outcome)
        if url and outcome.status.value not in ("invalid", "skipped", "would create",
                                                "not selected"):
            urls[key] = url

    def text(c: Change) -> str:
        if result.dry_run:
            return change_text(c)
        return f"{c.path} (removed)" if c.whole_entry and c.new is None else c.path

    for outcome in result.outcomes:
        put(outcome.key, outcome, outcome.status_text)
        if outcome.status.value == "would create":
            continue
        paths = [text(c) for c in outcome.changes if not c.path.startswith("resources[")]
        if paths:
            changed[outcome.key] = ", ".join(paths)
        for res in outcome.record.resources:
            key = (res.sheet, res.row)
            put(key, outcome, outcome.status_text)
            prefix = f"resources[{res.resource.get('name')}]."
            mine = [text(Change(c.path[len(prefix):], c.old, c.new)) for c in outcome.changes
                    if c.path.startswith(prefix)]
            if mine:
                changed[key] = ", ".join(mine)
    return status, ids, urls, changed


def all_problems(result: ImportResult) -> list[Problem]:
    seen: set[Problem] = set()
    out: list[Problem] = []
    for p in [*result.problems, *(p for o in result.outcomes for p in o.problems)]:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _shown(path: Path, label: str | None) -> str:
    """A path as the report shows it: in full, or (with a label) by name only."""
    return path.name if label else str(path)


def summary_lines(result: ImportResult, source: Path,
                  label: str | None = None) -> list[tuple[str, Any]]:
    """The summary sheet's lines. ``label`` names the input instead of its path (and
    then other paths are shown by name only): the web app stores uploads by job id."""
    lines: list[tuple[str, Any]] = [
        ("File", label or str(source)),
        ("Site", result.site_url),
        ("Mode", "dry run (nothing sent)" if result.dry_run else "import"),
    ]
    if result.blocked:
        lines.append(("Result", "nothing sent: some rows have errors (use --skip-invalid "
                                "to send only the valid rows)"))
    if result.interrupted:
        lines.append(("Result", "stopped by Ctrl-C; run the same command again to finish"))
    lines += [(f"Rows {status}", n) for status, n in summary_rows(result)]
    lines.append(("Seconds", round(result.seconds, 2)))
    if result.journal_path:
        lines.append(("Journal", _shown(result.journal_path, label)))
    if result.workbook_sha256:
        lines.append(("Workbook SHA-256", result.workbook_sha256))
    lines += [("Notice", n) for n in result.notices]
    return lines


def write_results_workbook(result: ImportResult, source: Path, out: Path,
                           label: str | None = None) -> None:
    status, ids, urls, changed = _row_values(result)
    write_report_workbook(
        source, all_problems(result), out,
        rows_checked=result.rows_checked,
        row_status=status,
        extra_columns=[ExtraColumn("record id", ids, 38), ExtraColumn("url", urls, 50),
                       ExtraColumn("changed", changed, 30)],
        summary=summary_lines(result, source, label),
        header_rows=result.header_rows or None,
        title="bcdc-import results report",
    )


def results_json(result: ImportResult, source: Path, report: Path | None,
                 label: str | None = None) -> dict[str, Any]:
    """The check report's JSON (version 1) plus ``kind``, ``site``, ``dry_run``,
    ``interrupted``, ``statuses`` (counts) and ``rows`` (one per dataset row: sheet, row,
    name, status, id, url, changed [{field, old, new}], message, confirmed, problems)."""
    return report_to_json(
        label or str(source), all_problems(result), rows_checked=result.rows_checked,
        report=_shown(report, label) if report else None,
        extra={
            "kind": JSON_KIND, "site": result.site_url, "dry_run": result.dry_run,
            "interrupted": result.interrupted, "blocked": result.blocked,
            "seconds": round(result.seconds, 3),
            "statuses": dict(summary_rows(result)),
            "journal": _shown(result.journal_path, label) if result.journal_path else None,
            "workbook_sha256": result.workbook_sha256,
            "notices": result.notices,
            "rows": [outcome_dict(result, o) for o in result.outcomes],
        },
    )


def write_results_json(result: ImportResult, source: Path, out: Path,
                       report: Path | None, label: str | None = None) -> None:
    data = results_json(result, source, report, label)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str),
                           encoding="utf-8")
        os.replace(partial, out)
    except OSError as err:
        raise OutputError(f"cannot write {out}: {err.strerror}") from None
