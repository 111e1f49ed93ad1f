"""Find the header row of a sheet and say what each column is.

Headers are matched by machine name or label, ignoring case, spaces and punctuation
(:meth:`Layout.match`). The header row is row 1 unless the meta sheet says otherwise or
row 1 is a title/blank: then it is the first of the first :data:`SCAN_ROWS` rows where
most non-blank cells name known columns. Unknown, duplicate, merged and blank-but-used
columns are reported once per column; nothing is dropped silently.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from importer.errors import WorkbookError
from importer.problems import Problem, Severity
from importer.read.model import SheetInfo
from importer.read.values import clean_text
from importer.schema import Column, Layout, build_layout, normalise_header
from importer.schema.columns import DATASET_LINK, ID_HEADER, Role, Scope

SCAN_ROWS = 10
#: more header cells than this is not a catalogue sheet (and would make a huge report).
MAX_COLUMNS = 1000
_NUMBERED = re.compile(r"\d+")


@dataclass
class HeaderScan:
    """The header row found in a sheet: 1-based row number and header texts by position."""

    row: int
    texts: list[str | None]
    #: 1-based row where data starts (after the header row, or after ``header_rows``).
    data_start: int = 0
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_start = max(self.data_start, self.row + 1)


def column_letter(position: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    out = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _texts(raw: Sequence[object]) -> list[str | None]:
    out: list[str | None] = []
    for value in raw:
        if value is None or value == "":
            out.append(None)
        else:
            out.append(clean_text(str(value)))
    return out


def find_header(
    sheet: str, first_rows: Sequence[Sequence[object]], layout: Layout, scope: Scope,
    hint: int | None = None,
) -> HeaderScan:
    """Pick the header row among ``first_rows`` (1-based row ``i + 1``). ``hint`` is the
    meta sheet's ``header_rows``: the number of rows above the data; the header is the
    best-matching of those rows."""
    rows = [_texts(r) for r in first_rows]
    scan_rows = SCAN_ROWS
    if hint is not None and 1 <= hint <= len(rows):
        scan_rows = hint
    best: tuple[int, int] | None = None  # (matches, index)
    for i, texts in enumerate(rows[:scan_rows]):
        filled = [t for t in texts if t]
        if not filled:
            continue
        if len(filled) > MAX_COLUMNS:
            raise WorkbookError(
                f"sheet {sheet!r} has {len(filled)} header cells in row {i + 1}; a catalogue "
                f"sheet has about 100 (at most {MAX_COLUMNS} are read): is this the right file?"
            )
        hits = sum(1 for t in filled if _known(layout, scope, t))
        if hits and hits * 2 >= len(filled) and (best is None or hits > best[0]):
            best = (hits, i)
            if hits == len(filled):
                break
    if best is None:
        if not any(any(t for t in r) for r in rows):
            raise WorkbookError(f"sheet {sheet!r} is empty")
        raise WorkbookError(
            f"sheet {sheet!r} has no recognisable column headers in its first {SCAN_ROWS} rows "
            "(expected names such as title, name, owner_org, or their labels)"
        )
    return HeaderScan(best[1] + 1, rows[best[1]], data_start=(hint or 0) + 1)


def _known(layout: Layout, scope: Scope, text: str) -> bool:
    return layout.match(scope, text) is not None or normalise_header(text) == ID_HEADER


def widen(layout: Layout, texts: Sequence[str | None], scope: Scope) -> Layout:
    """A layout with enough repeating entries for headers such as ``contacts_5_email``
    (the given layout when nothing is missing)."""
    unknown = [t for t in texts if t and not _known(layout, scope, t)]
    numbers = [int(n) for t in unknown for n in _NUMBERED.findall(t) if 0 < int(n) <= 50]
    if not numbers:
        return layout
    prefix = "" if scope is Scope.DATASET else "resources."
    fields = layout.schema.dataset_fields if scope is Scope.DATASET else \
        layout.schema.resource_fields
    repeating = [prefix + f.name for f in fields if f.is_repeating and not f.single_entry]
    trial = build_layout(layout.schema, layout.profile,
                         counts=dict(layout.counts) | {p: max(numbers) for p in repeating},
                         include_ids=True)
    need = dict(layout.counts)
    for text in unknown:
        col = trial.match(scope, text)
        if col is not None and col.index is not None and col.field is not None:
            path = prefix + col.field.name
            need[path] = max(need.get(path, 0), col.index)
    if need == dict(layout.counts):
        return layout
    return build_layout(layout.schema, layout.profile, counts=need, include_ids=True)


def sheet_info(
    sheet: str, scope: Scope, scan: HeaderScan, layout: Layout,
    merged: Sequence[tuple[int, int]] = (),
) -> tuple[SheetInfo, list[Problem]]:
    """Resolve each header cell to a column; report unknown, duplicate and merged ones.

    ``merged`` lists ``(first, last)`` 0-based column spans of merged cells in the header
    row.
    """
    texts = list(scan.texts)
    while texts and texts[-1] is None:
        texts.pop()
    row = scan.row
    letters = tuple(column_letter(i) for i in range(len(texts)))
    columns: list[Column | None] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    covered = {c for first, last in merged for c in range(first + 1, last + 1)}
    spans = {c: (first, last) for first, last in merged for c in range(first + 1, last + 1)}
    for i, text in enumerate(texts):
        if text is None:
            columns.append(None)
            if i in covered:
                first, last = spans[i]
                problems.append(Problem(
                    "merged-header",
                    f"Header cells {letters[first]}{row}:{column_letter(last)}{row} are merged, "
                    f"so column {letters[i]} has no header of its own and its values are not "
                    "read. Unmerge the cells and give each column its own header.",
                    Severity.WARNING, sheet, row, letters[i], "", None, None))
            continue
        col = layout.match(scope, text)
        if col is None and normalise_header(text) == ID_HEADER:
            col = Column(ID_HEADER, "ID", scope, Role.ID)
        if col is None:
            columns.append(None)
            problems.append(_unknown(sheet, scope, row, letters[i], text, layout))
            continue
        if col.header in seen:
            first = seen[col.header]
            columns.append(None)
            problems.append(Problem(
                "duplicate-column",
                f"Column {letters[i]} ({text!r}) is the same column as {letters[first]} "
                f"({texts[first]!r}); only column {letters[first]} is read. Delete or rename "
                "one of them.",
                Severity.ERROR, sheet, row, letters[i], text, col.path, text))
            continue
        seen[col.header] = i
        columns.append(col)
    problems.extend(_missing(sheet, scope, row, layout, seen))
    info = SheetInfo(sheet, scope, row, tuple(columns),
                     tuple(t or "" for t in texts), letters)
    return info, problems


def _unknown(sheet: str, scope: Scope, row: int, letter: str, text: str,
             layout: Layout) -> Problem:
    names = {normalise_header(c.label): c.label for c in layout.columns(scope)}
    names |= {normalise_header(c.header): c.header for c in layout.columns(scope)}
    close = difflib.get_close_matches(normalise_header(text), list(names), n=1, cutoff=0.75)
    hint = f" Did you mean {names[close[0]]!r}?" if close else ""
    where = "dataset" if scope is Scope.DATASET else "resource"
    junk = (" (the catalogue would keep a misspelled resource column as junk data, so it "
            "is never sent)") if scope is Scope.RESOURCE else ""
    return Problem(
        "unknown-column",
        f"{text!r} is not a {where} field of this catalogue, so the values in column "
        f"{letter} are not read{junk}.{hint}",
        Severity.WARNING, sheet, row, letter, text, None, text)


def _missing(sheet: str, scope: Scope, row: int, layout: Layout,
             seen: dict[str, int]) -> list[Problem]:
    out = []
    for col in layout.columns(scope):
        needed = col.marked_required or col.header == DATASET_LINK
        if needed and col.header not in seen:
            out.append(Problem(
                "missing-column",
                f"The {sheet} sheet has no {col.header!r} column ({col.label}), which new "
                "records must fill. Add the column (or use the template).",
                Severity.WARNING, sheet, row, None, col.header, col.path, None))
    return out
