"""Issue 16 on the real dev catalogue: an error anywhere blocks the import (item 1), a
blank contact never deletes one and a patch that would leave the record invalid is not
sent (item 2), an update row may change one sub-cell (item 3). Each checks the record
with ``package_show`` before and after, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from importer.devcat.testsite import CkanSite
from importer.publish.normal import normalise_package
from importer.publish.run import ImportOptions, connect, run_import
from tests.publish.factory import LAYOUT, package_body, write_workbook
from tests.publish.test_cli_import import run_cli, stored_names
from tests.workbooks import datasets_book

pytestmark = pytest.mark.ckan


def _show(site: CkanSite, name: str) -> dict[str, Any]:
    conn = connect(site.url, site.sysadmin_token, 30, 1, None)
    pkg: dict[str, Any] = conn.client.call("package_show", {"id": name})
    return normalise_package(pkg, LAYOUT)


def _created(site: CkanSite, tmp_path: Path, prefix: str) -> dict[str, Any]:
    """One record with two contacts (contact 1 displayed, contact 2 not), created by an
    import; its normal form as package_show gives it."""
    body = package_body(prefix, 1, site.child_org.name)
    write_workbook([body], tmp_path / "create.xlsx")
    conn = connect(site.url, site.sysadmin_token, 30, 1, None)
    result = run_import(tmp_path / "create.xlsx", conn, ImportOptions())
    assert [str(o.status) for o in result.outcomes] == ["created"]
    return _show(site, body["name"])


def _sparse(tmp_path: Path, name: str, cells: dict[str, Any]) -> Path:
    return datasets_book(tmp_path / "sparse.xlsx", ["name", *cells], [name, *cells.values()])


def _import(site: CkanSite, path: Path) -> tuple[list[str], Any]:
    conn = connect(site.url, site.sysadmin_token, 30, 1, None)
    result = run_import(path, conn, ImportOptions())
    return [str(o.status) for o in result.outcomes], result


def test_an_orphan_resource_blocks_the_import_and_is_skipped_with_skip_invalid(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    """Item 1: every dataset row valid, one resource row names no dataset."""
    write_workbook([package_body(prefix, i, ckan_site.child_org.name, resources=1)
                    for i in (1, 2)], tmp_path / "in.xlsx")
    book = load_workbook(tmp_path / "in.xlsx")
    sheet = book["resources"]
    sheet.append([f"{prefix}-no-such-dataset", *[c.value for c in sheet[2][1:]]])
    book.save(tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    blocked = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert stored_names(ckan_site, prefix) == []
    data = json.loads((tmp_path / "out.json").read_text())
    assert (data["valid"], data["blocked"]) == (False, True)
    assert [r["status"] for r in data["rows"]] == ["skipped", "skipped"]
    assert ("Nothing was sent: 1 error(s) on rows outside the dataset rows, first at "
            "resources!A4: No row of the datasets sheet has the URL name "
            f"'{prefix}-no-such-dataset'") in blocked.stdout

    skipping = run_cli([*args, "--skip-invalid"], ckan_site.sysadmin_token, tmp_path)
    assert skipping.returncode == 1
    assert stored_names(ckan_site, prefix) == [f"{prefix}-dataset-1", f"{prefix}-dataset-2"]
    assert "Skipped (not sent): resources!A4: No row of the datasets sheet" in skipping.stdout


def test_contact_1_blank_keeps_contact_1(ckan_site: CkanSite, tmp_path: Path,
                                         prefix: str) -> None:
    """Item 2: a sparse row fills only contact 2's cells; contact 1 stays."""
    before = _created(ckan_site, tmp_path, prefix)
    statuses, _ = _import(ckan_site, _sparse(tmp_path, before["name"], {
        "contacts_2_name": "Data Steward", "contacts_2_email": "new-steward@gov.bc.ca"}))
    assert statuses == ["updated"]
    after = _show(ckan_site, before["name"])
    want = dict(before, contacts=[before["contacts"][0],
                                  {**before["contacts"][1], "email": "new-steward@gov.bc.ca"}])
    assert {k: after.get(k) for k in want} == want
    assert set(after) == set(before)


def test_a_patch_that_would_leave_no_displayed_contact_is_not_sent(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    """Item 2: removing the only displayed contact is a located error, not a write."""
    before = _created(ckan_site, tmp_path, prefix)
    statuses, result = _import(ckan_site, _sparse(tmp_path, before["name"], {
        "contacts_1_name": "<remove>"}))
    assert statuses == ["invalid"]
    (problem,) = result.outcomes[0].problems
    assert (problem.code, problem.cell, problem.message) == (
        "no-displayed-contact", "B2",
        "After this update the record would not be valid: At least one contact must be "
        "displayed publicly: write Yes in the Displayed column of one contact.")
    assert result.exit_code == 1
    assert _show(ckan_site, before["name"]) == before


def test_one_sub_cell_of_an_entry_changes_only_that(ckan_site: CkanSite, tmp_path: Path,
                                                   prefix: str) -> None:
    """Item 3: filling only contacts_1_email changes contact 1's e-mail and nothing else."""
    before = _created(ckan_site, tmp_path, prefix)
    statuses, result = _import(ckan_site, _sparse(tmp_path, before["name"], {
        "contacts_1_email": "new-inbox@gov.bc.ca"}))
    assert statuses == ["updated"], result.problems
    assert [(c.path, c.old, c.new) for c in result.outcomes[0].changes] == [
        ("contacts[1].email", before["contacts"][0]["email"], "new-inbox@gov.bc.ca")]
    after = _show(ckan_site, before["name"])
    assert after == dict(before, contacts=[
        {**before["contacts"][0], "email": "new-inbox@gov.bc.ca"}, before["contacts"][1]])


def test_remove_marker_removes_contact_2_only(ckan_site: CkanSite, tmp_path: Path,
                                             prefix: str) -> None:
    before = _created(ckan_site, tmp_path, prefix)
    statuses, _ = _import(ckan_site, _sparse(tmp_path, before["name"], {
        "contacts_2_name": "<remove>"}))
    assert statuses == ["updated"]
    assert _show(ckan_site, before["name"]) == dict(before, contacts=before["contacts"][:1])


def test_a_resource_error_is_reported_at_its_cell(ckan_site: CkanSite, tmp_path: Path,
                                                 prefix: str) -> None:
    """Item 4: the dataset row's outcome names the resource cell, and its JSON row holds
    the problem; item 5: check and import count the same rows."""
    body = package_body(prefix, 1, ckan_site.child_org.name, resources=2)
    body["_resources"][0]["url"] = "not a web address"
    write_workbook([body], tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    proc = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert proc.returncode == 1
    assert ("  invalid: resources!C2: 'not a web address' is not a web address: write the "
            "full address") in proc.stdout
    data = json.loads((tmp_path / "out.json").read_text())
    (row,) = data["rows"]
    assert row["message"].startswith("1 error(s) in this row or its resource rows, first at "
                                     "resources!C2: 'not a web address' is not a web address")
    assert [(p["sheet"], p["column"], p["row"], p["code"]) for p in row["problems"]] == [
        ("resources", "C", 2, "bad-url")]
    check = run_cli(["check", "in.xlsx", "--url", ckan_site.url, "--json", "check.json"],
                    ckan_site.sysadmin_token, tmp_path)
    checked = json.loads((tmp_path / "check.json").read_text())
    assert "Checked 3 rows" in check.stdout
    assert "1 dataset row (3 rows checked, resource rows included)" in proc.stdout
    assert checked["rows_checked"] == data["rows_checked"] == 3


def test_dry_run_shows_list_changes_per_entry(ckan_site: CkanSite, tmp_path: Path,
                                              prefix: str) -> None:
    """Item 10: removing contact 2 and editing contact 1's e-mail read per entry."""
    before = _created(ckan_site, tmp_path, prefix)
    _sparse(tmp_path, before["name"], {"contacts_1_email": "new@gov.bc.ca",
                                       "contacts_2_name": "<remove>"})
    proc = run_cli(["import", "sparse.xlsx", "--url", ckan_site.url, "--dry-run", "--json",
                    "out.json"], ckan_site.sysadmin_token, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    old_email = before["contacts"][0]["email"]
    assert f"    contacts[1].email: {old_email!r} -> 'new@gov.bc.ca'\n" in proc.stdout
    assert "    contacts[2]: removed {'displayed': ['displayed']" not in proc.stdout
    assert "    contacts[2]: removed {" in proc.stdout
    (row,) = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert row["changed"] == [
        {"field": "contacts[1].email", "old": old_email, "new": "new@gov.bc.ca"},
        {"field": "contacts[2]", "old": before["contacts"][1], "new": None}]
    assert _show(ckan_site, before["name"]) == before


def test_a_changed_name_that_looks_like_a_rename_is_warned(ckan_site: CkanSite, tmp_path: Path,
                                                          prefix: str) -> None:
    """Item 11: a row whose name changed (no id column) and whose title is a stored
    record's in the same organization: the dry run says how to rename."""
    before = _created(ckan_site, tmp_path, prefix)
    body = package_body(prefix, 1, ckan_site.child_org.name, resources=0)
    body["name"] = f"{prefix}-renamed"
    write_workbook([body], tmp_path / "renamed.xlsx")
    proc = run_cli(["import", "renamed.xlsx", "--url", ckan_site.url, "--dry-run", "--json",
                    "out.json"], ckan_site.sysadmin_token, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    msg = (f"A record titled {before['title']!r} already exists in this organization (URL "
           f"name {before['name']!r}, id {before['id']}). If this row renames it, put that id "
           "in an 'id' column (an exported workbook has one): the import then updates it, "
           "URL name included. Otherwise give this record its own title (titles must be "
           "unique).")
    assert f"datasets!B2: {msg}\n" in proc.stdout
    (row,) = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert row["status"] == "would create"
    assert [(p["code"], p["severity"], p["column"], p["message"]) for p in row["problems"]] == [
        ("looks-like-rename", "warning", "B", msg)]
    assert stored_names(ckan_site, prefix) == [before["name"]]
    assert _show(ckan_site, before["name"]) == before
