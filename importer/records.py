"""Mapped records: packages in the API's shape, with the cells they came from.

This is the value that flows from ``map`` to ``validate``, ``publish`` and ``report``:
each dataset row becomes a :class:`DatasetRecord` whose ``package`` is exactly what
``package_create`` / ``package_patch`` accept (FIELDS.md §1), holding only what the row
*gives* (a blank cell is absent, not empty), and whose ``cells`` map every field path back
to the spreadsheet cell it came from, so any problem found later, even by the server, can
be shown at the cell.

Field paths are 1-based for repeating entries, like the column names: ``contacts[1].email``
is column ``contacts_1_email``. Resource paths are relative to the resource.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from importer.problems import Problem, Severity


@dataclass(frozen=True, slots=True)
class CellRef:
    """Where a value came from: sheet, 1-based row, column letter, header text, and the
    value as read (already normalised by the reader: trimmed text, ISO dates, ...)."""

    sheet: str
    row: int
    column: str
    header: str
    value: Any = None

    def problem(
        self,
        code: str,
        message: str,
        field: str | None = None,
        severity: Severity = Severity.ERROR,
        value: Any = None,
    ) -> Problem:
        """A problem located at this cell."""
        return Problem(
            code=code,
            message=message,
            severity=severity,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            header=self.header,
            field=field,
            value=self.value if value is None else value,
        )


@dataclass
class ResourceRecord:
    """One row of the resources sheet, mapped to a resource dict."""

    sheet: str
    row: int
    dataset_name: str
    resource: dict[str, Any] = field(default_factory=dict)
    cells: MutableMapping[str, CellRef] = field(default_factory=dict)
    #: fields the row explicitly empties (the ``<clear>`` marker): top-level names, and
    #: sub-value paths of repeating entries (``dates[2].date``).
    cleared: AbstractSet[str] = field(default_factory=set)
    #: repeating field -> 1-based positions of the entries ``<remove>`` removes.
    removed: Mapping[str, AbstractSet[int]] = field(default_factory=dict)
    #: repeating field -> the 1-based position (column number) of each entry in the
    #: (compacted) list the row gives: ``contacts_2_*`` alone -> ``(2,)``.
    positions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: sub-value paths filled by a default, not by a cell (a blank contact org).
    defaulted: AbstractSet[str] = field(default_factory=set)

    def locate(self, path: str) -> CellRef | None:
        return _locate(self.cells, path)


@dataclass
class DatasetRecord:
    """One row of the datasets sheet, mapped to a package dict, with its resources."""

    sheet: str
    row: int
    package: dict[str, Any] = field(default_factory=dict)
    cells: MutableMapping[str, CellRef] = field(default_factory=dict)
    #: top-level names and sub-value paths (``contacts[2].email``) the row empties.
    cleared: AbstractSet[str] = field(default_factory=set)
    resources: list[ResourceRecord] = field(default_factory=list)
    #: see :class:`ResourceRecord`: entries removed, entry positions, defaulted sub-values.
    removed: Mapping[str, AbstractSet[int]] = field(default_factory=dict)
    positions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    defaulted: AbstractSet[str] = field(default_factory=set)

    @property
    def name(self) -> str | None:
        value = self.package.get("name")
        return value if isinstance(value, str) else None

    def locate(self, path: str) -> CellRef | None:
        """The cell behind ``path``; for a path with no cell of its own (``contacts``,
        ``contacts[2]``) the first cell under it, so problems still land on the sheet."""
        return _locate(self.cells, path)

    def row_problem(self, code: str, message: str, field: str | None = None,
                    severity: Severity = Severity.ERROR) -> Problem:
        """A problem about the whole row (no single cell): located at the row."""
        return Problem(code=code, message=message, severity=severity, sheet=self.sheet,
                       row=self.row, field=field)


def _locate(cells: Mapping[str, CellRef], path: str) -> CellRef | None:
    if path in cells:
        return cells[path]
    prefixes = (path + ".", path + "[")
    for key, cell in cells.items():
        if key.startswith(prefixes):
            return cell
    return None
