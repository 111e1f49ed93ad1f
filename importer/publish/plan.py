"""Plan, then act: what each row will do to the site, decided before anything is sent.

Each dataset row is matched to a stored record (by its ``id`` column when given, else by
``name``) and becomes one :class:`RowPlan`:

* ``create``: no stored record; the body is a full ``package_create`` body (type, DRAFT,
  arrays, ``private`` from visibility, resources embedded);
* ``update``: the row gives values that differ from the stored ones (compared in the
  normal form of :mod:`importer.publish.normal`); the body is a ``package_patch`` body with
  only those fields, and resource steps for resources that are new or differ;
* ``unchanged``: nothing differs; nothing is sent;
* ``skip``: excluded by ``--create-only`` / ``--update-only``;
* ``invalid``: the row cannot be planned (two rows resolving to one record, an ``id``
  that matches nothing, ...).

Update semantics (docs/import.md): a blank cell leaves the stored value; ``<clear>``
empties it; keywords replace the stored set (sent as ``tags``, never ``tag_string``, which
a patch would append). Repeating fields are merged into the stored entries by position
(:func:`merge_entries`): a blank cell or a wholly blank entry keeps the stored one,
``<clear>`` empties one sub-value, ``<remove>`` removes one entry; the record the patch
would leave is validated whole before it is sent (``validate_result``). The state
column's starting value (``DRAFT``) is what new records are created with; on an
existing record it is ignored, so re-importing the original sheet never tries to move a
published record back to draft (that transition is refused by the catalogue anyway);
another state in the column is sent as a transition.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from importer.problems import Problem
from importer.publish.normal import (
    TAGS_KEY,
    empty_for,
    field_for_key,
    normalise_resource,
    normalise_value,
    tag_names,
)
from importer.records import DatasetRecord, ResourceRecord
from importer.schema import Field, FieldKind, Layout
from importer.validate.engine import validate_result

#: keys never compared or patched from a row (identity and type).
_NOT_PATCHED = frozenset({"id", "type", "resources"})


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    INVALID = "invalid"
    #: left out of the rows chosen for this import (``ImportOptions.rows``)
    NOT_SELECTED = "not selected"


@dataclass(frozen=True, slots=True)
class Change:
    """One field that will change: its path (``notes``, ``resources[Data CSV].format``),
    the stored value and the new one, both in normal form (``None`` = empty)."""

    path: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.path, "old": self.old, "new": self.new}

    @property
    def whole_entry(self) -> bool:
        """A whole repeating entry added or removed (``contacts[2]``)."""
        return self.path.endswith("]")


def _short(value: Any) -> str:
    text = "(empty)" if value is None else repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def change_text(c: Change) -> str:
    """One change as the dry run, the report and the console show it: per entry for
    repeating fields (``contacts[2]: removed``, ``contacts[1].email: 'a' -> 'b'``)."""
    if c.whole_entry and c.new is None:
        return f"{c.path}: removed {_short(c.old)}"
    if c.whole_entry and c.old is None:
        return f"{c.path}: added {_short(c.new)}"
    return f"{c.path}: {_short(c.old)} -> {_short(c.new)}"


@dataclass
class ResourceStep:
    """What happens to one resource row inside its package."""

    record: ResourceRecord
    action: Action
    resource_id: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    #: a create's own id (uuid4), chosen here and journaled before it is sent, so a
    #: repeat of the create (a retry, a resumed run) names the same resource and cannot
    #: make a second one (tests/contract/test_resource_ids.py).
    new_id: str | None = None


#: the resource rows' ids an earlier run chose, by (sheet, row) of the resource row.
ResourceIds = Mapping[tuple[str, int], str]


def new_resource_id() -> str:
    return str(uuid.uuid4())


@dataclass
class RowPlan:
    """What happens to one dataset row."""

    record: DatasetRecord
    action: Action
    existing: dict[str, Any] | None = None
    body: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    resources: list[ResourceStep] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""
    #: move DRAFT -> this state with one extra patch after the write (``--publish``).
    publish_to: str | None = None

    @property
    def name(self) -> str:
        if self.existing and isinstance(self.existing.get("name"), str):
            new = self.body.get("name")
            return new if isinstance(new, str) else str(self.existing["name"])
        return self.record.name or ""

    @property
    def existing_id(self) -> str | None:
        return str(self.existing["id"]) if self.existing and self.existing.get("id") else None

    @property
    def writes(self) -> bool:
        return self.action in (Action.CREATE, Action.UPDATE)


@dataclass(frozen=True)
class PlanOptions:
    create_only: bool = False
    update_only: bool = False
    publish: bool = False


@dataclass
class Existing:
    """Stored records found on the site, by id and by name."""

    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, pkg: dict[str, Any]) -> None:
        if pkg.get("id"):
            self.by_id[str(pkg["id"])] = pkg
        if pkg.get("name"):
            self.by_name[str(pkg["name"])] = pkg

    def drop(self, pkg: dict[str, Any]) -> None:
        """Forget ``pkg`` (the search index listed it; the database does not have it)."""
        self.by_id.pop(str(pkg.get("id")), None)
        if self.by_name.get(str(pkg.get("name"))) is pkg:
            del self.by_name[str(pkg["name"])]


Caller = Callable[[str, dict[str, Any]], Any]
#: names per package_search: few requests, far below Solr's 1024-clause limit.
SEARCH_CHUNK = 100
#: a record deleted on the site: ``package_show`` answers for it (to a sysadmin or an
#: editor of its organization), but it is not updated from a row.
DELETED_STATE = "deleted"


def search_records(call: Caller, keys: Sequence[tuple[str, Sequence[str]]],
                   chunk: int = SEARCH_CHUNK, workers: int = 3, rows_per: int = 2,
                   exact: bool = True) -> list[dict[str, Any]]:
    """``package_search`` for records whose ``key`` (``name``, ``id``, ``title``) is one
    of the values, private and draft records included, in chunks asked in parallel (the
    client is thread-safe); up to ``rows_per`` records a value. ``exact``: only records
    whose ``key`` is one of the values (else every record the search gave: a title
    search also finds titles spelled otherwise, which the caller compares its own way)."""
    queries = [(key, list(values[start:start + chunk])) for key, values in keys
               for start in range(0, len(values), chunk)]

    def search(query: tuple[str, list[str]]) -> list[dict[str, Any]]:
        key, part = query
        fq = f"{key}:(" + " OR ".join(_quoted(v) for v in part) + ")"
        result = call("package_search", {
            "fq": fq, "rows": len(part) * rows_per, "include_private": True,
            "include_drafts": True,
        })
        return [p for p in (result or {}).get("results", [])
                if not exact or p.get(key) in part]

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(queries) or 1))) as pool:
        return [pkg for pkgs in pool.map(search, queries) for pkg in pkgs]


def _quoted(value: str) -> str:
    """A phrase for a Solr query: quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_existing(call: Caller, records: Sequence[DatasetRecord],
                   is_not_found: Callable[[Exception], bool],
                   chunk: int = SEARCH_CHUNK,
                   search_complete: Callable[[DatasetRecord], bool] | None = None,
                   workers: int = 3) -> Existing:
    """The stored records the rows refer to, in few requests.

    ``package_search`` by name (and id) in chunks, with private and draft records; then
    ``package_show`` for each row search did not return, because search hides other
    organizations' unpublished records from editors (FIELDS.md §1.7). Search hides
    nothing in the organizations the caller can edit, so ``search_complete(record)``
    (true when the row's organization is one of those) skips that look-up: a new row
    then costs no request before its create, and a name taken by a record the caller
    cannot see makes the create fail with "That URL is already in use" at the name cell.
    """
    found = Existing()
    names = sorted({r.name for r in records if r.name and _searchable(r.name)})
    ids = sorted({str(r.package["id"]) for r in records if r.package.get("id")})
    for pkg in search_records(call, [("name", names), ("id", ids)], chunk, workers):
        found.add(pkg)
    complete = search_complete or (lambda _r: False)
    # a row with an id names a record that existed (an export wrote it): look it up even
    # when search hides nothing in its organization, so one deleted since is found as such
    missing = [r.package.get("id") or r.name for r in records
               if (r.package.get("id") and str(r.package["id"]) not in found.by_id)
               or (not r.package.get("id") and r.name and r.name not in found.by_name
                   and not complete(r))]
    for ident in dict.fromkeys(m for m in missing if m):
        try:
            found.add(call("package_show", {"id": ident}))
        except Exception as err:  # only "not found" means absent; anything else stops
            if not is_not_found(err):
                raise
    return found


def confirm_existing(call: Caller, plans: Sequence[RowPlan], existing: Existing,
                     is_not_found: Callable[[Exception], bool],
                     workers: int = 3) -> list[dict[str, Any]]:
    """Confirm with ``package_show`` (the database) every stored record a row is about
    to update: search (the index) is a hint, and an index out of step with its database
    lists records that are gone, in organizations that may be gone too. ``existing`` is
    corrected in place (fresh copies in, absent records out); returns the absent ones.
    Rows planned ``unchanged`` trust search: they send nothing, so a stale entry costs
    nothing (docs/import.md)."""
    stored = list({id(p.existing): p.existing for p in plans
                   if p.action is Action.UPDATE and p.existing}.values())

    def show(pkg: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        try:
            return pkg, call("package_show", {"id": pkg["id"]})
        except Exception as err:  # only "not found" means absent; anything else stops
            if not is_not_found(err):
                raise
            return pkg, None

    gone: list[dict[str, Any]] = []
    if not stored:
        return gone
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(stored)))) as pool:
        for old, fresh in pool.map(show, stored):
            if fresh is None:
                existing.drop(old)
                gone.append(old)
            else:
                existing.add(fresh)
    return gone


def _searchable(name: str) -> bool:
    return all(c.isalnum() or c in "-_" for c in name)


def build_plan(records: Iterable[DatasetRecord], existing: Existing, layout: Layout,
               options: PlanOptions = PlanOptions(), resource_ids: ResourceIds | None = None,
               new_id: Callable[[], str] = new_resource_id) -> list[RowPlan]:
    """One :class:`RowPlan` per record, in row order. A resource to create gets the id
    ``resource_ids`` gives its row (chosen by the run being resumed), else ``new_id()``."""
    ids = _Ids(resource_ids or {}, new_id)
    plans = [_plan_row(r, existing, layout, options, ids) for r in records]
    _flag_collisions(plans)
    return plans


@dataclass(frozen=True)
class _Ids:
    earlier: ResourceIds
    new: Callable[[], str]


def _plan_row(record: DatasetRecord, existing: Existing, layout: Layout,
              options: PlanOptions, ids: _Ids) -> RowPlan:
    given_id = record.package.get("id")
    if given_id:
        stored = existing.by_id.get(str(given_id))
        if stored is None:
            cell = record.locate("id")
            msg = (f"No record with id {given_id} exists on the site (or this token "
                   "cannot see it). Clear the id cell to create a new record.")
            problem = (cell.problem("unknown-id", msg, field="id") if cell
                       else record.row_problem("unknown-id", msg, field="id"))
            return RowPlan(record, Action.INVALID, problems=[problem], reason=msg)
    else:
        stored = existing.by_name.get(record.name or "")
    if stored is not None and stored.get("state") == DELETED_STATE:
        return RowPlan(record, Action.SKIP, existing=stored,
                       reason="the record was deleted on the site; the row is left alone")
    if stored is None:
        if options.update_only:
            return RowPlan(record, Action.SKIP,
                           reason="no record with this name exists (--update-only)")
        plan = RowPlan(record, Action.CREATE, body=create_body(record, layout))
        plan.changes = [Change(k, None, v) for k, v in _normal_items(plan.body, layout)]
        # each embedded resource gets an id chosen here (journaled before the create):
        # after a lost answer, a record holding these ids is ours; one holding others was
        # created by another run at the same time (a race, not our create)
        for res, body in zip(record.resources, plan.body.get("resources", []), strict=True):
            body["id"] = ids.earlier.get((res.sheet, res.row)) or ids.new()
        if options.publish and layout.profile.publish_request_state:
            plan.publish_to = layout.profile.publish_request_state
        return plan
    if options.create_only:
        return RowPlan(record, Action.SKIP, existing=stored,
                       reason="a record with this name already exists (--create-only)")
    return _plan_update(record, stored, layout, options, ids)


def replan_update(record: DatasetRecord, stored: dict[str, Any], layout: Layout,
                  publish: bool = False) -> RowPlan:
    """The row planned again as an update of ``stored``: what a create becomes when the
    site says the name is taken (another run created the record meanwhile)."""
    return _plan_update(record, stored, layout, PlanOptions(publish=publish),
                        _Ids({}, new_resource_id))


def conflicts(plan: RowPlan) -> list[str]:
    """The fields an update would overwrite: the row's own fields (not resource
    additions) whose stored values differ. After a create race, these are values the
    other run set differently, so the row is reported, not sent."""
    fields = [k for k in plan.body if k not in ("id", "private")]
    fields += [c.path for s in plan.resources if s.action is Action.UPDATE
               for c in s.changes]
    return list(dict.fromkeys(fields))


def create_body(record: DatasetRecord, layout: Layout) -> dict[str, Any]:
    """The ``package_create`` body: the row's package, its type, the profile's create
    values (``publish_state: DRAFT``), ``private`` from visibility, keywords as ``tags``
    and the resources embedded."""
    profile = layout.profile
    body: dict[str, Any] = {k: v for k, v in record.package.items() if k != "id"}
    body["type"] = layout.schema.dataset_type
    for key, value in profile.create_values.items():
        body.setdefault(key, value)
    _tags_as_list(body)
    vis = profile.visibility_field
    if vis and "private" not in body and isinstance(body.get(vis), str):
        body["private"] = body[vis] == profile.private_value
    resources = [{k: v for k, v in r.resource.items() if k != "id"} for r in record.resources]
    if resources:
        body["resources"] = resources
    return body


def _tags_as_list(body: dict[str, Any]) -> None:
    if "tag_string" in body or TAGS_KEY in body:
        names = tag_names(body)
        body.pop("tag_string", None)
        body[TAGS_KEY] = [{"name": n} for n in names]


def _normal_items(body: dict[str, Any], layout: Layout) -> list[tuple[str, Any]]:
    items = []
    for key, value in body.items():
        f = field_for_key(layout, key)
        if f is None or key in _NOT_PATCHED:
            continue
        new = tag_names(body) if f.kind is FieldKind.TAGS else normalise_value(f, value)
        if new is not None:
            items.append((TAGS_KEY if f.kind is FieldKind.TAGS else key, new))
    return items


def _plan_update(record: DatasetRecord, stored: dict[str, Any], layout: Layout,
                 options: PlanOptions, ids: _Ids) -> RowPlan:
    plan = RowPlan(record, Action.UNCHANGED, existing=stored)
    body, changes = patch_body(record, stored, layout)
    steps = [_plan_resource(r, stored, layout, ids) for r in record.resources]
    problems = _resource_collisions(steps)
    if body:
        problems += validate_result(record, stored, {**stored, **body},
                                    _merged_positions(record, stored, body, layout), layout)
    for step in steps:
        if step.action is Action.UPDATE:
            match = next(r for r in stored.get("resources") or []
                         if r.get("id") == step.resource_id)
            problems += validate_result(step.record, match, {**match, **step.body},
                                        _merged_positions(step.record, match, step.body,
                                                          layout, resource=True), layout)
    if problems:
        return RowPlan(record, Action.INVALID, existing=stored, problems=problems,
                       reason=problems[0].message)
    plan.resources = steps
    plan.changes = changes + [c for s in steps for c in s.changes]
    if body:
        plan.body = {"id": stored["id"], **body}
    state_field = layout.profile.state_field
    target = layout.profile.publish_request_state
    if options.publish and state_field and target:
        state_after = body.get(state_field, stored.get(state_field))
        if state_after == layout.profile.create_values.get(state_field, "DRAFT"):
            plan.publish_to = target
            plan.changes.append(Change(state_field, state_after, target))
    if body or any(s.action is not Action.UNCHANGED for s in steps) or plan.publish_to:
        plan.action = Action.UPDATE
    return plan


def patch_body(record: DatasetRecord, stored: dict[str, Any],
               layout: Layout) -> tuple[dict[str, Any], list[Change]]:
    """The ``package_patch`` fields (without ``id``) and the changes they make."""
    body: dict[str, Any] = {}
    changes: list[Change] = []
    given = _given(record, layout, resource=False)
    given = dict(sorted(given.items(), key=lambda kv: _field_order(layout, kv[0])))
    vis, private_value = layout.profile.visibility_field, layout.profile.private_value
    if vis and isinstance(given.get(vis), str) and "private" not in given:
        given["private"] = given[vis] == private_value
    if "tag_string" in given:
        given[TAGS_KEY] = [{"name": n} for n in tag_names(given)]
        del given["tag_string"]
    state_field = layout.profile.state_field
    start_state = layout.profile.create_values.get(state_field or "")
    for key, new in given.items():
        if key in _NOT_PATCHED:
            continue
        if key == state_field and new == start_state:
            continue  # the starting state never moves an existing record back
        f = field_for_key(layout, key)
        if key == "private":
            if isinstance(new, bool) and new != stored.get("private"):
                body[key] = new
                changes.append(Change(key, stored.get("private"), new))
            continue
        if f is None:
            continue
        if f.kind is FieldKind.TAGS:
            old_n, new_n = tag_names(stored) or None, tag_names({TAGS_KEY: new}) or None
            if old_n != new_n:
                body[TAGS_KEY] = [{"name": n} for n in new_n or []]
                changes.append(Change(TAGS_KEY, old_n, new_n))
            continue
        _diff_field(f, key, new, stored.get(key), key, body, changes, record)
    return body, changes


def _given(record: DatasetRecord | ResourceRecord, layout: Layout,
           resource: bool) -> dict[str, Any]:
    """What the row gives: its values, ``<clear>`` of whole fields as their empty value,
    and each repeating field the row touches only through markers (``<remove>``, a
    sub-value ``<clear>``) as an empty list of given entries (merged later)."""
    given = dict(record.package if isinstance(record, DatasetRecord) else record.resource)
    for key in sorted(record.cleared):
        if "[" in key:
            given.setdefault(key.split("[", 1)[0], [])
        else:
            given.setdefault(key, empty_for(field_for_key(layout, key, resource=resource)))
    for key in record.removed:
        given.setdefault(key, [])
    return given


def _diff_field(f: Field, key: str, new: Any, old: Any, path: str, body: dict[str, Any],
                changes: list[Change],
                record: DatasetRecord | ResourceRecord | None = None) -> None:
    """Send ``key`` (and record its change at ``path``) when the row's value differs from
    the stored one in the API's normal form; the one comparison for records and
    resources alike. A repeating field is first merged into the stored entries by
    position, so the list sent keeps every entry and sub-value the row did not touch."""
    if f.kind is FieldKind.REPEATING and isinstance(new, list):
        if record is not None and key in record.cleared:
            new = []  # a whole-field <clear> (legacy callers) empties the list
        else:
            new = merge_entries(f, new, old, record)
    old_n, new_n = normalise_value(f, old), normalise_value(f, new)
    if old_n != new_n:
        body[key] = new
        changes.extend(entry_changes(path, old_n, new_n))


def entry_changes(path: str, old: Any, new: Any) -> list[Change]:
    """The change of one field, per entry for repeating fields: ``contacts[2]`` removed
    or added, ``contacts[1].email: a -> b``; the whole value for any other field."""
    if not (isinstance(old, list) and isinstance(new, list)
            and all(isinstance(e, dict) for e in (*old, *new))):
        return [Change(path, old, new)]
    out: list[Change] = []
    for i in range(max(len(old), len(new))):
        where = f"{path}[{i + 1}]"
        if i >= len(new):
            out.append(Change(where, old[i], None))
            continue
        if i >= len(old):
            out.append(Change(where, None, new[i]))
            continue
        for sub in dict.fromkeys([*old[i], *new[i]]):
            if old[i].get(sub) != new[i].get(sub):
                out.append(Change(f"{where}.{sub}", old[i].get(sub), new[i].get(sub)))
    return out


def _merged_positions(record: DatasetRecord | ResourceRecord, stored: dict[str, Any],
                      body: dict[str, Any], layout: Layout,
                      resource: bool = False) -> dict[str, tuple[int, ...]]:
    """For each repeating field the patch sends: the row position of each entry sent."""
    out: dict[str, tuple[int, ...]] = {}
    for key in body:
        f = field_for_key(layout, key, resource=resource)
        if f is None or f.kind is not FieldKind.REPEATING:
            continue
        given = (record.package if isinstance(record, DatasetRecord)
                 else record.resource).get(key) or []
        out[key] = tuple(pos for pos, _ in merged_with_positions(f, given, stored.get(key),
                                                                 record))
    return out


def _field_order(layout: Layout, key: str) -> int:
    """Schema (form) order, so changes read as the form does; unknown keys last."""
    for i, f in enumerate(layout.schema.dataset_fields):
        if f.name == key or (key == TAGS_KEY and f.kind is FieldKind.TAGS):
            return i
    return len(layout.schema.dataset_fields)


def merge_entries(f: Field, given: list[Any], stored: Any,
                  record: DatasetRecord | ResourceRecord | None = None) -> list[Any]:
    """The stored list with the row's entries merged in **by position** (lead decision 1,
    docs/import.md): entry *n* of the row (column ``<field>_<n>_*``) is stored entry *n*;
    a sub-value the row leaves blank keeps that entry's stored value (never another
    entry's); a stored entry the row leaves blank is kept; ``<clear>`` in a sub-cell
    empties that sub-value; ``<remove>`` drops that entry; entries beyond the stored
    ones are appended in column order. ``merge_entries(f, [], stored)`` is ``stored``."""
    return [entry for _, entry in merged_with_positions(f, given, stored, record)]


def merged_with_positions(f: Field, given: list[Any], stored: Any,
                          record: DatasetRecord | ResourceRecord | None = None
                          ) -> list[tuple[int, Any]]:
    """:func:`merge_entries` with each resulting entry's position in the row (its column
    number), so a problem in the merged list lands on that entry's cells."""
    old = stored if isinstance(stored, list) else []
    name = f.name
    positions = record.positions.get(name) if record is not None else None
    by_pos: dict[int, Any] = {}
    for i, entry in enumerate(given):
        by_pos[positions[i] if positions and i < len(positions) else i + 1] = entry
    removed = record.removed.get(name, frozenset()) if record is not None else frozenset()
    cleared: dict[int, list[str]] = {}
    defaulted: set[str] = set()
    if record is not None:
        prefix = f"{name}["
        for path in record.cleared:
            if path.startswith(prefix):
                number, sub_name = path[len(prefix):].split("].", 1)
                cleared.setdefault(int(number), []).append(sub_name)
        defaulted = {p for p in record.defaulted if p.startswith(prefix)}
    subs = {s.name: s for s in f.subfields}
    out: list[tuple[int, Any]] = []
    for pos in sorted(set(range(1, len(old) + 1)) | set(by_pos) | set(cleared)):
        if pos in removed:
            continue
        base = old[pos - 1] if pos <= len(old) else None
        entry = by_pos.get(pos, {})
        if base is None and not entry:
            continue  # a <clear> of a sub-value of an entry that does not exist
        if not isinstance(entry, dict):
            out.append((pos, entry))
            continue
        merged = dict(base) if isinstance(base, dict) else {}
        for sub, value in entry.items():
            if f"{name}[{pos}].{sub}" in defaulted and base is not None:
                continue  # a default (the dataset's org) is for a new entry only: a
                # stored entry keeps its own value, even a blank one (an untouched
                # export of it is unchanged)
            merged[sub] = value
        for sub in cleared.get(pos, ()):
            merged[sub] = empty_for(subs.get(sub))
        out.append((pos, merged))
    return out


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _plan_resource(rec: ResourceRecord, stored: dict[str, Any], layout: Layout,
                   ids: _Ids) -> ResourceStep:
    existing = stored.get("resources") or []
    rid = rec.resource.get("id")
    earlier = ids.earlier.get((rec.sheet, rec.row))
    match = None
    if rid:
        match = next((r for r in existing if r.get("id") == rid), None)
    else:
        if earlier:  # made by the run being resumed, under the id it chose
            match = next((r for r in existing if r.get("id") == earlier), None)
        if match is None and rec.resource.get("name"):
            match = next((r for r in existing if r.get("name") == rec.resource["name"]), None)
    label = str(rec.resource.get("name") or rid or f"row {rec.row}")
    if match is None:
        body = {k: v for k, v in rec.resource.items() if k != "id"}
        changes = [Change(f"resources[{label}].{k}", None, v)
                   for k, v in normalise_resource(body, layout).items()]
        return ResourceStep(rec, Action.CREATE, body=body, changes=changes,
                            new_id=earlier or ids.new())
    body, changes = {}, []
    given = _given(rec, layout, resource=True)
    for key, new in given.items():
        f = field_for_key(layout, key, resource=True)
        if f is None or key == "id":
            continue
        _diff_field(f, key, new, match.get(key), f"resources[{label}].{key}", body, changes,
                    rec)
    action = Action.UPDATE if body else Action.UNCHANGED
    return ResourceStep(rec, action, resource_id=str(match["id"]), body=body, changes=changes)


def _resource_collisions(steps: list[ResourceStep]) -> list[Problem]:
    seen: dict[str, list[ResourceStep]] = defaultdict(list)
    for s in steps:
        if s.resource_id:
            seen[s.resource_id].append(s)
    problems = []
    for group in seen.values():
        if len(group) > 1:
            rows = ", ".join(str(s.record.row) for s in group)
            for s in group:
                msg = (f"Resource rows {rows} all match the same stored resource; "
                       "give each a different name or id.")
                cell = s.record.locate("name") or s.record.locate("id")
                problems.append(cell.problem("duplicate-resource", msg) if cell else
                                Problem("duplicate-resource", msg, sheet=s.record.sheet,
                                        row=s.record.row))
    return problems


def _flag_collisions(plans: list[RowPlan]) -> None:
    """Two rows resolving to the same record (or creating the same name) are both invalid:
    sending either would silently overwrite the other."""
    groups: dict[str, list[RowPlan]] = defaultdict(list)
    for p in plans:
        if p.action is Action.INVALID:
            continue
        key = f"id:{p.existing_id}" if p.existing_id else f"name:{p.record.name}"
        groups[key].append(p)
    for group in groups.values():
        if len(group) < 2:
            continue
        rows = ", ".join(str(p.record.row) for p in group)
        for p in group:
            msg = (f"Rows {rows} all refer to the same record "
                   f"({p.name or p.existing_id}); keep one row per record.")
            cell = p.record.locate("id") if p.record.package.get("id") else None
            cell = cell or p.record.locate("name")
            problem = (cell.problem("duplicate-record", msg, field="name") if cell
                       else p.record.row_problem("duplicate-record", msg))
            p.action, p.problems, p.reason = Action.INVALID, [problem], msg
