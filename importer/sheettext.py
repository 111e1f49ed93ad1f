"""Text as a workbook stores it: the one place every workbook writer escapes cell text.

Why this exists: OOXML (the .xlsx format) reads ``_xHHHH_`` inside a cell's text as an
escape for the character U+HHHH, and XML turns a carriage return (``\\r``, ``\\r\\n``)
into ``\\n`` when the file is read. So a stored ``literal _x000D_`` written as it is comes
back as a carriage return, and ``a\\r\\nb`` comes back as ``a\\nb``. The format's own
answer is to escape: ``_x`` that starts such a sequence is written ``_x005F_x``, and a
carriage return ``_x000D_``. Excel, LibreOffice and the reader (calamine) all decode
these, and LibreOffice writes them back the same way when it re-saves a file.

Characters XML 1.0 cannot hold at all (most C0 control characters, U+FFFE, U+FFFF) cannot
be in a data cell: the export leaves such a value out and notes it
(:mod:`importer.map.reverse`); so is text with :data:`SHARED_ESCAPES`. Cells that only
*show* values (the export-notes sheet, reports) use :func:`shown_text`, which names
each such character instead.
"""

from __future__ import annotations

import re

#: the most characters a spreadsheet cell holds (Excel's limit; LibreOffice cuts there).
MAX_CELL_TEXT = 32767
#: characters no workbook can store (XML 1.0 forbids them; openpyxl refuses them).
NOT_STORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: two escape-like sequences sharing an underscore (``_x0041_x0042_``): readers disagree
#: on these (LibreOffice re-saves the escaped text so that it reads back as ``_x0041B``),
#: so such text cannot be carried in a cell; the export withholds it with a note.
SHARED_ESCAPES = re.compile(r"_x[0-9A-Fa-f]{4}_x[0-9A-Fa-f]{4}_")
#: what a reader decodes: an OOXML escape sequence, or a carriage return XML would fold.
_DECODED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|\r")


def escape_text(text: str) -> str:
    """``text`` as it must be written so that reading the cell gives ``text`` back."""
    if "_" not in text and "\r" not in text:
        return text
    return _DECODED.sub(lambda m: "_x005F_" if m.group() == "_" else "_x000D_", text)


def display_text(text: str, limit: int = MAX_CELL_TEXT) -> str:
    """What a cell that shows a value to a person (notes, reports) reads back as: each
    character a workbook cannot store named (``[U+000B]``), text over ``limit`` cut with
    its full length said."""
    text = NOT_STORABLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    if len(text) > limit:
        tail = f"… ({len(text)} characters)"
        text = text[: limit - len(tail)] + tail
    return text


def shown_text(text: str, limit: int = MAX_CELL_TEXT) -> str:
    """:func:`display_text`, escaped as :func:`escape_text` does: what to write."""
    return escape_text(display_text(text, limit))
