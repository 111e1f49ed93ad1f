"""The report workbook: the user's sheets with every problem shown at its cell.

Layout (the same for ``check`` and the results report of ``import``):

* ``summary``: what was checked, counts by code and by column, the commonest mistakes;
* ``errors``: one line per problem with a link to its cell;
* the user's sheets (``datasets``, ``resources``), values copied at their own row numbers
  behind a leading ``status`` column (``OK`` / ``2 errors`` / ``1 warning``, or a status
  given by the caller), optionally more leading columns (``extra_columns``), each bad
  cell filled red (warnings amber) with the messages in a cell comment.

Because of the leading columns, column D of the user's file is column E (or further) in
the report; links and fills use the shifted cell, while every text the user reads (the
``Cell`` column, messages) names the cell as it is in *their* file.

Written with the small streaming writer of :mod:`importer.report.xlsx` (measured ~10x
faster than xlsxwriter, itself 1.7x faster than openpyxl; bench/RESULTS-check.md): rows
stream out one at a time, so a report of a 100,000-row file does not hold it in memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importer.errors import OutputError
from importer.gcpause import gc_paused
from importer.problems import Problem, Severity, sort_key
from importer.report.cells import display, hyperlink_formula
from importer.report.source import Row, SourceSheet, source_sheets
from importer.report.summary import RowKey, Summary, row_counts, row_key, status_text, summarise
from importer.report.xlsx import (
    BOLD,
    PLAIN,
    SheetWriter,
    XlsxStream,
    cell_xml,
    formula_xml,
    letter,
    plain_cells,
    style,
)
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET

SUMMARY_SHEET = "summary"
ERRORS_SHEET = "errors"
STATUS_HEADER = "status"
#: written as the document creator, so a later run knows the file is a report it may replace.
REPORT_CREATOR = "bcdc-import report"
ERRORS_HEADERS = (
    "Sheet", "Cell", "Row", "Column", "Header", "Field", "Value", "Code", "Severity",
    "Message",
)
ERRORS_WIDTHS = (12, 10, 7, 9, 24, 24, 28, 22, 9, 100)
SUMMARY_WIDTHS = (34, 14, 16, 10, 12, 11, 100)
STATUS_WIDTH = 16
WIDTH_SAMPLE = 30  # rows under the header read ahead to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 45


@dataclass(frozen=True)
class ExtraColumn:
    """A leading column the caller adds after ``status`` (the import adds the record id
    and its URL). ``values`` maps (sheet, row) to the cell value."""

    header: str
    values: Mapping[RowKey, Any]
    width: float = 16


def write_report_workbook(
    source: Path,
    problems: Sequence[Problem],
    out: Path,
    *,
    rows_checked: int | None = None,
    rows_with_errors: int | None = None,
    row_status: Mapping[RowKey, str] | None = None,
    extra_columns: Sequence[ExtraColumn] = (),
    summary: Sequence[tuple[str, Any]] = (),
    header_rows: Mapping[str, int] | None = None,
    sheets: Sequence[SourceSheet] | None = None,
    title: str = "bcdc-import check report",
    created: str = "",
) -> Summary:
    """Write the report of ``problems`` found in ``source`` to ``out``; return its summary.

    ``row_status`` overrides the status text of a row (the import writes ``created``,
    ``updated``, ...); a row with errors is red, with warnings amber, else green.
    ``summary`` holds leading (label, value) lines of the summary sheet (file, time,
    schema). ``header_rows`` gives each sheet's header row (default 1): rows above it get
    no status. ``sheets`` replaces reading ``source`` again (rows already in memory).
    ``rows_checked`` defaults to the rows with data below the header rows. ``created``
    is the document's creation time (ISO 8601), if wanted in its properties.
    """
    with gc_paused():  # rows of strings, no reference cycles: see importer.gcpause
        return _write_report_workbook(
            source, problems, out, rows_checked=rows_checked,
            rows_with_errors=rows_with_errors, row_status=row_status,
            extra_columns=extra_columns, summary=summary, header_rows=header_rows,
            sheets=sheets, title=title, created=created)


def _write_report_workbook(
    source: Path,
    problems: Sequence[Problem],
    out: Path,
    *,
    rows_checked: int | None,
    rows_with_errors: int | None,
    row_status: Mapping[RowKey, str] | None,
    extra_columns: Sequence[ExtraColumn],
    summary: Sequence[tuple[str, Any]],
    header_rows: Mapping[str, int] | None,
    sheets: Sequence[SourceSheet] | None,
    title: str,
    created: str,
) -> Summary:
    headers = dict(header_rows or {})
    if sheets is None:
        wanted = {p.sheet for p in problems if p.sheet and p.row} | set(headers)
        sheets = source_sheets(source, lambda name: _copy_sheet(name, wanted))
    # the report's own sheets keep their names (sheet names are unique ignoring case)
    sheets = [s for s in sheets if s.name.lower() not in (SUMMARY_SHEET, ERRORS_SHEET)]
    if not out.parent.is_dir():
        raise OutputError(f"cannot write the report {out}: no such folder {out.parent}")
    # Written beside the target then renamed: an interrupted run leaves no half report.
    partial = out.with_name(f".{out.name}.partial")
    try:
        stream = XlsxStream(partial, REPORT_CREATOR, title, created)
    except OSError as err:
        raise OutputError(f"cannot write the report {out}: {err.strerror or err}") from err
    try:
        writer = _ReportWriter(problems, row_status or {}, extra_columns)
        copied: list[str] = []
        data_rows = 0
        for sheet in sheets:
            data_rows += writer.copy_sheet(stream, sheet, headers.get(sheet.name, 1))
            copied.append(sheet.name)
        result = summarise(problems, rows_checked if rows_checked is not None else data_rows,
                           rows_with_errors)
        writer.write_errors(stream, set(copied))
        writer.write_summary(stream, title, summary, result, set(copied))
        stream.close([SUMMARY_SHEET, ERRORS_SHEET, *copied])
        os.replace(partial, out)
    except OSError as err:
        stream.abort()
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write the report {out}: {err.strerror or err}") from err
    except BaseException:
        stream.abort()
        partial.unlink(missing_ok=True)
        raise
    return result


def _copy_sheet(name: str, wanted: set[str]) -> bool:
    """The datasets and resources sheets, and any other sheet a problem points into."""
    return name in wanted or name.strip().lower() in (DATASETS_SHEET, RESOURCES_SHEET)


def _tone(errors: int, warnings: int) -> str:
    return "error" if errors else "warning" if warnings else "ok"


def _comment_text(problems: Sequence[Problem]) -> str:
    return "\n".join(
        f"{'Error' if p.severity is Severity.ERROR else 'Warning'} ({p.code}): {p.message}"
        for p in problems)


class _ReportWriter:
    """The problems indexed by cell and row, while one report is written."""

    def __init__(self, problems: Sequence[Problem], row_status: Mapping[RowKey, str],
                 extra_columns: Sequence[ExtraColumn]) -> None:
        self.problems = sorted(problems, key=sort_key)
        self.row_status = row_status
        self.extra = tuple(extra_columns)
        self.shift = 1 + len(self.extra)
        self.counts = row_counts(self.problems)
        self.by_cell: dict[RowKey, dict[int, list[Problem]]] = {}
        self.by_row: dict[RowKey, list[Problem]] = {}
        for p in self.problems:
            key = row_key(p)
            if key is None:
                continue
            if p.column:
                col = _column_index(p.column)
                self.by_cell.setdefault(key, {}).setdefault(col, []).append(p)
            else:
                self.by_row.setdefault(key, []).append(p)

    # the user's sheets -------------------------------------------------------

    def copy_sheet(self, stream: XlsxStream, sheet: SourceSheet, header_row: int) -> int:
        """Copy one sheet behind the leading columns; return its number of data rows."""
        rows = iter(sheet.rows())
        ahead: list[Row] = []
        for item in rows:  # the header and a few rows under it, to size the columns
            ahead.append(item)
            if item[0] >= header_row + WIDTH_SAMPLE or len(ahead) >= 2 * WIDTH_SAMPLE:
                break
        widths = [(0, STATUS_WIDTH)] + [(i, e.width) for i, e in enumerate(self.extra, 1)]
        widths += [(c + self.shift, w) for c, w in enumerate(_widths(ahead, header_row))]
        ws = stream.sheet(sheet.name, widths, freeze=(header_row, self.shift))
        name = sheet.name
        pending = deque(sorted({r for (s, r) in self.by_cell if s == name}
                               | {r for (s, r) in self.by_row if s == name}
                               | {r for (s, r) in self.row_status if s == name}))
        data_rows = 0
        last = 0
        for number, values in _chain(ahead, rows):
            while pending and pending[0] < number:
                self.write_row(ws, name, pending.popleft(), (), header_row, False)
            if pending and pending[0] == number:
                pending.popleft()
            has_data = any(v is not None and v != "" for v in values)
            if number > header_row and has_data:
                data_rows += 1
            self.write_row(ws, name, number, values, header_row, has_data)
            last = number
        for number in pending:
            if number > last:
                self.write_row(ws, name, number, (), header_row, False)
        return data_rows

    def write_row(self, ws: SheetWriter, sheet: str, number: int, values: Sequence[Any],
                  header_row: int, has_data: bool) -> None:
        """One row: status, extra columns, then the user's values, problems marked."""
        key = (sheet, number)
        shift = self.shift
        cells: list[str] = []
        errors, warnings = self.counts.get(key, (0, 0))
        if number == header_row:
            # problems of the header row (unknown column, ...) are marked at their cells
            tone = "error" if errors else "warning" if warnings else None
            cells.append(cell_xml(f"A{number}", STATUS_HEADER, style(tone, bold=True)))
            cells += [cell_xml(f"{letter(i)}{number}", e.header, BOLD)
                      for i, e in enumerate(self.extra, 1)]
        elif key in self.row_status or errors or warnings or (number > header_row and has_data):
            text = self.row_status.get(key) or status_text(errors, warnings)
            cells.append(cell_xml(f"A{number}", text, style(_tone(errors, warnings))))
            cells += [cell_xml(f"{letter(i)}{number}", e.values.get(key))
                      for i, e in enumerate(self.extra, 1)]
        if key in self.by_row:
            ws.comment(number - 1, 0, _comment_text(self.by_row[key]))
        flagged = self.by_cell.get(key)
        base = BOLD if number == header_row else PLAIN
        if not flagged:
            if base == PLAIN:  # the hot path: most cells of most rows
                cells.append(plain_cells(values, shift, number))
            else:
                cells += [cell_xml(f"{letter(c + shift)}{number}", v, base)
                          for c, v in enumerate(values) if v is not None and v != ""]
            ws.row(number, cells)
            return
        width = max(len(values), max(flagged) + 1)
        for c in range(width):
            value = values[c] if c < len(values) else None
            ref = f"{letter(c + shift)}{number}"
            found = flagged.get(c)
            if found is None:
                cells.append(cell_xml(ref, value, base))
                continue
            worst = any(p.severity is Severity.ERROR for p in found)
            cells.append(cell_xml(ref, value, style("error" if worst else "warning",
                                                    bold=base == BOLD)))
            ws.comment(number - 1, c + shift, _comment_text(found))
        ws.row(number, cells)

    # the errors and summary sheets -------------------------------------------

    def target(self, p: Problem, copied: set[str]) -> tuple[str, str] | None:
        """The (sheet, shifted cell) a problem links to in the report, if it has one."""
        if p.sheet is None or p.sheet not in copied:
            return None
        if p.row is None:
            return (p.sheet, "A1")
        if not p.column:
            return (p.sheet, f"A{p.row}")
        return (p.sheet, f"{letter(_column_index(p.column) + self.shift)}{p.row}")

    def link_cell(self, ref: str, p: Problem, copied: set[str], text: str | None) -> str:
        target = self.target(p, copied)
        if target is None or not text:
            return cell_xml(ref, text)
        sheet, cell = target
        return formula_xml(ref, hyperlink_formula(sheet, cell, text), text)

    def write_errors(self, stream: XlsxStream, copied: set[str]) -> None:
        ws = stream.sheet(ERRORS_SHEET, list(enumerate(ERRORS_WIDTHS)), freeze=(1, 0))
        ws.row(1, [cell_xml(f"{letter(c)}1", h, BOLD) for c, h in enumerate(ERRORS_HEADERS)])
        for n, p in enumerate(self.problems, start=2):
            where = p.cell or (f"row {p.row}" if p.row else "")
            tone = "error" if p.severity is Severity.ERROR else "warning"
            ws.row(n, [
                cell_xml(f"A{n}", p.sheet),
                self.link_cell(f"B{n}", p, copied, where),
                cell_xml(f"C{n}", p.row),
                cell_xml(f"D{n}", p.column),
                cell_xml(f"E{n}", p.header),
                cell_xml(f"F{n}", p.field),
                cell_xml(f"G{n}", p.value),
                cell_xml(f"H{n}", p.code),
                cell_xml(f"I{n}", str(p.severity), style(tone)),
                cell_xml(f"J{n}", p.message),
            ])
        if self.problems:
            ws.autofilter(f"A1:{letter(len(ERRORS_HEADERS) - 1)}{len(self.problems) + 1}")

    def write_summary(self, stream: XlsxStream, title: str, lines: Sequence[tuple[str, Any]],
                      result: Summary, copied: set[str]) -> None:
        ws = stream.sheet(SUMMARY_SHEET, list(enumerate(SUMMARY_WIDTHS)), selected=True)
        rows: list[list[str]] = [[cell_xml("A1", title, BOLD)], []]
        verdict = ("No errors: the file can be imported." if result.valid
                   else "Errors found: fix the red cells, then check again.")
        facts: list[tuple[str, Any, int]] = [(label, value, PLAIN) for label, value in lines]
        facts += [
            ("Result", verdict, style("ok" if result.valid else "error")),
            ("Rows checked", result.rows_checked, PLAIN),
            ("Rows with errors", result.rows_with_errors, PLAIN),
            ("Errors", result.errors, PLAIN),
            ("Warnings", result.warnings, PLAIN),
        ]
        for label, value, s in facts:
            n = len(rows) + 1
            rows.append([cell_xml(f"A{n}", label, BOLD), cell_xml(f"B{n}", value, s)])
        for heading, table in (("Problems by code", result.by_code),
                               ("Problems by column", result.by_column)):
            rows.append([])
            rows += _table(len(rows) + 1, heading, ("Code" if "code" in heading else "Column",
                                                   "Count"), table.items())
        rows.append([])
        n = len(rows) + 1
        rows.append([cell_xml(f"A{n}", f"The {len(result.top)} most common problems", BOLD)])
        n += 1
        rows.append([cell_xml(f"{letter(c)}{n}", h, BOLD) for c, h in enumerate(
            ("Column", "Count", "Code", "Severity", "Sheet", "First cell",
             "Message (first occurrence)"))])
        for common in result.top:
            n += 1
            first = common.example
            tone = "error" if common.severity is Severity.ERROR else "warning"
            rows.append([
                cell_xml(f"A{n}", common.column),
                cell_xml(f"B{n}", common.count),
                cell_xml(f"C{n}", common.code),
                cell_xml(f"D{n}", str(common.severity), style(tone)),
                cell_xml(f"E{n}", common.sheet),
                self.link_cell(f"F{n}", first, copied, first.cell),
                cell_xml(f"G{n}", first.message),
            ])
        for number, cells in enumerate(rows, start=1):
            if cells:
                ws.row(number, cells)


def _table(start: int, heading: str, headers: Sequence[str],
           items: Iterable[tuple[str, int]]) -> list[list[str]]:
    rows = [[cell_xml(f"A{start}", heading, BOLD)],
            [cell_xml(f"{letter(c)}{start + 1}", h, BOLD) for c, h in enumerate(headers)]]
    for i, (label, count) in enumerate(items, start=start + 2):
        rows.append([cell_xml(f"A{i}", label), cell_xml(f"B{i}", count)])
    return rows


def _widths(rows: Sequence[Row], header_row: int) -> list[float]:
    """Column widths (characters) from the header and the first rows under it."""
    longest: list[int] = []
    for number, values in rows:
        if number < header_row:
            continue
        for c, value in enumerate(values):
            size = max(len(line) for line in display(value).split("\n")) if value else 0
            if c >= len(longest):
                longest.append(size)
            elif size > longest[c]:
                longest[c] = size
    return [min(max(n + 2, MIN_WIDTH), MAX_WIDTH) for n in longest]


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


__all__ = ["ERRORS_SHEET", "REPORT_CREATOR", "STATUS_HEADER", "SUMMARY_SHEET", "ExtraColumn",
           "write_report_workbook"]
