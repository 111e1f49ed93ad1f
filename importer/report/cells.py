"""Writing user values into a report safely.

A report is opened by people in Excel or LibreOffice, and it holds text that came from
someone's spreadsheet. Text such as ``=HYPERLINK("http://evil","x")`` or ``@SUM(1)`` must
stay text: every user value is written with a typed call (``write_string``,
``write_number``, ...) and never through a call that guesses formulas. Excel also limits a
cell to 32,767 characters and rejects XML control characters; both are handled here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MAX_CELL_CHARS = 32_767
FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet program would take as a formula if typed in."""
    return text.startswith(FORMULA_STARTS)


def clean_text(text: str) -> str:
    """Text Excel can store: control characters replaced, cut to the cell limit."""
    text = _CONTROL.sub("\ufffd", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def cell_kind(value: Any) -> str:
    """How a value is written: ``blank``, ``bool``, ``number``, ``datetime``, ``date``
    or ``text`` (everything else, stringified)."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number" if value == value and abs(value) != float("inf") else "text"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return "text"


def display(value: Any) -> str:
    """A value as text for messages and the errors sheet (``2.0`` -> ``2``)."""
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
    """``=HYPERLINK("#'sheet'!D7","text")``: a link inside the report. The only formula a
    report contains; built from a sheet name and a cell reference, both escaped."""
    target = f"#{quote_sheet(sheet)}!{cell}"
    return '=HYPERLINK("{}","{}")'.format(target.replace('"', '""'), text.replace('"', '""'))
