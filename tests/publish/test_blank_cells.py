"""docs/import.md's table, row by row: what a blank cell, ``<clear>``, ``<remove>``, a
missing column and a removed row do to scalar fields, repeating groups and resources, in
a sparse update sheet and in an exported workbook (issue 16 items 2, 3, 9; issue 18
item 5). Each case goes through the real reader, mapper, validator and planner against a
stored record shaped like ``package_show``'s answer."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from importer.map.forward import map_rows
from importer.map.resolve import OfflineResolver
from importer.problems import Severity
from importer.publish.plan import Action, Existing, RowPlan, build_plan
from importer.read import read_workbook
from importer.validate import validate
from tests.workbooks import LAYOUT, write_xlsx

NAME = "wells"
STORED: dict[str, Any] = {
    "id": "pkg-1", "name": NAME, "title": "Wells", "type": "bcdc_dataset",
    "owner_org": "databc", "publish_state": "PUBLISHED", "notes": "About wells.",
    "purpose": "Stored purpose.", "license_id": "2", "security_class": "PUBLIC",
    "view_audience": "Public", "download_audience": "Public",
    "metadata_visibility": "Public", "private": False, "resource_status": "onGoing",
    "tags": [{"name": "water", "id": "t1", "state": "active"}],
    "contacts": [
        {"name": "Inbox", "email": "inbox@gov.bc.ca", "org": "databc",
         "role": "pointOfContact", "displayed": ["displayed"]},
        {"name": "Steward", "email": "steward@gov.bc.ca", "org": "bc-stats",
         "role": "custodian", "displayed": []},
    ],
    "more_info": [
        {"description": "Link 1", "url": "https://example.gov.bc.ca/1"},
        {"description": "Link 2", "url": "https://example.gov.bc.ca/2"},
        {"description": "Link 3", "url": "https://example.gov.bc.ca/3"},
        {"description": "Link 4", "url": "https://example.gov.bc.ca/4"},
        {"url": "https://example.gov.bc.ca/5"},
    ],
    "dates": [{"type": "Created", "date": "2024-05-01"},
              {"type": "Modified", "date": "2025-01-02"}],
    "resources": [{
        "id": "res-1", "package_id": "pkg-1", "name": "Data CSV",
        "url": "https://example.gov.bc.ca/d.csv", "bcdc_type": "document",
        "resource_update_cycle": "monthly", "format": "csv",
        "resource_storage_location": "web or ftp site", "resource_type": "data",
        "resource_access_method": "direct access", "description": "Stored text.",
        "temporal_extent": [{"beginning_date": "2020-01-01", "end_date": "2023-12-31"}],
    }],
}


def _plan(tmp_path: Path, row: dict[str, Any], resources: list[dict[str, Any]] | None = None,
          stored: dict[str, Any] | None = None) -> tuple[RowPlan, list[Any]]:
    """Read ``row`` (a sparse sheet: only its own columns), check it as an update and plan
    it against the stored record: (the plan, the check's errors)."""
    headers = ["name", *[k for k in row if k != "name"]]
    r_headers = ["dataset_name", *[k for r in resources or [] for k in r
                                   if k != "dataset_name"]] if resources else None
    path = write_xlsx(tmp_path / "sparse.xlsx", [{"name": NAME, **row}], resources,
                      dataset_headers=headers,
                      resource_headers=list(dict.fromkeys(r_headers or [])) or None)
    read = read_workbook(path, LAYOUT)
    mapped = map_rows(read, read.layout, OfflineResolver())
    errors = [p for p in [*read.problems, *mapped.problems,
                          *validate(mapped.records, read.layout, mode="update")]
              if p.severity is Severity.ERROR]
    existing = Existing()
    existing.add(copy.deepcopy(stored or STORED))
    (plan,) = build_plan(mapped.records, existing, read.layout)
    return plan, errors


def _changes(plan: RowPlan) -> list[tuple[str, Any, Any]]:
    return [(c.path, c.old, c.new) for c in plan.changes]


INBOX = STORED["contacts"][0]
STEWARD = STORED["contacts"][1]
LINKS = STORED["more_info"]

# (case id, sparse row, the patch body expected (without id), the changes expected)
SPARSE = [
    ("scalar-blank", {"purpose": None, "notes": "About wells."}, {}, []),
    ("scalar-missing-column", {"notes": "About wells."}, {}, []),
    ("scalar-clear", {"purpose": "<clear>"}, {"purpose": ""},
     [("purpose", "Stored purpose.", None)]),
    ("scalar-clear-any-case", {"purpose": " <Clear> "}, {"purpose": ""},
     [("purpose", "Stored purpose.", None)]),
    # issue 16 item 2: contact 1 blank, contact 2 filled -> contact 1 kept, by position
    ("contacts-1-blank-2-given",
     {"contacts_2_name": "Steward", "contacts_2_email": "new@gov.bc.ca"},
     {"contacts": [INBOX, {**STEWARD, "email": "new@gov.bc.ca"}]},
     [("contacts[2].email", "steward@gov.bc.ca", "new@gov.bc.ca")]),
    # issue 16 item 3: one sub-cell of an existing entry
    ("contacts-1-email-only", {"contacts_1_email": "new@gov.bc.ca"},
     {"contacts": [{**INBOX, "email": "new@gov.bc.ca"}, STEWARD]},
     [("contacts[1].email", "inbox@gov.bc.ca", "new@gov.bc.ca")]),
    ("more-info-sub-clear", {"more_info_2_description": "<clear>"},
     {"more_info": [LINKS[0], {**LINKS[1], "description": ""}, *LINKS[2:]]},
     [("more_info[2].description", "Link 2", None)]),
    ("contacts-remove-entry", {"contacts_2_name": "<remove>"},
     {"contacts": [INBOX]},
     [("contacts[2]", {k: v for k, v in STEWARD.items() if v}, None)]),
    ("contacts-all-blank", {"contacts_1_name": None, "contacts_2_email": None}, {}, []),
    # a blank contact org keeps the stored entry's own org (not the dataset's)
    ("contacts-org-blank-keeps-stored", {"owner_org": "databc",
                                         "contacts_2_role": "dataSteward"},
     {"contacts": [INBOX, {**STEWARD, "role": "dataSteward"}]},
     [("contacts[2].role", "custodian", "dataSteward")]),
    ("contacts-new-entry-appended",
     {"contacts_3_name": "New", "contacts_3_email": "n@gov.bc.ca",
      "contacts_3_role": "custodian", "contacts_3_org": "databc",
      "contacts_3_displayed": "No"},
     {"contacts": [INBOX, STEWARD, {"name": "New", "email": "n@gov.bc.ca",
                                    "role": "custodian", "org": "databc", "displayed": []}]},
     [("contacts[3]", None, {"name": "New", "email": "n@gov.bc.ca", "role": "custodian",
                             "org": "databc"})]),
    # issue 18 item 5: removing link 1 never gives link 5 a description from link 4
    ("more-info-remove-first", {"more_info_1_url": "<remove>"},
     {"more_info": LINKS[1:]},
     [("more_info[1].description", "Link 1", "Link 2"),
      ("more_info[1].url", "https://example.gov.bc.ca/1", "https://example.gov.bc.ca/2"),
      ("more_info[2].description", "Link 2", "Link 3"),
      ("more_info[2].url", "https://example.gov.bc.ca/2", "https://example.gov.bc.ca/3"),
      ("more_info[3].description", "Link 3", "Link 4"),
      ("more_info[3].url", "https://example.gov.bc.ca/3", "https://example.gov.bc.ca/4"),
      ("more_info[4].description", "Link 4", None),
      ("more_info[4].url", "https://example.gov.bc.ca/4", "https://example.gov.bc.ca/5"),
      ("more_info[5]", {"url": "https://example.gov.bc.ca/5"}, None)]),
    ("more-info-blank-first", {"more_info_1_url": None, "more_info_1_description": None},
     {}, []),
    ("dates-sub-clear-and-edit", {"dates_2_date": "2025-02-03"},
     {"dates": [STORED["dates"][0], {"type": "Modified", "date": "2025-02-03"}]},
     [("dates[2].date", "2025-01-02", "2025-02-03")]),
    ("dates-remove", {"dates_2_type": "<remove>"},
     {"dates": [STORED["dates"][0]]},
     [("dates[2]", {"type": "Modified", "date": "2025-01-02"}, None)]),
]


@pytest.mark.parametrize(("row", "body", "changes"), [c[1:] for c in SPARSE],
                         ids=[c[0] for c in SPARSE])
def test_sparse_update_sheet(tmp_path: Path, row: dict[str, Any], body: dict[str, Any],
                             changes: list[Any]) -> None:
    plan, errors = _plan(tmp_path, row)
    assert errors == []
    assert plan.problems == []
    assert {k: v for k, v in plan.body.items() if k != "id"} == body
    assert plan.action is (Action.UPDATE if body else Action.UNCHANGED)
    assert _changes(plan) == changes


def _exported_row() -> dict[str, Any]:
    """The datasets row export writes for STORED (every cell of every entry)."""
    row: dict[str, Any] = {k: STORED[k] for k in (
        "title", "owner_org", "publish_state", "notes", "purpose", "license_id",
        "security_class", "view_audience", "download_audience", "metadata_visibility",
        "resource_status")}
    row["id"] = STORED["id"]
    row["license_id"] = "Open Government Licence - British Columbia"
    row["tag_string"] = "water"
    for field in ("contacts", "more_info", "dates"):
        for n, entry in enumerate(STORED[field], start=1):
            for sub, value in entry.items():
                if sub == "displayed":
                    value = "Yes" if value else "No"
                row[f"{field}_{n}_{sub}"] = value
    return row


EXPORTED = [
    ("untouched", {}, {}, []),
    # decision 1: blanking contact 2's cells no longer removes it (documented change)
    ("blank-contact-2", {f"contacts_2_{s}": None for s in STEWARD}, {}, []),
    ("remove-contact-2", {"contacts_2_name": "<remove>", "contacts_2_email": None,
                          "contacts_2_org": None, "contacts_2_role": None,
                          "contacts_2_displayed": None},
     {"contacts": [INBOX]},
     [("contacts[2]", {k: v for k, v in STEWARD.items() if v}, None)]),
    ("blank-link-1", {"more_info_1_url": None, "more_info_1_description": None}, {}, []),
    ("edit-one-email", {"contacts_1_email": "new@gov.bc.ca"},
     {"contacts": [{**INBOX, "email": "new@gov.bc.ca"}, STEWARD]},
     [("contacts[1].email", "inbox@gov.bc.ca", "new@gov.bc.ca")]),
]


@pytest.mark.parametrize(("edit", "body", "changes"), [c[1:] for c in EXPORTED],
                         ids=[c[0] for c in EXPORTED])
def test_exported_workbook(tmp_path: Path, edit: dict[str, Any], body: dict[str, Any],
                           changes: list[Any]) -> None:
    plan, errors = _plan(tmp_path, {**_exported_row(), **edit})
    assert errors == []
    assert {k: v for k, v in plan.body.items() if k != "id"} == body
    assert _changes(plan) == changes


@pytest.mark.parametrize(("row", "code", "cell", "message"), [
    # the record a patch would leave is checked whole (issue 16 item 2)
    ({"contacts_1_name": "<remove>"}, "no-displayed-contact", "B2",
     "After this update the record would not be valid: At least one contact must be "
     "displayed publicly: write Yes in the Displayed column of one contact."),
    ({"contacts_1_displayed": "No"}, "no-displayed-contact", "B2",
     "After this update the record would not be valid: At least one contact must be "
     "displayed publicly: write Yes in the Displayed column of one contact."),
    ({"contacts_3_email": "n@gov.bc.ca"}, "required", "B2",
     "After this update the record would not be valid: Contact 3 Name is required: "
     "fill in this cell."),
])
def test_a_patch_that_would_leave_the_record_invalid_is_a_located_error(
        tmp_path: Path, row: dict[str, Any], code: str, cell: str, message: str) -> None:
    plan, errors = _plan(tmp_path, row)
    assert errors == []
    assert plan.action is Action.INVALID
    first = plan.problems[0]
    assert (first.code, first.sheet, first.row, first.message) == (
        code, "datasets", 2, message)
    assert first.cell == cell


@pytest.mark.parametrize(("row", "code", "message"), [
    ({"purpose": "<remove>"}, "bad-marker",
     "<remove> removes a whole entry of a repeating field (a contact, a link, a date); to "
     "empty this field write <clear>, to keep it leave the cell blank."),
    ({"contacts_2_name": "<remove>", "contacts_2_email": "x@gov.bc.ca"}, "remove-conflict",
     "<remove> removes entry 2 of this field, but other cells of entry 2 are filled: either "
     "remove the entry (leave its other cells blank) or keep it (delete <remove>)."),
    ({"contacts_2_name": "<clear>"}, "cannot-clear",
     "Contact 2 Name (contacts_2_name) is required, so it cannot be emptied with <clear>; "
     "write a value or "
     "leave the cell blank to keep the current one."),
])
def test_marker_mistakes_are_located_errors(tmp_path: Path, row: dict[str, Any], code: str,
                                            message: str) -> None:
    _, errors = _plan(tmp_path, row)
    assert [(p.code, p.message, p.cell) for p in errors] == [(code, message, "B2")]


def test_contact_messages_name_the_entry_of_their_cell(tmp_path: Path) -> None:
    """Issue 16 item 9: a create row with contact 1 blank and contact 2 half filled."""
    path = write_xlsx(tmp_path / "c.xlsx", [{
        "name": "new-one", "title": "New one", "contacts_2_email": "a@gov.bc.ca"}],
        dataset_headers=["name", "title", "contacts_1_name", "contacts_2_name",
                         "contacts_2_email"])
    read = read_workbook(path, LAYOUT)
    mapped = map_rows(read, read.layout, OfflineResolver())
    found = [(p.field, p.header, p.message) for p in validate(mapped.records, read.layout,
                                                              mode="create")
             if p.field and p.field.startswith("contacts")]
    assert ("contacts[2].name", "contacts_2_name",
            "Contact 2 Name (contacts_2_name) is required: fill in this cell.") in found
    assert all(f"contacts_{f[0][9]}_" in f[1] for f in found if f[1])


RESOURCE_CASES = [
    ("blank-keeps", {"name": "Data CSV", "description": None}, {}, []),
    ("clear-empties", {"name": "Data CSV", "description": "<clear>"},
     {"description": ""},
     [("resources[Data CSV].description", "Stored text.", None)]),
    ("sub-value-by-position", {"name": "Data CSV",
                               "temporal_extent_1_end_date": "2024-12-31"},
     {"temporal_extent": [{"beginning_date": "2020-01-01", "end_date": "2024-12-31"}]},
     [("resources[Data CSV].temporal_extent[1].end_date", "2023-12-31", "2024-12-31")]),
]


@pytest.mark.parametrize(("res", "body", "changes"), [c[1:] for c in RESOURCE_CASES],
                         ids=[c[0] for c in RESOURCE_CASES])
def test_resources(tmp_path: Path, res: dict[str, Any], body: dict[str, Any],
                   changes: list[Any]) -> None:
    plan, errors = _plan(tmp_path, {}, [{"dataset_name": NAME, **res}])
    assert errors == []
    (step,) = plan.resources
    assert step.body == body
    assert [(c.path, c.old, c.new) for c in step.changes] == changes


def test_a_removed_resource_row_deletes_nothing(tmp_path: Path) -> None:
    plan, errors = _plan(tmp_path, {"notes": "About wells."}, [])
    assert (errors, plan.action, plan.resources, plan.body) == ([], Action.UNCHANGED, [], {})
