"""Re-checking the rows an edit changed (``importer.recheck``) gives exactly what checking
the whole file again with the same edits gives: the same problems (every field, in the
same order), the same counts. Each case is a sequence of edits; after every edit the
state (also saved and loaded half way) is compared with a full ``run_check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importer.check import CheckResult, check_setup, run_check
from importer.read.edits import Edit, EditError
from importer.read.mapping import ColumnMapping, parse_mapping
from importer.recheck import CheckState, StateError
from importer.schema import Layout
from tests.workbooks import valid_dataset, valid_resource, write_xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MISTAKES = SAMPLES / "datasets-with-mistakes.xlsx"
CLEAN = SAMPLES / "datasets.xlsx"
INVENTORY = SAMPLES / "inventory.xlsx"
FORMULA = '=HYPERLINK("http://evil.example","x")'
#: the URL names of the first datasets of both samples
VRI1, VRI2 = "vri-forest-vegetation-composite-layer-1", "vri-forest-cover-depletions"

#: (case, workbook, edits as (cell, new value)): every kind of change the checks across
#: rows depend on, and the per-row checks (choices, blanks, markers, formulas as text)
CASES = [
    ("fix every planted mistake", MISTAKES, [
        ("datasets!E2", "Notes of the first dataset."), ("datasets!AE3", "Public"),
        ("datasets!I4", "fish.passage@example.gov.bc.ca"), ("datasets!AA5", "https://x.example.org/"),
        ("datasets!AJ6", "2024-01-15"), ("datasets!AH7", "GBA"), ("datasets!B8", "mapped-aquifers"),
        ("datasets!L9", "Yes"), ("datasets!F10", "Open Government Licence - British Columbia"),
        ("datasets!D11", "DRAFT"), ("resources!A13", "groundwater-wells"),
        ("resources!D21", "document")]),
    ("a name made a duplicate, then the first row renamed, then back", MISTAKES, [
        ("datasets!B3", VRI1), ("datasets!B2", "something-else"), ("datasets!B3", VRI2),
        ("datasets!B2", VRI1)]),
    ("duplicates removed and created", MISTAKES, [
        ("datasets!B19", "a-unique-name"), ("datasets!A17", "A unique title"),
        ("datasets!A2", "VRI Forest Cover Depletions"), ("datasets!A3", "Another title"),
        ("datasets!B5", "fish-passage-assessed-crossings")]),
    ("resource rows change dataset, lose it and find it", MISTAKES, [
        ("resources!A2", VRI2), ("resources!A3", "no-such-dataset"), ("resources!A4", ""),
        ("resources!A13", "groundwater-wells"), ("resources!A3", VRI1),
        ("resources!A2", "vri-forest-cover-depletion")]),
    ("resource names duplicated within a dataset, and moved away", MISTAKES, [
        ("resources!B3", "VRI Layer 1 - BCGW layer"), ("resources!A3", VRI2),
        ("resources!B25", "Another name"), ("resources!B4", "")]),
    ("choice values: value, label, wrong, blank, markers", MISTAKES, [
        ("datasets!AE3", "public"), ("datasets!AE3", "Public"), ("datasets!AE3", "Pub"),
        ("datasets!AE3", ""), ("datasets!AE3", "<clear>"), ("datasets!D2", "PUBLISHED"),
        ("datasets!D2", "<clear>"), ("resources!D2", "geographic"), ("resources!D2", "nope")]),
    ("blanks and markers in key cells", MISTAKES, [
        ("datasets!A2", ""), ("datasets!B2", ""), ("datasets!B3", "<clear>"),
        ("datasets!A4", "<clear>"), ("datasets!H2", "<remove>"), ("datasets!B2", VRI1),
        ("datasets!C2", "")]),
    ("formulas are text", MISTAKES, [
        ("datasets!A5", FORMULA), ("datasets!I5", "=1+1"), ("resources!A5", FORMULA),
        ("datasets!B5", "=A1")]),
    ("the same cell again, and a cell with a formula of the file", MISTAKES, [
        ("datasets!W12", "2024-01-01"), ("datasets!I4", "a@b.ca"), ("datasets!I4", "nope"),
        ("datasets!I4", "fish.passage(at)example.gov.bc.ca")]),
    ("a clean workbook spoilt and mended", CLEAN, [
        ("datasets!B4", VRI1), ("resources!A9", "vri-forest"), ("datasets!I2", "x"),
        ("datasets!B4", "fish-passage-habitat-confirmations"), ("resources!A9", VRI2),
        ("datasets!A3", "")]),
]


def full(path: Path, layout: Layout, edits: list[Edit],
         mapping: ColumnMapping | None = None) -> CheckResult:
    return run_check(path, layout, mapping=mapping, edits=edits)


def assert_same(state: CheckState, expected: CheckResult) -> None:
    got = state.result()
    assert got.problems == expected.problems
    assert (got.errors, got.warnings, got.rows_with_errors, got.rows_checked, got.valid) == (
        expected.errors, expected.warnings, expected.rows_with_errors, expected.rows_checked,
        expected.valid)
    assert [r.values for r in got.read.datasets] == [r.values for r in expected.read.datasets]
    assert [r.values for r in got.read.resources] == [r.values for r in expected.read.resources]


def run_case(path: Path, cells: list[tuple[str, str]], tmp_path: Path,
             mapping: ColumnMapping | None = None) -> None:
    layout, _ = check_setup(None, None, None, path)
    state = CheckState.from_result(full(path, layout, [], mapping), None)
    edits: list[Edit] = []
    for n, (cell, value) in enumerate(cells):
        edit = state.edit(cell, value)
        edits.append(edit)
        if n == len(cells) // 2:  # half way: saved, loaded (as another process would)
            state.save(tmp_path / "state.pickle")
            state = CheckState.load(tmp_path / "state.pickle")
        assert state.apply(edits) == [(cell.split("!")[0], int(cell.split("!")[1][1:].lstrip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ")))]
        assert_same(state, full(path, layout, edits, mapping))
    assert state.edits == edits


@pytest.mark.parametrize("name, path, cells", CASES, ids=[c[0] for c in CASES])
def test_recheck_equals_a_full_check(name: str, path: Path, cells: list[tuple[str, str]],
                                     tmp_path: Path) -> None:
    run_case(path, cells, tmp_path)


def test_recheck_with_a_column_mapping(tmp_path: Path) -> None:
    layout, _ = check_setup(None, None, None, INVENTORY)
    mapping = parse_mapping(json.loads((SAMPLES / "inventory-columns.json").read_text()),
                            layout, "inventory-columns.json")
    run_case(INVENTORY, [("Inventory!H4", "forest.inventory@example.gov.bc.ca"),
                         ("Inventory!A11", "Groundwater wells of the Okanagan"),
                         ("Inventory!B3", "x"), ("Inventory!L16", "Publc")], tmp_path, mapping)


def test_only_the_first_orphans_get_a_suggestion_and_names_keep_them_true(
        tmp_path: Path) -> None:
    """50 orphan rows get a "did you mean"; attaching one gives it to the 51st; renaming a
    dataset changes (or takes away) the name suggested."""
    path = write_xlsx(tmp_path / "orphans.xlsx",
                      [valid_dataset(i) for i in (1, 2, 3)],
                      [valid_resource(9, name=f"R{i}") for i in range(53)])
    run_case(path, [("resources!A2", "groundwater-wells-1"), ("datasets!B2", "groundwater-wells-8"),
                    ("datasets!B3", "groundwater-wells-9"), ("datasets!B3", "groundwater-wells-2"),
                    ("resources!A3", "")], tmp_path)


def test_an_edit_names_the_value_it_replaces_and_refuses_cells_outside(tmp_path: Path) -> None:
    layout, _ = check_setup(None, None, None, MISTAKES)
    state = CheckState.from_result(run_check(MISTAKES, layout), None)
    assert state.edit(" datasets!I4 ", " a@b.ca ") == Edit(
        "datasets!I4", "fish.passage(at)example.gov.bc.ca", "a@b.ca")
    assert state.edit("datasets!A2", "") == Edit("datasets!A2", state.read.datasets[0].values[0],
                                                  None)
    with pytest.raises(EditError, match="row 99 is not a data row"):
        state.edit("datasets!A99", "x")
    with pytest.raises(EditError, match="there is no sheet 'Nope'"):
        state.edit("Nope!A2", "x")


def test_edits_that_do_not_continue_the_state_are_refused(tmp_path: Path) -> None:
    layout, _ = check_setup(None, None, None, MISTAKES)
    state = CheckState.from_result(run_check(MISTAKES, layout), None)
    first = state.edit("datasets!I4", "a@b.ca")
    assert state.apply([first]) == [("datasets", 4)]
    assert state.apply([first]) == []  # nothing new
    with pytest.raises(StateError, match="not those this check state was made with"):
        state.apply([Edit("datasets!I4", None, "other@b.ca")])


def test_a_state_of_another_version_or_no_state_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no check state"):
        CheckState.load(tmp_path / "none.pickle")
    (tmp_path / "bad.pickle").write_bytes(b"not a pickle")
    with pytest.raises(StateError, match="cannot be read"):
        CheckState.load(tmp_path / "bad.pickle")


def test_a_check_against_a_site_is_rechecked_with_the_answers_it_had(tmp_path: Path) -> None:
    """A site resolver's answers kept (no site, no token): organizations checked against
    the site's list, unknown ones reported at their cell, as the full check does."""
    from importer.map.resolve import KeptResolver, LicenceTable, bundled_licences, lenient

    resolver = KeptResolver(LicenceTable(bundled_licences()),
                            {lenient("databc"): "id-databc", lenient("BC Stats"): "id-bcstats"},
                            "https://catalogue.example.org")
    layout, _ = check_setup(None, None, None, MISTAKES)
    state = CheckState.from_result(run_check(MISTAKES, layout, resolver=resolver), resolver)
    state.save(tmp_path / "state.pickle")
    state = CheckState.load(tmp_path / "state.pickle")
    edits: list[Edit] = []
    for cell, value in (("datasets!C2", "BC Stats"), ("datasets!C3", "no-such-branch"),
                        ("datasets!J2", "nope"), ("datasets!C3", "databc")):
        edits.append(state.edit(cell, value))
        state.apply(edits)
        assert_same(state, run_check(MISTAKES, layout, resolver=resolver, edits=edits))
    found = run_check(MISTAKES, layout, resolver=resolver, edits=edits[:2]).problems
    assert [(p.cell, p.message) for p in found
            if p.code == "unknown-organization" and p.row in (2, 3)] == [
        ("C3", "There is no organization 'no-such-branch' on https://catalogue.example.org. "
               "Use the organization's name or title as shown on the site.")]


def test_a_resolver_that_asks_the_site_is_not_kept(tmp_path: Path) -> None:
    from importer.map.resolve import SiteResolver, kept_resolver
    from importer.site import Site

    site_resolver = SiteResolver(Site("http://127.0.0.1:9", None))
    assert kept_resolver(site_resolver) is None
    layout, _ = check_setup(None, None, None, CLEAN)
    state = CheckState.from_result(run_check(CLEAN, layout), site_resolver)
    with pytest.raises(StateError, match="resolver asks the site"):
        state.save(tmp_path / "state.pickle")
    assert not (tmp_path / "state.pickle").exists()
