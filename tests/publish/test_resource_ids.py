"""Each resource to create carries its own id, chosen once, journaled before it is sent and
reused by a resumed run, so no repeat of the create can make a second resource."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from importer.devcat.testsite import CkanSite
from importer.publish.engine import Status
from importer.publish.journal import Journal, read_journal
from importer.publish.plan import Action, Existing, build_plan
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client
from importer.schema.columns import RESOURCES_SHEET
from tests.publish.factory import LAYOUT, make_record, make_records, package_body, resource_body
from tests.publish.test_plan import stored_from

EARLIER = "5b0f1c9e-3f4a-4d2b-9c1e-7a6b5c4d3e2f"
FRESH = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70"


def _with_third(body: dict[str, Any]) -> dict[str, Any]:
    added = copy.deepcopy(body)
    added["_resources"].append({**body["_resources"][0], "name": "Download CSV 3"})
    return added


@pytest.mark.parametrize(("earlier", "stored_extra", "action", "new_id", "resource_id"), [
    # a new resource: the id comes from new_id()
    ({}, None, Action.CREATE, FRESH, None),
    # the run being resumed chose an id that is not on the site yet: the same id again
    ({(RESOURCES_SHEET, 4): EARLIER}, None, Action.CREATE, EARLIER, None),
    # ... and the earlier run's create got through: matched by that id, nothing to send
    ({(RESOURCES_SHEET, 4): EARLIER}, "same", Action.UNCHANGED, None, EARLIER),
    # an earlier id for another row changes nothing for this one
    ({(RESOURCES_SHEET, 9): EARLIER}, None, Action.CREATE, FRESH, None),
])
def test_plan_gives_each_new_resource_one_id(
    earlier: dict[tuple[str, int], str], stored_extra: str | None, action: Action,
    new_id: str | None, resource_id: str | None,
) -> None:
    body = package_body("ids", 1, "org-1", 2)
    stored = stored_from(body)
    added = _with_third(body)
    if stored_extra:
        stored["resources"].append({**stored["resources"][0], **added["_resources"][2],
                                    "id": EARLIER})
    found = Existing()
    found.add(stored)
    plan = build_plan([make_record(added, 2)], found, LAYOUT, resource_ids=earlier,
                      new_id=lambda: FRESH)[0]
    third = plan.resources[2]
    assert (third.record.row, third.action, third.new_id, third.resource_id) == (
        4, action, new_id, resource_id)
    assert "id" not in third.body
    assert [s.new_id for s in plan.resources[:2]] == [None, None]


def test_plan_ids_are_uuid4_and_distinct() -> None:
    body = package_body("ids", 1, "org-1", 0)
    stored = stored_from(body)
    found = Existing()
    found.add(stored)
    more = {**copy.deepcopy(body), "_resources": [
        {**resource_body(1), "name": f"New {i}"} for i in range(3)]}
    plan = build_plan([make_record(more, 2)], found, LAYOUT)[0]
    ids = [s.new_id for s in plan.resources]
    assert len({*ids}) == 3
    assert all(uuid.UUID(str(i)).version == 4 for i in ids)


def test_journal_keeps_resource_ids(tmp_path: Path) -> None:
    path = tmp_path / "import.jsonl"
    journal = Journal(path)
    journal.open({"workbook_sha256": "abc", "site": "http://x"}, fresh=False)
    journal.write_many([
        {"type": "resource-id", "sheet": RESOURCES_SHEET, "row": 4, "id": EARLIER},
        {"type": "resource-id", "sheet": RESOURCES_SHEET, "row": 5, "id": FRESH},
        {"type": "resource-id", "sheet": RESOURCES_SHEET, "row": "x", "id": FRESH},
    ])
    journal.close()
    with path.open("ab") as fh:
        fh.write(b'{"type": "resource-id", "sheet": "resources", "ro')  # torn by kill -9
    assert read_journal(path).resource_ids == {
        (RESOURCES_SHEET, 4): EARLIER, (RESOURCES_SHEET, 5): FRESH}


@pytest.mark.ckan
def test_resumed_run_creates_under_the_journaled_id_and_a_late_repeat_is_harmless(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str, tmp_path: Path
) -> None:
    """An earlier run chose EARLIER for resource row 4, journaled it, sent the create and
    was killed with the request still held somewhere. The resumed run creates the
    resource under EARLIER; when the held request reaches the site afterwards it meets
    that resource (one resource, not two)."""
    record = make_records(prefix, 1, ckan_site.child_org.id)[0]
    client = make_client()
    assert import_records([record], client, LAYOUT, ImportOptions()).outcomes[0].status \
        is Status.CREATED
    earlier_id = str(uuid.uuid4())
    body = _with_third({**record.package, "_resources": [r.resource for r in
                                                         record.resources]})
    added = make_record(body, record.row, record.resources[0].row)
    journal = tmp_path / "import.jsonl"
    journal.write_text("\n".join(json.dumps(e) for e in [
        {"type": "run", "workbook_sha256": "abc", "site": client.url},
        {"type": "resource-id", "sheet": RESOURCES_SHEET, "row": added.resources[2].row,
         "id": earlier_id}]) + "\n")

    resumed = import_records([added], client, LAYOUT,
                             ImportOptions(journal_path=journal), workbook_sha256="abc")
    assert [o.status for o in resumed.outcomes] == [Status.UPDATED]
    assert read_journal(journal).resource_ids == {
        (RESOURCES_SHEET, added.resources[2].row): earlier_id}

    late = client.call("resource_create", {"package_id": record.name, "id": earlier_id,
                                           **added.resources[2].resource})
    assert late["id"] == earlier_id
    stored = client.call("package_show", {"id": record.name})["resources"]
    assert [(r["name"], r["id"] == earlier_id) for r in stored] == [
        ("Download CSV 1", False), ("Download CSV 2", False), ("Download CSV 3", True)]
    again = import_records([added], make_client(), LAYOUT, ImportOptions())
    assert [o.status for o in again.outcomes] == [Status.UNCHANGED]
