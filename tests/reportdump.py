"""Read a report workbook back into plain data, for exact assertions and golden files.

Shared by the check report tests and (issue 5) the results report tests. Timestamps are
stripped by the caller passing ``volatile`` labels of summary lines to blank out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

TONE_BY_FILL = {"FFFFC7CE": "error", "FFFFEB9C": "warning", "FFC6EFCE": "ok"}


def _value(cell: Any) -> Any:
    value = cell.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dump_report(path: Path, volatile: tuple[str, ...] = ("Created",)) -> dict[str, Any]:
    """Sheet names; summary and errors rows; per copied sheet the status column and
    every marked cell (tone and comment)."""
    book = load_workbook(path)
    out: dict[str, Any] = {"sheets": book.sheetnames}
    for name in book.sheetnames:
        ws = book[name]
        if name in ("summary", "errors"):
            rows = []
            for row in ws.iter_rows():
                values = [_value(c) for c in row]
                while values and values[-1] is None:
                    values.pop()
                if values and values[0] in volatile:
                    values[1:] = ["<volatile>"] * (len(values) - 1)
                rows.append(values)
            out[name] = rows
            continue
        status = {}
        marked = {}
        for row in ws.iter_rows():
            for cell in row:
                tone = TONE_BY_FILL.get(str(cell.fill.fgColor.rgb)) if cell.fill else None
                if cell.column == 1 and cell.value is not None:
                    status[cell.coordinate] = [cell.value, tone]
                elif tone or cell.comment:
                    marked[cell.coordinate] = {
                        "value": _value(cell),
                        "tone": tone,
                        "comment": cell.comment.text if cell.comment else None,
                    }
        out[name] = {"status": status, "marked": marked}
    return out
