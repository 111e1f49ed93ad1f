"""export_records against an in-memory site: the workbook, the widened layout, the notes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from importer.errors import OutputError
from importer.export.fetch import Selection
from importer.export.run import export_records, site_schema
from importer.export.write import NOTE_HEADERS, NOTES_SHEET
from importer.schema import load_bundled
from importer.schema.load import BUNDLED_EXPANDED, data_path
from importer.site import ActionFailed
from importer.template.lists import ChoiceLists
from tests.export.fakesite import FakeSite, make_packages

ORG = {"id": "0a6d7b2e-1111-4c8d-9e0f-aaaaaaaaaaaa", "name": "roads-branch",
       "title": "Roads Branch"}
OTHER = {"id": "0b000000-2222-4c8d-9e0f-bbbbbbbbbbbb", "name": "data-office",
         "title": "Data Office"}
CREATED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def schema():
    return load_bundled()


@pytest.fixture
def site() -> FakeSite:
    packages = make_packages(3, ORG["id"])
    packages[1]["contacts"] = packages[1]["contacts"] * 3  # 6 contacts: widens to 6
    packages[2]["security_class"] = "SECRET"  # no longer a choice
    packages[2]["title"] = "=HYPERLINK(\"http://x\")"
    return FakeSite(packages, [ORG, OTHER])


def _export(site, schema, tmp_path: Path, **kw):
    out = tmp_path / "export.xlsx"
    result = export_records(site, Selection(orgs=("roads-branch",)), out, schema,
                            ChoiceLists.from_site(site), clock=lambda: CREATED, **kw)
    return result, openpyxl.load_workbook(out)


def _rows(ws) -> list[dict[str, object]]:
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, [c.value for c in row], strict=True))
            for row in ws.iter_rows(min_row=2)]


def test_rows_ids_and_form_a_person_edits(site, schema, tmp_path) -> None:
    result, wb = _export(site, schema, tmp_path)
    assert (result.datasets, result.resources) == (3, 6)
    datasets = _rows(wb["datasets"])
    assert [r["name"] for r in datasets] == ["dataset-0000", "dataset-0001", "dataset-0002"]
    first = datasets[0]
    assert first["id"] == "00000000-0000-0000-0000-000000000001"
    assert first["owner_org"] == "roads-branch"
    assert first["license_id"] == "Open Government Licence - British Columbia"
    assert first["contacts_1_displayed"] == "Yes"
    assert first["contacts_2_org"] == "data-office"
    assert first["dates_1_date"] == dt.datetime(2024, 5, 1)  # a real date cell
    assert wb["datasets"]["A2"].data_type == "s"
    resources = _rows(wb["resources"])
    assert [(r["dataset_name"], r["name"]) for r in resources[:2]] == [
        ("dataset-0000", "Download CSV"), ("dataset-0000", "Roads (BCGW)")]
    assert resources[1]["details_3_short_name"] == "CLS"
    assert resources[1]["id"] == "00000000-0000-0000-0000-0000000003e9"


def test_layout_widens_and_drop_downs_follow(site, schema, tmp_path) -> None:
    _, wb = _export(site, schema, tmp_path)
    headers = [c.value for c in wb["datasets"][1]]
    assert "contacts_6_role" in headers and "contacts_7_role" not in headers
    meta = {r[0].value: r[1].value for r in wb["meta"].iter_rows()}
    assert json.loads(meta["layout"])["contacts"] == 6
    assert json.loads(meta["layout"])["resources.details"] == 3
    letter = openpyxl.utils.get_column_letter(headers.index("contacts_6_role") + 1)
    starts = {
        str(rng).split(":")[0]
        for dv in wb["datasets"].data_validations.dataValidation
        for rng in dv.sqref.ranges
    }
    assert f"{letter}2" in starts


def test_formula_text_is_stored_as_text(site, schema, tmp_path) -> None:
    _, wb = _export(site, schema, tmp_path)
    cell = wb["datasets"]["A4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_notes_sheet_and_blank_cell_for_a_value_no_longer_a_choice(
    site, schema, tmp_path
) -> None:
    result, wb = _export(site, schema, tmp_path)
    datasets = _rows(wb["datasets"])
    assert datasets[2]["security_class"] is None
    ws = wb[NOTES_SHEET]
    assert tuple(c.value for c in ws[1]) == NOTE_HEADERS
    headers = [c.value for c in wb["datasets"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("security_class") + 1)
    assert [c.value for c in ws[2]] == [
        "dataset-0002", None, "datasets", f"{letter}4", "security_class", "not-a-choice",
        "SECRET",
        "'SECRET' is not one of this field's choices. Left blank in this file, so "
        "importing it keeps the stored value.",
    ]
    assert ws.max_row == 2
    assert [n.line() for n in result.notes] == [
        f"dataset-0002: datasets!{letter}4 security_class: " + ws["H2"].value
    ]


def test_nothing_matched_writes_no_file(site, schema, tmp_path) -> None:
    out = tmp_path / "none.xlsx"
    result = export_records(site, Selection(query="no such thing"), out, schema,
                            ChoiceLists.from_site(site))
    assert (result.path, result.datasets, out.exists()) == (None, 0, False)


def test_existing_output_refused_before_any_request(site, schema, tmp_path) -> None:
    out = tmp_path / "export.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists \\(use --force to replace it\\)"):
        export_records(site, Selection(orgs=("roads-branch",)), out, schema,
                       ChoiceLists(licenses=()))
    assert site.calls == [] and out.read_bytes() == b"keep me"


def test_names_of_another_type_are_noted_not_exported(site, schema, tmp_path) -> None:
    site.packages[0]["type"] = "dataset"
    out = tmp_path / "names.xlsx"
    result = export_records(
        site, Selection(names=("dataset-0000", "dataset-0001", "gone")), out, schema,
        ChoiceLists.from_site(site))
    assert (result.datasets, result.not_exported) == (1, ["gone", "dataset-0000"])
    assert [(n.record, n.problem.code, n.problem.message) for n in result.notes] == [
        ("gone", "not-found",
         "No record by this name on the site, or this token cannot read it."),
        ("dataset-0000", "other-type",
         "This record is of type 'dataset', not 'bcdc_dataset': not exported."),
    ]


def test_the_file_checks_clean_what_check_refuses_is_withheld(site, schema, tmp_path) -> None:
    pkg = site.packages[0]
    geo = pkg["resources"][1]
    del geo["projection_name"]  # the API never enforces it (FIELDS.md §1.8)
    del geo["spatial_datatype"]
    pkg["contacts"][1]["email"] = "ann at gov"  # the server does not check e-mails
    out = tmp_path / "export.xlsx"
    result = export_records(site, Selection(orgs=("roads-branch",)), out, schema,
                            ChoiceLists.from_site(site))
    from importer.check import run_check
    assert [p for p in run_check(out, result.layout).problems
            if p.severity == "error"] == []
    datasets, resources = _rows(openpyxl.load_workbook(out)["datasets"]), _rows(
        openpyxl.load_workbook(out)["resources"])
    assert datasets[0]["contacts_1_name"] is None and datasets[0]["title"] == "Dataset 0"
    assert resources[1]["bcdc_type"] is None and resources[1]["format"] == "wms"
    notes = {(n.record, n.resource, n.problem.cell, n.problem.field): n.problem.message
             for n in result.notes if n.problem.code == "check-refuses"}
    headers = [c.value for c in openpyxl.load_workbook(out)["resources"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("bcdc_type") + 1)
    assert notes[("dataset-0000", "Roads (BCGW)", f"{letter}3", "bcdc_type")] == (
        "Left blank because Spatial Datatype is blank here, and check requires it when Type "
        "is 'geographic'. Left blank in this file, so importing it keeps the stored value.")
    contact_note = notes[("dataset-0000", None, "H2", "contacts")]
    assert contact_note.startswith("Check would refuse the stored value: ")
    assert "ann at gov" in contact_note


def test_settle_notes_an_error_no_blank_cell_can_avoid(schema) -> None:
    from importer.export.settle import Sheets, Source, settle
    from importer.problems import Problem, Severity
    from importer.schema import build_layout

    layout = build_layout(schema, include_ids=True)
    sheets = Sheets(datasets=[{"title": "T", "name": "n"}],
                    dataset_sources=[Source("n", None, {"title": "T", "name": "n"})])
    row_error = Problem("duplicate-record", "Rows 2, 3 all refer to the same record.",
                        Severity.ERROR, "datasets", 2)
    field_error = Problem("bad-length", "Title must be 2 to 100 characters long.",
                          Severity.ERROR, "datasets", 2, "A", "title", "title", "T")
    answers = [[field_error, row_error], [row_error]]
    writes: list[int] = []
    passes = settle(sheets, layout, lambda: writes.append(1), lambda: answers.pop(0),
                    first_row=2)
    assert (passes, len(writes)) == (2, 3)
    assert sheets.datasets[0] == {"title": None, "name": "n"}
    assert [(n.problem.code, n.problem.field, n.problem.severity, n.problem.message)
            for n in sheets.notes] == [
        ("check-refuses", "title", Severity.WARNING,
         "Check would refuse the stored value: Title must be 2 to 100 characters long. "
         "Left blank in this file, so importing it keeps the stored value."),
        ("check-error", None, Severity.ERROR,
         "Check reports: Rows 2, 3 all refer to the same record."),
    ]


class _SchemaSite:
    """A site whose ``scheming_dataset_schema_show`` answers ``answer`` (or raises it)."""

    def __init__(self, answer: object) -> None:
        self.answer = answer

    def call(self, action: str, **data: object) -> object:
        if action == "scheming_dataset_schema_list":
            if isinstance(self.answer, Exception):
                raise ActionFailed(action, "Action name not known")
            return ["bcdc_dataset"]
        assert (action, data) == ("scheming_dataset_schema_show",
                                  {"type": "bcdc_dataset", "expanded": True})
        if isinstance(answer := self.answer, Exception):
            raise answer
        return answer


def test_site_schema_is_the_sites_own_when_published() -> None:
    raw = json.loads(data_path(BUNDLED_EXPANDED).read_text())
    raw["dataset_fields"] = [f for f in raw["dataset_fields"] if f["field_name"] != "purpose"]
    schema, note = site_schema(_SchemaSite(raw), None, "https://cat.example")
    assert (schema.source, note) == ("https://cat.example", None)
    assert "purpose" not in {f.name for f in schema.dataset_fields}


def test_site_schema_falls_back_to_the_bundled_one_with_a_note() -> None:
    site = _SchemaSite(ActionFailed("scheming_dataset_schema_show", "Action name not known"))
    schema, note = site_schema(site, "bcdc_dataset", "https://old.example")
    assert (schema.source, note) == (
        "bundled:bcdc_dataset.yaml",
        "https://old.example does not publish its schema; using the bundled bcdc_dataset "
        "schema.")
