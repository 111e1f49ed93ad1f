"""A workbook made from an older template (issue 15, item 1): its renamed, retired and new
columns, as the library finds, proposes and reports them. The "older" templates are
generated (tests/read/oldbooks.py): the current template with older header names and
another schema digest in its meta sheet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from importer.check import run_check
from importer.errors import WorkbookError
from importer.read.changes import GONE, KNOWN, ColumnChange, sheet_changes
from importer.read.mapping import parse_mapping
from importer.read.suggest import needs_matching, proposal_json, propose_mapping
from importer.schema import build_layout, load_bundled
from importer.schema.columns import Scope
from tests.read.oldbooks import OLD_DIGEST, older_template

LAYOUT = build_layout(load_bundled())
CURRENT = LAYOUT.schema.digest
D, R = Scope.DATASET, Scope.RESOURCE
USUAL, SPELLED = "a usual name for this column", "spelled like this column"


def headers(scope: Scope, changes: dict[str, str | None], extra: tuple[str, ...] = ()
            ) -> list[str]:
    """The layout's headers with ``changes`` (current -> older header; ``None``: left out)
    and ``extra`` headers at the end."""
    out = [changes.get(c.header, c.header) for c in LAYOUT.columns(scope)]
    return [h for h in out if h is not None] + list(extra)


def renamed(pos: int, header: str, column: str, why: str) -> ColumnChange:
    return ColumnChange(pos, header, "renamed", column, why)


def retired(pos: int, header: str) -> ColumnChange:
    return ColumnChange(pos, header, "retired", None, GONE)


N_D = len(LAYOUT.dataset_columns)
N_R = len(LAYOUT.resource_columns)


@pytest.mark.parametrize(("scope", "written", "changed", "new"), [
    pytest.param(D, headers(D, {}), [], [], id="the current template: nothing changed"),
    pytest.param(D, headers(D, {"publish_state": "edc_state"}),
                 [renamed(3, "edc_state", "publish_state", KNOWN)], [], id="known rename"),
    pytest.param(D, headers(D, {"retention_expiry_date": "retention_expiry"}),
                 [renamed(N_D - 2, "retention_expiry", "retention_expiry_date", SPELLED)], [],
                 id="close spelling of a column the workbook lacks"),
    pytest.param(D, headers(D, {"owner_org": "Branch"}),
                 [renamed(2, "Branch", "owner_org", USUAL)], [], id="a usual name"),
    pytest.param(D, headers(D, {"support_url": None}, ("iso_topic_string",)),
                 [retired(N_D - 1, "iso_topic_string")], ["support_url"],
                 id="retired and new"),
    pytest.param(D, headers(D, {f"contacts_3_{s}": None for s in
                                ("name", "email", "org", "role", "displayed")}), [], [],
                 id="fewer entries of a repeating field are not new columns"),
    pytest.param(D, headers(D, {}, ("contacts_5_email", "record_create_date", "ID")), [], [],
                 id="further entries, a field the catalogue fills, the id: not retired"),
    pytest.param(D, headers(D, {}, ("contacts_1_phone",)), [retired(N_D, "contacts_1_phone")],
                 [], id="a retired sub-field of a current repeating field"),
    pytest.param(D, headers(D, {"purpose": None}, ("purpos", "purpose_text")),
                 [renamed(N_D - 1, "purpos", "purpose", SPELLED),
                  retired(N_D, "purpose_text")], [],
                 id="a column is taken by one renamed header only"),
    pytest.param(D, headers(D, {"title": None}, ("iso_topic_string",)),
                 [retired(N_D - 1, "iso_topic_string")], ["title"],
                 id="a required column the workbook lacks is new"),
    pytest.param(R, headers(R, {"url": "download_url"}),
                 [renamed(2, "download_url", "url", USUAL)], [], id="resources: usual name"),
    pytest.param(R, headers(R, {}, ("resource_storage_format", "temporal_extent_2_end_date")),
                 [], [], id="resources: an old name that is a label; a second single entry"),
    pytest.param(R, headers(R, {"json_table_schema": "edc_resource_type"}),
                 [retired(N_R - 15, "edc_resource_type")], ["json_table_schema"],
                 id="resources: retired"),
])
def test_sheet_changes(scope: Scope, written: list[str], changed: list[ColumnChange],
                       new: list[str]) -> None:
    found = sheet_changes(written, LAYOUT, scope)
    assert list(found.changed) == changed
    assert [c.header for c in found.new] == new


def test_the_positions_in_the_table_are_those_of_the_layout() -> None:
    names = [c.header for c in LAYOUT.dataset_columns]
    assert names[3] == "publish_state" and names[2] == "owner_org"
    assert names[N_D - 2] == "retention_expiry_date" and names[N_D - 1] == "source_data_path"
    assert [c.header for c in LAYOUT.resource_columns][N_R - 15] == "json_table_schema"


# -- the proposal and the matching step's decision ----------------------------------------

def test_an_older_templates_proposal(tmp_path: Path) -> None:
    book = older_template(tmp_path / "old.xlsx")
    proposal = propose_mapping(book, LAYOUT)
    assert needs_matching(proposal)
    assert proposal.changes is not None
    assert proposal.changes.summary() == (
        "This workbook was made from an older template (schema digest 0123456789ab, current "
        f"{CURRENT[:12]}): 3 column(s) renamed, 1 retired, 1 new.")
    data = proposal_json(proposal, LAYOUT)
    assert data["older_template"] == {
        "digest": "0123456789ab", "current": CURRENT[:12], "renamed": 3, "retired": 1,
        "new": 1, "summary": proposal.changes.summary()}
    marked = {(s["key"], c["header"]): (c["change"], c["column"], c["reason"])
              for s in data["sheets"] for c in s["columns"] if c["change"]}
    assert marked == {
        ("datasets", "edc_state"): ("renamed", "publish_state", KNOWN),
        ("datasets", "iso_topic_string"): ("retired", None, GONE),
        ("datasets", "retention_expiry"): ("renamed", "retention_expiry_date", SPELLED),
        ("resources", "download_url"): ("renamed", "url", USUAL)}
    assert [s["new"] for s in data["sheets"]] == [
        [["support_url", "Create a support request", False]], []]
    unchanged = [c for s in data["sheets"] for c in s["columns"] if not c["change"]]
    assert all(c["column"] == c["header"] for c in unchanged)
    assert [missing for _, _, missing in proposal.sheets.values()] == [[], []]


@pytest.mark.parametrize(("datasets", "digest", "stops", "note"), [
    pytest.param({"publish_state": "edc_state"}, CURRENT, False, None,
                 id="same digest: no older template (the header is an unknown column)"),
    pytest.param({}, OLD_DIGEST, False,
                 "all its columns are still in the schema.", id="older, every column valid"),
    pytest.param({"support_url": None}, OLD_DIGEST, False,
                 "all its columns are still in the schema, and 1 new column(s) are not in it "
                 "(support_url).", id="older, only a new column"),
    pytest.param({"support_url": "iso_topic_string"}, OLD_DIGEST, True,
                 "1 column(s) renamed, 1 retired, 1 new (support_url).",
                 id="older, a retired column"),
])
def test_only_renamed_or_retired_columns_stop_for_matching(
        tmp_path: Path, datasets: dict[str, str | None], digest: str, stops: bool,
        note: str | None) -> None:
    book = older_template(tmp_path / "old.xlsx", datasets, {"url": "download_url"}
                          if stops else {}, digest)
    assert needs_matching(propose_mapping(book, LAYOUT)) is stops
    notes = [p.message for p in run_check(book, LAYOUT).problems if p.code == "schema-changed"]
    if note is None:
        assert notes == []
    else:
        assert notes == [
            "This workbook was made from an older template (schema digest 0123456789ab, "
            f"current {CURRENT[:12]}) and was checked against the current schema: {note}"]


# -- the check: located problems, never silent -------------------------------------------

HOW = ("run: bcdc-import columns old.xlsx -o mapping.json, then check with --columns "
       "mapping.json (or copy your rows into a new template).")
SUMMARY = ("This workbook was made from an older template (schema digest 0123456789ab, current "
           f"{CURRENT[:12]}) and was checked against the current schema: 3 column(s) renamed, "
           "1 retired, 1 new (support_url).")


def changed_problems(book: Path, mapping: Any = None) -> list[tuple[Any, ...]]:
    result = run_check(book, LAYOUT, mapping=mapping)
    return [(p.code, str(p.severity), p.sheet, p.cell, p.field, p.message)
            for p in result.problems
            if p.code in ("renamed-column", "retired-column", "schema-changed")]


def test_without_a_mapping_each_renamed_or_retired_column_is_reported_at_its_header(
        tmp_path: Path) -> None:
    book = older_template(tmp_path / "old.xlsx")
    assert changed_problems(book) == [
        ("renamed-column", "error", "datasets", "D1", "publish_state",
         "Column D ('edc_state') was renamed 'publish_state' (State) in the current schema, "
         f"and this workbook was made from an older template, so its values are not read. "
         f"To read them, {HOW}"),
        ("retired-column", "warning", "datasets", "G1", None,
         "Column G ('iso_topic_string') is no longer in the schema (this workbook was made "
         "from an older template), so its values are not imported. To see every column that "
         f"changed, {HOW}"),
        ("renamed-column", "error", "datasets", "AO1", "retention_expiry_date",
         "Column AO ('retention_expiry') was renamed 'retention_expiry_date' (Retention Expiry "
         "Date) in the current schema, and this workbook was made from an older template, so "
         f"its values are not read. To read them, {HOW}"),
        ("schema-changed", "warning", "meta", None, None, SUMMARY),
        ("renamed-column", "error", "resources", "C1", "url",
         "Column C ('download_url') was renamed 'url' (Resource) in the current schema, and "
         "this workbook was made from an older template, so its values are not read. To read "
         f"them, {HOW}")]
    codes = {p.code for p in run_check(book, LAYOUT).problems if p.row == 1}
    assert "unknown-column" not in codes  # each is reported once, in its own words


def test_the_proposed_mapping_reads_the_renamed_columns_and_says_what_is_not_imported(
        tmp_path: Path) -> None:
    book = older_template(tmp_path / "old.xlsx")
    result = run_check(book, LAYOUT, mapping=propose_mapping(book, LAYOUT).mapping)
    assert [(p.code, str(p.severity), p.sheet, p.cell, p.message) for p in result.problems] == [
        ("retired-column", "warning", "datasets", "G1",
         "Column G ('iso_topic_string') is no longer in the schema (this workbook was made "
         "from an older template), so its values are not imported."),
        ("schema-changed", "warning", "meta", None, SUMMARY)]
    package = result.records[0].package
    assert package["publish_state"] == "DRAFT"
    assert result.records[0].resources[0].resource["url"] == "https://example.gov.bc.ca/data.csv"
    assert "support_url" not in package and "iso_topic_string" not in package


def test_a_renamed_column_the_person_ignores_is_reported_as_not_imported(
        tmp_path: Path) -> None:
    book = older_template(tmp_path / "old.xlsx")
    data = propose_mapping(book, LAYOUT).mapping.to_json()
    data["resources"]["columns"]["download_url"] = None
    found = changed_problems(book, parse_mapping(data, LAYOUT, "m.json"))
    assert found[-1] == (
        "renamed-column", "warning", "resources", "C1", "url",
        "Column C ('download_url') was renamed 'url' (Resource) in the current schema, but the "
        "column mapping ignores it, so its values are not imported.")


def test_a_repeating_field_the_schema_no_longer_has_is_retired_not_refused(
        tmp_path: Path) -> None:
    def with_layout_entry(digest: str) -> Path:
        book = older_template(tmp_path / f"{digest[:4]}.xlsx", {}, {}, digest)
        wb = load_workbook(book)
        for row in wb["meta"].iter_rows():
            if row[0].value == "layout":
                row[1].value = json.dumps(json.loads(row[1].value) | {"old_links": 2})
        wb["datasets"].cell(1, wb["datasets"].max_column + 1, "old_links_1_url")
        wb.save(book)
        return book

    found = changed_problems(with_layout_entry(OLD_DIGEST))
    assert [(code, cell) for code, _, _, cell, _, _ in found] == [
        ("retired-column", "AQ1"), ("schema-changed", None)]
    with pytest.raises(WorkbookError, match="'old_links', which the 'bcdc_dataset' schema does "
                                            "not have as a repeating field; make a new template"):
        run_check(with_layout_entry(CURRENT), LAYOUT)


def test_a_further_entry_of_an_older_template_is_proposed_as_itself(tmp_path: Path) -> None:
    book = older_template(tmp_path / "old.xlsx")
    wb = load_workbook(book)
    wb["datasets"].cell(1, wb["datasets"].max_column + 1, "contacts_5_email")
    wb["datasets"].cell(2, wb["datasets"].max_column, "five@example.gov.bc.ca")
    wb.save(book)
    proposal = propose_mapping(book, LAYOUT)
    last = proposal.sheets[D][1][-1]
    assert (last.header, last.column, last.reason, last.change) == (
        "contacts_5_email", "contacts_5_email", "same name as the template column", None)
    mapping = parse_mapping(proposal.mapping.to_json(), LAYOUT, "m.json")
    result = run_check(book, LAYOUT, mapping=mapping)
    assert result.records[0].package["contacts"][-1]["email"] == "five@example.gov.bc.ca"
