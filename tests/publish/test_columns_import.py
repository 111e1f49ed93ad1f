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
