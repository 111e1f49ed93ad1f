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

Written with xlsxwriter in constant-memory mode: rows stream out one at a time, so the
report of a 100,000-row file does not hold the file in memory. It measured 1.7x faster
than openpyxl's write-only mode (bench/RESULTS-check.md).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from importer.errors import OutputError
from importer.problems import Problem, Severity, sort_key
from importer.report.cells import (
    cell_kind,
    clean_text,
    display,
    hyperlink_formula,
)
from importer.report.source import SourceSheet, source_sheets
from importer.report.summary import (
    OK,
    RowKey,
    Summary,
    row_counts,
    row_key,
    status_text,
    summarise,
)
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET

SUMMARY_SHEET = "summary"
ERRORS_SHEET = "errors"
STATUS_HEADER = "status"
AUTHOR = "bcdc-import"
ERRORS_HEADERS = (
    "Sheet", "Cell", "Row", "Column", "Header", "Field", "Value", "Code", "Severity",
    "Message",
)
#: (fill, font colour) per tone: Excel's own "Bad", "Neutral" and "Good" cell styles.
TONES = {
    "error": ("#FFC7CE", "#9C0006"),
    "warning": ("#FFEB9C", "#9C5700"),
    "ok": ("#C6EFCE", "#006100"),
}
NUM_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}


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
) -> Summary:
    """Write the report of ``problems`` found in ``source`` to ``out``; return its summary.

    ``row_status`` overrides the status text of a row (the import writes ``created``,
    ``updated``, ...); a row with errors is red, with warnings amber, else green.
    ``summary`` holds leading (label, value) lines of the summary sheet (file, time,
    schema). ``header_rows`` gives each sheet's header row (default 1): rows above it get
    no status. ``sheets`` replaces reading ``source`` again (rows already in memory).
    ``rows_checked`` defaults to the rows with data below the header rows.
    """
    headers = dict(header_rows or {})
    if sheets is None:
        wanted = {p.sheet for p in problems if p.sheet} | set(headers)
        sheets = source_sheets(source, lambda name: _copy_sheet(name, wanted))
    if not out.parent.is_dir():
        raise OutputError(f"cannot write the report {out}: no such folder {out.parent}")
    # Written beside the target then renamed: an interrupted run leaves no half report.
    partial = out.with_name(f".{out.name}.partial")
    book = xlsxwriter.Workbook(str(partial), {"constant_memory": True, "in_memory": False})
    writer = _ReportWriter(book, problems, row_status or {}, extra_columns)
    summary_sheet = book.add_worksheet(SUMMARY_SHEET)
    errors_sheet = book.add_worksheet(ERRORS_SHEET)
    copied: set[str] = set()
    data_rows = 0
    for sheet in sheets:
        data_rows += writer.copy_sheet(sheet, headers.get(sheet.name, 1))
        copied.add(sheet.name)
    result = summarise(
        problems,
        rows_checked if rows_checked is not None else data_rows,
        rows_with_errors,
    )
    writer.write_errors(errors_sheet, copied)
    writer.write_summary(summary_sheet, title, summary, result, copied)
    summary_sheet.activate()
    try:
        book.close()
        os.replace(partial, out)
    except (OSError, FileCreateError) as err:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write the report {out}: {err}") from err
    return result


def _copy_sheet(name: str, wanted: set[str]) -> bool:
    return name in wanted or name.strip().lower() in (DATASETS_SHEET, RESOURCES_SHEET)


class _ReportWriter:
    """Holds the formats and the problems indexed by cell while one report is written."""

    def __init__(
        self,
        book: Any,
        problems: Sequence[Problem],
        row_status: Mapping[RowKey, str],
        extra_columns: Sequence[ExtraColumn],
    ) -> None:
        self.book = book
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
                _, col = xl_cell_to_rowcol(f"{p.column}1")
                self.by_cell.setdefault(key, {}).setdefault(col, []).append(p)
            else:
                self.by_row.setdefault(key, []).append(p)
        self._formats: dict[tuple[str | None, str | None, bool], Any] = {}

    # formats -----------------------------------------------------------------

    def fmt(self, tone: str | None = None, num: str | None = None, bold: bool = False) -> Any:
        """A cached cell format (xlsxwriter wants one object per distinct format)."""
        key = (tone, num, bold)
        if key not in self._formats:
            props: dict[str, Any] = {"valign": "top"}
            if tone:
                props["bg_color"], props["font_color"] = TONES[tone]
            if num:
                props["num_format"] = NUM_FORMATS[num]
            if bold:
                props["bold"] = True
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    @property
    def link_format(self) -> Any:
        if ("link", None, False) not in self._formats:
            self._formats[("link", None, False)] = self.book.add_format(
                {"font_color": "#0563C1", "underline": 1, "valign": "top"}
            )
        return self._formats[("link", None, False)]

    # writing values ----------------------------------------------------------

    def put(self, ws: Any, row: int, col: int, value: Any, tone: str | None = None,
            bold: bool = False) -> None:
        """Write one value with a typed call: text is always a text cell, never a formula."""
        kind = cell_kind(value)
        if kind == "blank":
            if tone or bold:
                ws.write_blank(row, col, None, self.fmt(tone, bold=bold))
        elif kind == "bool":
            ws.write_boolean(row, col, value, self.fmt(tone, bold=bold))
        elif kind == "number":
            ws.write_number(row, col, value, self.fmt(tone, bold=bold))
        elif kind in NUM_FORMATS:
            when = value if kind == "datetime" else dt.datetime.combine(value, dt.time())
            ws.write_datetime(row, col, when, self.fmt(tone, kind, bold))
        else:
            ws.write_string(row, col, clean_text(display(value)), self.fmt(tone, bold=bold))

    def link(self, ws: Any, row: int, col: int, sheet: str, cell: str, text: str) -> None:
        ws.write_formula(row, col, hyperlink_formula(sheet, cell, text), self.link_format,
                         text)

    def comment(self, ws: Any, row: int, col: int, problems: Sequence[Problem]) -> None:
        lines = [_comment_line(p) for p in problems]
        text = clean_text("\n".join(lines))
        height = 1.5 + 0.6 * sum(1 + len(line) // 60 for line in lines)
        ws.write_comment(row, col, text, {"author": AUTHOR, "x_scale": 2.5,
                                          "y_scale": min(height, 12)})

    # the user's sheets -------------------------------------------------------

    def copy_sheet(self, sheet: SourceSheet, header_row: int) -> int:
        """Copy one sheet behind the leading columns; return its number of data rows."""
        ws = self.book.add_worksheet(sheet.name)
        ws.set_column(0, 0, 16)
        for i, extra in enumerate(self.extra, start=1):
            ws.set_column(i, i, extra.width)
        ws.freeze_panes(header_row, self.shift)
        pending = deque(sorted({r for (s, r) in self.by_cell if s == sheet.name}
                               | {r for (s, r) in self.by_row if s == sheet.name}
                               | {r for (s, r) in self.row_status if s == sheet.name}))
        data_rows = 0
        widths: list[int] = []
        last = 0
        for number, values in sheet.rows():
            while pending and pending[0] < number:
                self.write_row(ws, sheet.name, pending.popleft(), (), header_row)
            if pending and pending[0] == number:
                pending.popleft()
            has_data = any(cell_kind(v) != "blank" for v in values)
            if number > header_row and has_data:
                data_rows += 1
            if number == header_row:
                widths = [min(max(len(display(v)) + 2, 10), 40) for v in values]
            self.write_row(ws, sheet.name, number, values, header_row, has_data)
            last = number
        for number in pending:
            if number > last:
                self.write_row(ws, sheet.name, number, (), header_row)
        for i, width in enumerate(widths):
            ws.set_column(i + self.shift, i + self.shift, width)
        return data_rows

    def write_row(self, ws: Any, sheet: str, number: int, values: Sequence[Any],
                  header_row: int, has_data: bool = False) -> None:
        """One row: status, extra columns, then the user's values, problems marked."""
        r = number - 1
        key = (sheet, number)
        if number == header_row:
            self.put(ws, r, 0, STATUS_HEADER, bold=True)
            for i, extra in enumerate(self.extra, start=1):
                self.put(ws, r, i, extra.header, bold=True)
        errors, warnings = self.counts.get(key, (0, 0))
        tone = "error" if errors else "warning" if warnings else "ok"
        if key in self.row_status or errors or warnings or (number > header_row and has_data):
            self.put(ws, r, 0, self.row_status.get(key) or status_text(errors, warnings), tone)
            for i, extra in enumerate(self.extra, start=1):
                self.put(ws, r, i, extra.values.get(key))
        if key in self.by_row:
            self.comment(ws, r, 0, self.by_row[key])
        flagged = self.by_cell.get(key, {})
        bold = number == header_row
        width = max(len(values), max(flagged, default=-1) + 1)
        for c in range(width):
            value = values[c] if c < len(values) else None
            cell_problems = flagged.get(c)
            if cell_problems is None:
                self.put(ws, r, c + self.shift, value, bold=bold)
                continue
            worst = any(p.severity is Severity.ERROR for p in cell_problems)
            self.put(ws, r, c + self.shift, value, "error" if worst else "warning", bold)
            self.comment(ws, r, c + self.shift, cell_problems)

    # the errors and summary sheets -------------------------------------------

    def target(self, p: Problem, copied: set[str]) -> tuple[str, str] | None:
        """The (sheet, shifted cell) a problem links to in the report, if it has one."""
        if p.sheet not in copied:
            return None
        if p.row is None:
            return (p.sheet, "A1")
        if not p.column:
            return (p.sheet, f"A{p.row}")
        row, col = xl_cell_to_rowcol(f"{p.column}{p.row}")
        return (p.sheet, xl_rowcol_to_cell(row, col + self.shift))

    def write_errors(self, ws: Any, copied: set[str]) -> None:
        widths = (12, 10, 6, 8, 24, 24, 28, 20, 9, 90)
        for c, (header, width) in enumerate(zip(ERRORS_HEADERS, widths, strict=True)):
            self.put(ws, 0, c, header, bold=True)
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        for r, p in enumerate(self.problems, start=1):
            tone = "error" if p.severity is Severity.ERROR else "warning"
            self.put(ws, r, 0, p.sheet)
            target = self.target(p, copied)
            where = p.cell or (f"row {p.row}" if p.row else "")
            if target and where:
                self.link(ws, r, 1, target[0], target[1], where)
            else:
                self.put(ws, r, 1, where)
            self.put(ws, r, 2, p.row)
            self.put(ws, r, 3, p.column)
            self.put(ws, r, 4, p.header)
            self.put(ws, r, 5, p.field)
            self.put(ws, r, 6, p.value)
            self.put(ws, r, 7, p.code)
            self.put(ws, r, 8, str(p.severity), tone)
            self.put(ws, r, 9, p.message)
        if self.problems:
            ws.autofilter(0, 0, len(self.problems), len(ERRORS_HEADERS) - 1)

    def write_summary(self, ws: Any, title: str, lines: Sequence[tuple[str, Any]],
                      result: Summary, copied: set[str]) -> None:
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 5, 16)
        ws.set_column(6, 6, 90)
        self.put(ws, 0, 0, title, bold=True)
        verdict = ("No errors: the file can be imported." if result.valid
                   else "Errors found: fix the red cells, then check again.")
        facts: list[tuple[str, Any]] = [
            *lines,
            ("Result", verdict),
            ("Rows checked", result.rows_checked),
            ("Rows with errors", result.rows_with_errors),
            ("Errors", result.errors),
            ("Warnings", result.warnings),
        ]
        r = 2
        for label, value in facts:
            self.put(ws, r, 0, label, bold=True)
            tone = None if label != "Result" else "ok" if result.valid else "error"
            self.put(ws, r, 1, value, tone)
            r += 1
        r = self._table(ws, r + 1, "Problems by code", ("Code", "Count"),
                        [(code, n) for code, n in result.by_code.items()])
        r = self._table(ws, r + 1, "Problems by column", ("Column", "Count"),
                        [(column, n) for column, n in result.by_column.items()])
        self.put(ws, r + 1, 0, f"The {len(result.top)} most common problems", bold=True)
        r += 2
        for c, header in enumerate(("Column", "Count", "Code", "Severity", "Sheet",
                                    "First cell", "Message (first occurrence)")):
            self.put(ws, r, c, header, bold=True)
        for common in result.top:
            r += 1
            first = common.example
            self.put(ws, r, 0, common.column)
            self.put(ws, r, 1, common.count)
            self.put(ws, r, 2, common.code)
            self.put(ws, r, 3, str(common.severity),
                     "error" if common.severity is Severity.ERROR else "warning")
            self.put(ws, r, 4, common.sheet)
            target = self.target(first, copied)
            if target and first.cell:
                self.link(ws, r, 5, target[0], target[1], first.cell)
            else:
                self.put(ws, r, 5, first.cell)
            self.put(ws, r, 6, first.message)

    def _table(self, ws: Any, r: int, title: str, headers: Sequence[str],
               rows: Iterable[Sequence[Any]]) -> int:
        self.put(ws, r, 0, title, bold=True)
        r += 1
        for c, header in enumerate(headers):
            self.put(ws, r, c, header, bold=True)
        for values in rows:
            r += 1
            for c, value in enumerate(values):
                self.put(ws, r, c, value)
        return r + 1


def _comment_line(p: Problem) -> str:
    word = "Error" if p.severity is Severity.ERROR else "Warning"
    return f"{word} ({p.code}): {p.message}"


__all__ = ["OK", "ExtraColumn", "write_report_workbook"]
