"""Propose a column mapping for a sheet whose headers are an editor's own.

Only a proposal: the web app's matching step shows it for a person to confirm, change or
set to "ignore", and ``bcdc-import columns`` writes it to a file to review. Each header
is matched, in this order, by:

1. the template's machine name or label (what reading accepts anyway);
2. a known synonym (:data:`SYNONYMS`: "Dataset Title", "Branch", "Keywords", ...);
3. a close spelling of a machine name or label;
4. the shape of its values: e-mail addresses, dates, or values that are all choices of
   one choice field.

A column is proposed for one header at most (the first that claims it, in header order).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from importer.read.csvfile import csv_rows
from importer.read.headers import MAX_COLUMNS
from importer.read.mapping import SHEET_KEYS, ColumnMapping, MappingError, SheetMapping
from importer.read.safety import FileKind, sniff
from importer.read.values import normalise
from importer.read.xlsx import XlsxBook
from importer.schema import Column, FieldKind, Layout, normalise_header
from importer.schema.columns import DATASET_LINK, DATASETS_SHEET, Scope

if TYPE_CHECKING:
    from importer.read.changes import TemplateChanges
    from importer.read.model import ReadResult

#: headers editors use for template columns (compared after :func:`normalise_header`).
SYNONYMS: dict[Scope, dict[str, tuple[str, ...]]] = {
    Scope.DATASET: {
        "title": ("dataset title", "dataset", "dataset name", "name of dataset", "record title"),
        "name": ("slug", "url name", "short name", "identifier", "dataset id"),
        "owner_org": ("branch", "organization", "organisation", "ministry", "org",
                      "owner", "publisher", "published by", "division"),
        "notes": ("description", "abstract", "summary", "about"),
        "tag_string": ("keywords", "tags", "key words", "subjects"),
        "license_id": ("licence", "license", "licensing", "terms of use"),
        "contacts_1_name": ("contact", "contact name", "contact person", "custodian"),
        "contacts_1_email": ("contact email", "contact e-mail", "email", "e-mail",
                             "custodian email"),
        "contacts_1_role": ("contact role", "role"),
        "purpose": ("why", "reason", "business purpose"),
        "publish_state": ("status", "state", "publication status"),
        "security_class": ("security", "classification", "security classification"),
        "lineage_statement": ("lineage", "source", "provenance"),
        "data_quality": ("quality",),
    },
    Scope.RESOURCE: {
        DATASET_LINK: ("dataset", "dataset url name", "package", "parent dataset"),
        "name": ("resource name", "resource title", "file name", "title"),
        "url": ("link", "url", "download url", "access url", "location"),
        "format": ("file format", "type of file"),
        "description": ("resource description", "about"),
    },
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SAMPLES = 3
#: the reason given when a header is a template column's machine name or label
DIRECT = "same name as the template column"


@dataclass(frozen=True)
class Suggestion:
    """One uploaded column: its header, a few values, and the proposed template column
    (``None``: no proposal, i.e. ignore unless a person picks one) with the reason."""

    position: int
    header: str
    samples: tuple[str, ...]
    column: str | None
    reason: str
    #: an older template's column: ``renamed`` or ``retired`` (:mod:`.changes`)
    change: str | None = None


@dataclass(frozen=True)
class SheetColumns:
    """The header row of an uploaded sheet and a few values under each header."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    samples: tuple[tuple[str, ...], ...]


def peek_columns(path: Path, sheet: str, scan: int = 10, samples: int = SAMPLES,
                 first: bool = False) -> SheetColumns | None:
    """The header row (the fullest of the first ``scan`` non-blank rows, the first such on
    a tie) and up to ``samples`` values per column of ``sheet`` (or of the first sheet);
    ``None`` if there is no such sheet."""
    if sniff(Path(path)).kind is FileKind.CSV:  # a CSV is one sheet, of datasets
        if not first and sheet != DATASETS_SHEET:
            return None
        return _peek(DATASETS_SHEET, csv_rows(Path(path)), scan, samples)
    book = XlsxBook(Path(path))
    try:
        found = book.sheet_names[0] if first and book.sheet_names else book.find(sheet)
        if found is None:
            return None
        return _peek(found, book.sheet(found).rows, scan, samples)
    finally:
        book.close()


def _peek(found: str, source: Iterable[tuple[int, Sequence[object]]], scan: int,
          samples: int) -> SheetColumns:
    rows: list[tuple[int, list[str | None]]] = []
    header: tuple[int, list[str | None]] | None = None
    for number, raw in source:
        texts = [normalise(v, False) for v in raw]
        if not any(texts):
            continue
        if header is None or len(rows) < scan:
            rows.append((number, texts))
            if header is None or sum(map(bool, texts)) > sum(map(bool, header[1])):
                header = (number, texts)
            continue
        break
    if header is None:
        return SheetColumns(found, 1, (), ())
    heads = tuple(t or "" for t in header[1])
    below = [texts for number, texts in rows if number > header[0]]
    cols = tuple(tuple(v for r in below if i < len(r) and (v := r[i]))[:samples]
                 for i in range(len(heads)))
    return SheetColumns(found, header[0], heads, cols)


def name_tables(columns: Sequence[Column], scope: Scope) -> tuple[dict[str, str], dict[str, str]]:
    """For matching headers by name against ``columns`` only: (normalised synonym ->
    column, normalised label or machine name -> column)."""
    names = {c.header for c in columns}
    synonyms = {normalise_header(s): target for target, words in SYNONYMS[scope].items()
                if target in names for s in words}
    labels = {normalise_header(c.label): c.header for c in columns}
    labels |= {normalise_header(c.header): c.header for c in columns}
    return synonyms, labels


def by_name(header: str, layout: Layout, scope: Scope, synonyms: dict[str, str],
            labels: dict[str, str], taken: set[str]) -> tuple[str, str] | None:
    """Steps 2 and 3 of the module's order: a known synonym, else a close spelling of a
    machine name or label; (column, reason), or ``None``. An older template's columns are
    matched to their new names the same way (:mod:`importer.read.changes`)."""
    target = synonyms.get(normalise_header(header))
    if target and target not in taken:
        return target, "a usual name for this column"
    close = difflib.get_close_matches(normalise_header(header),
                                      [k for k, v in labels.items() if v not in taken],
                                      n=1, cutoff=0.8)
    if close:
        return _first_entry(labels[close[0]], layout, scope, taken), "spelled like this column"
    return None


def suggest_columns(found: SheetColumns, layout: Layout, scope: Scope) -> list[Suggestion]:
    """A proposal for every non-blank header of ``found`` (see the module's docstring)."""
    synonyms, labels = name_tables(layout.columns(scope), scope)
    taken: set[str] = set()
    out: list[Suggestion] = []
    for i, header in enumerate(found.headers):
        if not header:
            continue
        samples = found.samples[i] if i < len(found.samples) else ()
        column, reason = _propose(header, samples, layout, scope, synonyms, labels, taken)
        if column is not None:
            taken.add(column)
        out.append(Suggestion(i, header, samples, column, reason))
    return out


def _propose(header: str, samples: Sequence[str], layout: Layout, scope: Scope,
             synonyms: dict[str, str], labels: dict[str, str], taken: set[str]
             ) -> tuple[str | None, str]:
    direct = layout.match(scope, header)
    if direct is not None and direct.header not in taken:
        return direct.header, DIRECT
    named = by_name(header, layout, scope, synonyms, labels, taken)
    return named if named is not None else _by_values(samples, layout, scope, taken)


def _first_entry(header: str, layout: Layout, scope: Scope, taken: set[str]) -> str:
    """For a numbered column (``dates_2_type``), the lowest free entry of the same
    sub-field (``dates_1_type``): an editor's one "Date type" column is the first entry."""
    col = layout.match(scope, header)
    if col is None or col.index is None or col.subfield is None:
        return header
    for other in layout.columns(scope):
        if (other.field is col.field and other.subfield is col.subfield
                and other.header not in taken):
            return other.header
    return header


def _by_values(samples: Sequence[str], layout: Layout, scope: Scope, taken: set[str]
               ) -> tuple[str | None, str]:
    if not samples:
        return None, "no match (empty column)"
    free = [c for c in layout.columns(scope) if c.header not in taken and c.value_field]
    if all(_EMAIL.match(s) for s in samples):
        col = next((c for c in free if c.header.endswith("_email")), None)
        if col is not None:
            return col.header, "its values are e-mail addresses"
    if all(_DATE.match(s) for s in samples):
        col = next((c for c in free if _kind(c) is FieldKind.DATE), None)
        if col is not None:
            return col.header, "its values are dates"
    for col in free:
        choices = col.value_field.choices if col.value_field else ()
        values = {v.lower() for ch in choices for v in (ch.value, ch.label) if v}
        if values and all(s.lower() in values for s in samples):
            return col.header, "its values are choices of this column"
    return None, "no match"


def _kind(col: Column) -> FieldKind | None:
    return col.value_field.kind if col.value_field else None


def mapping_from(suggestions: dict[Scope, tuple[str | None, list[Suggestion]]],
                 source: str = "") -> ColumnMapping:
    """A mapping with every proposal as it stands (``None`` proposals are ignored columns).
    ``suggestions`` maps a scope to (its sheet name, its proposals)."""
    sheets = {scope: SheetMapping({s.header: s.column for s in found}, sheet)
              for scope, (sheet, found) in suggestions.items()}
    return ColumnMapping(sheets, source)


def missing_required(layout: Layout, scope: Scope, chosen: Sequence[str | None]) -> list[Column]:
    """Required template columns that no header maps to."""
    have = set(filter(None, chosen))
    return [c for c in layout.columns(scope)
            if (c.marked_required or c.header == DATASET_LINK) and c.header not in have]


@dataclass(frozen=True)
class Proposal:
    """What the matching step shows: per sheet, each uploaded column with its proposed
    template column, the required columns nothing maps to, and the mapping as proposed."""

    sheets: dict[Scope, tuple[SheetColumns, list[Suggestion], list[Column]]]
    mapping: ColumnMapping
    #: a workbook made from an older template: what changed (``None``: not one)
    changes: TemplateChanges | None = None


def propose_mapping(path: Path, layout: Layout, sheet: str | None = None,
                    resources_sheet: str | None = None, source: str = "") -> Proposal:
    """Propose a mapping for ``path``. The datasets are read from ``sheet``, else the sheet
    named ``datasets``, else the first sheet; resources from ``resources_sheet`` or the
    sheet named ``resources`` (none: no resources). Raises :class:`MappingError` for a
    named sheet that is not there."""
    from importer.read.changes import older_template
    from importer.read.reader import workbook_meta

    names = {Scope.DATASET: sheet, Scope.RESOURCE: resources_sheet}
    changes = older_template(workbook_meta(path), layout.schema)
    found: dict[Scope, tuple[SheetColumns, list[Suggestion], list[Column]]] = {}
    for scope in Scope:
        wanted = names[scope] or SHEET_KEYS[scope]
        seen = peek_columns(path, wanted.strip().lower())
        if seen is None and scope is Scope.DATASET and names[scope] is None:
            seen = peek_columns(path, "", first=True)
        if seen is None:
            if names[scope] is not None:
                raise MappingError(f"{Path(path).name} has no sheet named {wanted!r}")
            continue
        proposals = suggest_columns(seen, layout, scope)
        if changes is not None:
            proposals = _older(proposals, seen, layout, scope, changes)
        found[scope] = (seen, proposals,
                        missing_required(layout, scope, [s.column for s in proposals]))
    mapping = ColumnMapping({
        scope: SheetMapping({s.header: s.column for s in props},
                            None if seen.sheet.strip().lower() == SHEET_KEYS[scope]
                            else seen.sheet)
        for scope, (seen, props, _) in found.items()}, source)
    return Proposal(found, mapping, changes)


def _older(proposals: list[Suggestion], seen: SheetColumns, layout: Layout, scope: Scope,
           changes: TemplateChanges) -> list[Suggestion]:
    """An older template's proposals: each renamed column to its new name, each retired
    one ignored, and the others to themselves (a header that is a further entry of a
    repeating field, ``contacts_5_email``, too: reading widens for it)."""
    from importer.read.changes import sheet_changes
    from importer.read.mapping import column_named

    sheet = changes.sheets[scope] = sheet_changes(seen.headers, layout, scope)
    out = []
    for s in proposals:
        change = sheet.at(s.position)
        if change is not None:
            s = replace(s, column=change.column, reason=change.reason, change=change.kind)
        elif s.reason != DIRECT and layout.match(scope, s.header) is None and \
                (col := column_named(layout, scope, s.header)) is not None:
            s = replace(s, column=col.header, reason=DIRECT)
        out.append(s)
    return out


#: problems of a read that mean a header is not a template column (of this schema)
HEADER_CODES = frozenset({"unknown-column", "renamed-column", "retired-column"})


def may_need_matching(read: ReadResult) -> bool:
    """``False`` only when :func:`needs_matching` would be false too, known from a check's
    own read (no proposal, so no second reading of the file): the datasets are on a sheet
    named ``datasets`` and every header of every sheet is a template column. The web app
    checks first and proposes a mapping only when this is true."""
    info = read.sheets.get(Scope.DATASET)
    if info is None or info.name.strip().lower() != DATASETS_SHEET:
        return True
    return any(p.code in HEADER_CODES for p in read.problems)


def needs_matching(proposal: Proposal) -> bool:
    """Whether a person should match the columns before a check: the datasets are on a
    sheet not named ``datasets``, or fewer than half of a sheet's headers are template
    columns (by machine name or label), or the workbook was made from an older template
    and has renamed or retired columns. One or two stray headers in a template are left
    to the check, which reports them as unknown columns; so is an older template whose
    columns all still exist (the check notes it was checked against the current schema),
    and a sheet without headers or with more than :data:`MAX_COLUMNS` of them (the check
    refuses it with its message)."""
    changes = proposal.changes
    for scope, (seen, found, _) in proposal.sheets.items():
        if not found or len(found) > MAX_COLUMNS:
            continue  # no header, or far too many: the check says what is wrong
        if changes is not None and scope in changes.sheets and changes.sheets[scope].changed:
            return True  # an older template's renamed or retired columns: confirm them
        if scope is Scope.DATASET and seen.sheet.strip().lower() != DATASETS_SHEET:
            return True
        direct = sum(1 for s in found if s.reason == DIRECT)
        if found and direct * 2 < len(found):
            return True
    return False


def header_signature(proposal: Proposal) -> str:
    """A digest of each sheet's name and headers (normalised): two workbooks with the same
    signature can be read with the same mapping."""
    import hashlib

    parts = [f"{SHEET_KEYS[scope]}={seen.sheet.strip().lower()}:"
             + "|".join(normalise_header(h) for h in seen.headers)
             for scope, (seen, _, _) in sorted(proposal.sheets.items(), key=lambda kv: kv[0].value)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def proposal_json(proposal: Proposal, layout: Layout) -> dict[str, Any]:
    """The proposal as plain data (what the web app's matching page shows): per sheet, its
    columns with samples, proposed target and (an older template's) ``renamed`` /
    ``retired`` mark, the current columns it lacks (``new``), every template column to
    choose from, and the required ones; plus the :func:`header_signature` and, for an
    older template, ``older_template`` (digests, counts and the summary line)."""
    from importer.read.changes import RENAMED, RETIRED, SHORT

    sheets = []
    changes = proposal.changes
    for scope, (seen, found, _) in proposal.sheets.items():
        sheet_changed = changes.sheets.get(scope) if changes is not None else None
        sheets.append({
            "key": SHEET_KEYS[scope], "sheet": seen.sheet, "header_row": seen.header_row,
            "columns": [{"position": s.position, "header": s.header, "samples": list(s.samples),
                         "column": s.column, "reason": s.reason, "change": s.change}
                        for s in found],
            "new": [[c.header, c.label, c.marked_required or c.header == DATASET_LINK]
                    for c in (sheet_changed.new if sheet_changed is not None else ())],
            "choices": [[c.header, c.label] for c in layout.columns(scope)],
            "required": [[c.header, c.label] for c in layout.columns(scope)
                         if c.marked_required or c.header == DATASET_LINK],
            "mapped_sheet": (None if seen.sheet.strip().lower() == SHEET_KEYS[scope]
                             else seen.sheet)})
    older = None if changes is None else {
        "digest": changes.digest[:SHORT], "current": changes.current[:SHORT],
        "renamed": changes.count(RENAMED), "retired": changes.count(RETIRED),
        "new": len(changes.new), "summary": changes.summary()}
    return {"signature": header_signature(proposal), "sheets": sheets, "older_template": older}


def confirmed_mapping(proposal: dict[str, Any], chosen: dict[str, dict[int, str | None]],
                      layout: Layout, source: str = "") -> ColumnMapping:
    """The mapping a person confirmed on the matching page: ``proposal`` as
    :func:`proposal_json` wrote it, ``chosen`` = sheet key -> column position -> template
    column (``None``: ignore). A position not in ``chosen`` keeps its proposal. Checked
    like a mapping file (:class:`MappingError`: e.g. two headers for one column)."""
    from importer.read.mapping import FORMAT, VERSION, parse_mapping

    data: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for sheet in proposal["sheets"]:
        picks = chosen.get(sheet["key"], {})
        entry: dict[str, Any] = {"columns": {
            c["header"]: picks.get(c["position"], c["column"]) for c in sheet["columns"]}}
        if sheet.get("mapped_sheet"):
            entry["sheet"] = sheet["mapped_sheet"]
        data[sheet["key"]] = entry
    return parse_mapping(data, layout, source)
