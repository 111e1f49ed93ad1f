"""``import --columns``: an editor's own inventory sheet imported through its mapping,
against the dev catalogue (the records checked field by field with package_show)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from importer.devcat.testsite import CkanSite
from tests.publish.test_cli_import import run_cli

pytestmark = pytest.mark.ckan

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def inventory_copy(tmp: Path, prefix: str) -> Path:
    """The inventory sample with names and titles no other test uses."""
    book = load_workbook(SAMPLES / "inventory.xlsx")
    ws = book["Inventory"]
    for row in ws.iter_rows(min_row=2):
        title, name = row[0], row[1]
        name.value = f"{prefix}-{name.value}"[:100]
        if title.value:
            title.value = f"{title.value} ({prefix})"
    path = tmp / "in.xlsx"
    book.save(path)
    return path


def show(site: CkanSite, name: str) -> dict[str, object]:
    r = requests.post(f"{site.url}/api/3/action/package_show", json={"id": name},
                      headers={"Authorization": site.sysadmin_token}, timeout=60)
    result: dict[str, object] = r.json()["result"]
    return result


def test_inventory_imports_through_its_mapping(ckan_site: CkanSite, tmp_path: Path,
                                               prefix: str) -> None:
    inventory_copy(tmp_path, prefix)
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--columns",
            str(SAMPLES / "inventory-columns.json"), "--skip-invalid", "--json", "out.json"]
    first = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr  # 4 rows invalid
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["statuses"] == {"created": 16, "invalid": 4}
    assert "Column mapping applied: inventory-columns.json: 19 column(s) mapped, 1 ignored" \
        in data["notices"]
    stored = show(ckan_site, f"{prefix}-vri-forest-vegetation-composite-layer-1")
    contact = stored["contacts"][0]  # type: ignore[index]
    assert (stored["title"], stored["publish_state"], stored["security_class"],
            contact["email"], contact["displayed"],
            sorted(t["name"] for t in stored["tags"])) == (  # type: ignore[union-attr]
        f"VRI - Forest Vegetation Composite Layer 1 (L1) ({prefix})", "DRAFT", "PUBLIC",
        "forest.inventory@example.gov.bc.ca", ["displayed"],
        ["VRI", "forest inventory", "stand age", "tree species", "vegetation"])
    assert stored["organization"]["name"] == "devcat-branch"  # type: ignore[index]
    again = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert json.loads((tmp_path / "out.json").read_text())["statuses"] == {
        "unchanged": 16, "invalid": 4}, again.stdout


def test_an_older_template_is_held_back_then_imported_through_the_proposed_mapping(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    """Issue 15 item 1: the renamed columns' values are never dropped: without a mapping
    nothing is sent; with the one ``columns`` proposes they are stored under their new
    names, and the retired column is named as not imported."""
    from tests.read.oldbooks import older_template

    book = older_template(tmp_path / "old.xlsx")
    wb = load_workbook(book)
    ds, rs = wb["datasets"], wb["resources"]
    heads = [c.value for c in ds[1]]
    for header, value in (("title", f"Older template dataset ({prefix})"),
                          ("name", f"{prefix}-older"), ("owner_org", "devcat-branch"),
                          ("contacts_1_org", "devcat-branch"),
                          ("retention_expiry", "2030-01-31")):
        ds.cell(2, heads.index(header) + 1, value)
    rs.cell(2, 1, f"{prefix}-older")
    wb.save(book)
    args = ["import", "old.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    held = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert held.returncode == 1, held.stdout + held.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["statuses"] == {"invalid": 1}
    assert [n for n in data["notices"] if n.startswith("Nothing was sent")] == [
        "Nothing was sent: 3 error(s) on rows outside the dataset rows, first at datasets!D1: "
        "Column D ('edc_state') was renamed 'publish_state' (State) in the current schema, and "
        "this workbook was made from an older template, so its values are not read. To read "
        "them, run: bcdc-import columns old.xlsx -o mapping.json, then check with --columns "
        "mapping.json (or copy your rows into a new template)."]
    gone = requests.post(f"{ckan_site.url}/api/3/action/package_show",
                         json={"id": f"{prefix}-older"},
                         headers={"Authorization": ckan_site.sysadmin_token}, timeout=60)
    assert gone.status_code == 404
    assert run_cli(["columns", "old.xlsx", "-o", "mapping.json"], None, tmp_path).returncode == 0
    done = run_cli([*args, "--columns", "mapping.json"], ckan_site.sysadmin_token, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["statuses"] == {"created": 1}
    stored = show(ckan_site, f"{prefix}-older")
    resource = stored["resources"][0]  # type: ignore[index]
    assert (stored["publish_state"], stored["retention_expiry_date"], resource["url"],
            "iso_topic_string" in stored) == (
        "DRAFT", "2030-01-31", "https://example.gov.bc.ca/data.csv", False)
