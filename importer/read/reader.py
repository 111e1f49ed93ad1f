"""``read_workbook``: one pass over a filled workbook (or CSV), values kept with their cells.

Order of work, so a file that cannot be used fails before any real work: sniff the bytes
and the zip directory (:mod:`importer.read.safety`), read the hidden ``meta`` sheet and
check it against the schema, then each sheet: find its header row, resolve its columns,
and stream its rows into normalised :class:`Row` values.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from importer.errors import WorkbookError
from importer.gcpause import gc_paused, release_free_memory
from importer.problems import Problem, Severity
from importer.read.changes import column_problems, older_template, sheet_changes
from importer.read.csvfile import csv_rows
from importer.read.formulas import formulas_without_value
from importer.read.headers import SCAN_ROWS, column_letter, find_header, sheet_info, widen
from importer.read.mapping import ColumnMapping
from importer.read.model import ReadResult, Row, SheetInfo
from importer.read.safety import FileKind, sniff
from importer.read.values import _STRIP, nfc, normalise
from importer.read.xlsx import RawSheet, XlsxBook
from importer.schema import FieldKind, Layout, build_layout
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Scope

META_SHEET = "meta"
_INTERN_MAX = 40
#: at most this many rows (blank ones included) are searched for the header row.
_MAX_LEAD = 1000


def read_workbook(path: Path, layout: Layout, mapping: ColumnMapping | None = None
                  ) -> ReadResult:
    """Read ``path`` (.xlsx, .xlsm or .csv) against ``layout``; ``mapping`` names the
    columns (and sheets) of a workbook with headers of its own (:mod:`.mapping`).

    Raises :class:`WorkbookError` when the file cannot be used at all; everything else
    (unknown columns, formulas without a value, ...) is a problem in the result.
    """
    path = Path(path)
    kind = sniff(path).kind
    result = ReadResult(path=path, layout=layout, mapping=mapping)
    with gc_paused():
        if kind is FileKind.CSV:
            raw = RawSheet(DATASETS_SHEET, csv_rows(path), [])
            _read_sheet(result, raw, Scope.DATASET, None, formulas=False)
            return result
        book = XlsxBook(path)
        try:
            _read_book(result, book)
        finally:
            book.close()
    release_free_memory()
    return result


def workbook_type(path: Path) -> str | None:
    """The dataset type the workbook was made for (its ``meta`` sheet's ``schema_type``),
    or ``None``: a CSV, no meta sheet, or a file that cannot be read (reading it properly
    reports why, with the usual message, later)."""
    return workbook_meta(path).get("schema_type")


def workbook_meta(path: Path) -> dict[str, str]:
    """The workbook's ``meta`` sheet as ``{key: value}``; empty for a CSV, a workbook
    without one, or a file that cannot be read (reading it reports why, later)."""
    try:
        if sniff(Path(path)).kind is FileKind.CSV:
            return {}
        book = XlsxBook(Path(path))
    except WorkbookError:
        return {}
    try:
        meta_name = book.find(META_SHEET)
        return _read_meta(book.sheet(meta_name)) if meta_name else {}
    except WorkbookError:
        return {}
    finally:
        book.close()


def _read_book(result: ReadResult, book: XlsxBook) -> None:
    name = result.path.name
    if not book.sheet_names:
        raise WorkbookError(f"{name} has no sheets")
    meta_name = book.find(META_SHEET)
    if meta_name is not None:
        result.meta = _read_meta(book.sheet(meta_name))
        result.layout = _apply_meta(result, result.meta)
    mapping = result.mapping or ColumnMapping()
    wanted = mapping.sheet_name(Scope.DATASET)
    datasets = book.find(wanted.strip().lower())
    if datasets is None:
        listed = ", ".join(repr(s) for s in book.sheet_names)
        where = (f"the column mapping names {wanted!r}" if wanted != DATASETS_SHEET else
                 f"put one dataset per row in a sheet named {DATASETS_SHEET!r}, as in the "
                 "template")
        raise WorkbookError(f"{name} has no {wanted!r} sheet (its sheets: {listed}); {where}")
    hints = _header_hints(result.meta)
    _read_sheet(result, book.sheet(datasets), Scope.DATASET, hints.get(DATASETS_SHEET))
    resources = book.find(mapping.sheet_name(Scope.RESOURCE).strip().lower())
    if resources is not None:
        _read_sheet(result, book.sheet(resources), Scope.RESOURCE, hints.get(RESOURCES_SHEET),
                    allow_empty=True)
    if result.template_changes is not None and meta_name is not None:
        result.problems.append(result.template_changes.problem(meta_name))


def _texts_of(raw: Sequence[object]) -> list[str]:
    return [normalise(v, False) or "" for v in raw]


def _as_written(info: SheetInfo, written: list[str]) -> SheetInfo:
    """A mapped sheet's info with each header as the editor wrote it (for the report), as
    wide as its written headers, so a column the mapping ignores is neither read nor
    reported as having no header."""
    while written and not written[-1]:
        written.pop()
    width = max(len(info.headers), len(written))
    pad = width - len(info.headers)
    headers = [w or h for w, h in zip(written + [""] * width, [*info.headers, *[""] * pad],
                                      strict=False)]
    return replace(info, columns=(*info.columns, *(None,) * pad), headers=tuple(headers),
                   letters=tuple(column_letter(i) for i in range(width)))


def _read_meta(raw: RawSheet) -> dict[str, str]:
    meta: dict[str, str] = {}
    for _, values in raw.rows:
        if len(values) >= 2:
            key, value = normalise(values[0], False), normalise(values[1], False)
            if key and value is not None:
                meta[key] = value
    return meta


def _apply_meta(result: ReadResult, meta: dict[str, str]) -> Layout:
    """Refuse a workbook made for another schema; note one made from an older template
    (:mod:`.changes`); widen the layout to its entry counts."""
    layout = result.layout
    schema = layout.schema
    name = result.path.name
    stype = meta.get("schema_type")
    if stype and stype != schema.dataset_type:
        raise WorkbookError(
            f"{name} was made for dataset type {stype!r}, but this check uses the "
            f"{schema.dataset_type!r} schema"
        )
    result.template_changes = older_template(meta, schema)
    counts_text = meta.get("layout")
    if not counts_text:
        return layout
    try:
        counts = json.loads(counts_text)
    except ValueError:
        counts = None
    if not isinstance(counts, dict):
        raise WorkbookError(f"{name}: the meta sheet's layout is not readable: {counts_text!r}")
    wanted = dict(layout.counts)
    for path, count in counts.items():
        field = _repeating_field(layout, str(path))
        if field is None and result.template_changes is not None and isinstance(count, int):
            continue  # a repeating field the schema no longer has: its columns are retired
        if field is None or not isinstance(count, int) or count < 0:
            raise WorkbookError(
                f"{name} was made from a schema version this one cannot hold: it has "
                f"{count!r} entries of {path!r}, which the {schema.dataset_type!r} schema "
                "does not have as a repeating field; make a new template"
            )
        if field.single_entry and count > 1:
            raise WorkbookError(
                f"{name} was made from a schema version this one cannot hold: {path!r} "
                f"allows one entry, the workbook has {count}; make a new template"
            )
        wanted[str(path)] = max(wanted.get(str(path), 0), count)
    if wanted == dict(layout.counts):
        return layout
    return build_layout(schema, layout.profile, counts=wanted, include_ids=True)


def _repeating_field(layout: Layout, path: str) -> Any:
    schema = layout.schema
    if path.startswith("resources."):
        name, has = path[len("resources."):], schema.has_resource_field
        get = schema.resource_field
    else:
        name, has, get = path, schema.has_dataset_field, schema.dataset_field
    if not has(name):
        return None
    field = get(name)
    return field if field.is_repeating else None


def _header_hints(meta: dict[str, str]) -> dict[str, int]:
    text = meta.get("header_rows") or meta.get("header_row")
    if not text:
        return {}
    if text.isdigit():
        return {DATASETS_SHEET: int(text), RESOURCES_SHEET: int(text)}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if isinstance(data, dict):
        return {str(k).lower(): v for k, v in data.items() if isinstance(v, int) and v > 0}
    return {}


def _read_sheet(result: ReadResult, raw: RawSheet, scope: Scope, hint: int | None,
                allow_empty: bool = False, formulas: bool = True) -> None:
    """Find the sheet's header in its first rows, then stream the rest into ``result``."""
    rows = raw.rows
    first: list[tuple[int, list[Any]]] = []
    filled = 0
    for item in rows:  # up to SCAN_ROWS non-blank rows (leading blank rows are skipped)
        first.append(item)
        filled += any(v not in ("", None) for v in item[1])
        if (filled >= SCAN_ROWS and len(first) >= (hint or 0)) or len(first) >= _MAX_LEAD:
            break
    if allow_empty and not any(any(v not in ("", None) for v in r) for _, r in first):
        return
    mapped = result.mapping.for_scope(scope) if result.mapping else None
    heads = [r for _, r in first] if mapped is None else \
        [mapped.translate(r)[0] for _, r in first]
    scan = find_header(raw.name, heads, result.layout, scope, hint)
    result.layout = widen(result.layout, scan.texts, scope)
    merged = [(a[1], b[1]) for a, b in raw.merged
              if a[0] <= scan.row - 1 <= b[0] and b[1] > a[1]]
    info, problems = sheet_info(raw.name, scope, scan, result.layout, merged)
    written = _texts_of(first[scan.row - 1][1])
    if result.template_changes is not None:
        changes = result.template_changes.sheets[scope] = sheet_changes(
            written, result.layout, scope)
        problems = column_problems(problems, raw.name, scan.row, changes, result.layout, scope,
                                   mapped, result.path.name)
    if mapped is not None:
        info = _as_written(info, written)
    result.sheets[scope] = info
    result.problems.extend(problems)
    rest = (item for item in first if item[0] >= scan.data_start)
    out = result.datasets if scope is Scope.DATASET else result.resources
    later = (item for item in rows if item[0] >= scan.data_start)
    before = len(out)
    _collect(info, itertools.chain(rest, later), out, result.problems)
    _skip_header_like(info, result.layout, out, before, result.problems)
    _merged_data(info, raw, scan.data_start, result.merged)
    if formulas:
        result.problems.extend(_formula_problems(result.path, info))


#: data rows looked at for a second header row (labels under machine names, or the reverse).
_HEADER_LIKE_ROWS = 3


def _skip_header_like(info: SheetInfo, layout: Layout, out: list[Row], start: int,
                      problems: list[Problem]) -> None:
    """Drop, with a warning, the first data rows that repeat the column names (a label row
    kept under the machine-name row, or above it: then the machine names are the second
    row): at least three cells, and most of the row's cells, name their own column. Such
    a row read as data gives a screenful of nonsense errors (issue 16 item 6)."""
    for row in list(out[start:start + _HEADER_LIKE_ROWS]):
        filled = [(i, v) for i, v in enumerate(row.values) if v is not None]
        hits = 0
        for i, v in filled:
            own, named = info.columns[i], layout.match(info.scope, v)
            hits += own is not None and named is not None and named.path == own.path
        if hits < 3 or hits * 2 < len(filled):
            continue
        out.remove(row)
        problems.append(Problem(
            "header-row",
            f"Row {row.number} repeats the column names (labels or machine names), so it was "
            "read as a second header row and skipped, not as data. Delete it if it is not "
            "needed.", Severity.WARNING, info.name, row.number, None, None, None, None))


def _merged_data(info: SheetInfo, raw: RawSheet, data_start: int,
                 out: dict[tuple[str, int, str], str]) -> None:
    """The data cells hidden under merged ranges (Excel keeps the value in the first cell
    only), so a "required" problem there can say why the cell is blank (item 7)."""
    for (r0, c0), (r1, c1) in raw.merged:
        if r1 + 1 < data_start:
            continue
        text = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        for r in range(max(r0, data_start - 1), r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    out[(info.name, r + 1, column_letter(c))] = text


def explain_merged(problems: list[Problem], merged: dict[tuple[str, int, str], str]
                   ) -> list[Problem]:
    """``problems`` with a note on each one at a cell hidden under merged cells: Excel
    keeps a merged value in the range's first cell, so the other rows read as blank."""
    if not merged:
        return problems
    out = []
    for p in problems:
        span = merged.get((p.sheet or "", p.row or 0, p.column or ""))
        if span is not None:
            first = span.split(":")[0]
            p = dataclasses.replace(p, message=(
                f"{p.message} This cell is part of the merged cells {span}, whose value "
                f"belongs to {first} only: each row needs its own value, so unmerge the "
                "cells and fill in every row."))
        out.append(p)
    return out


#: rows normalised together, a column at a time (bounded memory, few Python-level loops).
_CHUNK_ROWS = 2048


def _collect(info: SheetInfo, rows: Iterator[tuple[int, list[Any]]], out: list[Row],
             problems: list[Problem]) -> None:
    """The hot loop: normalise the cells, skip blank rows, keep the rest.

    Rows are taken in chunks and normalised a column at a time: a column's kind is known,
    so one normaliser runs over the whole column (mostly C-level ``map``/``count``), and
    an all-blank column (most of a wide template) costs one ``count``, not one step per
    cell. The values are exactly those of :func:`normalise` cell by cell.
    """
    width = len(info.columns)
    dates = [c is not None and c.value_field is not None and c.value_field.kind is FieldKind.DATE
             for c in info.columns]
    headerless = [i for i, c in enumerate(info.columns) if c is None and not info.headers[i]]
    reported: set[int] = set()
    while True:
        chunk = list(itertools.islice(rows, _CHUNK_ROWS))
        if not chunk:
            return
        _collect_chunk(info, chunk, width, dates, headerless, reported, out, problems)


def _collect_chunk(info: SheetInfo, chunk: list[tuple[int, list[Any]]], width: int,
                   dates: list[bool], headerless: list[int], reported: set[int],
                   out: list[Row], problems: list[Problem]) -> None:
    n = len(chunk)
    raws = [raw if len(raw) == width else
            (raw[:width] if len(raw) > width else raw + [""] * (width - len(raw)))
            for _, raw in chunk]
    nones = (None,) * n
    columns: list[Sequence[str | None]] = []
    last = [-1] * n
    for j, col in enumerate(zip(*raws, strict=True)) if width else ():
        if col.count("") == n:
            columns.append(nones)
            continue
        values = _normalise_column(col, dates[j])
        columns.append(values)
        for r in [r for r, v in enumerate(values) if v is not None]:
            last[r] = j
    found: dict[int, int] = {}  # column -> first chunk row with a value (to report)
    for j in headerless:
        first = next((r for r, v in enumerate(columns[j]) if v is not None), None)
        if j not in reported and first is not None:
            found[j] = first
    for r, (_, raw) in enumerate(chunk):
        if len(raw) <= width:
            continue
        for k in range(width, len(raw)):
            if raw[k] not in ("", None) and normalise(raw[k], False) is not None:
                if k not in reported and k not in found:
                    found[k] = r
                last[r] = max(last[r], width - 1)
    for j, r in sorted(found.items(), key=lambda item: (item[1], item[0])):
        reported.add(j)
        problems.append(_headerless(info, chunk[r][0], j))
    rows: Iterable[tuple[str | None, ...]] = zip(*columns, strict=True) if width else [()] * n
    for r, cells in enumerate(rows):
        end = last[r] + 1
        if end:
            out.append(Row(info, chunk[r][0], cells if end == width else cells[:end]))


def _normalise_column(col: tuple[Any, ...], is_date: bool) -> list[str | None]:
    """``normalise`` over one column: text columns of plain ASCII (nearly all) take a
    C-level strip over the column; anything else goes cell by cell."""
    if not is_date:
        try:
            stripped = list(map(str.strip, col, itertools.repeat(_STRIP)))
        except TypeError:  # a number, date or boolean cell in this column
            stripped = None
        if stripped is not None and "".join(stripped).isascii():
            intern = sys.intern
            return [(intern(t) if len(t) <= _INTERN_MAX else t) if t else None
                    for t in stripped]
    return [_cell(v, is_date) for v in col]


def _cell(v: Any, is_date: bool) -> str | None:
    """One cell's normalised value (short texts interned: values repeat down a column)."""
    if v.__class__ is str:
        if not v:
            return None
        t: str = v.strip(_STRIP)
        if not t:
            return None
        if is_date or "\u00a0" in t or "\u202f" in t or "\u2007" in t:
            return normalise(t, is_date) or ""
        if not t.isascii():
            t = nfc(t)
        return sys.intern(t) if len(t) <= _INTERN_MAX else t
    return normalise(v, is_date)


def _headerless(info: SheetInfo, row: int, position: int) -> Problem:
    letter = column_letter(position)
    return Problem(
        "unknown-column",
        f"Column {letter} has values (first in row {row}) but no header, so they are not "
        "read. Give the column a header from the template, or delete it.",
        Severity.WARNING, info.name, row, letter, "", None, None)


def _formula_problems(path: Path, info: SheetInfo) -> list[Problem]:
    out = []
    for row, position, error in formulas_without_value(path, info.name):
        if row <= info.header_row:
            continue
        header = info.headers[position] if position < len(info.headers) else ""
        if error is not None:
            out.append(Problem(
                "formula-error",
                f"This cell shows the error {error}, so it reads as blank. Fix the formula "
                "or type the value.",
                Severity.WARNING, info.name, row, column_letter(position), header, None, error))
            continue
        out.append(Problem(
            "formula-no-value",
            "This cell holds a formula whose result was never saved, so it reads as blank. "
            "Open the file in Excel or LibreOffice and save it again, or type the value.",
            Severity.WARNING, info.name, row, column_letter(position), header, None, None))
    return out
