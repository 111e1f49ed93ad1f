"""A CKAN site running ckanext-scheming's stock dataset schema, as tests see it.

:data:`STOCK` is that schema (dataset type ``dataset``: CKAN's own default fields, no BC
plugin) written out here by field, with presets named as scheming names them;
:data:`STOCK_EXPANDED` is what ``scheming_dataset_schema_show(expanded=True)`` answers:
presets merged in, from the presets bundled with this package. :func:`stock_site` is the
action table of a fake CKAN (tests/fakeckan.py) serving it.
"""

from __future__ import annotations

from typing import Any

from importer.schema.load import BUNDLED_PRESETS, data_path, expand_presets, load_presets

STOCK: dict[str, Any] = {
    "scheming_version": 2,
    "dataset_type": "dataset",
    "about": "CKAN's default dataset fields as a scheming schema",
    "dataset_fields": [
        {"field_name": "title", "label": "Title", "preset": "title"},
        {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
        {"field_name": "notes", "label": "Description", "form_snippet": "markdown.html"},
        {"field_name": "tag_string", "label": "Tags", "preset": "tag_string_autocomplete"},
        {"field_name": "license_id", "label": "License", "form_snippet": "license.html"},
        {"field_name": "owner_org", "label": "Organization",
         "preset": "dataset_organization"},
        {"field_name": "url", "label": "Source",
         "form_placeholder": "http://example.com/dataset.json"},
        {"field_name": "version", "label": "Version",
         "validators": "ignore_missing unicode_safe package_version_validator"},
        {"field_name": "author", "label": "Author"},
        {"field_name": "author_email", "label": "Author Email"},
        {"field_name": "maintainer", "label": "Maintainer"},
        {"field_name": "maintainer_email", "label": "Maintainer Email"},
    ],
    "resource_fields": [
        {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
        {"field_name": "name", "label": "Name"},
        {"field_name": "description", "label": "Description",
         "form_snippet": "markdown.html"},
        {"field_name": "format", "label": "Format", "preset": "resource_format_autocomplete"},
    ],
}

STOCK_EXPANDED: dict[str, Any] = expand_presets(
    STOCK, load_presets(data_path(p) for p in BUNDLED_PRESETS[:1]))

LICENSES = [{"id": "cc-by", "title": "Creative Commons Attribution"},
            {"id": "odc-odbl", "title": "Open Data Commons Open Database License"}]
ORGS = [{"name": "probe-org", "title": "Probe Organization", "id": "uuid-probe"}]


def stock_package(i: int) -> dict[str, Any]:
    """A record as a stock-schema site stores it (``package_show``)."""
    pid = f"00000000-0000-0000-0000-{i:012d}"
    return {
        "id": pid, "type": "dataset", "name": f"probe-{i}", "title": f"Probe {i}",
        "notes": f"Record {i}.", "owner_org": ORGS[0]["id"],
        "organization": {"id": ORGS[0]["id"], "name": ORGS[0]["name"],
                         "title": ORGS[0]["title"]},
        "license_id": "cc-by", "url": "", "version": "1.0", "author": "A. Author",
        "author_email": "author@example.org", "maintainer": "", "maintainer_email": "",
        "private": False, "state": "active",
        "tags": [{"name": "probe"}], "extras": [],
        "resources": [{"id": f"00000000-0000-0000-0001-{i:012d}", "package_id": pid, "position": 0,
                       "url": f"https://example.org/{i}.csv", "name": f"Data {i}",
                       "description": "", "format": "CSV"}],
    }


PACKAGES = [stock_package(i) for i in (1, 2)]


def _search(body: dict[str, Any], _auth: str | None) -> Any:
    """``package_search`` as the site answers it: a type filter other than ``dataset``
    matches nothing (the way the BC type filter found nothing in the issue)."""
    fq = str(body.get("fq", ""))
    hits = [] if "dataset_type:" in fq and "dataset_type:dataset" not in fq else PACKAGES
    hits = hits[int(body.get("start", 0)):]
    return {"count": len(hits), "results": hits}


def _show(body: dict[str, Any], _auth: str | None) -> Any:
    for pkg in PACKAGES:
        if body.get("id") in (pkg["id"], pkg["name"]):
            return pkg
    return ("error", 404, {"__type": "Not Found Error", "message": "Not found"})


def stock_site(**more: Any) -> dict[str, Any]:
    """The action table of a stock-schema site (``more`` adds or replaces actions)."""

    def schema_show(body: dict[str, Any], _auth: str | None) -> Any:
        if body.get("type") != "dataset":
            return ("error", 404, {"__type": "Not Found Error",
                                   "message": "Not found: Schema not found"})
        return STOCK_EXPANDED

    return {
        "status_show": {"ckan_version": "2.12.0"},
        "scheming_dataset_schema_list": ["dataset"],
        "scheming_dataset_schema_show": schema_show,
        "license_list": LICENSES,
        "organization_list": lambda body, _auth: ORGS if not body.get("offset") else [],
        "organization_list_for_user": ORGS,
        "organization_show": ORGS[0],
        "package_search": _search,
        "package_show": _show,
        **more,
    }
