"""The check grid's data (importer.web.grid): which cells edit with a drop-down and what it
offers (the template's lists), the rows the selection buttons tick, and the check page
that carries both (issue 15: drop-downs for choice cells, selection kept across pages)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from importer.check import check_setup
from importer.read.reader import read_workbook
from importer.template.lists import ChoiceLists, Organization
from importer.web.grid import column_lists, grid_page, row_sets, runs, selected_rows
from tests.bcfake import ORGS
from tests.web.conftest import upload

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "samples" / "datasets.xlsx"
MISTAKES = ROOT / "samples" / "datasets-with-mistakes.xlsx"

DATASET_LISTS = {"D": "publish_state", "F": "licenses", "K": "contacts.role", "L": "yes_no",
                 "P": "contacts.role", "Q": "yes_no", "U": "contacts.role", "V": "yes_no",
                 "AD": "security_class", "AE": "view_audience", "AF": "download_audience",
                 "AG": "metadata_visibility", "AI": "dates.type", "AK": "dates.type",
                 "AM": "resource_status"}
RESOURCE_LISTS = {"D": "bcdc_type", "G": "resource_update_cycle", "J": "format",
                  "K": "resource_storage_location", "L": "spatial_datatype",
                  "Z": "projection_name", "AB": "iso_topic_category", "AC": "resource_type",
                  "AD": "resource_access_method"}
#: the organization columns of the datasets sheet: owner_org and contacts_<n>_org
ORG_LETTERS = {"C": "organizations", "J": "organizations", "O": "organizations",
               "T": "organizations"}


def read_clean() -> Any:
    layout, _ = check_setup(None, None)
    return read_workbook(CLEAN, layout, None)


def test_choice_columns_offline_are_the_templates_lists() -> None:
    from importer.template.lists import list_values

    read = read_clean()
    out = column_lists(read, ChoiceLists.offline())
    assert out["sheets"] == {
        "datasets": {"lists": DATASET_LISTS, "several": []},
        "resources": {"lists": RESOURCE_LISTS, "several": ["AB"]}}
    assert sorted(out["choices"]) == sorted(set(DATASET_LISTS.values())
                                            | set(RESOURCE_LISTS.values()))
    # each list is the template's drop-down of that column, value for value
    for info in read.sheets.values():
        for letter, column in zip(info.letters, info.columns, strict=True):
            key = out["sheets"][info.name]["lists"].get(letter)
            offered = list_values(column, read.layout.profile, ChoiceLists.offline()) \
                if column is not None else None
            assert (list(offered) if offered else None) == \
                (out["choices"][key] if key else None), (info.name, letter)
    assert out["choices"]["view_audience"] == ["Public", "Government and Business BCeID",
                                               "Government", "Named users"]
    assert out["choices"]["yes_no"] == ["Yes", "No"]
    assert out["choices"]["licenses"] == list(ChoiceLists.offline().license_titles)


def test_a_sites_organizations_make_the_organization_columns_drop_downs() -> None:
    lists = ChoiceLists(ChoiceLists.offline().licenses,
                        (Organization("org-a", "A"), Organization("org-b", "B")))
    out = column_lists(read_clean(), lists)
    assert out["sheets"]["datasets"]["lists"] == {**DATASET_LISTS, **ORG_LETTERS}
    assert out["choices"]["organizations"] == ["org-a", "org-b"]


def sheet(name: str, rows: list[int], lists: dict[str, str] | None = None,
          several: list[str] | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"name": name, "header_row": 1, "letters": ["A", "B"],
                            "headers": ["title", "publish_state"],
                            "rows": [[n, [f"t{n}", "DRAFT"]] for n in rows]}
    if lists is not None:
        info.update(lists=lists, several=several or [])
    return info


def problem(row: int, severity: str, column: str = "B") -> dict[str, Any]:
    return {"sheet": "datasets", "row": row, "column": column, "severity": severity,
            "code": "c", "message": "m"}


GRID = {"sheets": [sheet("datasets", [2, 3, 4, 5, 7, 8, 9], {"B": "publish_state"}),
                   sheet("resources", [2, 3], {"A": "format", "B": "iso_topic_category"},
                         ["B"])],
        "choices": {"publish_state": ["DRAFT", "PUBLISHED"], "format": ["csv"],
                    "iso_topic_category": ["biota", "economy"]}}
REPORT = {"problems": [problem(3, "error"), problem(5, "warning"), problem(8, "error", ""),
                       problem(9, "warning")]}


@pytest.mark.parametrize("name, editors, choices", [
    ("datasets", {"B": {"list": "publish_state", "several": False}},
     {"publish_state": ["DRAFT", "PUBLISHED"]}),
    ("resources", {"A": {"list": "format", "several": False},
                   "B": {"list": "iso_topic_category", "several": True}},
     {"format": ["csv"], "iso_topic_category": ["biota", "economy"]}),
])
def test_a_grid_page_carries_only_its_sheets_editors_and_lists(
        name: str, editors: dict[str, Any], choices: dict[str, list[str]]) -> None:
    page = grid_page(GRID, REPORT, name, 1, False)
    assert (page.sheet, page.editors, page.choices) == (name, editors, choices)


def test_a_grid_saved_before_the_drop_downs_edits_every_cell_as_text() -> None:
    old = {"sheets": [sheet("datasets", [2, 3])]}
    page = grid_page(old, {"problems": []}, None, 1, False)
    assert (page.editors, page.choices, [r.number for r in page.rows]) == ({}, {}, [2, 3])


@pytest.mark.parametrize("numbers, expected", [
    ([], []),
    ([2], [[2, 2]]),
    ([2, 3, 4, 6, 8, 9], [[2, 4], [6, 6], [8, 9]]),
    (range(2, 10002), [[2, 10001]]),
])
def test_runs(numbers: Any, expected: list[list[int]]) -> None:
    assert runs(numbers) == expected


def test_row_sets_are_the_rows_the_plan_options_choose() -> None:
    sets = row_sets(GRID, REPORT)
    # valid: no error (3 has an error at a cell, 8 a row error); clean: no problem at all
    assert sets == {"sheet": "datasets", "valid": [[2, 2], [4, 5], [7, 7], [9, 9]],
                    "clean": [[2, 2], [4, 4], [7, 7]]}
    for choice in ("valid", "clean"):
        expanded = [n for first, last in sets[choice] for n in range(first, last + 1)]
        assert [["datasets", n] for n in expanded] == selected_rows(GRID, REPORT, choice, [])


def test_row_sets_of_a_grid_without_sheets() -> None:
    assert row_sets({"sheets": []}, {"problems": []}) == {"sheet": "", "valid": [],
                                                           "clean": []}


def embedded(page: str, node_id: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{node_id}">(.*?)</script>',
                      page, re.DOTALL)
    assert found, node_id
    return json.loads(html.unescape(found.group(1)))


def test_the_check_page_carries_the_drop_downs_and_the_selection_data(
        client: FlaskClient) -> None:
    first = upload(client, MISTAKES)
    page = first.get_data(as_text=True)
    editors = embedded(page, "cell-editors")
    # the check is made against the server's site: its organizations are drop-downs too
    assert {k: v["list"] for k, v in editors["editors"].items()} == {**DATASET_LISTS,
                                                                      **ORG_LETTERS}
    assert editors["choices"]["organizations"] == sorted(o["name"] for o in ORGS)
    assert editors["choices"]["publish_state"] == ["DRAFT", "PENDING PUBLISH", "PUBLISHED",
                                                   "PENDING ARCHIVE", "ARCHIVED"]
    assert embedded(page, "row-sets") == {
        "sheet": "datasets", "valid": [[11, 16], [18, 18], [20, 20], [22, 23]],
        "clean": [[13, 16], [18, 18], [20, 20], [22, 23]]}
    # the selection buttons: hidden until the script shows them (without it the ticks of
    # the page shown are sent, and the radio options choose valid / clean rows)
    tools = re.search(r'<div class="select-tools" id="select-tools" role="group" '
                      r'aria-labelledby="select-title" hidden>(.*?)</div>', page, re.DOTALL)
    assert tools, "no selection buttons"
    assert re.findall(r'<button type="button" class="secondary" id="([\w-]+)">([^<]+)</button>',
                      tools.group(1)) == [("select-valid", "Select all valid rows"),
                                          ("select-clean", "Select rows with no problems"),
                                          ("select-clear", "Clear selection")]
    assert '<span id="selection-count" aria-live="polite">0 rows selected</span>' in page
    # the drop-down of the cell editor: labelled, hidden until a choice cell is opened
    assert '<label for="edit-choice" id="edit-choice-label">' in page
    assert '<select id="edit-choice" aria-describedby="edit-choice-help"></select>' in page
    resources = client.get(f"{first.request.path}?sheet=resources").get_data(as_text=True)
    assert 'id="select-tools"' not in resources  # no checkboxes on the resources sheet
    assert embedded(resources, "row-sets")["sheet"] == "datasets"
    assert {k: v["list"] for k, v in embedded(resources, "cell-editors")["editors"].items()} \
        == RESOURCE_LISTS


@pytest.mark.parametrize("current, expected", [
    ("", [("", "(blank: empty the cell)", True), ("DRAFT", "DRAFT", False),
          ("PUBLISHED", "PUBLISHED", False)]),
    ("PUBLISHED", [("", "(blank: empty the cell)", False), ("DRAFT", "DRAFT", False),
                   ("PUBLISHED", "PUBLISHED", True)]),
    ("Draft", [("", "(blank: empty the cell)", False),
               ("Draft", "Draft (not in the list)", True), ("DRAFT", "DRAFT", False),
               ("PUBLISHED", "PUBLISHED", False)]),
])
def test_choice_options_keep_the_current_value(current: str,
                                               expected: list[tuple[str, str, bool]]) -> None:
    from importer.web.grid import choice_options

    assert [(o["value"], o["text"], o["selected"])
            for o in choice_options(["DRAFT", "PUBLISHED"], current)] == expected


@pytest.mark.parametrize("ref, expected", [
    ("datasets!B3", {"ref": "datasets!B3", "sheet": "datasets", "value": "DRAFT",
                     "options": [{"value": "", "text": "(blank: empty the cell)",
                                  "selected": False},
                                 {"value": "DRAFT", "text": "DRAFT", "selected": True},
                                 {"value": "PUBLISHED", "text": "PUBLISHED",
                                  "selected": False}],
                     "allowed": None}),
    (" datasets!A4 ", {"ref": "datasets!A4", "sheet": "datasets", "value": "t4",
                       "options": None, "allowed": None}),
    ("resources!B2", {"ref": "resources!B2", "sheet": "resources", "value": "DRAFT",
                      "options": None, "allowed": ["biota", "economy"]}),
])
def test_cell_editor(ref: str, expected: dict[str, Any]) -> None:
    from importer.web.grid import cell_editor

    assert cell_editor(GRID, ref) == expected


@pytest.mark.parametrize("ref, message", [
    ("datasets!B6", "Cell datasets!B6 is outside the sheet's data: row 6 is not a data row "
                    "of this sheet (only filled rows below the header can be edited)"),
    ("B3", "'B3' is not a cell: give it as Sheet!B4"),
])
def test_cell_editor_refuses_what_a_save_refuses(ref: str, message: str) -> None:
    from importer.read.edits import EditError
    from importer.web.grid import cell_editor

    with pytest.raises(EditError) as err:
        cell_editor(GRID, ref)
    assert str(err.value) == message


def test_without_the_script_a_choice_cell_opens_as_a_drop_down_and_saves(
        client: FlaskClient) -> None:
    from tests.web.test_matching import edit, matched_inventory
    from tests.web.test_views import marked_cells

    job_path = matched_inventory(client)
    page = client.get(f"{job_path}?cell=Inventory!L16").get_data(as_text=True)
    assert ('<select id="edit-choice" aria-describedby="edit-choice-help" name="value" '
            'autofocus><option value="">(blank: empty the cell)</option><option value="Publc" '
            'selected>Publc (not in the list)</option><option value="Public">Public</option>'
            '<option value="Government and Business BCeID">Government and Business BCeID'
            '</option><option value="Government">Government</option><option '
            'value="Named users">Named users</option></select>') in page
    assert 'name="value" autocomplete="off" value="Publc" disabled>' in page
    assert 'id="edit-cell" name="cell" required autocomplete="off" aria-describedby=' \
        '"edit-help" value="Inventory!L16">' in page
    # a text column opens in the text box, with its value
    text = client.get(f"{job_path}?cell=Inventory!H4").get_data(as_text=True)
    assert 'name="value" autocomplete="off" value="forest.inventory(at)example.gov.bc.ca" ' \
        'autofocus>' in text
    assert '<div class="field" id="edit-pick" hidden>' in text
    refused = client.get(f"{job_path}?cell=Inventory!ZZ3").get_data(as_text=True)
    assert html.unescape(refused).count(
        "Cell Inventory!ZZ3 is outside the sheet: column ZZ has no header (columns A to T)") == 1
    # the drop-down sends `value` as the text box does: the save fixes the cell
    assert ("Inventory", "L16", "not-a-choice") in marked_cells(page)
    after = edit(client, job_path, "Inventory!L16", "Public").get_data(as_text=True)
    assert [c for c in marked_cells(after) if c[1] == "L16"] == []
