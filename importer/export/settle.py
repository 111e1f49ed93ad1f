"""Self-check: an untouched export must pass ``check``, so it imports as "all unchanged".

Records on a catalogue do not always satisfy the rules ``check`` applies (the server skips
some: resource-level conditional requirements never fire through the API, e-mail formats
are not checked, a contact's organization may be one this token cannot publish to). A row
that fails ``check`` blocks the whole import, even when nothing in it was edited.

So the exporter runs the same check on the file it wrote, and for every error located at
a field it *withholds* that field (blank = not given = kept as stored) and adds a note with
the check's reason; for a missing conditionally-required value it withholds the field
whose value makes it required (a geographic resource without ``projection_name``: its
``bcdc_type`` is left blank). It repeats until the file checks clean (a few passes at most).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from importer.export.notes import Note, notes_for_row
from importer.map.reverse import Leftover
from importer.problems import Problem, Severity
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Column, Layout
from importer.schema.model import Field, FieldKind

CHECK_REFUSES = "check-refuses"
CHECK_ERROR = "check-error"
MAX_PASSES = 4


@dataclass
class Source:
    """Where an exported row came from: the record (and resource) and the stored dict."""

    record: str
    resource: str | None
    stored: Mapping[str, Any]


@dataclass
class Sheets:
    """The rows of both sheets with their sources, and the notes so far."""

    datasets: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    dataset_sources: list[Source] = field(default_factory=list)
    resource_sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


Check = Callable[[], Sequence[Problem]]
Write = Callable[[], None]


def settle(sheets: Sheets, layout: Layout, write: Write, check: Check,
           first_row: int) -> int:
    """Write, check, withhold what the check refuses, until clean. Returns the passes.
    ``first_row`` is the sheet row of the first data row."""
    for passes in range(1, MAX_PASSES + 1):
        write()
        errors = [p for p in check() if p.severity is Severity.ERROR]
        if not errors:
            return passes
        changed = passes < MAX_PASSES and any(
            [_withhold(sheets, layout, p, first_row) for p in errors])
        if not changed:
            sheets.notes.extend(_unresolved(sheets, errors, first_row))
            write()
            return passes
    return MAX_PASSES


def _withhold(sheets: Sheets, layout: Layout, problem: Problem, first_row: int) -> bool:
    """Blank the cells behind ``problem``; ``False`` when nothing could be blanked."""
    place = _row(sheets, layout, problem, first_row)
    if place is None or not problem.field:
        return False
    values, source, columns, fields = place
    top = _top(problem.field, fields)
    if top is None:
        return False
    reason = problem.message
    if all(values.get(h) is None for h in _headers(columns, top.name)):
        cond = top.condition
        if cond is None or cond.field not in fields:
            return False
        stored = source.stored.get(cond.field)
        detail = (f"left blank because {top.label} is blank here, and check requires it "
                  f"when {fields[cond.field].label} is {stored!r}")
        top = fields[cond.field]
    else:
        detail = f"check would refuse the stored value: {reason}"
    headers = [h for h in _headers(columns, top.name) if values.get(h) is not None]
    if not headers:
        return False
    for header in headers:
        values[header] = None
    stored_value = _stored(source.stored, top)
    leftover = Leftover(CHECK_REFUSES, top.name, stored_value, detail.rstrip("."))
    sheet = problem.sheet or DATASETS_SHEET
    sheets.notes.extend(notes_for_row([leftover], columns, sheet, problem.row or 0,
                                      source.record, source.resource))
    return True


def _row(sheets: Sheets, layout: Layout, problem: Problem, first_row: int) -> tuple[
        dict[str, Any], Source, tuple[Column, ...], dict[str, Field]] | None:
    if problem.row is None:
        return None
    index = problem.row - first_row
    if problem.sheet == DATASETS_SHEET and 0 <= index < len(sheets.datasets):
        return (sheets.datasets[index], sheets.dataset_sources[index], layout.dataset_columns,
                {f.name: f for f in layout.schema.dataset_fields})
    if problem.sheet == RESOURCES_SHEET and 0 <= index < len(sheets.resources):
        return (sheets.resources[index], sheets.resource_sources[index],
                layout.resource_columns, {f.name: f for f in layout.schema.resource_fields})
    return None


def _top(path: str, fields: Mapping[str, Field]) -> Field | None:
    """The top-level field of a problem's path (``contacts[2].email`` -> contacts;
    ``tags[1]`` -> the keywords field)."""
    name = path.split("[", 1)[0].split(".", 1)[0]
    if name in fields:
        return fields[name]
    if name == "tags":
        return next((f for f in fields.values() if f.kind is FieldKind.TAGS), None)
    return None


def _headers(columns: Sequence[Column], name: str) -> list[str]:
    return [c.header for c in columns if c.field is not None and c.field.name == name]


def _stored(stored: Mapping[str, Any], f: Field) -> Any:
    if f.kind is FieldKind.TAGS:
        tags = stored.get("tags") or []
        return [t.get("name") if isinstance(t, Mapping) else t for t in tags]
    return stored.get(f.name)


def _unresolved(sheets: Sheets, errors: Sequence[Problem], first_row: int) -> list[Note]:
    """Errors no blank cell can avoid: noted, so the editor knows the row will not import."""
    out = []
    for p in errors:
        index = (p.row or 0) - first_row
        sources = sheets.dataset_sources if p.sheet == DATASETS_SHEET else \
            sheets.resource_sources
        source = sources[index] if 0 <= index < len(sources) else None
        out.append(Note(source.record if source else "", source.resource if source else None,
                        Problem(CHECK_ERROR, f"Check reports: {p.message}", Severity.ERROR,
                                p.sheet, p.row, p.column, p.header, p.field, p.value)))
    return out
