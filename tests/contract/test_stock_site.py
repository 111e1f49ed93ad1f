"""The stock variant (``ckan_stock_site``): CKAN 2.12 with ckanext-scheming's own
``ckan_dataset.yaml``, dataset type ``dataset``, no BC test plugin, the same seed.

These pin what a generic CKAN site looks like to the importer, so the generic smoke tests
(issue 17) stand on a known site.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from importer.devcat.testsite import CkanSite


def _call(site: CkanSite, action: str, token: str | None = None, **data: object) -> dict:
    headers = {"Authorization": token} if token else {}
    response = requests.post(f"{site.url}/api/3/action/{action}", json=data, headers=headers,
                             timeout=60)
    body: dict = response.json()
    return body


def test_stock_site_lists_only_the_stock_dataset_type(ckan_stock_site: CkanSite) -> None:
    """One dataset type, ``dataset``, from ``ckan_dataset.yaml``; no ``bcdc_dataset``."""
    body = _call(ckan_stock_site, "scheming_dataset_schema_list")
    assert body["result"] == ["dataset"]
    missing = _call(ckan_stock_site, "scheming_dataset_schema_show", type="bcdc_dataset")
    assert missing["success"] is False


def test_stock_schema_fields_are_scheming_defaults(ckan_stock_site: CkanSite) -> None:
    schema = _call(ckan_stock_site, "scheming_dataset_schema_show", type="dataset")["result"]
    assert schema["dataset_type"] == "dataset"
    assert [f["field_name"] for f in schema["dataset_fields"]] == [
        "title", "name", "notes", "tag_string", "license_id", "owner_org", "url", "version",
        "author", "author_email", "maintainer", "maintainer_email",
    ]
    assert [f["field_name"] for f in schema["resource_fields"]] == [
        "url", "name", "description", "format",
    ]


def test_stock_site_runs_no_bc_plugin(ckan_stock_site: CkanSite) -> None:
    extensions = _call(ckan_stock_site, "status_show")["result"]["extensions"]
    assert extensions == ["scheming_datasets"]


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_seeded_roles_create_a_plain_dataset_in_the_child_org(
    ckan_stock_site: CkanSite, role: str
) -> None:
    """Same seed as the BC site: admin and editor can create in the child org; no BC
    field (publish_state, contacts…) is asked for, and none is stored."""
    name = f"stock-{uuid.uuid4().hex[:12]}"
    token = getattr(ckan_stock_site, f"{role}_token")
    body = _call(ckan_stock_site, "package_create", token, name=name, title="Stock " + name,
                 owner_org=ckan_stock_site.child_org.id)
    assert body["success"] is True, body.get("error")
    result = body["result"]
    assert (result["type"], result["name"], result["owner_org"]) == (
        "dataset", name, ckan_stock_site.child_org.id)
    assert "publish_state" not in result


def test_child_org_is_a_sub_organization_of_the_parent(ckan_stock_site: CkanSite) -> None:
    child = _call(ckan_stock_site, "organization_show", ckan_stock_site.sysadmin_token,
                  id=ckan_stock_site.child_org.id)["result"]
    assert [group["name"] for group in child["groups"]] == [ckan_stock_site.parent_org.name]
