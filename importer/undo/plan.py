"""Plan the undo of one imported row: compare what the site holds now with what the import
wrote, and decide, field by field, what to put back.

For each field the import changed, in the normal form of :mod:`importer.publish.normal`:

* the site still holds what the import wrote -> restore the value it held before
  (exactly as it was stored, so ``package_show`` is the same again);
* the site holds the value from before -> nothing to do (already undone);
* anything else -> someone changed it since: a :class:`Conflict` (old, imported, current),
  and the field is left as it is.

Resources the row created are deleted (``resource_delete``); a record the row created is
deleted with ``package_delete`` (state ``deleted``, never purged) unless its
``metadata_modified`` differs from the one the import journaled (edited since: conflict).
A ``--publish`` transition is moved back when the record is still in the state the
import moved it to. Steps run in the reverse order of the import's: state, resources,
record fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from importer.publish.normal import (
    TAGS_KEY,
    empty_for,
    field_for_key,
    is_empty,
    normalise_value,
    tag_names,
)
from importer.schema import Layout
from importer.undo.source import ImportedRow


class UndoStatus(StrEnum):
    UNDONE = "undone"
    CONFLICT = "conflict"
    FAILED = "failed"
    NOTHING = "nothing to do"
    NOT_DONE = "not done"
    WOULD_UNDO = "would undo"


class StepKind(StrEnum):
    MOVE = "move"
    DELETE_RESOURCE = "delete resource"
    PATCH_RESOURCE = "restore resource"
    PATCH_RECORD = "restore record"
    DELETE_RECORD = "delete record"


@dataclass(frozen=True)
class Restore:
    """One value undo puts back: ``current`` -> ``restored`` (normal form, for reading)."""

    path: str
    current: Any
    restored: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.path, "current": self.current, "restored": self.restored}


@dataclass(frozen=True)
class Conflict:
    """A value undo leaves alone: before the import, what it wrote, what is there now."""

    path: str
    old: Any
    imported: Any
    current: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.path, "old": self.old, "imported": self.imported,
                "current": self.current, "message": self.message}


@dataclass(frozen=True)
class Step:
    """One request undo sends; ``body`` is the action's data."""

    kind: StepKind
    action: str
    body: dict[str, Any]
    label: str


@dataclass
class UndoPlan:
    row: ImportedRow
    steps: list[Step] = field(default_factory=list)
    restores: list[Restore] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    note: str = ""


def comparable(layout: Layout, key: str, value: Any, resource: bool = False) -> Any:
    """``value`` of ``key`` in the normal form, as the site would store it (the catalogue
    lowercases a resource's ``format``: FIELDS.md §1.7)."""
    if key == TAGS_KEY:
        return tag_names({TAGS_KEY: value}) or None
    if key == "private":
        return None if value is None else bool(value)
    f = field_for_key(layout, key, resource)
    out = normalise_value(f, value) if f is not None else (None if is_empty(value) else value)
    if resource and key == "format" and isinstance(out, str):
        return out.lower()
    return out


def restored_value(layout: Layout, key: str, before: dict[str, Any], resource: bool) -> Any:
    """What to send to put ``key`` back: the stored value, or empty when it was absent."""
    if key not in before:
        return empty_for(field_for_key(layout, key, resource))
    value = before[key]
    if key == TAGS_KEY:
        return [{"name": n} for n in tag_names({TAGS_KEY: value})]
    return value


def plan_row(row: ImportedRow, current: dict[str, Any] | None, layout: Layout) -> UndoPlan:
    """The undo plan of ``row`` given the record as the site holds it now (``None``: not
    found)."""
    plan = UndoPlan(row)
    gone = current is None or current.get("state") == "deleted"
    if row.created:
        if gone:
            plan.note = "the record it created is already deleted"
        elif current is not None and row.metadata_modified \
                and current.get("metadata_modified") == row.metadata_modified:
            plan.steps.append(Step(StepKind.DELETE_RECORD, "package_delete",
                                   {"id": current["id"]}, "record deleted"))
            plan.restores.append(Restore("record", "exists", "deleted"))
        elif not row.metadata_modified:
            plan.conflicts.append(Conflict(
                "record", None, "created", "exists",
                "the journal does not say how the import left this record (the import was "
                "stopped as it created it), so undo cannot tell whether someone edited it "
                "since; it was not deleted: check it and delete it on the site if it "
                "should go"))
        else:
            mod = (current or {}).get("metadata_modified")
            plan.conflicts.append(Conflict(
                "record", None, "created", f"edited since (metadata_modified {mod})",
                "someone edited this record after the import created it, so it was not "
                "deleted; delete it on the site if it should go"))
        return plan
    if gone or current is None:
        plan.conflicts.append(Conflict(
            "record", None, "updated", "deleted",
            "the record was deleted after the import; nothing was restored"))
        return plan
    _plan_publish(plan, current, layout)
    state_restores, state_conflicts = len(plan.restores), len(plan.conflicts)
    _plan_resources(plan, current, layout)
    body, restores, conflicts = _fields(layout, row.before, row.sent, current, "", False)
    # read in form order: the record's fields, then its resources, then its state
    plan.conflicts = (conflicts + plan.conflicts[state_conflicts:]
                      + plan.conflicts[:state_conflicts])
    plan.restores = (restores + plan.restores[state_restores:]
                     + plan.restores[:state_restores])
    state_field = layout.profile.state_field
    if state_field and state_field in body:  # a state the sheet moved: its own request,
        # so a move the catalogue refuses for this token costs only that (a conflict)
        wanted = body.pop(state_field)
        plan.steps.insert(0, Step(StepKind.MOVE, "package_patch",
                                  {"id": current["id"], state_field: wanted},
                                  f"moved back to {wanted}"))
    if body:
        plan.steps.append(Step(StepKind.PATCH_RECORD, "package_patch",
                               {"id": current["id"], **body},
                               "record restored (" + ", ".join(body) + ")"))
    return plan


def _fields(layout: Layout, before: dict[str, Any], sent: dict[str, Any],
            current: dict[str, Any], prefix: str,
            resource: bool) -> tuple[dict[str, Any], list[Restore], list[Conflict]]:
    """The patch body that restores the fields still holding what was sent."""
    body: dict[str, Any] = {}
    restores: list[Restore] = []
    conflicts: list[Conflict] = []
    for key, value in sent.items():
        path = prefix + key
        old = comparable(layout, key, before.get(key), resource)
        new = comparable(layout, key, value, resource)
        now = comparable(layout, key, current.get(key), resource)
        if now == old:
            continue  # already as it was
        if now == new:
            body[key] = restored_value(layout, key, before, resource)
            restores.append(Restore(path, now, old))
        else:
            conflicts.append(Conflict(
                path, old, new, now, f"{path} was changed after the import; kept as it is "
                "now"))
    return body, restores, conflicts


def _plan_resources(plan: UndoPlan, current: dict[str, Any], layout: Layout) -> None:
    stored = {str(r.get("id")): r for r in current.get("resources") or []
              if isinstance(r, dict)}
    for rid, res in plan.row.resources.items():
        label = f"resources[{res.get('name') or rid}]"
        now = stored.get(rid)
        if res.get("created"):
            if now is not None:
                plan.steps.append(Step(StepKind.DELETE_RESOURCE, "resource_delete",
                                       {"id": rid}, f"resource {res.get('name')} deleted"))
                plan.restores.append(Restore(label, "exists", "deleted"))
            continue
        if now is None:
            plan.conflicts.append(Conflict(
                label, None, "updated", "deleted",
                f"the resource {res.get('name') or rid} was deleted after the import"))
            continue
        body, restores, conflicts = _fields(layout, res.get("before") or {},
                                            res.get("sent") or {}, now, label + ".", True)
        plan.restores += restores
        plan.conflicts += conflicts
        if body:
            plan.steps.append(Step(StepKind.PATCH_RESOURCE, "resource_patch",
                                   {"id": rid, **body},
                                   f"resource {res.get('name')} restored"))


def _plan_publish(plan: UndoPlan, current: dict[str, Any], layout: Layout) -> None:
    move = plan.row.publish
    state_field = layout.profile.state_field
    if not move or not state_field:
        return
    now = current.get(state_field)
    if now == move.get("from"):
        return
    if now == move.get("to"):
        plan.steps.append(Step(StepKind.MOVE, "package_patch",
                               {"id": current["id"], state_field: move["from"]},
                               f"moved back to {move['from']}"))
        plan.restores.append(Restore(state_field, now, move["from"]))
        return
    plan.conflicts.append(Conflict(
        state_field, move.get("from"), move.get("to"), now,
        f"the record moved on to {now} after the import; {who_can(now, move.get('from'))}"))


#: who may make each publish_state transition on the BC Data Catalogue (FIELDS.md §1.6).
_TRANSITIONS: dict[tuple[str, str], str] = {
    ("DRAFT", "PENDING PUBLISH"): "an editor, an organization admin or a sysadmin",
    ("PENDING PUBLISH", "DRAFT"): "an editor, an organization admin or a sysadmin",
    ("PENDING PUBLISH", "PUBLISHED"): "an organization admin or a sysadmin",
    ("PUBLISHED", "PENDING ARCHIVE"): "an editor, an organization admin or a sysadmin",
    ("PUBLISHED", "PENDING PUBLISH"): "an organization admin or a sysadmin",
    ("PENDING ARCHIVE", "ARCHIVED"): "an organization admin or a sysadmin",
    ("PENDING ARCHIVE", "PUBLISHED"): "an organization admin or a sysadmin",
    ("ARCHIVED", "PENDING ARCHIVE"): "an organization admin or a sysadmin",
}


def who_can(state_now: Any, state_wanted: Any) -> str:
    """One sentence: who can move a record from ``state_now`` back to ``state_wanted``."""
    who = _TRANSITIONS.get((str(state_now), str(state_wanted)))
    if who:
        return f"{who} can move it from {state_now} to {state_wanted}"
    return (f"the catalogue allows no single step from {state_now} to {state_wanted}; an "
            "organization admin can move it back one step at a time")
