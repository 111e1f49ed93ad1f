"""Integration smoke on BOTH CKAN versions (``bc_site``: 2.12 and 2.9), through the real
entry point: import the samples, re-import unchanged with zero writes, export -> re-import
unchanged, a patch keeps every resource, and a non-uuid resource id stops the import at its
cell before anything is sent.

The sample workbook's names and titles are made unique per run (titles are unique among
all packages, deleted ones included), so the test needs no reset.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests
from openpyxl.utils import get_column_letter

from importer.devcat.testsite import CkanSite
from tests.publish.test_cli_import import run_cli

pytestmark = pytest.mark.ckan

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "datasets.xlsx"


def _header(ws: Any) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value}


def unique_samples(path: Path, prefix: str, rows: int | None = None) -> list[str]:
    """Copy the sample workbook to ``path`` with every name and title prefixed (and only
    the first ``rows`` datasets, with their resources); return the dataset names."""
    wb = openpyxl.load_workbook(SAMPLE)
    datasets, resources = wb["datasets"], wb["resources"]
    dcol, rcol = _header(datasets), _header(resources)
    last = datasets.max_row if rows is None else rows + 1
    datasets.delete_rows(last + 1, datasets.max_row)
    names = []
    for row in range(2, last + 1):
        name = datasets.cell(row, dcol["name"])
        name.value = f"{prefix}-{name.value}"[:100]
        names.append(name.value)
        title = datasets.cell(row, dcol["title"])
        title.value = f"{prefix} {title.value}"[:100]
    keep = set(names)
    for row in range(resources.max_row, 1, -1):
        link = resources.cell(row, rcol["dataset_name"])
        new = f"{prefix}-{link.value}"[:100]
        if new in keep:
            link.value = new
        else:
            resources.delete_rows(row)
    wb.save(path)
    return names


def _shown(site: CkanSite, names: list[str]) -> dict[str, dict[str, Any]]:
    session = requests.Session()
    out = {}
    for name in names:
        body = session.post(f"{site.url}/api/3/action/package_show", json={"id": name},
                            headers={"Authorization": site.sysadmin_token}, timeout=60).json()
        out[name] = body["result"]
    return out


def _statuses(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in json.loads(path.read_text())["rows"]:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def _modified(shown: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: pkg["metadata_modified"] for name, pkg in shown.items()}


def test_samples_round_trip_on_each_version(bc_site: CkanSite, tmp_path: Path) -> None:
    prefix = "s" + uuid.uuid4().hex[:8]
    names = unique_samples(tmp_path / "in.xlsx", prefix)
    token = bc_site.sysadmin_token
    args = ["import", "in.xlsx", "--url", bc_site.url, "--json", "first.json"]

    first = run_cli(args, token, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _statuses(tmp_path / "first.json") == {"created": len(names)}
    created = _shown(bc_site, names)
    resource_ids = {n: [r["id"] for r in p["resources"]] for n, p in created.items()}
    assert sum(len(ids) for ids in resource_ids.values()) == 41

    again = run_cli([*args[:-1], "again.json"], token, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _statuses(tmp_path / "again.json") == {"unchanged": len(names)}
    assert _modified(_shown(bc_site, names)) == _modified(created)  # zero writes

    listed = tmp_path / "names.txt"
    listed.write_text("\n".join(names) + "\n")
    export = run_cli(["export", "--url", bc_site.url, "--names", str(listed), "-o",
                      "export.xlsx"], token, tmp_path)
    assert export.returncode == 0, export.stdout + export.stderr
    back = run_cli(["import", "export.xlsx", "--url", bc_site.url, "--json", "back.json"],
                   token, tmp_path)
    assert back.returncode == 0, back.stdout + back.stderr
    assert _statuses(tmp_path / "back.json") == {"unchanged": len(names)}
    assert _modified(_shown(bc_site, names)) == _modified(created)

    wb = openpyxl.load_workbook(tmp_path / "export.xlsx")
    ws = wb["datasets"]
    col = _header(ws)
    row = next(r for r in range(2, ws.max_row + 1)
               if ws.cell(r, col["name"]).value == names[0])
    ws.cell(row, col["notes"]).value = "Patched by the smoke test."
    wb.save(tmp_path / "edited.xlsx")
    patch = run_cli(["import", "edited.xlsx", "--url", bc_site.url, "--json", "patch.json"],
                    token, tmp_path)
    assert patch.returncode == 0, patch.stdout + patch.stderr
    assert _statuses(tmp_path / "patch.json") == {"updated": 1, "unchanged": len(names) - 1}
    after = _shown(bc_site, [names[0]])[names[0]]
    assert after["notes"] == "Patched by the smoke test."
    assert [r["id"] for r in after["resources"]] == resource_ids[names[0]]
    assert [(r["name"], r["url"]) for r in after["resources"]] == [
        (r["name"], r["url"]) for r in created[names[0]]["resources"]]


def test_non_uuid_resource_id_stops_before_anything_is_sent(
    bc_site: CkanSite, tmp_path: Path
) -> None:
    """CKAN 2.9 would store ``my-csv`` as a resource id (2.12 refuses it): the importer's
    check stops the row at the id cell, exit 1, nothing created, on both versions."""
    prefix = "s" + uuid.uuid4().hex[:8]
    names = unique_samples(tmp_path / "in.xlsx", prefix, rows=1)
    wb = openpyxl.load_workbook(tmp_path / "in.xlsx")
    ws = wb["resources"]
    column = ws.max_column + 1  # the samples have no id column: add one
    ws.cell(1, column).value = "id"
    ws.cell(2, column).value = "my-csv"
    wb.save(tmp_path / "in.xlsx")
    cell = f"{get_column_letter(column)}2"
    proc = run_cli(["import", "in.xlsx", "--url", bc_site.url, "--json", "out.json"],
                   bc_site.sysadmin_token, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    result = json.loads((tmp_path / "out.json").read_text())
    assert [(p["code"], p["sheet"], p["cell"], p["value"]) for p in result["problems"]] == [
        ("bad-resource-id", "resources", cell, "my-csv")]
    assert (result["blocked"], result["statuses"]) == (True, {"invalid": 1})
    body = requests.post(f"{bc_site.url}/api/3/action/package_show", json={"id": names[0]},
                         headers={"Authorization": bc_site.sysadmin_token}, timeout=60).json()
    assert body["success"] is False
