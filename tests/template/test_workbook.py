"""The generated template, read back with openpyxl: sheets, headers, drop-downs, comments,
styles, dates, meta marker, the example row, and the export helpers."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from importer import __version__
from importer.errors import OutputError
from importer.schema import build_layout, load_bundled
from importer.schema.columns import Role, Scope
from importer.schema.model import FieldKind
from importer.template import (
    ChoiceLists,
    Organization,
    append_rows,
    build_workbook,
    read_meta,
    save,
)
from tests.template.conftest import CREATED, write_and_read
from tests.template.helpers import (
    expected_list,
    list_validation_at,
    range_values,
    validations_at,
)

_LAYOUT = build_layout(load_bundled())
DATASET_HEADERS = [c.header for c in _LAYOUT.dataset_columns]
RESOURCE_HEADERS = [c.header for c in _LAYOUT.resource_columns]
ALL_COLUMNS = [("datasets", c) for c in _LAYOUT.dataset_columns] + [
    ("resources", c) for c in _LAYOUT.resource_columns
]
COLUMN_IDS = [f"{sheet}.{c.header}" for sheet, c in ALL_COLUMNS]


def _coordinate(ws, header: str, row: int = 2) -> str:
    headers = [cell.value for cell in ws[1]]
    return f"{get_column_letter(headers.index(header) + 1)}{row}"


def test_sheets_order_and_visibility(blank) -> None:
    assert blank.sheetnames == ["datasets", "resources", "instructions", "lists", "meta"]
    states = {ws.title: ws.sheet_state for ws in blank.worksheets}
    assert states == {"datasets": "visible", "resources": "visible", "instructions": "visible",
                      "lists": "hidden", "meta": "hidden"}
    assert blank.active.title == "datasets"


@pytest.mark.parametrize(("sheet", "headers"), [("datasets", DATASET_HEADERS),
                                                ("resources", RESOURCE_HEADERS)])
def test_row_one_is_exactly_the_layout_headers(blank, sheet, headers) -> None:
    ws = blank[sheet]
    assert [cell.value for cell in ws[1]] == headers
    assert ws.max_row == 1  # a blank template has no data rows
    assert ws.freeze_panes == "B2"


def test_resources_sheet_starts_with_dataset_name(blank) -> None:
    assert blank["resources"]["A1"].value == "dataset_name"


@pytest.mark.parametrize(("sheet", "column"), ALL_COLUMNS, ids=COLUMN_IDS)
def test_every_choice_column_has_a_dropdown_identical_to_the_schema(
    blank, bundled_license_titles, sheet, column
) -> None:
    ws = blank[sheet]
    expected = expected_list(column, bundled_license_titles, orgs=None)
    for row in (2, 1048576):  # the first and the last data row
        dv = list_validation_at(ws, _coordinate(ws, column.header, row))
        if expected is None:
            assert dv is None
            continue
        assert dv is not None
        assert range_values(blank, dv.formula1) == expected
        strict = column.marked_required and column.header != "iso_topic_category"
        assert dv.errorStyle == ("stop" if strict else "warning")
    assert list_validation_at(ws, _coordinate(ws, column.header, 1)) is None  # not the header


@pytest.mark.parametrize(
    ("sheet", "header", "values"),
    [
        ("datasets", "publish_state",
         ["DRAFT", "PENDING PUBLISH", "PUBLISHED", "PENDING ARCHIVE", "ARCHIVED"]),
        ("datasets", "contacts_3_role",
         ["pointOfContact", "businessExpert", "dataManager", "dataSteward", "custodian",
          "AccessApprover", "distributor"]),
        ("datasets", "contacts_2_displayed", ["Yes", "No"]),
        ("datasets", "security_class", ["PUBLIC", "PROTECTED A", "PROTECTED B", "PROTECTED C"]),
        ("datasets", "metadata_visibility", ["Public", "IDIR"]),
        ("datasets", "dates_2_type", ["Created", "Published", "Modified", "Archived",
                                      "Destroyed"]),
        ("resources", "bcdc_type", ["document", "geographic", "webservice", "application"]),
        ("resources", "resource_type", ["abstraction", "data", "reports", "na"]),
    ],
)
def test_dropdown_values_match_fields_md(blank, sheet, header, values) -> None:
    ws = blank[sheet]
    dv = list_validation_at(ws, _coordinate(ws, header))
    assert range_values(blank, dv.formula1) == values


def test_long_lists_are_ranges_not_inline(blank) -> None:
    ws = blank["resources"]
    formats = range_values(blank, list_validation_at(ws, _coordinate(ws, "format")).formula1)
    assert len(formats) == 29 and "oracle_sde" in formats
    ds = blank["datasets"]
    titles = range_values(blank, list_validation_at(ds, _coordinate(ds, "license_id")).formula1)
    assert len(",".join(titles)) > 255  # too long for an inline list
    projections = range_values(
        blank, list_validation_at(ws, _coordinate(ws, "projection_name")).formula1
    )
    assert "epsg26710" in projections and "epsg26710," not in projections


def test_licences_are_titles_and_organizations_free_text_offline(
    blank, bundled_license_titles
) -> None:
    ws = blank["datasets"]
    dv = list_validation_at(ws, _coordinate(ws, "license_id"))
    assert range_values(blank, dv.formula1)[0] == "Open Government Licence - British Columbia"
    assert len(bundled_license_titles) == 17
    for header in ("owner_org", "contacts_1_org", "contacts_3_org"):
        assert validations_at(ws, _coordinate(ws, header)) == []


@pytest.mark.parametrize(
    ("sheet", "header"),
    [("datasets", "dates_1_date"), ("datasets", "dates_2_date"),
     ("datasets", "retention_expiry_date"),
     ("resources", "temporal_extent_1_beginning_date"),
     ("resources", "temporal_extent_1_end_date")],
)
def test_date_columns_have_date_format_and_date_check(blank, sheet, header) -> None:
    ws = blank[sheet]
    coordinate = _coordinate(ws, header)
    assert ws.column_dimensions[coordinate.rstrip("0123456789")].number_format == "yyyy-mm-dd"
    (dv,) = validations_at(ws, coordinate)
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("date", "between", "1",
                                                                  "2958465")
    assert dv.errorStyle == "warning"  # <clear> stays possible


@pytest.mark.parametrize(("sheet", "column"), ALL_COLUMNS, ids=COLUMN_IDS)
def test_header_comment_and_style(blank, sheet, column) -> None:
    cell = blank[sheet][_coordinate(blank[sheet], column.header, 1)]
    text = cell.comment.text
    assert text.startswith(f"{column.label} ({column.header})\n")
    fill = cell.fill.fgColor.rgb[-6:]
    if column.marked_required:
        assert "\nREQUIRED\n" in text
        assert (fill, cell.number_format) == ("F4B183", '@" *"')
        assert cell.font.bold and cell.font.color.rgb[-6:] == "9C0006"
    else:
        assert "\nREQUIRED\n" not in text
        assert fill in ("FFE699", "DDEBF7")
        assert cell.number_format == ('@" (*)"' if fill == "FFE699" else "@")
    assert cell.value == column.header  # the marker is display only


@pytest.mark.parametrize(
    ("sheet", "header", "fragments"),
    [
        ("datasets", "replacement_record",
         ["REQUIRED WHEN RESOURCE_STATUS IS OBSOLETE", "Format: Text"]),
        ("datasets", "contacts_2_email",
         ["REQUIRED WHEN ANY OTHER CONTACT 2 COLUMN IS FILLED"]),
        ("datasets", "security_class",
         ["Allowed: PUBLIC (Public); PROTECTED A (Protected-A)", "Format: One value from"]),
        ("datasets", "contacts_1_displayed", ["Format: Yes or No", "Allowed: Yes; No"]),
        ("datasets", "owner_org", ["Format: The organization's URL name"]),
        ("datasets", "tag_string", ["Keywords separated by commas"]),
        ("resources", "iso_topic_category",
         ["REQUIRED WHEN BCDC_TYPE IS GEOGRAPHIC", "separated by commas",
          "utilitiesCommuncation (Utilities Communication)"]),
        ("resources", "dataset_name", ["REQUIRED", "name column"]),
        ("resources", "temporal_extent_1_end_date", ["Format: A date: YYYY-MM-DD"]),
        ("datasets", "contacts_1_email",
         ["Format: An e-mail address\n", "Contact email or generic inbox"]),
        ("datasets", "name", ["Format: 2-100 characters: lower-case letters a-z, digits, - and _,"
                              " e.g. a-unique-descriptive-title\n"]),
        ("datasets", "title", ["A unique descriptive title. Limited to 100 characters.",
                               "Format: Text\n"]),
        ("datasets", "more_info_2_url",
         ["Format: A web address (https://...), e.g. https://www2.gov.bc.ca/gov/content/home"]),
    ],
)
def test_comment_content(blank, sheet, header, fragments) -> None:
    text = blank[sheet][_coordinate(blank[sheet], header, 1)].comment.text
    for fragment in fragments:
        assert fragment in text


def test_widths_fit_headers(blank) -> None:
    for sheet in ("datasets", "resources"):
        ws = blank[sheet]
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            assert len(cell.value) + 3 <= width <= max(len(cell.value) + 8, 26)


def test_meta_marker(blank, schema, layout) -> None:
    assert read_meta(blank) == {
        "tool": "bcdc-importer",
        "tool_version": __version__,
        "schema_type": "bcdc_dataset",
        "schema_digest": schema.digest,
        "schema_source": "bundled:bcdc_dataset.yaml",
        "layout": json.dumps(dict(layout.counts), sort_keys=True),
        "created": CREATED.isoformat(),
        "header_rows": "1",
    }
    assert json.loads(read_meta(blank)["layout"])["contacts"] == 3


def test_instructions_has_one_line_per_column(blank, layout) -> None:
    ws = blank["instructions"]
    rows = list(ws.iter_rows(values_only=True))
    start = rows.index(("Sheet", "Column", "Label", "Required", "Allowed values or format",
                        "Example", "Help"))
    table = rows[start + 1:]
    expected = [("datasets", c.header, c.label) for c in layout.dataset_columns] + [
        ("resources", c.header, c.label) for c in layout.resource_columns
    ]
    assert [r[:3] for r in table] == expected
    assert all(r[3] and r[4] for r in table)  # requirement and format on every line
    by_header = {r[1]: r for r in table if r[0] == "datasets"}
    assert by_header["publish_state"][3:6] == (
        "Required",
        "One value from the drop-down: DRAFT (Draft); PENDING PUBLISH (Pending Publish); "
        "PUBLISHED (Published); PENDING ARCHIVE (Pending Archive); ARCHIVED (Archived)",
        "DRAFT",
    )
    rules = " ".join(str(r[1]) for r in rows[1:start] if r and r[1])
    for fragment in ("<clear>", "contacts_1_* to contacts_3_*", "displayed = Yes",
                     "dataset_name", "publish_state = DRAFT"):
        assert fragment in rules


def test_more_contacts_widen_the_layout(tmp_path, schema, bundled_license_titles) -> None:
    layout = build_layout(schema, counts={"contacts": 5})
    wb = write_and_read(tmp_path, layout, ChoiceLists.offline())
    ws = wb["datasets"]
    headers = [c.value for c in ws[1]]
    assert [h for h in headers if h.endswith("_role")] == [f"contacts_{i}_role"
                                                            for i in range(1, 6)]
    assert "contacts_6_name" not in headers
    for i in range(1, 6):
        dv = list_validation_at(ws, _coordinate(ws, f"contacts_{i}_role"))
        assert range_values(wb, dv.formula1)[0] == "pointOfContact"
    assert json.loads(read_meta(wb)["layout"])["contacts"] == 5


def test_site_lists_give_organization_dropdowns(tmp_path, layout) -> None:
    lists = ChoiceLists.offline()
    lists = ChoiceLists(lists.licenses, (Organization("b-org", "B"), Organization("a-org", "A")))
    wb = write_and_read(tmp_path, layout, lists)
    ws = wb["datasets"]
    for header in ("owner_org", "contacts_1_org", "contacts_2_org"):
        dv = list_validation_at(ws, _coordinate(ws, header))
        assert range_values(wb, dv.formula1) == ["b-org", "a-org"]


# --- the example row ---------------------------------------------------------------------


def _rows(wb, sheet):
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, row, strict=True))
            for row in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(("sheet", "column"), ALL_COLUMNS, ids=COLUMN_IDS)
def test_example_row_is_valid_for_each_column(example, bundled_license_titles, sheet,
                                              column) -> None:
    (row,) = _rows(example, sheet)
    value = row[column.header]
    f = column.value_field
    if column.marked_required:
        assert value not in (None, "")
    if value is None:
        return
    allowed = expected_list(column, bundled_license_titles, orgs=None)
    if allowed is not None:
        assert value in allowed
    if f is not None and f.kind is FieldKind.DATE:
        assert isinstance(value, datetime)  # openpyxl reads date cells back as datetimes
    if column.role is Role.FIELD and f is not None and f.condition is not None:
        pytest.fail(f"conditional column {column.header} filled in the example")


def test_example_rows_hang_together(example) -> None:
    (dataset,) = _rows(example, "datasets")
    (resource,) = _rows(example, "resources")
    assert resource["dataset_name"] == dataset["name"] == "example-dataset-title"
    assert dataset["publish_state"] == "DRAFT"
    assert dataset["owner_org"] == dataset["contacts_1_org"] == "databc"
    assert dataset["contacts_1_displayed"] == "Yes"
    assert (dataset["dates_1_type"], dataset["dates_1_date"]) == ("Created",
                                                                   datetime(2024, 5, 1))
    assert dataset["contacts_2_name"] is None and dataset["dates_2_date"] is None
    assert resource["temporal_extent_1_beginning_date"] == datetime(2020, 1, 1)
    assert example["datasets"]["A2"].number_format == "General"
    coordinate = _coordinate(example["datasets"], "dates_1_date")
    assert example["datasets"][coordinate].number_format == "yyyy-mm-dd"


# --- export helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_append_rows_never_writes_formulas(tmp_path, layout, text) -> None:
    wb = build_workbook(layout, ChoiceLists.offline(), created=CREATED)
    written = append_rows(wb, layout, Scope.DATASET, [{"title": text, "name": "a"},
                                                      {"title": "plain"}])
    assert written == 2
    save(wb, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["datasets"]
    assert (ws["A2"].value, ws["A2"].data_type) == (text, "s")
    assert (ws["A3"].value, ws["B3"].value) == ("plain", None)


def test_append_rows_writes_dates_and_rejects_unknown_headers(layout) -> None:
    wb = build_workbook(layout, ChoiceLists.offline(), created=CREATED)
    append_rows(wb, layout, Scope.RESOURCE, [{"dataset_name": "x",
                                              "temporal_extent_1_end_date": date(2023, 12, 31)}])
    ws = wb["resources"]
    cell = ws[_coordinate(ws, "temporal_extent_1_end_date")]
    assert (cell.value, cell.number_format) == (date(2023, 12, 31), "yyyy-mm-dd")
    with pytest.raises(KeyError, match="no column nope on the resources sheet"):
        append_rows(wb, layout, Scope.RESOURCE, [{"nope": 1}])


def test_save_refuses_to_overwrite_without_force(tmp_path, layout) -> None:
    wb = build_workbook(layout, ChoiceLists.offline(), created=CREATED)
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        save(wb, path)
    assert path.read_bytes() == b"keep me"
    save(wb, path, force=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "datasets"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # no temporary file left


def test_save_into_a_missing_directory_is_an_output_error(tmp_path, layout) -> None:
    wb = build_workbook(layout, ChoiceLists.offline(), created=CREATED)
    with pytest.raises(OutputError, match=r"cannot write .*: No such file or directory"):
        save(wb, tmp_path / "missing" / "t.xlsx")


def test_export_layout_with_ids_and_wider_entries(tmp_path, schema) -> None:
    layout = build_layout(schema, counts={"contacts": 4, "resources.details": 3},
                          include_ids=True)
    wb = build_workbook(layout, ChoiceLists.offline(), created=CREATED)
    append_rows(wb, layout, Scope.DATASET, [{"title": "A", "name": "a", "id": "uuid-1",
                                             "contacts_4_role": "custodian"}])
    save(wb, tmp_path / "e.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "e.xlsx")
    ws = wb["datasets"]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "id"
    id_cell = ws.cell(1, len(headers))
    assert id_cell.fill.fgColor.rgb[-6:] == "D9D9D9"
    assert "FILLED BY EXPORT" in id_cell.comment.text
    assert validations_at(ws, f"{id_cell.column_letter}2") == []
    assert ws.cell(2, len(headers)).value == "uuid-1"
    role = list_validation_at(ws, _coordinate(ws, "contacts_4_role"))
    assert range_values(wb, role.formula1)[4] == "custodian"
    assert "details_3_column_name" in [c.value for c in wb["resources"][1]]
    assert json.loads(read_meta(wb)["layout"])["resources.details"] == 3
