"""Turn raw cell values (whatever Excel, LibreOffice or a CSV gave) into normalised text.

Every value leaves the reader as ``str`` or ``None`` (blank), so the mapper sees one
representation whatever the file format:

* text is trimmed, including non-breaking and zero-width spaces; inner NBSPs become
  spaces; a cell holding only whitespace is blank; text is put in Unicode normal form C
  (``e`` + combining acute -> ``é``);
* numbers that are whole become integer text (``2.0`` -> ``2``, ``1e5`` -> ``100000``), so
  identifiers never turn into ``2.0`` or ``1e+05``;
* booleans become ``TRUE`` / ``FALSE`` (the mapper reads them as yes/no);
* date and datetime cells become ``YYYY-MM-DD`` (a datetime with a time of day keeps it,
  ``YYYY-MM-DD HH:MM:SS``, except in date columns, where the API keeps the date only);
* in date columns, date-like text (``2024/01/05``, ``2024-01-05T10:00``) becomes
  ``YYYY-MM-DD``, and an Excel serial number (a date typed into a cell formatted as a
  number) is converted. Ambiguous text such as ``05/01/2024`` is left as written, for the
  validator to report: guessing day/month order would silently corrupt dates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

_SPACES = "\u00a0\u2007\u202f"
_STRIP = " \t\r\n\u00a0\u2007\u202f\u200b\u200c\u200d\ufeff"
_ISO_LIKE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: serial numbers accepted as dates in date columns: 1927-05-18 .. 9999-12-31.
_SERIAL_MIN, _SERIAL_MAX = 10_000, 2_958_465


def nfc(text: str) -> str:
    """Text in Unicode normal form C: ``e`` + U+0301 (as some keyboards and PDFs give it)
    is the one character ``é`` the catalogue stores and the validators accept."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize(
        "NFC", text)


def clean_text(text: str) -> str | None:
    """Trim (incl. NBSP, zero-width spaces, BOM), NFC; ``None`` if nothing is left."""
    out = text.strip(_STRIP)
    if not out:
        return None
    if any(ch in out for ch in _SPACES):
        out = out.translate({ord(ch): " " for ch in _SPACES})
    return out if out.isascii() else nfc(out)


def number_text(value: float | int) -> str:
    """Whole numbers as integer text; others in plain decimal notation, never ``1e+05``."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):  # NaN / inf
        return str(value)
    if value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def normalise(value: object, is_date: bool) -> str | None:
    """The normalised text of a raw cell value (``None`` for blank)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = clean_text(value)
        if text is not None and is_date:
            return date_text(text)
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if is_date and _SERIAL_MIN <= value <= _SERIAL_MAX:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        return number_text(value)
    if isinstance(value, dt.datetime):
        if is_date or value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def date_text(text: str) -> str:
    """``YYYY-MM-DD`` for year-first date-like text; otherwise the text unchanged."""
    m = _ISO_LIKE.match(text)
    if not m:
        return text
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return text
