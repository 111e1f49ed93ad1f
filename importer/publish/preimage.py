"""Pre-images: what each write of a row replaced, kept in the journal so `undo` can put
it back (docs/undo.md).

A row's outcome line carries, for the writes that were done (also when the row failed or
was stopped half-way):

* ``before``: record field -> the value it held when the row was planned, exactly as the
  site stored it (not the normal form: restoring it must give back the same
  ``package_show``); ``absent``: the fields that did not exist then;
* ``sent``: record field -> the value the import wrote (compared with the site's current
  value, in the normal form, to tell "still ours" from "edited since");
* ``resources``: one entry per resource written: ``{"id", "name", "sheet", "row",
  "created": true, "sent"}`` for a create, ``{"id", "name", "sheet", "row", "before",
  "absent", "sent"}`` for a patch;
* ``publish``: ``{"from", "to"}`` when ``--publish`` moved the record;
* ``created``: the id of the record the row created (also on a row stopped after its
  create);
* ``metadata_modified``: the record's ``metadata_modified`` after the last record write
  of the row (a created record whose value differs at undo time was edited since).

The run line says ``"pre_images": PRE_IMAGES_VERSION``; a journal without it was written
before pre-images existed, and `undo` refuses it. No token is ever among these values.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from importer.publish.plan import Action, ResourceStep

#: the run-line key (and its value) that marks a journal holding pre-images.
PRE_IMAGES_KEY = "pre_images"
PRE_IMAGES_VERSION = 1


@dataclass
class PreImage:
    """The pre-images of one row's writes, filled in as each write succeeds."""

    before: dict[str, Any] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    sent: dict[str, Any] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)
    publish: dict[str, Any] | None = None
    metadata_modified: str | None = None
    created: str | None = None

    def wrote_record(self, answer: Any) -> None:
        """Keep ``metadata_modified`` of a package_create / package_patch answer."""
        if isinstance(answer, dict) and answer.get("metadata_modified"):
            self.metadata_modified = str(answer["metadata_modified"])

    def patched(self, stored: dict[str, Any], body: dict[str, Any]) -> None:
        """The record patch with ``body`` replaced these stored values."""
        for key, value in body.items():
            if key == "id":
                continue
            if key in stored:
                self.before[key] = copy.deepcopy(stored[key])
            else:
                self.absent.append(key)
            self.sent[key] = copy.deepcopy(value)

    def resource_written(self, step: ResourceStep, stored_pkg: dict[str, Any] | None) -> None:
        """A resource create or patch of ``step`` succeeded."""
        rec = step.record
        entry: dict[str, Any] = {"name": rec.resource.get("name"), "sheet": rec.sheet,
                                 "row": rec.row, "sent": copy.deepcopy(step.body)}
        if step.action is Action.CREATE:
            entry.update(id=step.new_id, created=True)
        else:
            stored: dict[str, Any] = next((r for r in (stored_pkg or {}).get("resources") or []
                           if r.get("id") == step.resource_id), {})
            entry["id"] = step.resource_id
            entry["before"] = {k: copy.deepcopy(stored[k]) for k in step.body if k in stored}
            entry["absent"] = [k for k in step.body if k not in stored]
        self.resources.append(entry)

    def moved(self, state_from: Any, state_to: str) -> None:
        self.publish = {"from": state_from, "to": state_to}

    def journal_keys(self) -> dict[str, Any]:
        """The keys added to the row's outcome line (only those that hold something)."""
        out: dict[str, Any] = {}
        if self.created:
            out["created"] = self.created
        if self.sent:
            out.update(before=self.before, absent=self.absent, sent=self.sent)
        if self.resources:
            out["resources"] = self.resources
        if self.publish:
            out["publish"] = self.publish
        if self.metadata_modified:
            out["metadata_modified"] = self.metadata_modified
        return out
