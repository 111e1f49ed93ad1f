"""Which dataset rows an import acts on: ``bcdc-import import --rows 3-7,12`` and the web
app's ticked rows are the same :attr:`ImportOptions.rows <importer.publish.run.ImportOptions>`.

A selection names spreadsheet row numbers, as every report shows them. The command line
gives them before the workbook is read, so it does not know the datasets sheet's name
(a workbook with headers of its own may call it anything): such entries carry the sheet
``None`` and :func:`resolve_rows` names the sheet once the workbook is read, refusing a
number that is not a dataset row rather than importing nothing for it in silence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from importer.errors import WorkbookError
from importer.read.model import ReadResult
from importer.schema.columns import Scope

#: a selection entry: (sheet, row); sheet ``None`` = the datasets sheet
RowKey = tuple["str | None", int]

_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
#: a range may not name more rows than this (a typo such as 3-70000000 would fill memory)
MAX_RANGE = 1_000_000


class RowSpecError(ValueError):
    """A ``--rows`` value that is not a list of row numbers and ranges."""


def parse_rows(text: str) -> frozenset[int]:
    """``"3-7, 12"`` -> {3, 4, 5, 6, 7, 12}. Raises :class:`RowSpecError` with a message
    that names the part it could not read."""
    numbers: set[int] = set()
    parts = text.split(",")
    if not text.strip():
        raise RowSpecError("give row numbers or ranges, e.g. 3-7,12")
    for part in parts:
        found = _PART.match(part)
        if not found:
            raise RowSpecError(f"{part.strip()!r} is not a row number or a range such as "
                               "3-7 (give e.g. 3-7,12)")
        first = int(found[1])
        last = int(found[2]) if found[2] else first
        if first < 1 or last < first:
            raise RowSpecError(f"{part.strip()!r}: a range goes from a row number to a "
                               "larger or equal one, e.g. 3-7")
        if last - first >= MAX_RANGE:
            raise RowSpecError(f"{part.strip()!r} names more than {MAX_RANGE:,} rows")
        numbers.update(range(first, last + 1))
    return frozenset(numbers)


def resolve_rows(rows: Iterable[RowKey], read: ReadResult) -> frozenset[tuple[str, int]]:
    """The selection with every sheet named; :class:`WorkbookError` when an entry is not a
    dataset row of the workbook (nothing is sent then)."""
    info = read.sheets.get(Scope.DATASET)
    sheet = info.name if info is not None else "datasets"
    present = {(r.sheet.name, r.number) for r in read.datasets}
    chosen = frozenset((s or sheet, n) for s, n in rows)
    missing = sorted(chosen - present)
    if missing:
        shown = ", ".join(f"{s}!{n}" for s, n in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        numbers = sorted(r.number for r in read.datasets)
        where = (f"its dataset rows are {_ranges(numbers)}" if numbers
                 else "it has no dataset rows")
        raise WorkbookError(f"the rows chosen with --rows must be dataset rows of sheet "
                            f"{sheet!r}: {shown}{more} is not one ({where}); nothing was sent")
    return chosen


def runs(numbers: Iterable[int]) -> list[list[int]]:
    """Ascending ``numbers`` as ``[first, last]`` runs of consecutive numbers (the web
    page sends the rows its selection buttons tick this way)."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return spans


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "3-5, 9": how the message lists the rows there are."""
    return ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs(numbers))
