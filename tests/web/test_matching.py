"""The matching step (issue 15, item 1) through Flask's test client: an upload with headers
of its own is matched before the check; the confirmed mapping is applied by the library,
downloadable, remembered for the session and named on the check page."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import csrf, upload
from tests.web.test_views import MISTAKES, marked_cells

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "samples" / "inventory.xlsx"
REVIEWED = json.loads((ROOT / "samples" / "inventory-columns.json").read_text())
EXPECTED = sorted(tuple(e) for e in json.loads(
    (ROOT / "samples" / "inventory.expected.json").read_text()))


def selects(page: str) -> dict[str, str]:
    """header -> the selected template column ('' = ignore) of every row of the page."""
    out = {}
    for header, body in re.findall(r'<tr data-header="([^"]*)">(.*?)</tr>', page, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        out[html.unescape(header)] = chosen.group(1) if chosen else ""
    return out


def field_names(page: str) -> dict[str, str]:
    """header -> the select's form name."""
    return {html.unescape(h): n for h, n in
            re.findall(r'<tr data-header="([^"]*)">.*?<select id="[^"]+" name="([^"]+)"',
                       page, re.DOTALL)}


def confirm(client: FlaskClient, job_path: str, page: str,
            changes: dict[str, str | None]) -> Any:
    names = field_names(page)
    form = {names[h]: (v or "") for h, v in selects(page).items()}
    form.update({names[h]: (v or "") for h, v in changes.items()})
    form["csrf_token"] = csrf(client, job_path)
    return client.post(f"{job_path}/columns", data=form, follow_redirects=True)


CORRECTIONS = {"Show contact?": "contacts_1_displayed", "Replaced by": "replacement_record"}


def test_inventory_goes_to_the_matching_step_with_the_proposal(client: FlaskClient) -> None:
    answer = upload(client, INVENTORY)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<h1>Match the columns of inventory.xlsx</h1>" in page
    proposed = selects(page)
    reviewed = REVIEWED["datasets"]["columns"]
    assert list(proposed) == list(reviewed)
    wrong = {h for h in reviewed if (proposed[h] or None) != reviewed[h]}
    assert wrong == set(CORRECTIONS)
    assert "report.json" not in page  # no check ran yet
    assert not (Path(client.application.extensions["bcdc_importer"].store.folder(
        answer.request.path.rsplit("/", 1)[1])) / "report.json").exists()


def test_confirmed_mapping_is_applied_named_downloadable_and_remembered(
        client: FlaskClient) -> None:
    first = upload(client, INVENTORY)
    job_path = first.request.path
    checked = confirm(client, job_path, first.get_data(as_text=True), CORRECTIONS)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert sorted(marked_cells(page)) == EXPECTED
    assert ("<strong>Column mapping applied:</strong> inventory-columns.json: 19 column(s) "
            "mapped, 1 ignored") in page
    got = client.get(f"{job_path}/files/columns.json")
    assert got.status_code == 200
    assert 'filename=inventory-columns.json' in got.headers["Content-Disposition"]
    assert json.loads(got.get_data()) == REVIEWED
    report = json.loads(client.get(f"{job_path}/files/report.json").get_data())
    assert report["column_mapping"] == REVIEWED
    again = upload(client, INVENTORY, name="inventory-copy.xlsx")
    offered = again.get_data(as_text=True)
    assert 'id="earlier"' in offered
    assert {h: v or None for h, v in selects(offered).items()} == REVIEWED["datasets"]["columns"]
    assert sorted(marked_cells(confirm(client, again.request.path, offered, {})
                               .get_data(as_text=True))) == EXPECTED


def test_the_remembered_mapping_is_this_sessions_only(app: Flask) -> None:
    mine, theirs = app.test_client(), app.test_client()
    first = upload(mine, INVENTORY)
    confirm(mine, first.request.path, first.get_data(as_text=True), CORRECTIONS)
    other = upload(theirs, INVENTORY).get_data(as_text=True)
    assert 'id="earlier"' not in other
    assert selects(other)["Show contact?"] != "contacts_1_displayed"
    assert theirs.post(f"{first.request.path}/columns",
                       data={"csrf_token": csrf(theirs)}).status_code == 404


def test_two_headers_for_one_column_is_400_with_the_librarys_message(
        client: FlaskClient) -> None:
    first = upload(client, INVENTORY)
    answer = confirm(client, first.request.path, first.get_data(as_text=True),
                     {"Short Name": "title"})
    assert answer.status_code == 400
    text = html.unescape(answer.get_data(as_text=True))
    assert ("inventory-columns.json, datasets: 'Dataset Title' and 'Short Name' both map to "
            "'title'; a column can be filled from one header only") in text
    assert selects(answer.get_data(as_text=True))["Short Name"] == "title"


def test_a_column_that_is_not_in_the_schema_is_400(client: FlaskClient) -> None:
    first = upload(client, INVENTORY)
    answer = confirm(client, first.request.path, first.get_data(as_text=True),
                     {"Internal ref": "no_such_column"})
    assert answer.status_code == 400
    assert "maps to &#39;no_such_column&#39;, which is not a column of this schema" in \
        answer.get_data(as_text=True)


def missing(page: str) -> list[str]:
    found = re.search(r'<div class="missing" id="missing-datasets">(.*?)</div>', page, re.DOTALL)
    return re.findall(r"<li><code>([^<]+)</code>", found.group(1)) if found else []


def test_required_columns_nothing_maps_to_are_listed(client: FlaskClient) -> None:
    first = upload(client, INVENTORY)
    assert missing(first.get_data(as_text=True)) == ["contacts_1_org"]
    answer = confirm(client, first.request.path, first.get_data(as_text=True),
                     {"Short Name": "title"})  # refused: the page shows what was chosen
    assert answer.status_code == 400
    assert missing(answer.get_data(as_text=True)) == ["name", "contacts_1_org"]


def test_a_template_workbook_goes_straight_to_the_check(client: FlaskClient) -> None:
    page = upload(client, MISTAKES).get_data(as_text=True)
    assert "Match the columns" not in page
    assert "Column mapping applied" not in page


# -- issue 15 item 2: cells corrected in the grid ------------------------------------------

#: the fixes of the four planted mistakes of the inventory sample
FIXES = {"Inventory!H4": "forest.inventory@example.gov.bc.ca",
         "Inventory!F7": "Open Government Licence - British Columbia",
         "Inventory!A11": "Groundwater wells of the Okanagan", "Inventory!L16": "Public"}


def matched_inventory(client: FlaskClient) -> str:
    first = upload(client, INVENTORY)
    confirm(client, first.request.path, first.get_data(as_text=True), CORRECTIONS)
    return str(first.request.path)


def edit(client: FlaskClient, job_path: str, cell: str, value: str) -> Any:
    return client.post(f"{job_path}/edits", data={"csrf_token": csrf(client, job_path),
                                                 "cell": cell, "value": value},
                       follow_redirects=True)


def test_fixing_the_four_mistakes_in_the_grid_leaves_no_problem(
        client: FlaskClient, tmp_path: Path) -> None:
    import hashlib

    from openpyxl import load_workbook

    from tests.cli.clirun import run_cli

    job_path = matched_inventory(client)
    store = client.application.extensions["bcdc_importer"].store
    folder = store.folder(job_path.rsplit("/", 1)[1])
    before = hashlib.sha256((folder / "input.xlsx").read_bytes()).hexdigest()
    for cell, value in FIXES.items():
        answer = edit(client, job_path, cell, value)
        assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert marked_cells(page) == []
    assert "No errors" in page
    assert hashlib.sha256((folder / "input.xlsx").read_bytes()).hexdigest() == before
    assert json.loads((folder / "edits.json").read_text()) == [
        {"cell": "Inventory!H4", "old": "forest.inventory(at)example.gov.bc.ca",
         "new": "forest.inventory@example.gov.bc.ca"},
        {"cell": "Inventory!F7", "old": "Creative Commons Attribution 4.0",
         "new": "Open Government Licence - British Columbia"},
        {"cell": "Inventory!A11", "old": None, "new": "Groundwater wells of the Okanagan"},
        {"cell": "Inventory!L16", "old": "Publc", "new": "Public"}]
    report = json.loads(client.get(f"{job_path}/files/report.json").get_data())
    assert report["counts"]["errors"] == 0
    summary = load_workbook(io.BytesIO(client.get(f"{job_path}/files/report.xlsx").get_data()))
    lines = [tuple(r[:2]) for r in summary.worksheets[0].iter_rows(values_only=True)]
    assert ("Edited in the browser", 'Inventory!L16: "Publc" -> "Public"') in lines
    assert ("Edited in the browser", 'Inventory!A11: (blank) -> '
            '"Groundwater wells of the Okanagan"') in lines
    got = client.get(f"{job_path}/files/corrected")
    assert got.status_code == 200
    assert "filename=inventory-corrected.xlsx" in got.headers["Content-Disposition"]
    corrected = tmp_path / "inventory-corrected.xlsx"
    corrected.write_bytes(got.get_data())
    mapping = tmp_path / "inventory-columns.json"
    mapping.write_bytes(client.get(f"{job_path}/files/columns.json").get_data())
    book = load_workbook(corrected)
    assert book.sheetnames == load_workbook(INVENTORY).sheetnames
    assert [book["Inventory"][c.split("!")[1]].value for c in FIXES] == list(FIXES.values())
    assert run_cli("check", corrected, "--columns", mapping).returncode == 0


def test_a_formula_edit_is_text_everywhere(client: FlaskClient, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    job_path = matched_inventory(client)
    formula = '=HYPERLINK("http://evil.example","x")'
    edit(client, job_path, "Inventory!D3", formula)
    folder = client.application.extensions["bcdc_importer"].store.folder(
        job_path.rsplit("/", 1)[1])
    assert json.loads((folder / "edits.json").read_text())[-1]["new"] == formula
    corrected = load_workbook(io.BytesIO(client.get(f"{job_path}/files/corrected").get_data()))
    cell = corrected["Inventory"]["D3"]
    assert (cell.value, cell.data_type) == (formula, "s")
    report = load_workbook(io.BytesIO(client.get(f"{job_path}/files/report.xlsx").get_data()))
    # the report's own links are formulas; no formula carries the edited text
    cells = [c for ws in report.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f" and "evil" in str(c.value)]
    texts = [(c.parent.title, c.data_type) for c in cells if "evil" in str(c.value)]
    assert texts and all(kind == "s" for _, kind in texts), texts
    assert ("summary", "s") in texts  # the edit's line in the summary, as text


@pytest.mark.parametrize("cell, message", [
    ("Inventory!ZZ3", "Cell Inventory!ZZ3 is outside the sheet: column ZZ has no header "
                      "(columns A to T)"),
    ("Inventory!B500", "Cell Inventory!B500 is outside the sheet's data: row 500 is not a data "
                       "row of this sheet (only filled rows below the header can be edited)"),
    ("Nope!B3", "Cell Nope!B3 is outside the workbook: there is no sheet 'Nope' "
                "(sheets: Inventory)"),
    ("B3", "'B3' is not a cell: give it as Sheet!B4"),
])
def test_an_edit_outside_the_sheet_is_400_with_a_plain_message(
        client: FlaskClient, cell: str, message: str) -> None:
    job_path = matched_inventory(client)
    answer = edit(client, job_path, cell, "x")
    assert answer.status_code == 400
    assert html.unescape(answer.get_data(as_text=True)).count(message) == 1


def test_an_edit_for_another_sessions_job_is_404(app: Flask) -> None:
    mine, theirs = app.test_client(), app.test_client()
    job_path = matched_inventory(mine)
    answer = theirs.post(f"{job_path}/edits", data={"csrf_token": csrf(theirs),
                                                  "cell": "Inventory!H4", "value": "x"})
    assert answer.status_code == 404


def test_the_grid_is_an_aria_grid_and_bad_cells_point_to_their_message(
        client: FlaskClient) -> None:
    job_path = matched_inventory(client)
    page = client.get(job_path).get_data(as_text=True)
    assert '<table class="grid" id="grid" role="grid"' in page
    cells = re.findall(r'<td class="sev-(\w+)" tabindex="0" aria-invalid="true" '
                       r'aria-describedby="([^"]+)" data-ref="([^"]+)"', page)
    assert sorted(c[2] for c in cells) == sorted(f"{s}!{ref}" for s, ref, _ in EXPECTED)
    for severity, target, _ in cells:
        message = re.search(rf'<span class="visually-hidden" id="{target}">([^<]+)</span>', page)
        assert message and message.group(1).startswith(f"{severity}: "), target
    # every other data cell is reachable by the arrow keys (tabindex -1), not by Tab
    assert page.count('<td tabindex="-1" data-ref="Inventory!') == 20 * 20 - len(cells)


# -- issue 15 item 1: a workbook made from an older template ------------------------------

def changes_marked(page: str) -> dict[str, str]:
    """header -> the text of its Change cell (renamed / retired / unchanged)."""
    return {html.unescape(h): m for h, m in re.findall(
        r'<tr data-header="([^"]*)">.*?<td class="change" id="change-[^"]+">(?:<span '
        r'class="change-\w+">)?(\w+)', page, re.DOTALL)}


def test_an_older_template_goes_to_the_matching_step_with_each_change_marked(
        client: FlaskClient, tmp_path: Path) -> None:
    from importer.schema import load_bundled
    from tests.read.oldbooks import older_template

    current = load_bundled().digest[:12]
    answer = upload(client, older_template(tmp_path / "old.xlsx"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<h1>Match the columns of old.xlsx</h1>" in page
    assert '<h2 id="h-older">This workbook was made from an older template</h2>' in page
    assert ('<p id="older-summary">This workbook was made from an older template (schema '
            f'digest 0123456789ab, current {current}): 3 column(s) renamed, 1 retired, 1 '
            'new.</p>') in page
    marks = changes_marked(page)
    assert {h: m for h, m in marks.items() if m != "unchanged"} == {
        "edc_state": "renamed", "iso_topic_string": "retired", "retention_expiry": "renamed",
        "download_url": "renamed"}
    assert len(marks) == len(selects(page))  # every line is marked, in text
    chosen = selects(page)
    assert [chosen[h] for h in ("edc_state", "iso_topic_string", "retention_expiry",
                                "download_url", "title")] == [
        "publish_state", "", "retention_expiry_date", "url", "title"]
    new = re.search(r'<div class="new-columns" id="new-datasets">(.*?)</div>', page, re.DOTALL)
    assert new is not None
    assert re.findall(r'<li><span class="change">new</span> <code>([^<]+)</code>',
                      new.group(1)) == ["support_url"]
    assert 'id="new-resources"' not in page
    assert 'aria-describedby="change-datasets-3 why-datasets-3"' in page


def test_confirming_an_older_templates_mapping_checks_it_with_the_retired_column_named(
        client: FlaskClient, tmp_path: Path) -> None:
    from tests.read.oldbooks import older_template

    first = upload(client, older_template(tmp_path / "old.xlsx"))
    checked = confirm(client, first.request.path, first.get_data(as_text=True), {})
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Match the columns" not in page
    assert ("<strong>Column mapping applied:</strong> old-columns.json: 82 column(s) mapped, "
            "1 ignored") in page
    report = json.loads(client.get(f"{first.request.path}/files/report.json").get_data())
    assert report["counts"]["errors"] == 0
    assert [(p["sheet"], p["cell"], p["code"], p["message"]) for p in report["problems"]] == [
        ("datasets", "G1", "retired-column", "Column G ('iso_topic_string') is no longer in "
         "the schema (this workbook was made from an older template), so its values are not "
         "imported."),
        ("meta", None, "schema-changed", report["problems"][1]["message"])]
    assert report["problems"][1]["message"].endswith(
        "and was checked against the current schema: 3 column(s) renamed, 1 retired, 1 new "
        "(support_url).")


@pytest.mark.parametrize(("datasets", "digest", "note"), [
    pytest.param({}, None, None, id="the current template"),
    pytest.param({}, "0" * 64, "all its columns are still in the schema.",
                 id="older, every column still valid"),
    pytest.param({"support_url": None}, "0" * 64, "all its columns are still in the schema, "
                 "and 1 new column(s) are not in it (support_url).", id="older, a new column"),
])
def test_an_older_template_whose_columns_all_exist_goes_straight_to_the_check(
        client: FlaskClient, tmp_path: Path, datasets: dict[str, str | None],
        digest: str | None, note: str | None) -> None:
    from importer.schema import load_bundled
    from tests.read.oldbooks import older_template

    book = older_template(tmp_path / "t.xlsx", datasets, {}, digest or load_bundled().digest)
    answer = upload(client, book)
    page = answer.get_data(as_text=True)
    assert "Match the columns" not in page
    assert "Column mapping applied" not in page
    report = json.loads(client.get(f"{answer.request.path}/files/report.json").get_data())
    notes = [p["message"].split("current schema: ", 1)[1] for p in report["problems"]
             if p["code"] == "schema-changed"]
    assert notes == ([] if note is None else [note])
