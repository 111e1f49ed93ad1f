"""Small helpers for putting user values into a report safely.

A report is opened by people in Excel or LibreOffice, and it holds text that came from
someone's spreadsheet. Text such as ``=HYPERLINK("http://evil","x")`` or ``@SUM(1)`` must
stay text: :mod:`importer.report.xlsx` writes every text as an inline string, which no
spreadsheet program evaluates. The only formulas in a report are the links built here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MAX_CELL_CHARS = 32_767
FORMULA_STARTS = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet program would take as a formula if typed in."""
    return text.startswith(FORMULA_STARTS)


def display(value: Any) -> str:
    """A value as text for widths and messages (``2.0`` -> ``2``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def quote_sheet(name: str) -> str:
    """A sheet name as it appears in a reference: ``'datasets'`` (quotes doubled)."""
    return "'" + name.replace("'", "''") + "'"


def hyperlink_formula(sheet: str, cell: str, text: str) -> str:
    """``=HYPERLINK("#'sheet'!D7","text")``: a link inside the report, built from a sheet
    name and a cell reference, both escaped."""
    target = f"#{quote_sheet(sheet)}!{cell}"
    return '=HYPERLINK("{}","{}")'.format(target.replace('"', '""'), text.replace('"', '""'))
