"""Problems in the user's data, as located values.

Every problem found by reading, mapping, validating or publishing is a :class:`Problem`
that says *where* (sheet, row, column letter, header, field path), *what* (a stable
``code`` and the offending ``value``), *how bad* (:class:`Severity`) and *how to fix it*
(``message``, written for a catalogue editor, not a programmer). Reports and exit codes
are computed from lists of problems; nothing is printed where it is found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """An ``error`` stops a row from being sent; a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as it can be.

    ``row`` is the 1-based spreadsheet row (``None`` for sheet- or file-level problems);
    ``column`` is the column letter (``"C"``) and ``header`` the text of that column's
    header cell. ``field`` is the path in the package, 1-based for repeating entries so it
    matches the column names (``contacts[1].email`` is column ``contacts_1_email``).
    """

    code: str
    message: str
    severity: Severity = Severity.ERROR
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    field: str | None = None
    value: Any = None

    @property
    def cell(self) -> str | None:
        """The A1 reference of the cell, when the problem is tied to one."""
        if self.column and self.row:
            return f"{self.column}{self.row}"
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the value is stringified so any cell type serialises.
        (Written out, not ``dataclasses.asdict``: that deep-copies and took 0.09 s for
        the 2,000 problems of a page built after each cell edit.)"""
        value = self.value
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        return {"code": self.code, "message": self.message, "severity": str(self.severity),
                "sheet": self.sheet, "row": self.row, "column": self.column,
                "header": self.header, "field": self.field, "value": value, "cell": self.cell}


def count_errors(problems: Iterable[Problem]) -> int:
    """How many problems are errors (warnings do not block)."""
    return sum(1 for p in problems if p.severity is Severity.ERROR)


def sort_key(problem: Problem) -> tuple[str, int, int, str, str]:
    """Order problems as a person reads a workbook: sheet, row, then column left to right."""
    col = problem.column or ""
    return (problem.sheet or "", problem.row or 0, len(col), col, problem.code)
