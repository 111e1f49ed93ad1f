"""Column mappings: an editor's own headers read as template columns (library level).

The inventory sample (samples/make_inventory.py) is the editor's file; its mapping and
the problems each planted mistake must produce come from the same table (the spec).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from importer.check import run_check
from importer.errors import WorkbookError
from importer.read import read_workbook
from importer.read.mapping import (
    ColumnMapping,
    MappingError,
    SheetMapping,
    load_mapping,
    parse_mapping,
)
from importer.read.suggest import propose_mapping
from importer.schema import build_layout, load_bundled
from importer.schema.columns import Scope

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
INVENTORY = SAMPLES / "inventory.xlsx"
MAPPING = SAMPLES / "inventory-columns.json"
EXPECTED = json.loads((SAMPLES / "inventory.expected.json").read_text())
LAYOUT = build_layout(load_bundled())
FORMAT = {"format": "bcdc-importer column mapping", "version": 1}


def test_inventory_sample_is_up_to_date_and_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLES / "make_inventory.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    for name in ("inventory.xlsx", "inventory-columns.json", "inventory.expected.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def test_inventory_with_its_mapping_shows_exactly_the_planted_mistakes() -> None:
    result = run_check(INVENTORY, LAYOUT, mapping=load_mapping(MAPPING, LAYOUT))
    errors = [[p.sheet, p.cell, p.code] for p in result.problems if p.severity == "error"]
    assert errors == EXPECTED
    assert [(p.code, p.sheet, p.header) for p in result.problems if p.severity == "warning"] \
        == [("missing-column", "Inventory", "contacts_1_org")]
    assert (result.rows_checked, result.rows_with_errors) == (20, 4)
    first = result.records[0].package
    assert (first["title"], first["owner_org"], first["contacts"][0]["email"]) == (
        "VRI - Forest Vegetation Composite Layer 1 (L1)", "devcat-branch",
        "forest.inventory@example.gov.bc.ca")
    info = result.read.sheets[Scope.DATASET]
    assert (info.name, info.headers[0], info.headers[-1], info.letters[-1]) == (
        "Inventory", "Dataset Title", "Internal ref", "T")
    assert info.columns[-1] is None  # ignored: never read


def test_without_the_mapping_the_inventory_cannot_be_used() -> None:
    with pytest.raises(WorkbookError) as err:
        read_workbook(INVENTORY, LAYOUT)
    assert str(err.value) == ("inventory.xlsx has no 'datasets' sheet (its sheets: "
                              "'Inventory'); put one dataset per row in a sheet named "
                              "'datasets', as in the template")


def test_a_mapped_sheet_that_is_not_there_is_named(tmp_path: Path) -> None:
    mapping = ColumnMapping({Scope.DATASET: SheetMapping({"A": "title"}, "Records")})
    with pytest.raises(WorkbookError) as err:
        read_workbook(INVENTORY, LAYOUT, mapping)
    assert str(err.value) == ("inventory.xlsx has no 'Records' sheet (its sheets: "
                              "'Inventory'); the column mapping names 'Records'")


def _book(path: Path, rows: list[list[Any]], sheet: str = "datasets") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_a_mapping_can_name_entries_past_the_template_and_csv_files(tmp_path: Path) -> None:
    mapping = parse_mapping({**FORMAT, "datasets": {"columns": {
        "Dataset": "title", "Fifth contact e-mail": "contacts_5_email"}}}, LAYOUT)
    book = _book(tmp_path / "wide.xlsx", [["Dataset", "Fifth contact e-mail"],
                                          ["Roads", "roads@example.org"]])
    read = read_workbook(book, LAYOUT, mapping)
    assert [(c.header if c else None) for c in read.sheets[Scope.DATASET].columns] == \
        ["title", "contacts_5_email"]
    csv = tmp_path / "inventory.csv"
    csv.write_text("Dataset,Fifth contact e-mail\nRoads,roads@example.org\n")
    read = read_workbook(csv, LAYOUT, mapping)
    assert [r.values for r in read.datasets] == [("Roads", "roads@example.org")]
    assert read.sheets[Scope.DATASET].headers == ("Dataset", "Fifth contact e-mail")


@pytest.mark.parametrize(("data", "message"), [
    ([], "x.json is not a column mapping (no \"format\": \"bcdc-importer column mapping\")"),
    ({"format": "bcdc-importer column mapping", "version": 2},
     "x.json has version 2; this tool reads version 1"),
    ({**FORMAT, "sheets": {}},
     "x.json has unknown keys 'sheets' (allowed: 'datasets', 'resources')"),
    ({**FORMAT, "datasets": ["title"]},
     "x.json, datasets: expected {\"sheet\": ..., \"columns\": {header: column}}"),
    ({**FORMAT, "datasets": {"sheet": "", "columns": {}}},
     "x.json, datasets: \"sheet\" must be a sheet name"),
    ({**FORMAT, "datasets": {"columns": {"Dataset Title": "titel"}}},
     "x.json, datasets: 'Dataset Title' maps to 'titel', which is not a column of this "
     "schema (did you mean 'title'?)"),
    ({**FORMAT, "datasets": {"columns": {"Title": "title", "Name of dataset": "title"}}},
     "x.json, datasets: 'Title' and 'Name of dataset' both map to 'title'; a column can be "
     "filled from one header only"),
    ({**FORMAT, "datasets": {"columns": {"Dataset": 3}}},
     "x.json, datasets: 'Dataset' must map to a column name or null"),
    ({**FORMAT, "datasets": {"columns": {"??": "title"}}},
     "x.json, datasets: a header must have letters or digits, not '??'"),
    ({**FORMAT, "resources": {"columns": {"Link": "contacts_1_email"}}},
     "x.json, resources: 'Link' maps to 'contacts_1_email', which is not a column of this "
     "schema"),
])
def test_bad_mappings_are_refused_with_one_located_line(data: object, message: str) -> None:
    with pytest.raises(MappingError) as err:
        parse_mapping(data, LAYOUT, "x.json")
    assert str(err.value) == message


@pytest.mark.parametrize(("content", "message"), [
    (None, "column mapping {path} does not exist"),
    ("{not json", "column mapping m.json is not valid JSON: Expecting property name enclosed "
                  "in double quotes: line 1 column 2 (char 1)"),
])
def test_unreadable_mapping_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "m.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(MappingError) as err:
        load_mapping(path, LAYOUT)
    assert str(err.value) == message.format(path=path)


def test_a_mapping_round_trips_through_its_json() -> None:
    mapping = load_mapping(MAPPING, LAYOUT)
    again = parse_mapping(json.loads(mapping.dumps()), LAYOUT, "inventory-columns.json")
    assert again == mapping
    assert mapping.describe() == "inventory-columns.json: 19 column(s) mapped, 1 ignored"


def test_proposal_for_the_inventory() -> None:
    proposal = propose_mapping(INVENTORY, LAYOUT)
    seen, suggestions, missing = proposal.sheets[Scope.DATASET]
    assert (seen.sheet, seen.header_row) == ("Inventory", 1)
    truth = json.loads(MAPPING.read_text())["datasets"]["columns"]
    proposed = {s.header: s.column for s in suggestions}
    # every column right but the two a person has to pick: no header or value shape says
    # that "Show contact?" holds Yes/No for contact 1, and "Replaced by" is empty
    assert {h: c for h, c in proposed.items() if c != truth[h]} == {
        "Show contact?": None, "Replaced by": None}
    reasons = {s.header: s.reason for s in suggestions}
    assert [reasons[h] for h in ("Branch", "State", "Date type", "Date", "Who can view",
                                 "Internal ref")] == [
        "a usual name for this column", "same name as the template column",
        "spelled like this column", "its values are dates",
        "its values are choices of this column", "no match"]
    assert [c.header for c in missing] == ["contacts_1_org"]
    assert proposal.mapping.sheets[Scope.DATASET].sheet == "Inventory"
    assert Scope.RESOURCE not in proposal.sheets


def test_template_headers_are_proposed_as_themselves() -> None:
    proposal = propose_mapping(SAMPLES / "datasets.xlsx", LAYOUT)
    for scope in Scope:
        _, suggestions, missing = proposal.sheets[scope]
        assert all(s.column == s.header for s in suggestions), scope
        assert missing == []
    assert proposal.mapping.sheets[Scope.DATASET].sheet is None


def _stray_header(path: Path) -> Path:
    """The sample with one header no template has (the check warns; no matching step)."""
    from openpyxl import load_workbook

    book = load_workbook(SAMPLES / "datasets.xlsx")
    book["datasets"].cell(1, book["datasets"].max_column + 1).value = "Our notes"
    book.save(path)
    return path


def _older(path: Path, **changes: Any) -> Path:
    from tests.read.oldbooks import older_template

    return older_template(path, **changes)


@pytest.mark.parametrize(("make", "skips", "needs"), [
    (lambda tmp: SAMPLES / "datasets.xlsx", True, False),  # the template: no 2nd reading
    (lambda tmp: SAMPLES / "datasets-with-mistakes.xlsx", False, False),  # a stray header
    (lambda tmp: SAMPLES / "inventory.xlsx", False, True),  # headers of its own
    (_stray_header, False, False),
    (_older, False, True),  # renamed and retired columns
    (lambda tmp: _older(tmp, datasets={"support_url": None}, resources={}), True, False),
    (lambda tmp: _older(tmp, datasets={"publish_state": "edc_state"}, resources={}),
     False, True),
], ids=["template", "mistakes", "inventory", "stray", "older", "older-all-there",
        "older-renamed"])
def test_the_checks_read_decides_the_matching_step_only_when_it_can(
        tmp_path: Path, make: Any, skips: bool, needs: bool) -> None:
    """``may_need_matching(read)`` false ⇒ ``needs_matching(proposal)`` false: the web
    app skips the proposal (a second reading) only for such uploads, and never wrongly."""
    from importer.read.suggest import may_need_matching, needs_matching

    path = make(tmp_path / "book.xlsx")
    try:
        read = run_check(path, LAYOUT).read
    except WorkbookError:
        read = None  # the check refused it: the proposal decides
    may = read is None or may_need_matching(read)
    assert (not may) is skips
    assert needs_matching(propose_mapping(path, LAYOUT)) is needs
    assert may or not needs
