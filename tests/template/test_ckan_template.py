"""``template --url`` against a real CKAN with the BC schema (the dev catalogue, or CKAN_URL):
the schema, licences and organizations come from the site, and the ``--example`` row is
accepted by the real server."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime
from typing import Any

import openpyxl
import pytest
import requests

from importer.devcat.testsite import CkanSite
from importer.schema import build_layout, load_bundled
from tests.template.helpers import list_validation_at, range_values

pytestmark = pytest.mark.ckan


def _action(site: CkanSite, action: str, token: str | None = None, **data: Any) -> Any:
    headers = {"Authorization": token} if token else {}
    reply = requests.post(f"{site.url}/api/3/action/{action}", json=data, headers=headers,
                          timeout=60).json()
    assert reply["success"], reply.get("error")
    return reply["result"]


@pytest.fixture(scope="module")
def site_template(ckan_site: CkanSite, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("ckan") / "t.xlsx"
    out = subprocess.run(
        [sys.executable, "-m", "importer", "template", "-o", str(path), "--url", ckan_site.url,
         "--example"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return openpyxl.load_workbook(path)


def _column(ws, header: str) -> str:
    headers = [c.value for c in ws[1]]
    return ws.cell(1, headers.index(header) + 1).column_letter


def test_site_template_has_the_site_schema_lists_and_meta(ckan_site, site_template) -> None:
    layout = build_layout(load_bundled())
    ws = site_template["datasets"]
    assert [c.value for c in ws[1]] == [c.header for c in layout.dataset_columns]
    meta = dict(site_template["meta"].iter_rows(values_only=True))
    assert meta["schema_source"] == ckan_site.url
    assert meta["schema_digest"] == layout.schema.digest  # the site runs the bundled schema
    titles = [lic["title"] for lic in _action(ckan_site, "license_list")]
    dv = list_validation_at(ws, f"{_column(ws, 'license_id')}2")
    assert range_values(site_template, dv.formula1) == titles
    names = sorted(_action(ckan_site, "organization_list"))
    for header in ("owner_org", "contacts_1_org"):
        dv = list_validation_at(ws, f"{_column(ws, header)}2")
        assert range_values(site_template, dv.formula1) == names
    assert {ckan_site.parent_org.name, ckan_site.child_org.name} <= set(names)


def _row(wb, sheet: str) -> dict[str, Any]:
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    values = next(ws.iter_rows(min_row=2, values_only=True))
    return {h: v for h, v in zip(headers, values, strict=True) if v is not None}


def _entries(row: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """``contacts_1_name`` ... -> ``[{"name": ...}]`` (the cell convention, minimal)."""
    entries: dict[int, dict[str, Any]] = {}
    for header, value in row.items():
        if header.startswith(f"{field}_"):
            index, sub = header[len(field) + 1:].split("_", 1)
            if isinstance(value, datetime):
                value = value.date().isoformat()
            entries.setdefault(int(index), {})[sub] = value
    return [entries[i] for i in sorted(entries)]


def test_example_row_is_accepted_by_the_server(ckan_site, site_template) -> None:
    """The example, turned into a package the way FIELDS.md §1 says (a deliberately small
    stand-in for the real mapper), is created by the editor without an error."""
    dataset, resource = _row(site_template, "datasets"), _row(site_template, "resources")
    titles = {lic["title"]: lic["id"] for lic in _action(ckan_site, "license_list")}
    org_id = ckan_site.child_org.id  # the editor's organization
    name = f"template-example-{uuid.uuid4().hex[:10]}"
    contacts = _entries(dataset, "contacts")
    for contact in contacts:
        contact["org"] = org_id
        contact["displayed"] = ["displayed"] if contact["displayed"] == "Yes" else []
    package = {
        key: value for key, value in dataset.items()
        if not key.startswith(("contacts_", "more_info_", "dates_"))
    } | {
        "type": "bcdc_dataset", "name": name, "title": f"{dataset['title']} {name}",
        "owner_org": org_id, "license_id": titles[dataset["license_id"]],
        "contacts": contacts, "more_info": _entries(dataset, "more_info"),
        "dates": _entries(dataset, "dates"),
        "resources": [{
            key: value for key, value in resource.items()
            if key != "dataset_name" and not key.startswith("temporal_extent_")
        } | {"temporal_extent": _entries(resource, "temporal_extent")}],
    }
    created = _action(ckan_site, "package_create", ckan_site.editor_token, **package)
    try:
        assert created["publish_state"] == "DRAFT"
        assert created["license_id"] == "2"
        assert created["contacts"][0]["role"] == "pointOfContact"
        assert created["resources"][0]["format"] == "csv"
        assert created["resources"][0]["temporal_extent"] == [
            {"beginning_date": "2020-01-01", "end_date": "2023-12-31"}]
    finally:
        _action(ckan_site, "package_delete", ckan_site.editor_token, id=created["id"])
