"""Write the outputs of a check (report workbook, JSON) from a check result.

Shared by ``check`` and, for its results report, ``import``: given what was read and the
problems found, write the files the user asked for, refusing to clobber a file that is
not one of our reports (unless forced) and never writing over the input.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from importer.errors import OutputError
from importer.files import is_special, special_output_message
from importer.read import ReadResult, SheetInfo
from importer.read import Row as ReadRow
from importer.report.jsonreport import report_to_json
from importer.report.source import Row, SourceSheet
from importer.report.summary import CheckedRows, Summary, summarise_checked
from importer.report.workbook import REPORT_CREATOR, write_report_workbook
from importer.schema.columns import Scope


class CheckOutcome(CheckedRows, Protocol):
    """The parts of ``importer.check.CheckResult`` a report needs."""

    @property
    def read(self) -> ReadResult | None: ...


@dataclass(frozen=True)
class Outputs:
    """Where the outputs go. ``report``/``json`` are ``None`` when not wanted."""

    source: Path
    report: Path | None
    json: Path | None
    force: bool = False
    #: the input's name as the reports show it (the web stores uploads under another name)
    label: str | None = None

    @property
    def shown_name(self) -> str:
        return self.label or self.source.name


def default_report_path(source: Path) -> Path:
    """``datasets.xlsx`` -> ``datasets-report.xlsx``, beside the input."""
    return source.with_name(f"{source.stem}-report.xlsx")


def sheets_from_read(read: ReadResult) -> list[SourceSheet]:
    """The user's sheets as the reader already holds them (header row and non-blank data
    rows, values normalised), so the report does not read the file a second time."""
    out = []
    for scope, info in read.sheets.items():
        rows = read.datasets if scope is Scope.DATASET else read.resources

        def stream(info: SheetInfo = info, rows: list[ReadRow] = rows) -> Iterator[Row]:
            yield info.header_row, list(info.headers)
            for row in rows:
                yield row.number, row.values

        out.append(SourceSheet(info.name, stream))
    return out


def check_targets(outputs: Outputs) -> None:
    """Refuse, before any work, to write over the input or over a file we did not write."""
    source = outputs.source.resolve()
    for target, ours in ((outputs.report, _is_our_workbook), (outputs.json, _is_our_json)):
        if target is None:
            continue
        if target.resolve() == source:
            raise OutputError(f"the report {target} would overwrite the input file; "
                              "choose another name")
        if not target.parent.is_dir():
            raise OutputError(f"cannot write {target}: no such folder {target.parent}")
        if is_special(target):
            raise OutputError(special_output_message(target))
        if target.exists() and not outputs.force and not ours(target):
            raise OutputError(f"{target} exists and is not a bcdc-import report; "
                              "use --force to overwrite it, or choose another name")


def _is_our_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f"<dc:creator>{REPORT_CREATOR}</dc:creator>".encode() in core


def _is_our_json(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            data = json.loads(fh.read(64 * 1024 * 1024))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("tool") == "bcdc-importer"


def write_check_outputs(result: CheckOutcome, outputs: Outputs, *, created: str,
                        facts: Sequence[tuple[str, Any]] = ()) -> Summary:
    """Write the report workbook and/or JSON of ``result``; return the summary.

    ``created`` is the timestamp shown in both (passed in: the library keeps no clock);
    ``facts`` are extra summary lines (schema, site).
    """
    check_targets(outputs)
    summary = summarise_checked(result)
    read = result.read
    mapping = read.mapping if read else None
    if mapping is not None:  # nothing is guessed silently: say how the columns were read
        facts = [*facts, ("Column mapping", mapping.describe())]
    if outputs.report is not None:
        write_report_workbook(
            outputs.source, result.problems, outputs.report,
            rows_checked=result.rows_checked,
            rows_with_errors=result.rows_with_errors,
            header_rows=read.header_row if read else None,
            sheets=sheets_from_read(read) if read else None,
            summary=[("File", outputs.shown_name), ("Created", created), *facts],
        )
    if outputs.json is not None:
        data = report_to_json(
            outputs.shown_name, result.problems, rows_checked=result.rows_checked,
            rows_with_errors=result.rows_with_errors,
            report=_shown(outputs.report, outputs.label),
            extra={"created": created,
                   **({"column_mapping": mapping.to_json()} if mapping else {})},
            summary=summary,
        )
        write_text_file(outputs.json, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return summary


def _shown(path: Path | None, label: str | None) -> str | None:
    """A path as a report shows it: in full, or (with a label) by name only."""
    if path is None:
        return None
    return path.name if label else str(path)


def write_text_file(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` then rename: an interrupted run leaves no half file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err
