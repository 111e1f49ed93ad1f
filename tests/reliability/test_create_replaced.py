"""Two runs creating one name at once can BOTH be answered "created" by CKAN: its
``package_create`` checks the name, then saves with ``table_dict_save``, which takes a
record of the same name committed in between (by the other run) and saves over it. The
record then holds the later create's resources; the earlier run's create was replaced.
Seen: 23 rows ``created`` for 22 records, two runs' rows naming one record id, the record
holding only the second run's resource ids (tests/reliability/test_create_races.py).

The run therefore looks its creates up again at the end: a record that no longer holds
any resource id this run chose was replaced by another run's create, which counts it;
this row is settled against it like a race. And a create that meets the other run's
record at the title only ("That Title is already in use", the name check having passed
before that record was committed) is a race too, not a failure.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from importer.publish.engine import REPLACED, Engine, Status
from importer.publish.plan import Existing, build_plan
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Answer, Client, RetryPolicy
from tests.publish.factory import LAYOUT, make_record, package_body
from tests.publish.test_plan import stored_from
from tests.publish.test_transport import FakeTransport, err


def _ok(result: Any) -> Answer:
    return Answer(200, {}, {"success": True, "result": result})


def _client(script: list[Answer | str]) -> Client:
    return Client(FakeTransport(script), policy=RetryPolicy(attempts=4, base=0.001,
                                                            cap=0.001),
                  sleep=lambda _s: None, rng=random.Random(1))


def _with_ids(pkg: dict[str, Any], ids: list[str]) -> dict[str, Any]:
    for res, rid in zip(pkg["resources"], ids, strict=True):
        res["id"] = rid
    return pkg


class _Site(FakeTransport):
    """Answers the create with the resource ids it was sent; the look-ups after the run
    (search, then the database) with ours (``later="ours"``) or another run's
    (``"theirs"``); ``indexed=False``: the search index does not have the record yet."""

    def __init__(self, stored: dict[str, Any], later: str, indexed: bool = True):
        super().__init__([_ok([{"id": "org-1", "name": "org-one"}]),  # rights
                          _ok({"results": []})])  # the rename check's title search
        self.stored, self.later, self.indexed = stored, later, indexed
        self.ours: list[str] | None = None  # the resource ids the create was sent

    def post(self, action: str, data: dict[str, Any]) -> Answer:
        ids = self.ours if self.later == "ours" else ["their-1", "their-2"]
        if action == "package_create":
            self.ours = [r["id"] for r in data["resources"]]
            self.script.append(_ok(_with_ids(self.stored, self.ours)))
        elif action == "package_search" and self.ours is not None:  # after the create
            found = [_with_ids(self.stored, ids)] if self.indexed else []
            self.script.append(_ok({"count": len(found), "results": found}))
        elif action == "package_show":
            self.script.append(_ok(_with_ids(self.stored, ids)))
        return super().post(action, data)


@pytest.mark.parametrize(("later", "indexed", "status", "message", "after"), [
    # the index shows the record holding our resources: our create stands, and the
    # database is not asked (one search for the whole run)
    ("ours", True, "created", "created", ["package_search"]),
    # the index does not have it yet: the database is asked; our create stands
    ("ours", False, "created", "created", ["package_search", "package_show"]),
    # another run's create of the same name saved over ours, with the same values:
    # that run counts it (the index shows their resources; the database confirms)
    ("theirs", True, "unchanged", f"{REPLACED}, with this row's values",
     ["package_search", "package_show"]),
    ("theirs", False, "unchanged", f"{REPLACED}, with this row's values",
     ["package_search", "package_show"]),
])
def test_a_create_replaced_by_another_runs_create_is_not_counted_twice(
        tmp_path: Path, later: str, indexed: bool, status: str, message: str,
        after: list[str]) -> None:
    body = package_body("p", 1, "org-1")
    transport = _Site(stored_from(body, "pkg-1"), later, indexed)
    client = Client(transport, sleep=lambda _s: None, rng=random.Random(1))
    journal = tmp_path / "run.journal.jsonl"
    result = import_records([make_record(body, 2)], client, LAYOUT,
                            ImportOptions(workers=1, journal_path=journal),
                            existing=Existing())
    [outcome] = result.outcomes
    assert (outcome.name, str(outcome.status), outcome.message, outcome.record_id) == (
        "p-dataset-1", status, message, "pkg-1")
    assert transport.sent == ["organization_list_for_user", "package_search",
                              "package_create", *after]
    rows = [json.loads(line) for line in journal.read_text().splitlines()]
    last = [r for r in rows if r.get("type") == "row"][-1]  # the journal's word stands
    assert (last["status"], last["message"]) == (status, message)


def test_a_replaced_create_whose_values_differ_is_a_located_conflict() -> None:
    body = package_body("p", 1, "org-1")
    [plan] = build_plan([make_record(body, 2)], Existing(), LAYOUT,
                        new_id=iter(["rid-1", "rid-2"]).__next__)
    theirs = _with_ids(stored_from(body, "pkg-1"), ["their-1", "their-2"])
    theirs["title"] = "Their title"
    client = _client([_ok(_with_ids(stored_from(body, "pkg-1"), ["rid-1", "rid-2"])),
                      _ok({"count": 1, "results": [theirs]}),  # the index: theirs
                      _ok(theirs)])  # the database says so too
    engine = Engine(client, LAYOUT, workers=1)
    [first] = engine.run([plan], lambda _o: None)
    assert first.status is Status.CREATED
    [outcome] = engine.recheck_created()
    assert (outcome.status, outcome.record_id) == (Status.FAILED, "pkg-1")
    [problem] = outcome.problems
    assert (problem.code, problem.field) == ("create-conflict", "title")


@pytest.mark.parametrize(("shown", "status", "sent"), [
    # the name now has a record (another run's, same values): a race
    ("same name", Status.UNCHANGED,
     ["package_create", "package_show"]),
    # no record has the name: another record holds the title; the failure stands
    ("no record", Status.FAILED, ["package_create", "package_show"]),
])
def test_title_in_use_when_the_name_check_passed_is_a_race(
        shown: str, status: Status, sent: list[str]) -> None:
    body = package_body("p", 1, "org-1")
    [plan] = build_plan([make_record(body, 2)], Existing(), LAYOUT,
                        new_id=iter(["rid-1", "rid-2"]).__next__)
    theirs = _with_ids(stored_from(body, "pkg-9"), ["their-1", "their-2"])
    answer = _ok(theirs) if shown == "same name" else err(
        404, "Not Found Error", message="Not found")
    transport = FakeTransport([
        err(409, "Validation Error", title=["That Title is already in use."]), answer])
    client = Client(transport, sleep=lambda _s: None, rng=random.Random(1))
    [outcome] = Engine(client, LAYOUT, workers=1).run([plan], lambda _o: None)
    assert outcome.status is status, outcome.message
    if status is Status.UNCHANGED:
        assert outcome.message == (
            "created at the same time by another run, with this row's values")
    else:
        assert outcome.message == ("the catalogue rejected title: The catalogue rejected "
                                   "this value: That Title is already in use.")
    assert transport.sent == sent
