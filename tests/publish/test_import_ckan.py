"""The import against the real dev catalogue: create, re-run unchanged, patch exactly what
changed, server errors at their cells, rights per organization."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from importer.devcat.testsite import CkanSite
from importer.publish.engine import Status
from importer.publish.normal import normalise_package, normalise_resource
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client
from tests.publish.factory import COLUMNS, LAYOUT, make_record, make_records, package_body

pytestmark = pytest.mark.ckan


def _stored(client: Client, name: str) -> dict[str, Any]:
    result: dict[str, Any] = client.call("package_show", {"id": name})
    return result


def _assert_stored_equals_sheet(client: Client, record: Any) -> None:
    stored = _stored(client, record.name)
    want = normalise_package(record.package, LAYOUT)
    got = normalise_package(stored, LAYOUT)
    assert {k: got.get(k) for k in want} == want
    by_name = {r["name"]: r for r in stored["resources"]}
    assert sorted(by_name) == sorted(r.resource["name"] for r in record.resources)
    for res in record.resources:
        got_r = normalise_resource(by_name[res.resource["name"]], LAYOUT)
        want_r = normalise_resource(res.resource, LAYOUT)
        assert {k: got_r.get(k) for k in want_r} == want_r


def test_create_50_then_unchanged_then_patch_5(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str
) -> None:
    records = make_records(prefix, 50, ckan_site.child_org.id)
    client = make_client()
    first = import_records(records, client, LAYOUT, ImportOptions(workers=3))
    assert [o.status for o in first.outcomes] == [Status.CREATED] * 50
    assert first.exit_code == 0
    assert client.transport.counts["package_create"] == 50
    for record in records:
        _assert_stored_equals_sheet(client, record)

    again = make_client()
    second = import_records(records, again, LAYOUT, ImportOptions(workers=3))
    assert [o.status for o in second.outcomes] == [Status.UNCHANGED] * 50
    assert again.transport.write_count == 0
    assert again.transport.counts["package_search"] == 1  # 50 names, one chunk

    edits = {3: ("notes", "New description."),
             7: ("tags", [{"name": "economy"}, {"name": "roads"}]),
             11: ("contacts", "email"), 19: ("security_class", "PROTECTED A"),
             23: ("dates", [{"type": "Created", "date": "2024-05-02"}])}
    edited = []
    for i, record in enumerate(records):
        if i in edits:
            pkg = copy.deepcopy(record.package)
            key, value = edits[i]
            if key == "contacts":
                pkg["contacts"][1]["email"] = "someone.else@gov.bc.ca"
            else:
                pkg[key] = value
            record = make_record({**pkg, "_resources": [r.resource for r in record.resources]},
                                 record.row, record.resources[0].row)
        edited.append(record)
    third_client = make_client()
    third = import_records(edited, third_client, LAYOUT, ImportOptions(workers=3))
    changed = {o.record.row - 2: [c.path for c in o.changes] for o in third.outcomes
               if o.status is Status.UPDATED}
    assert changed == {3: ["notes"], 7: ["tags"], 11: ["contacts[2].email"],
                       19: ["security_class"], 23: ["dates[1].date"]}
    assert third_client.transport.counts["package_patch"] == 5
    assert third_client.transport.write_count == 5
    for i in edits:
        _assert_stored_equals_sheet(third_client, edited[i])
    tags = {t["name"] for t in _stored(third_client, edited[7].name)["tags"]}
    assert tags == {"economy", "roads"}  # replaced, not appended


def test_server_errors_map_to_cells(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str
) -> None:
    body = package_body(prefix, 1, ckan_site.child_org.id)
    del body["contacts"][1]["email"]
    body["_resources"][1]["format"] = "not-a-format"
    bad = make_record(body, 2)
    good = make_records(prefix + "g", 1, ckan_site.child_org.id, start_row=3)[0]
    result = import_records([bad, good], make_client(), LAYOUT, ImportOptions(),
                            columns=COLUMNS)
    failed, created = result.outcomes
    assert (failed.status, created.status) == (Status.FAILED, Status.CREATED)
    located = sorted((p.sheet, p.cell, p.field) for p in failed.problems)
    email_col = next(c for c in LAYOUT.dataset_columns if c.path == "contacts[2].email")
    assert ("datasets", f"{_letter(email_col.header)}2", "contacts[2].email") in located
    assert any(sheet == "resources" and field == "format" and cell is not None
               and cell.endswith("3") for sheet, cell, field in located)
    assert result.exit_code == 1


def _letter(header: str) -> str:
    from tests.publish.factory import DATASET_COLS
    return next(letter for letter, h in DATASET_COLS.values() if h == header)


def test_editor_cannot_write_parent_org(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str
) -> None:
    mine = make_records(prefix + "c", 2, ckan_site.child_org.id)
    theirs = make_records(prefix + "p", 2, ckan_site.parent_org.id, start_row=4)
    result = import_records(mine + theirs, make_client("editor"), LAYOUT, ImportOptions())
    statuses = [o.status for o in result.outcomes]
    assert statuses == [Status.CREATED, Status.CREATED, Status.FAILED, Status.FAILED]
    for outcome in result.outcomes[2:]:
        assert outcome.problems[0].code == "not-authorized"
        assert ckan_site.parent_org.id in outcome.message
        assert "may not create records in organization" in outcome.message


def test_publish_moves_draft_to_pending_publish(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str
) -> None:
    records = make_records(prefix, 2, ckan_site.child_org.id)
    client = make_client("editor")
    result = import_records(records, client, LAYOUT, ImportOptions(publish=True))
    assert [o.status for o in result.outcomes] == [Status.CREATED, Status.CREATED]
    assert client.transport.counts["package_patch"] == 2  # one transition per record
    for record in records:
        assert _stored(client, record.name)["publish_state"] == "PENDING PUBLISH"
    again = make_client("editor")
    second = import_records(records, again, LAYOUT, ImportOptions())
    assert [o.status for o in second.outcomes] == [Status.UNCHANGED] * 2  # DRAFT not re-sent
    assert again.transport.write_count == 0
