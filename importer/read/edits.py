"""Cell edits: corrections an editor made in the web app's grid, as a layer over the upload.

The uploaded file is never changed. Each :class:`Edit` says which cell (``Sheet!B4``), what
it held when read and what it holds now. :func:`apply_edits` puts the new values into the
rows as read, so the check, the plan and the import all see the edited values; the reports
list every edit (:func:`edit_lines`). :func:`write_corrected` writes the edits into a copy
of the editor's own workbook, so their local copy does not fall behind.

A new value starting with ``=`` is text, never a formula: it is read as the text it is,
and written into the corrected workbook as a text cell.

An edits file (``--edits`` for the library; ``edits.json`` in a web job) is a JSON list of
``{"cell": "Sheet!B4", "old": "...", "new": "..."}`` (``null`` = blank).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importer.errors import ImporterError
from importer.read.model import ReadResult, Row
from importer.read.values import normalise

_REF = re.compile(r"^(?P<sheet>.+)!(?P<letter>[A-Z]{1,3})(?P<row>[1-9][0-9]{0,6})$")


class EditError(ImporterError):
    """An edit that cannot be applied (not a cell of the sheet's data): a plain message."""


@dataclass(frozen=True)
class Edit:
    """One corrected cell: ``cell`` as ``Sheet!B4``, its value as read and as edited."""

    cell: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        return {"cell": self.cell, "old": self.old, "new": self.new}

    @property
    def changes(self) -> bool:
        """Whether the cell gets another value: a cell opened and saved as it was is no
        edit (nothing is recorded, no report lists it)."""
        return _as_text(self.old) != self.new

    def line(self) -> str:
        """How a report lists the edit."""
        return f"{self.cell}: {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: str | None) -> str:
    return "(blank)" if value is None else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class SheetCells:
    """Where edits may go on one sheet: its column letters (with a header) and the
    numbers of its data rows (the non-blank rows as read)."""

    name: str
    letters: Sequence[str]
    rows: Iterable[int]


def split_ref(ref: str) -> tuple[str, str, int]:
    """``Sheet!B4`` -> (``Sheet``, ``B``, 4); :class:`EditError` if it is not a cell."""
    found = _REF.match((ref or "").strip())
    if not found:
        raise EditError(f"{ref!r} is not a cell: give it as Sheet!B4")
    return found["sheet"], found["letter"], int(found["row"])


def locate(ref: str, sheets: Sequence[SheetCells]) -> tuple[SheetCells, int]:
    """The sheet of ``ref`` and the position of its column; :class:`EditError` (one
    plain line) when the cell is not a data cell of one of ``sheets``."""
    name, letter, row = split_ref(ref)
    sheet = next((s for s in sheets if s.name == name), None)
    if sheet is None:
        raise EditError(f"Cell {ref} is outside the workbook: there is no sheet {name!r} "
                        f"(sheets: {', '.join(s.name for s in sheets)})")
    if letter not in sheet.letters:
        raise EditError(f"Cell {ref} is outside the sheet: column {letter} has no header "
                        f"(columns {sheet.letters[0]} to {sheet.letters[-1]})"
                        if sheet.letters else f"Cell {ref} is outside the sheet: it has no columns")
    if row not in set(sheet.rows):
        raise EditError(f"Cell {ref} is outside the sheet's data: row {row} is not a data row "
                        "of this sheet (only filled rows below the header can be edited)")
    return sheet, list(sheet.letters).index(letter)


def _as_text(value: Any) -> str | None:
    """A cell's value as the page shows it for editing (``None``: blank)."""
    if value is None:
        return None
    return new_value(value if isinstance(value, str) else str(value))


def new_value(text: str | None) -> str | None:
    """An edited value as reading would give it (trimmed, NFC; blank = ``None``)."""
    return normalise(text, False) if text is not None else None


def apply_edits(read: ReadResult, edits: Sequence[Edit]) -> ReadResult:
    """``read`` with each edit's new value in its cell (later edits of a cell win)."""
    if not edits:
        return read
    sheets = {info.name: info for info in read.sheets.values()}
    cells = [SheetCells(info.name, info.letters, ()) for info in sheets.values()]
    by_row: dict[tuple[str, int], list[tuple[int, str | None]]] = {}
    refs: dict[tuple[str, int], str] = {}
    for edit in edits:
        name, letter, row = split_ref(edit.cell)
        if name not in sheets or letter not in sheets[name].letters:
            locate(edit.cell, cells)  # raises the plain message
        by_row.setdefault((name, row), []).append(
            (sheets[name].letters.index(letter), edit.new))
        refs[(name, row)] = edit.cell
    for rows in (read.datasets, read.resources):
        for i, r in enumerate(rows):
            changes = by_row.pop((r.sheet.name, r.number), None)
            if changes:
                rows[i] = _edited(r, changes)
    if by_row:
        name, row = next(iter(by_row))
        raise EditError(f"Cell {refs[(name, row)]} is outside the sheet's data: row {row} is "
                        "not a data row of this sheet")
    return read


def _edited(row: Row, changes: list[tuple[int, str | None]]) -> Row:
    values = list(row.values)
    for position, value in changes:
        values.extend([None] * (position + 1 - len(values)))
        values[position] = value
    while values and values[-1] is None:
        values.pop()
    return Row(row.sheet, row.number, tuple(values))


def load_edits(path: Path | None) -> list[Edit]:
    """The edits of an edits file (none when ``path`` is ``None`` or absent)."""
    if path is None or not Path(path).is_file():
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise EditError(f"{Path(path).name} is not a list of edits")
    return [Edit(str(e["cell"]), e.get("old"), e.get("new")) for e in data]


def save_edits(path: Path, edits: Sequence[Edit]) -> None:
    Path(path).write_text(json.dumps([e.to_json() for e in edits], ensure_ascii=False,
                                     indent=1) + "\n", encoding="utf-8")


def edit_lines(edits: Sequence[Edit]) -> list[str]:
    """One report line per edit, in the order made."""
    return [e.line() for e in edits]


def write_corrected(source: Path, edits: Sequence[Edit], target: Path) -> None:
    """The editor's own workbook with the edits written into their cells (openpyxl keeps
    the other sheets, widths and data validations as far as it can). A value starting
    with ``=`` is written as text, never as a formula."""
    from openpyxl import load_workbook

    keep_vba = Path(source).suffix.lower() == ".xlsm"
    book = load_workbook(source, keep_vba=keep_vba)
    try:
        for edit in edits:
            name, letter, row = split_ref(edit.cell)
            cell = book[name][f"{letter}{row}"]
            cell.value = edit.new
            if isinstance(edit.new, str):
                cell.data_type = "s"  # '=...' stays text
        book.save(target)
    finally:
        book.close()
