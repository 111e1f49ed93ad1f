"""What reading a workbook produces: rows of normalised values that keep their coordinates.

A row does not hold one object per cell (a 10,000-row workbook has ~800,000 cells): it
holds its values in a list aligned with its sheet's :class:`SheetInfo`, and builds a
:class:`~importer.records.CellRef` only when asked (for a problem, or for the mapper's
cell map).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from importer.problems import Problem
from importer.read.mapping import ColumnMapping
from importer.records import CellRef
from importer.schema import Column, Layout
from importer.schema.columns import Scope

if TYPE_CHECKING:
    from importer.read.changes import TemplateChanges


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One sheet's header: where it is and what each column position means.

    ``columns[i]`` is the layout column at position ``i`` (``None`` for an unknown,
    duplicate or blank-headed column, whose values are never mapped), ``headers[i]`` the
    header cell's text as written and ``letters[i]`` the column letter.
    """

    name: str
    scope: Scope
    header_row: int
    columns: tuple[Column | None, ...]
    headers: tuple[str, ...]
    letters: tuple[str, ...]

    def position(self, path: str) -> int | None:
        """The position of the column whose field path is ``path`` (``contacts[1].email``)."""
        for i, col in enumerate(self.columns):
            if col is not None and col.path == path:
                return i
        return None

    def cell(self, row: int, position: int, value: str | None = None) -> CellRef:
        return CellRef(self.name, row, self.letters[position], self.headers[position], value)


@dataclass(slots=True)
class Row:
    """One non-blank data row: 1-based ``number`` and normalised ``values`` (text, or
    ``None`` for a blank cell), position-aligned with ``sheet``; trailing blanks trimmed."""

    sheet: SheetInfo
    number: int
    values: tuple[str | None, ...]

    def cell(self, position: int) -> CellRef:
        """The cell at ``position``, with its value."""
        value = self.values[position] if position < len(self.values) else None
        return self.sheet.cell(self.number, position, value)

    def items(self) -> Iterator[tuple[int, Column, str]]:
        """``(position, column, value)`` for every non-blank cell of a known column."""
        columns = self.sheet.columns
        for i, value in enumerate(self.values):
            if value is not None:
                col = columns[i]
                if col is not None:
                    yield i, col, value

    def fields(self) -> dict[Column, CellRef]:
        """``{Column: CellRef}`` for the non-blank cells of known columns (convenience;
        the mapper uses :meth:`items`, which builds no cell objects)."""
        return {col: self.cell(i) for i, col, _ in self.items()}

    def unknown(self) -> list[CellRef]:
        """Non-blank cells in columns the layout does not know (never silently dropped:
        the reader reports each such column once)."""
        columns = self.sheet.columns
        return [self.cell(i) for i, v in enumerate(self.values)
                if v is not None and columns[i] is None]


@dataclass
class ReadResult:
    """Everything read from one file.

    ``datasets`` / ``resources`` are the non-blank data rows (``resources`` is empty for a
    CSV or a workbook without a resources sheet). ``problems`` are file- and header-level
    findings (unknown columns, formulas without a cached value, duplicate headers, ...).
    ``meta`` is the hidden ``meta`` sheet as a dict (empty when absent). ``layout`` is the
    layout actually used: the one given, widened when the workbook has more repeating
    entries (``contacts_4_*``) than it.
    """

    path: Path
    layout: Layout
    datasets: list[Row] = field(default_factory=list)
    resources: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    sheets: dict[Scope, SheetInfo] = field(default_factory=dict)
    #: (sheet, row, column letter) of each data cell hidden under a merged range (not its
    #: first cell) -> the range (``B3:B5``): such a cell reads as blank.
    merged: dict[tuple[str, int, str], str] = field(default_factory=dict)
    #: the column mapping applied, if any (the reports name it).
    mapping: ColumnMapping | None = None
    #: a workbook made from an older template: what changed (:mod:`importer.read.changes`)
    template_changes: TemplateChanges | None = None

    @property
    def header_row(self) -> dict[str, int]:
        """Sheet name -> 1-based header row number."""
        return {info.name: info.header_row for info in self.sheets.values()}


class RowCells(MutableMapping[str, CellRef]):
    """A record's field path -> cell map that builds each :class:`CellRef` only when it is
    read. Mapping a 10,000-row workbook would otherwise create ~500,000 cell objects that
    almost nobody looks at (only problems and the report need a few).

    While a row is mapped, paths go into a dict (:meth:`put`); :meth:`freeze` then packs
    them into two tuples shared between rows that filled the same columns, so a mapped
    record costs a few bytes of cell map instead of a dict per row.
    """

    __slots__ = ("_extra", "_keys", "_pending", "_positions", "_row")

    def __init__(self, row: Row) -> None:
        self._row = row
        self._pending: dict[str, int] | None = {}
        self._keys: tuple[str, ...] = ()
        self._positions: tuple[int, ...] = ()
        self._extra: dict[str, CellRef] | None = None

    def put(self, path: str, position: int) -> None:
        """Record that ``path`` came from the cell at ``position`` of the row."""
        pending = self._pending if self._pending is not None else self._thaw()
        pending[path] = position
        if self._extra:
            self._extra.pop(path, None)

    def building(self) -> dict[str, int]:
        """The path -> position dict of a map still being built, for the mapper's hot
        loop to fill directly (same as :meth:`put` while nothing else was set)."""
        assert self._pending is not None and not self._extra
        return self._pending

    def alias(self, path: str, existing: str) -> None:
        """Make ``path`` point at the same cell as ``existing`` (a derived value)."""
        pos = self._position(existing)
        if pos is not None:
            self.put(path, pos)
        elif self._extra and existing in self._extra:
            self[path] = self._extra[existing]

    def freeze(self, shared: dict[tuple[object, ...], tuple[object, ...]]) -> None:
        """Pack the paths into tuples, reusing equal tuples from ``shared``."""
        if self._pending is None:
            return
        keys = tuple(self._pending)
        positions = tuple(self._pending.values())
        self._keys = shared.setdefault(keys, keys)  # type: ignore[assignment]
        self._positions = shared.setdefault(positions, positions)  # type: ignore[assignment]
        self._pending = None

    def _thaw(self) -> dict[str, int]:
        self._pending = dict(zip(self._keys, self._positions, strict=True))
        return self._pending

    def position(self, path: str) -> int | None:
        """The column position ``path`` came from (``None``: not from one of the row's
        cells, or not in the map)."""
        return self._position(path)

    def _position(self, path: object) -> int | None:
        if self._pending is not None:
            return self._pending.get(path)  # type: ignore[call-overload, no-any-return]
        try:
            return self._positions[self._keys.index(path)]
        except ValueError:
            return None

    def __getitem__(self, path: str) -> CellRef:
        pos = self._position(path)
        if pos is not None:
            return self._row.cell(pos)
        if self._extra is None:
            raise KeyError(path)
        return self._extra[path]

    def __setitem__(self, path: str, cell: CellRef) -> None:
        if self._position(path) is not None:
            (self._pending if self._pending is not None else self._thaw()).pop(path)
        if self._extra is None:
            self._extra = {}
        self._extra[path] = cell

    def __delitem__(self, path: str) -> None:
        if self._position(path) is not None:
            (self._pending if self._pending is not None else self._thaw()).pop(path)
        elif self._extra is not None:
            del self._extra[path]
        else:
            raise KeyError(path)

    def __contains__(self, path: object) -> bool:
        return self._position(path) is not None or bool(self._extra and path in self._extra)

    def __iter__(self) -> Iterator[str]:
        yield from (self._pending if self._pending is not None else self._keys)
        if self._extra:
            yield from self._extra

    def __len__(self) -> int:
        n = len(self._pending) if self._pending is not None else len(self._keys)
        return n + (len(self._extra) if self._extra else 0)

    def __repr__(self) -> str:
        return f"RowCells({dict(self)!r})"
