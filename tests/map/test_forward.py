"""Rows -> packages in the API's shape, each value keeping its cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from importer.map.forward import MapResult, map_rows
from importer.map.resolve import OfflineResolver, SiteResolver, lenient
from importer.read import read_workbook
from importer.site import NotFound
from tests.workbooks import LAYOUT, valid_dataset, valid_resource, write_xlsx


def _map(tmp_path: Path, datasets, resources=None, resolver=None) -> MapResult:
    path = write_xlsx(tmp_path / "w.xlsx", datasets, resources)
    read = read_workbook(path, LAYOUT)
    return map_rows(read, read.layout, resolver or OfflineResolver())


def _package(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    result = _map(tmp_path, [valid_dataset(**overrides)])
    assert result.problems == []
    return result.records[0].package


def test_a_valid_row_becomes_the_api_body(tmp_path: Path) -> None:
    assert _package(tmp_path) == {
        "type": "bcdc_dataset",
        "title": "Groundwater Wells 1",
        "name": "groundwater-wells-1",
        "owner_org": "databc",
        "publish_state": "DRAFT",
        "notes": "Locations of groundwater wells in British Columbia.",
        "license_id": "2",
        "contacts": [{"name": "DataBC Operations", "email": "data@gov.bc.ca",
                      "role": "pointOfContact", "displayed": ["displayed"], "org": "databc"}],
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "private": False,
        "tags": [{"name": "water"}, {"name": "wells"}],
        "resource_status": "onGoing",
    }


@pytest.mark.parametrize(
    ("header", "cell", "key", "value"),
    [
        ("security_class", "Protected-A", "security_class", "PROTECTED A"),
        ("security_class", "PROTECTED A", "security_class", "PROTECTED A"),
        ("security_class", "Protected A", "security_class", "Protected A"),
        ("resource_status", "On Going", "resource_status", "onGoing"),
        ("download_audience", "Not applicable", "download_audience", "NA"),
        ("license_id", "2", "license_id", "2"),
        ("license_id", "open government licence \u2013 british columbia", "license_id", "2"),
        ("license_id", "Open Government Licence \u2013 Municipality of North Cowichan",
         "license_id", "44"),
        ("license_id", "Open Government Licence - Municipality of North Cowichan",
         "license_id", "44"),
        ("metadata_visibility", "IDIR", "private", True),
        ("tag_string", "economy, mental health,, ", "tags",
         [{"name": "economy"}, {"name": "mental health"}]),
        ("owner_org", "Data BC", "owner_org", "Data BC"),
    ],
)
def test_conversions(tmp_path: Path, header: str, cell: str, key: str, value: Any) -> None:
    assert _package(tmp_path, **{header: cell})[key] == value


@pytest.mark.parametrize(
    ("cell", "displayed"),
    [("Yes", ["displayed"]), ("y", ["displayed"]), ("TRUE", ["displayed"]), ("x", ["displayed"]),
     ("1", ["displayed"]), ("No", []), ("n", []), ("FALSE", []), ("0", [])],
)
def test_displayed_yes_no(tmp_path: Path, cell: str, displayed: list[str]) -> None:
    assert _package(tmp_path, contacts_1_displayed=cell)["contacts"][0]["displayed"] == displayed


def test_displayed_real_boolean_cell(tmp_path: Path) -> None:
    assert _package(tmp_path, contacts_1_displayed=False)["contacts"][0]["displayed"] == []


def test_bad_boolean_is_located(tmp_path: Path) -> None:
    result = _map(tmp_path, [valid_dataset(contacts_1_displayed="sometimes")])
    (p,) = result.problems
    assert (p.code, p.cell, p.field, p.value, p.message) == (
        "bad-boolean", "L2", "contacts[1].displayed", "sometimes",
        "Write Yes or No here, not 'sometimes'.")
    assert "displayed" not in result.records[0].package["contacts"][0]


def test_unknown_licence_is_located_with_a_suggestion(tmp_path: Path) -> None:
    typo = "Open Government Licence - British Colombia"
    result = _map(tmp_path, [valid_dataset(license_id=typo)])
    (p,) = result.problems
    assert (p.code, p.cell, p.field) == ("unknown-licence", "F2", "license_id")
    assert p.message.startswith(f"{typo!r} is not a licence of this catalogue. Did you mean "
                                "'Open Government Licence - British Columbia'?")


def test_blank_is_absent_and_clear_is_cleared(tmp_path: Path) -> None:
    result = _map(tmp_path, [valid_dataset(purpose="<clear>", data_quality=None,
                                           more_info_1_url="<CLEAR>")])
    rec = result.records[0]
    assert "purpose" not in rec.package and "data_quality" not in rec.package
    assert "more_info" not in rec.package
    assert rec.cleared == {"purpose", "more_info[1].url"}  # only that sub-value
    cell = rec.locate("purpose")
    assert cell is not None and cell.value == "<clear>"


def test_repeating_entries_keep_their_position(tmp_path: Path) -> None:
    row = valid_dataset(contacts_1_name=None, contacts_1_email=None, contacts_1_role=None,
                        contacts_1_displayed=None, contacts_2_name="Jo",
                        contacts_2_email="jo@gov.bc.ca", contacts_2_role="custodian",
                        contacts_2_displayed="Yes", contacts_2_org="bc-stats")
    result = _map(tmp_path, [row])
    rec = result.records[0]
    assert rec.package["contacts"] == [{"name": "Jo", "email": "jo@gov.bc.ca",
                                        "org": "bc-stats", "role": "custodian",
                                        "displayed": ["displayed"]}]
    assert rec.positions == {"contacts": (2,)}
    assert rec.locate("contacts[1].email") is None
    cell = rec.locate("contacts[2].email")
    assert cell is not None and (cell.column, cell.header) == ("N", "contacts_2_email")


def test_blank_contact_org_defaults_to_the_dataset_organization(tmp_path: Path) -> None:
    rec = _map(tmp_path, [valid_dataset(owner_org="bc-stats")]).records[0]
    assert rec.package["contacts"][0]["org"] == "bc-stats"
    cell = rec.locate("contacts[1].org")
    assert cell is not None and cell.header == "contacts_1_org" and cell.value is None


def test_dates_and_more_info(tmp_path: Path) -> None:
    import datetime as dt

    pkg = _package(tmp_path, dates_1_type="Created", dates_1_date=dt.date(2024, 5, 1),
                   more_info_2_description="Program page",
                   more_info_2_url="https://www2.gov.bc.ca/x")
    assert pkg["dates"] == [{"type": "Created", "date": "2024-05-01"}]
    assert pkg["more_info"] == [{"description": "Program page",
                                 "url": "https://www2.gov.bc.ca/x"}]


def test_resources_are_grouped_under_their_dataset(tmp_path: Path) -> None:
    result = _map(
        tmp_path,
        [valid_dataset(1), valid_dataset(2)],
        [valid_resource(2, "A"), valid_resource(1, "B"), valid_resource(2, "C",
         bcdc_type="geographic", projection_name="epsg26710,",
         iso_topic_category="environment, Inland Waters", json_table_schema='{"fields": []}')],
    )
    assert result.problems == []
    first, second = result.records
    assert [r.resource["name"] for r in first.resources] == ["B"]
    assert [(r.row, r.resource["name"]) for r in second.resources] == [(2, "A"), (4, "C")]
    c = second.resources[1].resource
    assert (c["projection_name"], c["iso_topic_category"], c["json_table_schema"]) == (
        "epsg26710", ["environment", "inlandWaters"], {"fields": []})
    assert second.resources[1].dataset_name == "groundwater-wells-2"


def test_resource_linked_by_dataset_id(tmp_path: Path) -> None:
    result = _map(tmp_path, [valid_dataset(id="0d6f-uuid")],
                  [valid_resource(dataset_name="0d6f-uuid")])
    assert result.problems == [] and len(result.records[0].resources) == 1


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("groundwater-wells-9", "No row of the datasets sheet has the URL name "
         "'groundwater-wells-9', so this resource has no dataset. Did you mean "
         "'groundwater-wells-1'? Resources are linked to their dataset by its 'name' column."),
        (None, "This resource row does not say which dataset it belongs to: write the "
         "dataset's URL name (its 'name' on the datasets sheet) in column dataset_name."),
    ],
)
def test_orphan_resources(tmp_path: Path, link: str | None, message: str) -> None:
    result = _map(tmp_path, [valid_dataset()], [valid_resource(dataset_name=link)])
    (p,) = result.problems
    assert (p.code, p.sheet, p.cell, p.message) == ("orphan-resource", "resources", "A2",
                                                    message)
    assert len(result.orphans) == 1 and result.records[0].resources == []


def test_bad_json_is_located(tmp_path: Path) -> None:
    result = _map(tmp_path, [valid_dataset()],
                  [valid_resource(json_table_schema="{fields: []}")])
    (p,) = result.problems
    assert (p.code, p.sheet, p.header, p.field) == ("bad-json", "resources",
                                                     "json_table_schema", "json_table_schema")
    assert p.message.startswith("This is not valid JSON (Expecting property name enclosed in "
                                "double quotes at character 1).")


class FakeSite:
    url = "https://catalogue.example"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def call(self, action: str, **data: Any) -> Any:
        self.calls.append(action)
        if action == "license_list":
            return [{"id": "2", "title": "Open Government Licence - British Columbia"}]
        if action == "organization_list_for_user":
            assert data == {"permission": "create_dataset"}
            return [{"id": "uuid-databc", "name": "databc", "title": "DataBC",
                     "display_name": "DataBC"}]
        if action == "organization_show":
            if data["id"] == "bc-stats":
                return {"id": "uuid-stats", "name": "bc-stats", "title": "BC Stats"}
            raise NotFound(action, "not found")
        raise AssertionError(action)


@pytest.mark.parametrize(
    ("org", "code", "message"),
    [
        ("DataBC", None, None),
        ("bc-stats", "unknown-organization",
         "The organization 'BC Stats' exists on https://catalogue.example, but your API token "
         "may not create datasets in it: ask its admin to make you an editor."),
        ("nowhere", "unknown-organization",
         "There is no organization 'nowhere' on https://catalogue.example. Use the "
         "organization's name or title as shown on the site."),
    ],
)
def test_site_resolver_organizations(tmp_path: Path, org: str, code, message) -> None:
    site = FakeSite()
    result = _map(tmp_path, [valid_dataset(owner_org=org), valid_dataset(2, owner_org=org)],
                  resolver=SiteResolver(site))  # type: ignore[arg-type]
    if code is None:
        assert result.problems == []
        assert result.records[0].package["owner_org"] == "uuid-databc"
        assert result.records[0].package["contacts"][0]["org"] == "uuid-databc"
    else:
        assert [(p.code, p.cell, p.message) for p in result.problems] == [
            (code, "C2", message), (code, "C3", message)]
    assert site.calls.count("organization_list_for_user") == 1
    assert site.calls.count("license_list") == 1
    assert site.calls.count("organization_show") <= 1


def test_lenient_names() -> None:
    assert lenient("Open  Government Licence \u2013 TransLink") == \
        lenient("open government licence - translink")


def test_the_closest_name_is_the_one_difflib_gives() -> None:
    """``closest_names`` (a faster search) answers as ``difflib.get_close_matches(...,
    n=1, cutoff=0.8)`` on names that differ by a few characters, ties included."""
    import difflib
    import random

    from importer.map.forward import CLOSE_CUTOFF, closest_names

    rng = random.Random(15)
    alphabet = "abcde-0123"
    names = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(3, 12)))
                    for _ in range(400)} | {"ab-12", "ab-21", "ba-12", "ab-1", "ab-123"})
    links = ["ab-12", "ab-13", "xy", "", *(rng.choice(names)[:-1] + rng.choice(alphabet)
                                         for _ in range(300))]
    for link in links:
        assert closest_names(link, names) == difflib.get_close_matches(
            link, names, n=1, cutoff=CLOSE_CUTOFF), link
    assert closest_names("ab-13", names) == difflib.get_close_matches(
        "ab-13", names, n=1, cutoff=0.8) != []
    # a tie on the ratio (0.9) goes to the greater name, though the other's bound is higher
    tie = ["abcdefghji", "zbcdefghij", "abcdefgh"]
    assert closest_names("abcdefghij", tie) == difflib.get_close_matches(
        "abcdefghij", tie, n=1, cutoff=0.8) == ["zbcdefghij"]
