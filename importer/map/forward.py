"""Map read rows to packages in the API's shape (FIELDS.md §1), keeping every value's cell.

One dataset row -> one :class:`DatasetRecord` whose ``package`` holds only what the row
gives; one resource row -> one :class:`ResourceRecord`, attached to the dataset row whose
``name`` (or ``id``) its ``dataset_name`` cell names. Conventions (``importer.map.cells``):

* blank = not given (absent); ``<clear>`` = empty it (``record.cleared``, absent from the
  package; in a repeating entry's sub-cell only that sub-value, ``contacts[2].email``);
  ``<remove>`` in any cell of a repeating entry = remove that entry (``record.removed``);
* choices: the value, an alias (``epsg26710,``) or the exact label is accepted and sent as
  the value; anything else is kept as written for the validator to report;
* ``displayed`` Yes/No -> ``["displayed"]`` / ``[]``; keywords -> ``tags``;
  multi-select cells are comma-separated;
* licence id or title -> id; organization -> whatever the resolver sends (kept as
  written offline, the id with a site); a blank contact organization -> the dataset's;
* ``private`` follows the visibility field (``metadata_visibility == IDIR``);
* repeating entries keep their position: the package's list holds the given entries in
  column order, ``record.positions`` their column numbers (contacts 1 blank, 2 filled ->
  one entry whose position is 2 and whose cells are ``contacts[2].*``); an update merges
  them into the stored entries at those positions.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from importer.gcpause import gc_paused
from importer.map.cells import CLEAR_MARKER, REMOVE_MARKER, marker_of, parse_bool, split_list
from importer.map.resolve import Resolver
from importer.problems import Problem
from importer.read.model import ReadResult, Row, RowCells, SheetInfo
from importer.records import DatasetRecord, ResourceRecord
from importer.schema import Column, Field, FieldKind, Layout, Profile
from importer.schema.columns import Role, Scope

TAGS_KEY = "tags"
PRIVATE_KEY = "private"
ID_KEY = "id"
#: shared by every record that clears nothing (an empty set per row costs 216 bytes).
_NOTHING_CLEARED: frozenset[str] = frozenset()
#: how many orphan resource rows get a "did you mean" (see :func:`link_resource`).
MAX_SUGGESTIONS = 50
#: how close a name must be to be suggested (:func:`difflib.get_close_matches`).
CLOSE_CUTOFF = 0.8


class Marks:
    """What one row's markers and repeating entries say beyond its package: fields and
    sub-values it empties, entries it removes, each given entry's position, defaults.
    Built per row, so its containers are made only when something is written."""

    __slots__ = ("cleared", "defaulted", "positions", "removed", "removed_at")

    def __init__(self) -> None:
        self.cleared: AbstractSet[str] = _NOTHING_CLEARED
        self.defaulted: AbstractSet[str] = _NOTHING_CLEARED
        self.removed: dict[str, set[int]] = {}
        #: field -> entry position -> the column position of its ``<remove>`` cell.
        self.removed_at: dict[str, dict[int, int]] = {}
        self.positions: dict[str, tuple[int, ...]] = {}

    def clear(self, path: str) -> None:
        self.cleared = {*self.cleared, path}

    def default(self, path: str) -> None:
        self.defaulted = {*self.defaulted, path}

    def remove(self, name: str, index: int, pos: int) -> None:
        self.removed.setdefault(name, set()).add(index)
        self.removed_at.setdefault(name, {}).setdefault(index, pos)

    def apply(self, rec: DatasetRecord | ResourceRecord) -> None:
        """Put the marks on the record (shared empty values when there are none)."""
        rec.cleared = self.cleared
        if self.removed:
            rec.removed = {k: frozenset(v) for k, v in self.removed.items()}
        if self.positions:
            rec.positions = self.positions
        if self.defaulted:
            rec.defaulted = frozenset(self.defaulted)


@dataclass
class MapResult:
    """Records in sheet order, and the problems found while mapping."""

    records: list[DatasetRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: resource rows whose dataset was not found (reported as ``orphan-resource``).
    orphans: list[ResourceRecord] = field(default_factory=list)
    #: unknown link -> the closest dataset name suggested for it (``[]``: none close).
    suggestions: dict[str, list[str]] = field(default_factory=dict)


def package_key(f: Field) -> str:
    """The package key a field's value is sent under (keywords go to ``tags``)."""
    return TAGS_KEY if f.kind is FieldKind.TAGS else f.name


def choice_table(f: Field) -> dict[str, str]:
    """Accepted spellings -> value: values, then aliases, then exact labels."""
    table: dict[str, str] = {}
    for c in f.choices:
        table.setdefault(c.value, c.value)
    for c in f.choices:
        for alias in c.aliases:
            table.setdefault(alias, c.value)
    for c in f.choices:
        table.setdefault(c.label, c.value)
    return table


_PLAIN, _CHOICE, _ID, _OTHER, _SUB_TEXT, _SUB_CHOICE, _SUB_OTHER = range(7)
#: kinds whose cell text is the value as it is (``_RowMapper._value`` returns it unchanged).
_TEXT_KINDS = frozenset({FieldKind.TEXT, FieldKind.MARKDOWN, FieldKind.SLUG, FieldKind.DATE})

#: what the mapper does with a column: (code, package key, choice table, column, field
#: path, entry field name, entry index, sub-field name), all worked out once per sheet.
Action = tuple[int, str, "dict[str, str] | None", Column, str, str, int, str]


def _action(col: Column | None, profile: Profile) -> Action | None:
    """How the mapper treats a column: plain text and static choices take a fast path,
    and so do the text and choice sub-fields of repeating entries."""
    if col is None:
        return None
    if col.role is Role.ID:
        return (_ID, ID_KEY, None, col, ID_KEY, "", 0, "")
    if col.role is not Role.FIELD or col.field is None:
        return None
    f = col.field
    key = package_key(f)
    sub = col.subfield
    if sub is None:
        if f.kind in _TEXT_KINDS:
            return (_PLAIN, key, None, col, f.name, "", 0, "")
        if f.kind is FieldKind.SELECT and f.choices:
            return (_CHOICE, key, choice_table(f), col, f.name, "", 0, "")
        return (_OTHER, key, None, col, f.name, "", 0, "")
    if col.index is None:
        return (_OTHER, key, None, col, f.name, "", 0, "")
    special = f.name == profile.contacts_field and sub.name in (
        profile.contact_org_subfield, profile.contact_displayed_subfield)
    code = _SUB_OTHER
    table = None
    if not special and sub.kind in _TEXT_KINDS:
        code = _SUB_TEXT
    elif not special and sub.kind is FieldKind.SELECT:
        code = _SUB_CHOICE
        table = choice_table(sub) if sub.choices else None
    return (code, key, table, col, col.path, f.name, col.index, sub.name)


class _SheetPlan:
    """Per-sheet precomputation: what each column position does, built once."""

    def __init__(self, info: SheetInfo, profile: Profile) -> None:
        self.info = info
        self.profile = profile
        self.choices: dict[int, dict[str, str]] = {}
        self.position: dict[str, int] = {}
        self.blank_needed: list[tuple[int, str]] = []
        self.actions: list[Action | None] = []
        #: (entry field, entry index) -> [(sub-field, its column position)] for the
        #: sub-fields whose blank cell an entry must point at (filled by ``_entries``).
        self.entry_blanks: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for i, col in enumerate(info.columns):
            self.actions.append(_action(col, profile))
            if col is None:
                continue
            self.position[col.path] = i
            vf = col.value_field
            if vf is not None and vf.choices:
                self.choices[i] = choice_table(vf)
            if col.subfield is None and col.field is not None and (
                    col.marked_required or col.field.conditionally_required):
                self.blank_needed.append((i, package_key(col.field)))

    def is_contact(self, col: Column, sub: str | None) -> bool:
        return (col.field is not None and col.field.name == self.profile.contacts_field
                and col.subfield is not None and col.subfield.name == sub)


class _RowMapper:
    """Maps one row; collects its problems into the shared list."""

    def __init__(self, plan: _SheetPlan, resolver: Resolver, problems: list[Problem]) -> None:
        self.plan = plan
        self.resolver = resolver
        self.problems = problems
        #: cell-map tuples and entry paths shared between rows (memory: see RowCells).
        self.shared: dict[tuple[object, ...], tuple[object, ...]] = {}
        self._paths: dict[tuple[str, int, str], str] = {}

    def path(self, name: str, k: int, sub: str) -> str:
        """``contacts[1].email``, one string object per distinct path."""
        key = (name, k, sub)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = f"{name}[{k}].{sub}"
        return found

    def map(self, row: Row, out: dict[str, Any]) -> tuple[RowCells, Marks]:
        """Fill ``out`` from ``row``; return its cell map and what its markers say. Hot
        loop: plain text and choice cells (also inside repeating entries) take the short
        path, with no helper call; positions go straight into the cell map's dict."""
        cells = RowCells(row)
        pending = cells.building()
        marks = Marks()
        entries: dict[str, dict[int, dict[str, tuple[int, Any]]]] = {}
        actions = self.plan.actions
        for i, value in enumerate(row.values):
            if value is None:
                continue
            act = actions[i]
            if act is None:
                continue
            code, key, table, col, path, name, index, sub = act
            if value[0] != "<":
                if code == _PLAIN:
                    out[key] = value
                    pending[key] = i
                    continue
                if code == _CHOICE:
                    out[key] = table.get(value, value) if table else value
                    pending[key] = i
                    continue
                if code in (_SUB_TEXT, _SUB_CHOICE):
                    converted = table.get(value, value) if table else value
                    by_index = entries.get(name)
                    if by_index is None:
                        by_index = entries[name] = {}
                    found = by_index.get(index)
                    if found is None:
                        by_index[index] = {sub: (i, converted)}
                    else:
                        found[sub] = (i, converted)
                    continue
            if code == _ID:
                out[ID_KEY] = value
                pending[ID_KEY] = i
                continue
            f = col.field
            if f is None:
                continue
            marker = marker_of(value) if value[0] == "<" else None
            if marker is not None:
                self._marker(row, i, col, key, marker, marks, cells)
                continue
            if col.subfield is not None and col.index is not None:
                converted = self._value(row, i, col, col.subfield, value, path)
                if converted is not None:
                    by_index = entries.setdefault(name, {})
                    by_index.setdefault(index, {})[sub] = (i, converted)
                continue
            converted = self._value(row, i, col, f, value, f.name)
            if converted is None:
                continue
            out[key] = converted
            pending[key] = i
        if entries:
            self._entries(row, out, cells, entries, marks)
        if marks.removed:
            self._remove_conflicts(row, marks, entries)
        self._derived(out, cells)
        contacts = self.plan.profile.contacts_field
        if contacts and contacts not in out and contacts not in marks.cleared:
            pos = self.plan.position.get(f"{contacts}[1].name")
            if pos is not None:
                cells.put(f"{contacts}[1].name", pos)
        values = row.values
        n = len(values)
        for i, key in self.plan.blank_needed:  # (``pending`` is still the whole map)
            if key not in pending and (i >= n or values[i] is None):
                cells.put(key, i)
        return cells, marks

    def _marker(self, row: Row, i: int, col: Column, key: str, marker: str, marks: Marks,
                cells: RowCells) -> None:
        """``<clear>``: empty the field, or only this sub-value of this entry;
        ``<remove>``: remove this whole entry (repeating fields only)."""
        f = col.field
        assert f is not None
        entry = col.subfield is not None and col.index is not None
        if marker == REMOVE_MARKER:
            if not entry:
                self.problems.append(row.cell(i).problem(
                    "bad-marker", f"{REMOVE_MARKER} removes a whole entry of a repeating "
                    f"field (a contact, a link, a date); to empty this field write "
                    f"{CLEAR_MARKER}, to keep it leave the cell blank.", col.path))
                return
            assert col.index is not None
            marks.remove(f.name, col.index, i)
            cells.put(col.path, i)
            return
        if entry:
            marks.clear(col.path)
        else:
            marks.clear(key)
        cells.put(col.path if entry else key, i)

    def _remove_conflicts(self, row: Row, marks: Marks,
                          entries: dict[str, dict[int, dict[str, tuple[int, Any]]]]) -> None:
        """An entry both removed and filled (or cleared) in the same row is an error: which
        one was meant cannot be guessed."""
        for name, where in marks.removed_at.items():
            for index, pos in where.items():
                filled = index in entries.get(name, {})
                cleared = any(p.startswith(f"{name}[{index}].") for p in marks.cleared)
                if filled or cleared:
                    self.problems.append(row.cell(pos).problem(
                        "remove-conflict",
                        f"{REMOVE_MARKER} removes entry {index} of this field, but other "
                        f"cells of entry {index} are filled: either remove the entry (leave "
                        f"its other cells blank) or keep it (delete {REMOVE_MARKER}).",
                        f"{name}[{index}]"))

    def finish(self, cells: RowCells) -> None:
        cells.freeze(self.shared)

    def _value(self, row: Row, i: int, col: Column, f: Field, value: str, path: str) -> Any:
        """The API value for one cell; ``None`` (with a problem) when it cannot be had."""
        kind = f.kind
        plan = self.plan
        if kind is FieldKind.TAGS:
            return [{"name": t} for t in split_list(value)]
        if kind is FieldKind.SELECT:
            if plan.is_contact(col, plan.profile.contact_org_subfield):
                return self._organization(row, i, value, path)
            table = plan.choices.get(i)
            return table.get(value, value) if table else value
        if kind is FieldKind.MULTI_SELECT:
            if plan.is_contact(col, plan.profile.contact_displayed_subfield):
                flag = parse_bool(value)
                if flag is None:
                    self.problems.append(row.cell(i).problem(
                        "bad-boolean", f"Write Yes or No here, not {value!r}.", path))
                    return None
                return [f.choices[0].value] if flag and f.choices else []
            table = plan.choices.get(i) or {}
            return [table.get(v, v) for v in split_list(value)]
        if kind is FieldKind.LICENSE:
            lid = self.resolver.licence(value)
            if lid is None:
                self.problems.append(row.cell(i).problem(
                    "unknown-licence", _licence_message(value, self.resolver), path))
                return value
            return lid
        if kind is FieldKind.ORGANIZATION:
            return self._organization(row, i, value, path)
        if kind is FieldKind.JSON:
            try:
                return json.loads(value)
            except json.JSONDecodeError as err:
                self.problems.append(row.cell(i).problem(
                    "bad-json", f"This is not valid JSON ({err.msg} at character {err.pos}). "
                    'Write a JSON object such as {"fields": []}, or leave it blank.', path))
                return None
        return value

    def _organization(self, row: Row, i: int, value: str, path: str) -> str:
        oid = self.resolver.organization(value)
        if oid is None:
            self.problems.append(row.cell(i).problem(
                "unknown-organization", self.resolver.unknown_organization(value), path))
            return value
        return oid

    def _entries(self, row: Row, out: dict[str, Any], cells: RowCells,
                 entries: dict[str, dict[int, dict[str, tuple[int, Any]]]],
                 marks: Marks) -> None:
        """The row's entries, in column order, each keeping its position (the column
        number): cells point at ``contacts[2].email`` for column ``contacts_2_email``
        even when contact 1 is blank, so messages and the merge with the stored entries
        (by position, :func:`importer.publish.plan.merge_entries`) name the right entry."""
        plan = self.plan
        prof = plan.profile
        put = cells.put
        for name, by_index in entries.items():
            items: list[dict[str, Any]] = []
            contacts = name == prof.contacts_field and prof.contact_org_subfield
            order = sorted(by_index)
            for index in order:
                subs = by_index[index]
                entry: dict[str, Any] = {}
                for sub, (pos, value) in subs.items():
                    entry[sub] = value
                    put(self.path(name, index, sub), pos)
                if contacts:
                    self._default_org(row, out, cells, entry, name, index, marks)
                blanks = plan.entry_blanks.get((name, index))
                if blanks is None:
                    blanks = self._entry_blanks(row, name, index, subs)
                for sub_name, blank in blanks:
                    if sub_name not in entry:
                        put(self.path(name, index, sub_name), blank)
                items.append(entry)
            out[name] = items
            marks.positions[name] = tuple(order)

    def _entry_blanks(self, row: Row, name: str, index: int,
                      subs: dict[str, tuple[int, Any]]) -> list[tuple[str, int]]:
        """The sub-fields of entry ``index`` of ``name`` that must point at their blank
        cell when left blank (required ones, and a contact's displayed flag): worked out
        once per entry column group, then reused for every row."""
        plan = self.plan
        prof = plan.profile
        col = row.sheet.columns[next(iter(subs.values()))[0]]
        parent = col.field if col is not None else None
        out: list[tuple[str, int]] = []
        if parent is not None:
            for sub_field in parent.subfields:
                wanted = sub_field.required or (
                    name == prof.contacts_field
                    and sub_field.name == prof.contact_displayed_subfield)
                blank = plan.position.get(f"{name}[{index}].{sub_field.name}")
                if wanted and blank is not None:
                    out.append((sub_field.name, blank))
        plan.entry_blanks[(name, index)] = out
        return out

    def _default_org(self, row: Row, out: dict[str, Any], cells: RowCells,
                     entry: dict[str, Any], name: str, index: int, marks: Marks) -> None:
        """A blank contact organization is the dataset's; marked as a default, so an
        update keeps the stored entry's own organization instead."""
        sub = self.plan.profile.contact_org_subfield
        path = self.path(name, index, sub or "")
        if sub is None or sub in entry or "owner_org" not in out or path in marks.cleared:
            return
        entry[sub] = out["owner_org"]
        marks.default(path)
        pos = self.plan.position.get(path)
        if pos is not None:
            cells.put(path, pos)
        else:
            cells.alias(path, "owner_org")

    def _derived(self, out: dict[str, Any], cells: RowCells) -> None:
        prof = self.plan.profile
        vis = prof.visibility_field
        if vis and vis in out and prof.private_value is not None:
            out[PRIVATE_KEY] = out[vis] == prof.private_value
            cells.alias(PRIVATE_KEY, vis)


def _licence_message(value: str, resolver: Resolver) -> str:
    titles = resolver.licence_titles()
    close = difflib.get_close_matches(value, titles, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return (f"{value!r} is not a licence of this catalogue.{hint} Write the licence's title "
            f"as in the template's list (e.g. {titles[0]!r})." if titles else
            f"{value!r} is not a licence of this catalogue.")


def map_rows(read: ReadResult, layout: Layout, resolver: Resolver) -> MapResult:
    """Map every dataset and resource row of ``read``; resources grouped under their dataset."""
    with gc_paused():
        return _map_rows(read, layout, resolver)


def _map_rows(read: ReadResult, layout: Layout, resolver: Resolver) -> MapResult:
    result = MapResult()
    by_link = _map_datasets(read, layout, resolver, result)
    if read.resources:
        _map_resources(read, layout.profile, resolver, result, by_link)
    return result


class RowMapper:
    """Maps single rows of one sheet the way :func:`map_rows` maps them all: what
    :mod:`importer.recheck` uses to map again the one row an edit changed. Each call's
    problems are that row's mapping problems, in the order :func:`map_rows` finds them."""

    def __init__(self, info: SheetInfo, layout: Layout, resolver: Resolver) -> None:
        self.problems: list[Problem] = []
        self._mapper = _RowMapper(_SheetPlan(info, layout.profile), resolver, self.problems)
        self._dtype = layout.schema.dataset_type
        self.link_pos = link_position(info)

    def dataset(self, row: Row) -> DatasetRecord:
        return _dataset_record(self._mapper, row, self._dtype)

    def resource(self, row: Row) -> ResourceRecord:
        return _resource_record(self._mapper, row, self.link_pos)


def _dataset_record(mapper: _RowMapper, row: Row, dtype: str) -> DatasetRecord:
    package: dict[str, Any] = {"type": dtype}
    cells, marks = mapper.map(row, package)
    mapper.finish(cells)
    rec = DatasetRecord(row.sheet.name, row.number, package, cells)
    marks.apply(rec)
    return rec


def _resource_record(mapper: _RowMapper, row: Row, link_pos: int | None) -> ResourceRecord:
    resource: dict[str, Any] = {}
    cells, marks = mapper.map(row, resource)
    link = _value_at(row, link_pos)
    rec = ResourceRecord(row.sheet.name, row.number, link or "", resource, cells)
    marks.apply(rec)
    if link_pos is not None:
        cells.put("dataset_name", link_pos)
    mapper.finish(cells)
    return rec


def link_keys(rec: DatasetRecord) -> list[str]:
    """What a resource row's ``dataset_name`` may name to belong to ``rec``: its URL name
    and its id (the first dataset row with a key wins, when rows share one)."""
    return [v for v in (rec.package.get("name"), rec.package.get(ID_KEY)) if isinstance(v, str)]


def link_position(info: SheetInfo) -> int | None:
    """The position of the resources sheet's ``dataset_name`` column (``None``: none)."""
    return next((i for i, c in enumerate(info.columns)
                 if c is not None and c.role is Role.DATASET_LINK), None)


def _map_datasets(read: ReadResult, layout: Layout, resolver: Resolver,
                  result: MapResult) -> dict[str, DatasetRecord]:
    """Dataset rows -> records; returns the records by ``name`` and by ``id``, which
    resource rows may name in ``dataset_name`` (the first row wins for duplicates)."""
    by_link: dict[str, DatasetRecord] = {}
    if not read.datasets:
        return by_link
    dtype = layout.schema.dataset_type
    mapper = _RowMapper(_SheetPlan(read.datasets[0].sheet, layout.profile), resolver,
                        result.problems)
    for row in read.datasets:
        rec = _dataset_record(mapper, row, dtype)
        result.records.append(rec)
        for link in link_keys(rec):
            by_link.setdefault(link, rec)
    return by_link


def _map_resources(read: ReadResult, profile: Profile, resolver: Resolver,
                   result: MapResult, by_link: dict[str, DatasetRecord]) -> None:
    """Resource rows -> records under their dataset, or orphans (with a problem each)."""
    info = read.sheets[Scope.RESOURCE]
    link_pos = link_position(info)
    mapper = _RowMapper(_SheetPlan(info, profile), resolver, result.problems)
    #: (``result.suggestions``: link -> its closest dataset name: a wrong link repeats on
    #: each resource of its dataset, and one search costs ~0.05 s against 10,000 names.)
    for row in read.resources:
        rec = _resource_record(mapper, row, link_pos)
        orphan = link_resource(rec, row, link_pos, by_link, result.suggestions,
                               len(result.orphans))
        if orphan is not None:
            result.problems.append(orphan)
            result.orphans.append(rec)


def link_resource(rec: ResourceRecord, row: Row, link_pos: int | None,
                  by_link: dict[str, DatasetRecord], suggestions: dict[str, list[str]],
                  orphans: int) -> Problem | None:
    """Put a resource row's record under the dataset its ``dataset_name`` names (the
    first dataset row with that URL name or id), or return its ``orphan-resource``
    problem. ``orphans`` rows before it had no dataset: only the first
    :data:`MAX_SUGGESTIONS` get a "did you mean", looked up in ``suggestions`` (link ->
    closest name; filled here when missing)."""
    link = rec.dataset_name or None
    owner = by_link.get(link) if link else None
    if owner is not None:
        owner.resources.append(rec)
        return None
    close: list[str] = []
    if link_pos is not None and link and orphans < MAX_SUGGESTIONS:
        if link not in suggestions:
            suggestions[link] = closest_names(link, by_link)
        close = suggestions[link]
    return _orphan_problem(row, link_pos, link, close)


def closest_names(link: str, names: Iterable[str]) -> list[str]:
    """The dataset name (or id) closest to a resource's unknown link, if close enough:
    exactly ``difflib.get_close_matches(link, names, n=1, cutoff=CLOSE_CUTOFF)`` (the
    highest ratio, then the greatest name), ~8x faster among 10,000 similar names.

    Why it is the same: ``quick_ratio`` is an upper bound of ``ratio``, so the names are
    tried in decreasing ``quick_ratio`` and the search stops at the first whose bound is
    below the best ratio found (its ratio, and every later one's, is lower)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(link)
    bounded: list[tuple[float, str]] = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= CLOSE_CUTOFF:
            bound = matcher.quick_ratio()
            if bound >= CLOSE_CUTOFF:
                bounded.append((bound, name))
    bounded.sort(reverse=True)
    best: tuple[float, str] | None = None
    for bound, name in bounded:
        if best is not None and bound < best[0]:
            break
        matcher.set_seq1(name)
        score = matcher.ratio()
        if score >= CLOSE_CUTOFF and (best is None or (score, name) > best):
            best = (score, name)
    return [best[1]] if best is not None else []


def _value_at(row: Row, pos: int | None) -> str | None:
    if pos is None or pos >= len(row.values):
        return None
    return row.values[pos]


def _orphan_problem(row: Row, pos: int | None, link: str | None, close: list[str]) -> Problem:
    """The problem of a resource row whose ``dataset_name`` names no dataset row; ``close``
    is the closest name to suggest (only the first :data:`MAX_SUGGESTIONS` orphans get
    one: each costs a search through every name)."""
    if pos is None or not link:
        msg = ("This resource row does not say which dataset it belongs to: write the "
               "dataset's URL name (its 'name' on the datasets sheet) in column dataset_name.")
        if pos is None:
            return Problem("orphan-resource", msg, sheet=row.sheet.name, row=row.number,
                           field="dataset_name")
        return row.cell(pos).problem("orphan-resource", msg, "dataset_name")
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return row.cell(pos).problem(
        "orphan-resource",
        f"No row of the datasets sheet has the URL name {link!r}, so this resource has no "
        f"dataset.{hint} Resources are linked to their dataset by its 'name' column.",
        "dataset_name")
