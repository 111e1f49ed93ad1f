"""Reverse mapping: stored package -> row values, table-driven, exact cells and leftovers."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from importer.map.reverse import (
    Leftover,
    Lookups,
    Reason,
    required_counts,
    reverse_package,
    reverse_resource,
)
from importer.schema import build_layout, load_bundled

DATA = Path(__file__).parent / "data"
ORG_A = "0a6d7b2e-1111-4c8d-9e0f-aaaaaaaaaaaa"
ORG_B = "0b000000-2222-4c8d-9e0f-bbbbbbbbbbbb"
LOOKUPS = Lookups(
    licence_titles={"2": "Open Government Licence - British Columbia", "22": "Access Only"},
    org_names={ORG_A: "roads-branch", ORG_B: "data-office"},
)


@pytest.fixture(scope="module")
def schema():
    return load_bundled()


@pytest.fixture(scope="module")
def pkg() -> dict[str, Any]:
    return json.loads((DATA / "package_show.json").read_text())


@pytest.fixture(scope="module")
def layout(schema, pkg):
    return build_layout(schema, counts=required_counts([pkg], schema), include_ids=True)


def test_sample_package_row_is_exact(pkg, layout) -> None:
    row = reverse_package(pkg, layout, LOOKUPS)
    filled = {k: v for k, v in row.values.items() if v is not None}
    assert filled == {
        "title": "Roads Inventory",
        "name": "roads-inventory",
        "owner_org": "roads-branch",
        "publish_state": "PUBLISHED",
        "notes": "All provincial roads.\n\nUpdated **monthly**.",
        "license_id": "Open Government Licence - British Columbia",
        "contacts_1_name": "Roads Inbox",
        "contacts_1_email": "roads@gov.bc.ca",
        "contacts_1_org": "roads-branch",
        "contacts_1_role": "pointOfContact",
        "contacts_1_displayed": "Yes",
        "contacts_2_name": "Ann Lee",
        "contacts_2_email": "ann.lee@gov.bc.ca",
        "contacts_2_org": "data-office",
        "contacts_2_role": "dataSteward",
        "contacts_2_displayed": "No",
        "purpose": "Planning.",
        "more_info_1_description": "Program page",
        "more_info_1_url": "https://www2.gov.bc.ca/roads",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Government",
        "metadata_visibility": "Public",
        "tag_string": "roads, mental health",
        "dates_1_type": "Created",
        "dates_1_date": dt.date(2024, 5, 1),
        "resource_status": "onGoing",
        "id": "9f0c3a52-0b1e-4d4e-9a57-2f6f1b3c1a01",
    }
    assert row.leftovers == []
    # every column of the layout is present (blank = None), nothing else
    assert list(row.values) == [c.header for c in layout.dataset_columns]


def test_sample_resources_rows_are_exact(pkg, layout) -> None:
    first, second = (reverse_resource(r, "roads-inventory", layout, LOOKUPS)
                     for r in pkg["resources"])
    assert {k: v for k, v in first.values.items() if v is not None} == {
        "dataset_name": "roads-inventory",
        "name": "Download CSV",
        "url": "https://example.gov.bc.ca/roads.csv",
        "bcdc_type": "document",
        "resource_update_cycle": "monthly",
        "temporal_extent_1_beginning_date": dt.date(2020, 1, 1),
        "temporal_extent_1_end_date": dt.date(2023, 12, 31),
        "format": "csv",
        "resource_storage_location": "web or ftp site",
        "resource_type": "data",
        "resource_access_method": "direct access",
        "id": "r1000000-0000-4000-8000-000000000001",
    }
    values = second.values
    assert values["iso_topic_category"] == "transportation, boundaries"
    assert values["json_table_schema"] == '{"fields": [{"name": "id", "type": "integer"}]}'
    assert [values[f"details_{i}_column_name"] for i in (1, 2, 3)] == ["ID", "NAME", "CLASS"]
    assert values["details_3_short_name"] == "CLS"
    assert values["details_2_short_name"] is None
    assert values["geographic_extent_1_east_bound_longitude"] == "-113.5"
    assert values["preview_info_1_preview_zoom_level"] == "10"
    assert first.leftovers == [] and second.leftovers == []


def test_required_counts_widen_to_the_longest_list_but_not_below_the_template(
    schema, pkg
) -> None:
    assert required_counts([pkg], schema) == {
        "contacts": 3, "more_info": 2, "dates": 2, "resources.details": 3,
    }
    many = copy.deepcopy(pkg)
    many["contacts"] = [pkg["contacts"][0]] * 5
    assert required_counts([pkg, many], schema)["contacts"] == 5
    assert required_counts([], schema)["resources.details"] == 2


def _changed(pkg: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(pkg)
    target = out
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is _DROP:
        del target[key]
    else:
        target[key] = value
    return out


_DROP = object()


@pytest.mark.parametrize(
    ("path", "value", "cells", "leftover"),
    [
        # written in the form a person edits
        ("license_id", "22", {"license_id": "Access Only"}, None),
        ("owner_org", "unknown-org-id", {"owner_org": "unknown-org-id"}, None),
        ("contacts.0.displayed", [], {"contacts_1_displayed": "No"}, None),
        ("contacts.0.displayed", _DROP, {"contacts_1_displayed": None}, None),
        ("tags", [], {"tag_string": None}, None),
        ("retention_expiry_date", "2030-01-31", {"retention_expiry_date": dt.date(2030, 1, 31)},
         None),
        ("support_url", None, {"support_url": None}, None),
        # what no cell can hold exactly: blank, reported, kept
        ("license_id", "99", {"license_id": None},
         Leftover(Reason.UNKNOWN_LICENCE, "license_id", "99",
                  "licence id '99' is not in the site's licence list")),
        ("security_class", "SECRET", {"security_class": None},
         Leftover(Reason.NOT_A_CHOICE, "security_class", "SECRET",
                  "'SECRET' is not one of this field's choices")),
        ("retention_expiry_date", "next year", {"retention_expiry_date": None},
         Leftover(Reason.NOT_A_DATE, "retention_expiry_date", "next year",
                  "'next year' is not a YYYY-MM-DD date")),
        ("title", " Roads ", {"title": " Roads "}, None),  # the reader trims; compared trimmed
        ("contacts.1.role", "owner", {"contacts_1_name": None, "contacts_2_role": None},
         Leftover(Reason.NOT_A_CHOICE, "contacts[2].role", "owner",
                  "'owner' is not one of this field's choices")),
        ("contacts.0.displayed", "Display", {"contacts_1_displayed": None},
         Leftover(Reason.BAD_SHAPE, "contacts[1].displayed", "Display",
                  'the stored value is neither ["displayed"] nor []')),
        ("contacts.0.private", "Display", {"contacts_1_name": None},
         Leftover(Reason.UNKNOWN_SUBKEY, "contacts[1].private", "Display",
                  "entry 1 holds private, which the schema does not define")),
        ("dates.0", {"type": "", "date": None}, {"dates_1_type": None, "dates_1_date": None},
         None),  # an empty entry is absent on both sides
        ("dates", "[{}]", {"dates_1_type": None},
         Leftover(Reason.BAD_SHAPE, "dates", "[{}]", "the stored value is not a list of entries")),
        ("tags", [{"name": "a,b"}], {"tag_string": None},
         Leftover(Reason.BAD_SHAPE, "tag_string", ["a,b"],
                  "'a,b' holds a comma, which separates items here")),
        ("purpose", "x" * 32768, {"purpose": None},
         Leftover(Reason.TOO_LONG, "purpose", "x" * 32768,
                  "the text has 32768 characters; a cell holds 32767")),
        ("purpose", "x" * 32767, {"purpose": "x" * 32767}, None),
        ("notes", "Pasted\x0bfrom Word", {"notes": None},
         Leftover(Reason.CONTROL_CHARACTER, "notes", "Pasted\x0bfrom Word",
                  "the text holds U+000B, which a workbook cannot store")),
        ("contacts.1.name", "Ann\x01", {"contacts_1_name": None, "contacts_2_name": None},
         Leftover(Reason.CONTROL_CHARACTER, "contacts[2].name", "Ann\x01",
                  "the text holds U+0001, which a workbook cannot store")),
        ("notes", "Tabs\tand\nnewlines\r\nare fine", {"notes": "Tabs\tand\nnewlines\r\nare fine"},
         None),
        ("author", "Someone", {},
         Leftover(Reason.UNKNOWN_KEY, "author", "Someone",
                  "'author' is not a field of the schema")),
        ("extras", [{"key": "legacy_code", "value": "X1"}], {},
         Leftover(Reason.UNKNOWN_KEY, "legacy_code", "X1",
                  "the extra 'legacy_code' is not a field of the schema")),
    ],
)
def test_dataset_values(pkg, layout, path, value, cells, leftover) -> None:
    row = reverse_package(_changed(pkg, path, value), layout, LOOKUPS)
    assert {k: row.values[k] for k in cells} == cells
    assert row.leftovers == ([leftover] if leftover else [])


@pytest.mark.parametrize(
    ("path", "value", "cells", "leftover"),
    [
        ("1.iso_topic_category", '["biota"]', {"iso_topic_category": "biota"}, None),
        ("1.iso_topic_category", ["biota", "roads"], {"iso_topic_category": None},
         Leftover(Reason.NOT_A_CHOICE, "iso_topic_category", ["biota", "roads"],
                  "'roads' is not one of this field's choices")),
        ("1.projection_name", "epsg26710,", {"projection_name": None},
         Leftover(Reason.NOT_A_CHOICE, "projection_name", "epsg26710,",
                  "'epsg26710,' is the schema's old spelling of 'epsg26710', which import "
                  "would send")),
        ("1.json_table_schema", [1, 2], {"json_table_schema": None},
         Leftover(Reason.NOT_JSON_OBJECT, "json_table_schema", [1, 2],
                  "the stored value is not a JSON object")),
        ("1.json_table_schema", {}, {"json_table_schema": None}, None),
        ("0.temporal_extent", [{"beginning_date": "2020-01-01"}, {"end_date": "2021-01-01"}],
         {"temporal_extent_1_beginning_date": None},
         Leftover(Reason.TOO_MANY_ENTRIES, "temporal_extent",
                  [{"beginning_date": "2020-01-01"}, {"end_date": "2021-01-01"}],
                  "2 entries are stored; the file has room for 1")),
        ("0.pipeline_id", "abc", {},
         Leftover(Reason.UNKNOWN_KEY, "pipeline_id", "abc",
                  "'pipeline_id' is not a field of the schema")),
    ],
)
def test_resource_values(pkg, layout, path, value, cells, leftover) -> None:
    index, rest = path.split(".", 1)
    changed = _changed(pkg, f"resources.{index}.{rest}", value)["resources"][int(index)]
    row = reverse_resource(changed, "roads-inventory", layout, LOOKUPS)
    assert {k: row.values[k] for k in cells} == cells
    assert row.leftovers == ([leftover] if leftover else [])
