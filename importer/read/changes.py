"""A workbook made from an older template: which of its columns were renamed or retired,
and which columns of the current schema it does not have.

A template's hidden ``meta`` sheet holds the digest of the schema it was made from
(``schema_digest``). When that differs from the schema a check uses, the workbook's
headers are compared with the current layout:

* a header that is still a column (machine name or label, or a further numbered entry of
  a repeating field) is unchanged;
* a header that is no longer a column is **renamed** when a current column the workbook
  lacks matches it: a rename from the schema's history (:data:`KNOWN_RENAMES`), else the
  matching step's name matching (a usual name, a close spelling:
  :func:`importer.read.suggest.by_name`); otherwise it is **retired** (its values have
  nowhere to go);
* a current column the workbook lacks (and no renamed header took) is **new**.

Reading uses this to say, at each header, why a column is not read
(:func:`column_problems`); the matching step uses it to propose the new names and to
stop before the check (:func:`importer.read.suggest.needs_matching`). Nothing is renamed
silently: a person confirms the mapping (``bcdc-import columns``, the web page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from importer.problems import Problem, Severity
from importer.read.headers import column_letter
from importer.read.mapping import SheetMapping, column_named
from importer.read.suggest import by_name, name_tables
from importer.schema import Column, Layout, Schema, normalise_header
from importer.schema.columns import ID_HEADER, Role, Scope

TOOL = "bcdc-importer"
RENAMED = "renamed"
RETIRED = "retired"
#: renames in the BC schema's history whose old name is not the new column's label: old
#: machine name (after :func:`normalise_header`) -> current one, per sheet. The others
#: (``resource_storage_format``, ``resource_description``, ``supplemental_information``)
#: are read as they are: they are the labels of ``format``, ``description`` and
#: ``supplemental_info``.
KNOWN_RENAMES: dict[Scope, dict[str, str]] = {
    Scope.DATASET: {"edcstate": "publish_state"},
    Scope.RESOURCE: {},
}
KNOWN = "a known rename in the schema's history"
GONE = "no longer in the schema, so its values are not imported"
#: digests are shown this long (enough to tell two schema versions apart)
SHORT = 12
_NUMBERED = re.compile(r"^(?P<field>.+?)_(?P<n>\d+)_(?P<sub>.+)$")


@dataclass(frozen=True)
class ColumnChange:
    """One header of the workbook that is not a current column: ``kind`` is
    :data:`RENAMED` (``column`` = the current column's machine name) or :data:`RETIRED`
    (``column`` is ``None``); ``reason`` says why, for the matching step."""

    position: int
    header: str
    kind: str
    column: str | None
    reason: str


@dataclass(frozen=True)
class SheetChanges:
    """One sheet: its renamed and retired headers, and the current columns it lacks."""

    changed: tuple[ColumnChange, ...] = ()
    new: tuple[Column, ...] = ()

    def at(self, position: int) -> ColumnChange | None:
        return next((c for c in self.changed if c.position == position), None)


@dataclass
class TemplateChanges:
    """An older template: the digest it was made from, the current one, and per sheet
    what changed (filled in as the sheets are read)."""

    digest: str
    current: str
    sheets: dict[Scope, SheetChanges] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.sheets.values() for c in s.changed if c.kind == kind)

    @property
    def new(self) -> list[Column]:
        return [c for s in self.sheets.values() for c in s.new]

    @property
    def to_confirm(self) -> bool:
        """A renamed or retired column: a person should confirm what becomes of it."""
        return any(s.changed for s in self.sheets.values())

    def summary(self) -> str:
        """``This workbook was made from an older template (schema digest 0123456789ab,
        current 5c8a1c29c4d7): 1 column(s) renamed, 1 retired, 2 new.``"""
        return (f"This workbook was made from an older template (schema digest "
                f"{self.digest[:SHORT]}, current {self.current[:SHORT]}): "
                f"{self.count(RENAMED)} column(s) renamed, {self.count(RETIRED)} retired, "
                f"{len(self.new)} new.")

    def problem(self, sheet: str) -> Problem:
        """The note on the ``meta`` sheet: checked against the current schema, and what
        changed (the columns themselves are reported at their headers)."""
        news = [c.header for c in self.new]
        names = f" ({', '.join(news[:8])}{', ...' if len(news) > 8 else ''})" if news else ""
        head = (f"This workbook was made from an older template (schema digest "
                f"{self.digest[:SHORT]}, current {self.current[:SHORT]}) and was checked "
                "against the current schema")
        if self.to_confirm:
            text = (f"{head}: {self.count(RENAMED)} column(s) renamed, "
                    f"{self.count(RETIRED)} retired, {len(news)} new{names}.")
        else:
            lacks = f", and {len(news)} new column(s) are not in it{names}" if news else ""
            text = f"{head}: all its columns are still in the schema{lacks}."
        return Problem("schema-changed", text, Severity.WARNING, sheet)


def older_template(meta: Mapping[str, str], schema: Schema) -> TemplateChanges | None:
    """A :class:`TemplateChanges` (no sheets yet) when ``meta`` is this tool's and names
    another schema digest than ``schema``'s; else ``None``."""
    digest = meta.get("schema_digest")
    if digest and digest != schema.digest and meta.get("tool") == TOOL:
        return TemplateChanges(digest, schema.digest)
    return None


def sheet_changes(headers: Sequence[str | None], layout: Layout, scope: Scope) -> SheetChanges:
    """Compare one sheet's headers (by position, as written) with ``layout``."""
    claimed: set[str] = set()
    groups: set[tuple[object, object]] = set()
    unknown: list[tuple[int, str]] = []
    for i, text in enumerate(headers):
        if not text or not normalise_header(text):
            continue
        col = _current(layout, scope, text)
        if col is not None:
            claimed.add(col.header)
            groups.add(_group(col))
        elif not _still_known(layout, scope, text):
            unknown.append((i, text))
    missing = [c for c in layout.columns(scope) if c.role is not Role.ID
               and c.header not in claimed and _group(c) not in groups]
    synonyms, labels = name_tables(missing, scope)
    renames = KNOWN_RENAMES[scope]
    free = {c.header for c in missing}
    taken = set(claimed)
    changed = []
    for i, text in unknown:
        known = renames.get(normalise_header(text))
        found = (known, KNOWN) if known in free and known not in taken else \
            by_name(text, layout, scope, synonyms, labels, taken)
        if found is not None and found[0] in free:
            taken.add(found[0])
            changed.append(ColumnChange(i, text, RENAMED, found[0], found[1]))
        else:
            changed.append(ColumnChange(i, text, RETIRED, None, GONE))
    return SheetChanges(tuple(changed), tuple(c for c in missing if c.header not in taken))


def _current(layout: Layout, scope: Scope, text: str) -> Column | None:
    col = layout.match(scope, text)
    if col is None and normalise_header(text) == ID_HEADER:
        return Column(ID_HEADER, "ID", scope, Role.ID)
    return col if col is not None else column_named(layout, scope, text)


def _still_known(layout: Layout, scope: Scope, text: str) -> bool:
    """Headers reading reports in its own words, not as retired: a field the catalogue
    fills itself, or a further entry of a field that takes one (``single-entry``)."""
    fields = layout.schema.dataset_fields if scope is Scope.DATASET else \
        layout.schema.resource_fields
    key = normalise_header(text)
    if any(f.system and normalise_header(f.name) == key for f in fields):
        return True
    m = _NUMBERED.match(text.strip().lower())
    if m is None:
        return False
    return int(m["n"]) > 1 and any(
        f.name == m["field"] and f.single_entry and any(s.name == m["sub"] for s in f.subfields)
        for f in fields)


def _group(col: Column) -> tuple[object, object]:
    """Columns of one (repeating field, sub-field) are one group: a workbook with fewer
    entries than the template lacks no *new* column."""
    return (col.field.name, col.subfield.name) if col.field is not None and \
        col.subfield is not None else (col.header, None)


def column_problems(problems: list[Problem], sheet: str, header_row: int,
                    changes: SheetChanges, layout: Layout, scope: Scope,
                    mapped: SheetMapping | None, file: str) -> list[Problem]:
    """``problems`` of a sheet with each renamed or retired column's ``unknown-column``
    warning replaced by what happened to it; a column the mapping reads is not reported,
    one it ignores gets a warning saying its values are not imported (never silently)."""
    out = list(problems)
    for change in changes.changed:
        letter = column_letter(change.position)
        named, target = mapped.entry(change.header) if mapped is not None else (False, None)
        if named and target is not None:
            continue
        out = [p for p in out if not (p.code == "unknown-column" and p.row == header_row
                                      and p.column == letter and p.sheet == sheet)]
        out.append(_problem(change, sheet, header_row, letter, layout, scope, named, file))
    return out


def _problem(change: ColumnChange, sheet: str, row: int, letter: str, layout: Layout,
             scope: Scope, ignored: bool, file: str) -> Problem:
    head = f"Column {letter} ({change.header!r})"
    col = layout.match(scope, change.column) if change.column else None
    renamed = (f"{head} was renamed {change.column!r} ({col.label if col else change.column}) "
               "in the current schema")
    if ignored:
        text = (f"{renamed}, but the column mapping ignores it" if change.kind == RENAMED
                else f"{head} is no longer in the schema (this workbook was made from an "
                     "older template)")
        code = "renamed-column" if change.kind == RENAMED else "retired-column"
        return Problem(code, f"{text}, so its values are not imported.", Severity.WARNING,
                       sheet, row, letter, change.header, col.path if col else None,
                       change.header)
    how = (f"run: bcdc-import columns {file} -o mapping.json, then check with --columns "
           "mapping.json (or copy your rows into a new template).")
    if change.kind == RENAMED:
        return Problem("renamed-column",
                       f"{renamed}, and this workbook was made from an older template, so "
                       f"its values are not read. To read them, {how}",
                       Severity.ERROR, sheet, row, letter, change.header,
                       col.path if col else None, change.header)
    return Problem("retired-column",
                   f"{head} is no longer in the schema (this workbook was made from an "
                   f"older template), so its values are not imported. To see every column "
                   f"that changed, {how}",
                   Severity.WARNING, sheet, row, letter, change.header, None, change.header)
