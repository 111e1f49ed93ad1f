"""Reverse mapping: a stored package (as ``package_show`` returns it) -> workbook rows.

The exact inverse of the forward mapping, using the same cell conventions
(:mod:`importer.map.cells`): a licence id becomes its title, an organization id its name,
``["displayed"]`` / ``[]`` become ``Yes`` / ``No``, keywords and multi-select values a
comma list, dates real :class:`datetime.date` values, JSON objects JSON text, and
repeating lists are flattened into ``<field>_<n>_<sub>`` columns.

One rule keeps an export safe to import back: **a field whose stored value a cell cannot
hold exactly is left blank** (blank = "not given", so the importer never sends it and the
stored value stays) **and reported** as a :class:`Leftover`. Examples: a choice value that
is no longer in the schema, a licence id not in the licence list, a second entry in a
single-entry field, a sub-key the schema does not know. Keys the template has no column
for at all (unknown extras) are reported too; the importer never sends them either.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from importer.map.cells import LIST_SEPARATOR, NO, YES, join_list, marker_of
from importer.read.values import clean_text
from importer.schema.columns import DATASET_LINK, DEFAULT_ENTRIES, Layout
from importer.schema.model import Field, FieldKind, Schema
from importer.schema.profile import Profile, profile_for
from importer.sheettext import MAX_CELL_TEXT, NOT_STORABLE, SHARED_ESCAPES

#: keys CKAN itself manages on a package: not schema fields, never notes.
CORE_DATASET_KEYS = frozenset({
    "id", "name", "type", "state", "private", "tags", "groups", "organization", "owner_org",
    "extras", "resources", "metadata_created", "metadata_modified", "creator_user_id",
    "license_title", "license_url", "num_resources", "num_tags", "relationships_as_object",
    "relationships_as_subject", "revision_id", "isopen", "tracking_summary", "tag_string",
})
#: keys CKAN itself manages on a resource.
CORE_RESOURCE_KEYS = frozenset({
    "id", "package_id", "position", "created", "metadata_modified", "state", "url_type",
    "mimetype", "mimetype_inner", "cache_url", "cache_last_updated", "size", "hash",
    "datastore_active", "datastore_contains_all_records_of_source", "has_views",
    "revision_id", "tracking_summary", "ckan_url", "original_url", "on_same_domain",
})


#: dates before this are written as ``YYYY-MM-DD`` text: a date cell cannot hold them
#: (spreadsheet serial numbers start in 1900, and 1900-02-29 exists only in Excel).
FIRST_DATE_CELL = dt.date(1900, 3, 1)
#: characters the reader changes inside a cell (no-break spaces become spaces, zero-width
#: spaces at the ends are trimmed): in JSON text they are written as ``\\uXXXX`` escapes.
_READER_ALTERS = re.compile("[\u00a0\u2007\u202f\u200b\u200c\u200d\ufeff]")


class Reason:
    """Codes saying why a stored value is not in the row (stable: tests and notes use them)."""

    NOT_A_CHOICE = "not-a-choice"
    UNKNOWN_LICENCE = "unknown-licence"
    TOO_MANY_ENTRIES = "too-many-entries"
    UNKNOWN_SUBKEY = "unknown-subkey"
    NOT_A_DATE = "not-a-date"
    NOT_JSON_OBJECT = "not-json-object"
    BAD_SHAPE = "bad-shape"
    UNKNOWN_KEY = "unknown-key"
    TOO_LONG = "too-long"
    CONTROL_CHARACTER = "control-character"
    MARKER = "marker"
    ESCAPE_LIKE = "escape-like"


@dataclass(frozen=True, slots=True)
class Leftover:
    """A stored value the row does not carry. ``path`` is the field path (1-based for
    entries, like the columns); ``kept`` is True when the importer leaves it as stored."""

    reason: str
    path: str
    value: Any
    detail: str = ""
    kept: bool = True


@dataclass(frozen=True)
class Lookups:
    """Id -> display form for values stored as ids: licence titles, organization names."""

    licence_titles: Mapping[str, str] = field(default_factory=dict)
    org_names: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Row:
    """One row's cell values by column header (``None`` = blank) and what it leaves out."""

    values: dict[str, Any]
    leftovers: list[Leftover] = field(default_factory=list)


class _Unrepresentable(Exception):
    """A stored value no cell can hold exactly; the field is left blank and reported."""

    def __init__(self, reason: str, detail: str, path: str | None = None, value: Any = None):
        super().__init__(detail)
        self.reason, self.detail, self.path, self.value = reason, detail, path, value


def reverse_package(pkg: Mapping[str, Any], layout: Layout, lookups: Lookups) -> Row:
    """The datasets-sheet row for ``pkg``: every column of ``layout`` gets a value."""
    row = Row({col.header: None for col in layout.dataset_columns})
    fields = {f.name: f for f in layout.schema.dataset_fields if not f.system}
    conv = _Converter(layout.profile, lookups, "")
    for name, f in fields.items():
        stored = _tags_text(pkg) if f.kind is FieldKind.TAGS else pkg.get(name)
        conv.fill(row, f, stored, layout.counts)
    _ids(row, pkg)
    known = {f.name for f in layout.schema.dataset_fields}
    row.leftovers.extend(_unknown_keys(pkg, known, CORE_DATASET_KEYS))
    return row


def reverse_resource(
    res: Mapping[str, Any], dataset_name: str, layout: Layout, lookups: Lookups
) -> Row:
    """The resources-sheet row for ``res``, linked to its package by ``dataset_name``."""
    row = Row({col.header: None for col in layout.resource_columns})
    row.values[DATASET_LINK] = dataset_name
    fields = {f.name: f for f in layout.schema.resource_fields if not f.system}
    conv = _Converter(layout.profile, lookups, "resources.")
    for name, f in fields.items():
        conv.fill(row, f, res.get(name), layout.counts)
    _ids(row, res)
    known = {f.name for f in layout.schema.resource_fields}
    row.leftovers.extend(_unknown_keys(res, known, CORE_RESOURCE_KEYS))
    return row


def required_counts(
    packages: Iterable[Mapping[str, Any]], schema: Schema, profile: Profile | None = None
) -> dict[str, int]:
    """Entries per repeating field path (``contacts``, ``resources.details``) so the layout
    holds the longest stored list, never fewer than the blank template offers (room to add
    one). Single-entry fields stay at 1 (extra entries are reported, not widened)."""
    prof = profile or profile_for(schema.dataset_type)
    counts = {
        path: prof.entry_counts.get(path, DEFAULT_ENTRIES)
        for path, f in _repeating(schema)
        if not f.single_entry
    }
    for pkg in packages:
        for path, f in _repeating(schema):
            if f.single_entry:
                continue
            holders = (pkg.get("resources") or []) if path.startswith("resources.") else [pkg]
            for holder in holders:
                value = holder.get(f.name) if isinstance(holder, Mapping) else None
                if isinstance(value, list):
                    counts[path] = max(counts[path], len(value))
    return counts


def _repeating(schema: Schema) -> list[tuple[str, Field]]:
    out = [(f.name, f) for f in schema.dataset_fields if f.is_repeating]
    out += [(f"resources.{f.name}", f) for f in schema.resource_fields if f.is_repeating]
    return out


def _ids(row: Row, stored: Mapping[str, Any]) -> None:
    if "id" in row.values and stored.get("id"):
        row.values["id"] = str(stored["id"])


def _tags_text(pkg: Mapping[str, Any]) -> Any:
    """The ``tag_string`` cell comes from the stored ``tags`` list (package_show does not
    return ``tag_string``)."""
    tags = pkg.get("tags")
    if not isinstance(tags, list):
        return pkg.get("tag_string")
    return [t.get("name") if isinstance(t, Mapping) else t for t in tags]


def _unknown_keys(
    stored: Mapping[str, Any], known: set[str], core: frozenset[str]
) -> list[Leftover]:
    out = []
    for key, value in stored.items():
        if key in known or key in core or _blank(value):
            continue
        out.append(Leftover(Reason.UNKNOWN_KEY, key, value,
                            f"{key!r} is not a field of the schema"))
    for extra in stored.get("extras") or []:
        if not isinstance(extra, Mapping):
            continue
        key = str(extra.get("key"))
        if key not in known and not _blank(extra.get("value")):
            out.append(Leftover(Reason.UNKNOWN_KEY, key, extra.get("value"),
                                f"the extra {key!r} is not a field of the schema"))
    return out


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class _Converter:
    """Turns stored values of one scope into cell values."""

    profile: Profile
    lookups: Lookups
    prefix: str  # "" for the dataset, "resources." for resources

    def fill(self, row: Row, f: Field, stored: Any, counts: Mapping[str, int]) -> None:
        """Write ``f``'s cells into ``row`` or, if no cell can hold it exactly, leave
        every cell of the field blank and record why."""
        try:
            if f.is_repeating:
                cells = self._entries(f, stored, counts.get(self.prefix + f.name, 1))
            else:
                cells = {f.name: self.cell(f, stored, self.prefix + f.name)}
        except _Unrepresentable as why:
            row.leftovers.append(Leftover(
                why.reason, why.path or f.name, stored if why.value is None else why.value,
                why.detail,
            ))
            return
        for header, value in cells.items():
            if header in row.values:
                row.values[header] = value

    def _entries(self, f: Field, stored: Any, room: int) -> dict[str, Any]:
        if _blank(stored):
            return {}
        if not isinstance(stored, list) or not all(isinstance(e, Mapping) for e in stored):
            raise _Unrepresentable(Reason.BAD_SHAPE, "the stored value is not a list of entries")
        if len(stored) > room:
            raise _Unrepresentable(
                Reason.TOO_MANY_ENTRIES,
                f"{len(stored)} entries are stored; the file has room for {room}",
            )
        known = {s.name for s in f.subfields}
        out: dict[str, Any] = {}
        for i, entry in enumerate(stored, start=1):
            extra = sorted(k for k in entry if k not in known and not _blank(entry[k]))
            if extra:
                raise _Unrepresentable(
                    Reason.UNKNOWN_SUBKEY,
                    f"entry {i} holds {', '.join(extra)}, which the schema does not define",
                    path=f"{f.name}[{i}].{extra[0]}", value=entry[extra[0]],
                )
            cells = {
                f"{f.name}_{i}_{sub.name}": self.cell(
                    sub, entry.get(sub.name), f"{self.prefix}{f.name}.{sub.name}",
                    where=f"{f.name}[{i}].{sub.name}",
                )
                for sub in f.subfields
            }
            out.update(cells)
        return out

    def cell(self, f: Field, value: Any, path: str, where: str | None = None) -> Any:
        """The cell value for one stored scalar (``None`` = blank)."""
        where = where or f.name
        out = self._cell_value(f, value, path, where)
        if isinstance(out, str):
            if len(out) > MAX_CELL_TEXT:
                raise _Unrepresentable(
                    Reason.TOO_LONG,
                    f"the text has {len(out)} characters; a cell holds {MAX_CELL_TEXT}",
                    where, value,
                )
            bad = NOT_STORABLE.search(out)
            if bad:
                raise _Unrepresentable(
                    Reason.CONTROL_CHARACTER,
                    f"the text holds U+{ord(bad.group()):04X}, which a workbook cannot store",
                    where, value,
                )
            shared = SHARED_ESCAPES.search(out)
            if shared:
                raise _Unrepresentable(
                    Reason.ESCAPE_LIKE,
                    f"the text holds {shared.group()!r}, which spreadsheet programs read back "
                    "differently", where, value,
                )
            marker = marker_of(clean_text(out) or "")
            if marker:
                raise _Unrepresentable(
                    Reason.MARKER,
                    f"the text is {marker!r}, which import reads as an instruction, not a value",
                    where, value,
                )
        return out

    def _cell_value(self, f: Field, value: Any, path: str, where: str) -> Any:
        if path == f"{self.profile.contacts_field}.{self.profile.contact_displayed_subfield}":
            return None if value is None else _displayed(value, where)
        if _blank(value):
            return None
        kind = f.kind
        if kind is FieldKind.DATE:
            return _date(value, where)
        if kind is FieldKind.JSON:
            return _json(value, where)
        if kind in (FieldKind.MULTI_SELECT, FieldKind.TAGS):
            return self._list(f, value, where)
        text = value if isinstance(value, str) else _scalar_text(value, where)
        if kind is FieldKind.LICENSE:
            if text not in self.lookups.licence_titles:
                raise _Unrepresentable(
                    Reason.UNKNOWN_LICENCE,
                    f"licence id {text!r} is not in the site's licence list", where, value,
                )
            return self.lookups.licence_titles[text]
        if kind is FieldKind.ORGANIZATION or (f.choices_helper and not f.choices):
            return self.lookups.org_names.get(text, text)
        if kind is FieldKind.SELECT and text not in _choice_spellings(f):
            fixed = next((c.value for c in f.choices if text in c.aliases), None)
            if fixed is not None:
                raise _Unrepresentable(
                    Reason.NOT_A_CHOICE,
                    f"{text!r} is the schema's old spelling of {fixed!r}, which import would send",
                    where, value,
                )
            raise _Unrepresentable(
                Reason.NOT_A_CHOICE, f"{text!r} is not one of this field's choices", where, value
            )
        return text

    def _list(self, f: Field, value: Any, where: str) -> str | None:
        items = value
        if isinstance(value, str):
            items = _json_list(value)
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _Unrepresentable(
                Reason.BAD_SHAPE, "the stored value is not a list of words", where, value
            )
        for item in items:
            if LIST_SEPARATOR in item:
                raise _Unrepresentable(
                    Reason.BAD_SHAPE, f"{item!r} holds a comma, which separates items here", where,
                    value,
                )
            if f.kind is FieldKind.MULTI_SELECT and item not in _choice_spellings(f):
                raise _Unrepresentable(
                    Reason.NOT_A_CHOICE, f"{item!r} is not one of this field's choices", where,
                    value,
                )
        return join_list(items) if items else None


def _choice_spellings(f: Field) -> set[str]:
    return {c.value for c in f.choices}


def _scalar_text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = type(value).__name__
        raise _Unrepresentable(Reason.BAD_SHAPE, f"the stored value is a {kind}, not text",
                               where, value)
    return str(value)


def _json_list(text: str) -> Any:
    """Multi-select values stored as text: a JSON list, else one value."""
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return [text]


def _displayed(value: Any, where: str) -> str:
    if value == ["displayed"]:
        return YES
    if value == []:
        return NO
    raise _Unrepresentable(
        Reason.BAD_SHAPE, 'the stored value is neither ["displayed"] nor []', where, value
    )


def _date(value: Any, where: str) -> dt.date | str:
    """A date cell; ``YYYY-MM-DD`` text for a date before :data:`FIRST_DATE_CELL` (the
    reader reads such text in a date column as the date)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return day if day >= FIRST_DATE_CELL else day.isoformat()
    raise _Unrepresentable(Reason.NOT_A_DATE, f"{value!r} is not a YYYY-MM-DD date", where, value)


def _json(value: Any, where: str) -> str:
    obj = value
    if isinstance(value, str):
        try:
            obj = json.loads(value)
        except ValueError:
            obj = None
    if not isinstance(obj, dict):
        raise _Unrepresentable(
            Reason.NOT_JSON_OBJECT, "the stored value is not a JSON object", where, value
        )
    text = json.dumps(obj, ensure_ascii=False)
    return _READER_ALTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
