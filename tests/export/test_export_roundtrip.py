"""Round trips against a real CKAN (the dev catalogue): export -> import.

* untouched: every row unchanged, zero writes (no record's ``metadata_modified`` moves);
* edited with openpyxl: exactly the edited fields change, everything else (including the
  values the file could not show, listed in export-notes) stays as stored;
* the same two through a copy LibreOffice opened and saved, as editors use it.

Each test makes its own organization and records, so tests are independent of each other
and of other tests using the same catalogue.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importer.cli import main
from importer.devcat.testsite import CkanSite
from importer.publish.normal import normalise_package
from importer.schema import build_layout, load_bundled
from importer.site import Site
from tests.export.records import base, contact, varied
from tests.faultproxy import FaultProxy, Faults

pytestmark = pytest.mark.ckan

TOKEN_ENV = "CKAN_API_TOKEN"


@dataclass
class Catalogue:
    """One test's organization on the test site, with its records."""

    site: Site
    url: str
    token: str
    org: str
    names: list[str]

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return {n: self.site.call("package_show", id=n) for n in self.names}


def new_catalogue(ckan_site: CkanSite, stem: str, title: str,
                  bodies: Callable[[str, str], list[dict[str, Any]]]) -> Catalogue:
    """A new organization ``<stem>-<random>`` holding the records ``bodies(prefix, org
    id)`` describes, created by a sysadmin."""
    site = Site(ckan_site.url, ckan_site.sysadmin_token)
    prefix = f"{stem}-{uuid.uuid4().hex[:8]}"
    org = site.call("organization_create", name=prefix, title=f"{title} {prefix}")
    names = [site.call("package_create", **body)["name"] for body in bodies(prefix, org["id"])]
    return Catalogue(site, ckan_site.url, ckan_site.sysadmin_token, prefix, names)


@pytest.fixture
def catalogue(ckan_site: CkanSite) -> Catalogue:
    return new_catalogue(ckan_site, "rt", "Round trip",
                         lambda prefix, org: varied(prefix, org, ckan_site.parent_org.id))


@pytest.fixture
def token_env(catalogue: Catalogue) -> Iterator[None]:
    old = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = catalogue.token
    yield
    if old is None:
        del os.environ[TOKEN_ENV]
    else:
        os.environ[TOKEN_ENV] = old


def run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(args)
    return int(exited.value.code or 0)


def export(cat: Catalogue, out: Path) -> None:
    assert run(["export", "--url", cat.url, "--org", cat.org, "-o", str(out)]) == 0


class CountingProxy(FaultProxy):
    """A pass-through proxy (no faults) that counts the actions sent through it."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, Faults())
        self.actions: Counter[str] = Counter()

    def _draw(self, action: str) -> str | None:
        self.actions[action] += 1
        return None


WRITES = ("package_create", "package_update", "package_patch", "package_delete",
          "resource_create", "resource_update", "resource_patch", "resource_delete")


def import_(cat: Catalogue, path: Path) -> tuple[dict[str, Any], Counter[str]]:
    """Import ``path`` through a counting proxy: the JSON results and the write calls."""
    results = path.with_suffix(".json")
    with CountingProxy(cat.url) as proxy:
        code = run(["import", str(path), "--url", proxy.url, "--json", str(results),
                    "--report", str(path.with_suffix(".report.xlsx"))])
    data: dict[str, Any] = json.loads(results.read_text())
    assert code == 0, data
    writes = Counter({a: n for a, n in proxy.actions.items() if a in WRITES})
    return data, writes


def statuses(results: dict[str, Any]) -> dict[str, str]:
    return {row["name"]: row["status"] for row in results["rows"]}


def libreoffice_copy(path: Path, tmp: Path) -> Path:
    """``path`` opened and saved by LibreOffice (its own profile, so parallel runs work)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/system-deps.sh")
    out = tmp / "libreoffice"
    out.mkdir()
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    return out / path.name


def edit(path: Path, edits: dict[tuple[str, str, str], Any]) -> None:
    """Set cells by (sheet, key, header); key is the dataset name, or ``name/resource``."""
    wb = openpyxl.load_workbook(path)
    for (sheet, key, header), value in edits.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        col = headers.index(header) + 1
        for row in range(2, ws.max_row + 1):
            if sheet == "datasets":
                found = ws.cell(row, headers.index("name") + 1).value == key
            else:
                dataset, resource = key.split("/")
                found = (ws.cell(row, 1).value == dataset
                         and ws.cell(row, headers.index("name") + 1).value == resource)
            if found:
                ws.cell(row, col).value = value
                break
        else:
            raise AssertionError(f"no row {key} on {sheet}")
    wb.save(path)


@pytest.fixture(scope="module")
def layout():
    schema = load_bundled()
    return build_layout(schema, counts={"contacts": 9, "more_info": 9, "dates": 9,
                                        "resources.details": 9}, include_ids=True)


def normal(pkgs: dict[str, dict[str, Any]], layout) -> dict[str, Any]:
    return {n: normalise_package(p, layout) for n, p in pkgs.items()}


def modified(pkgs: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {n: p["metadata_modified"] for n, p in pkgs.items()}


def kept_values(pkg: dict[str, Any]) -> dict[str, Any]:
    """The odd record's values that the file cannot show (each is an export note)."""
    csv, geo = pkg["resources"]
    return {"license_id": pkg["license_id"], "temporal_extent": csv["temporal_extent"],
            "projection_name": geo["projection_name"],
            "spatial_datatype": geo["spatial_datatype"], "pipeline_id": geo["pipeline_id"]}


ODD_KEPT = {
    "license_id": "99",
    "temporal_extent": [{"beginning_date": "2020-01-01"}, {"beginning_date": "2021-01-01"}],
    "projection_name": "epsg26710,", "spatial_datatype": "WEIRD", "pipeline_id": "abc-123",
}


Copy = Callable[[Path, Path], Path]
#: the exported file as openpyxl wrote it, and as LibreOffice saves it after opening it
THROUGH = [pytest.param(lambda p, _tmp: p, id="openpyxl"),
           pytest.param(libreoffice_copy, id="libreoffice")]


@pytest.mark.parametrize("through", THROUGH)
def test_untouched_export_imports_as_all_unchanged(
    catalogue, token_env, layout, tmp_path, through: Copy
) -> None:
    before = catalogue.snapshot()
    out = tmp_path / "export.xlsx"
    export(catalogue, out)
    results, writes = import_(catalogue, through(out, tmp_path))
    assert statuses(results) == {n: "unchanged" for n in catalogue.names}
    assert writes == Counter()
    after = catalogue.snapshot()
    assert modified(after) == modified(before)
    assert normal(after, layout) == normal(before, layout)
    assert kept_values(after[catalogue.names[2]]) == ODD_KEPT


@pytest.mark.parametrize("through", THROUGH)
def test_edited_cells_change_exactly_those_fields(
    catalogue, token_env, layout, tmp_path, through: Copy
) -> None:
    full, minimal, odd, formula = catalogue.names
    before = catalogue.snapshot()
    out = tmp_path / "export.xlsx"
    export(catalogue, out)
    edit(out, {
        ("datasets", full, "contacts_2_email"): "ann.lee@example.gov.bc.ca",
        ("datasets", minimal, "title"): f"A better title {catalogue.org}",
        ("datasets", odd, "tag_string"): "export, roads, added",
        ("resources", f"{full}/Roads (BCGW)", "details_2_column_comments"): "Official name",
        ("resources", f"{odd}/Roads (BCGW)", "resource_update_cycle"): "daily",
        ("datasets", full, "dates_2_date"): dt.date(2025, 2, 3),
        ("datasets", full, "contacts_3_displayed"): "Yes",
        ("resources", f"{full}/Roads (BCGW)", "iso_topic_category"):
            "transportation, boundaries, economy",
        ("resources", f"{minimal}/Download CSV", "temporal_extent_1_end_date"):
            dt.date(2024, 12, 31),
    })
    results, writes = import_(catalogue, through(out, tmp_path))
    assert writes == Counter({"package_patch": 3, "resource_patch": 3})
    assert statuses(results) == {full: "updated", minimal: "updated", odd: "updated",
                                 formula: "unchanged"}
    expected = copy.deepcopy(before)
    expected[full]["contacts"][1]["email"] = "ann.lee@example.gov.bc.ca"
    expected[minimal]["title"] = f"A better title {catalogue.org}"
    expected[odd]["tags"] = [{"name": t} for t in ("added", "export", "roads")]
    expected[full]["resources"][1]["details"][1]["column_comments"] = "Official name"
    expected[odd]["resources"][1]["resource_update_cycle"] = "daily"
    expected[full]["dates"][1]["date"] = "2025-02-03"
    expected[full]["contacts"][2]["displayed"] = ["displayed"]
    expected[full]["resources"][1]["iso_topic_category"] = [
        "transportation", "boundaries", "economy"]
    expected[minimal]["resources"][0]["temporal_extent"][0]["end_date"] = "2024-12-31"
    after = catalogue.snapshot()
    assert normal(after, layout) == normal(expected, layout)
    assert after[formula]["metadata_modified"] == before[formula]["metadata_modified"]
    assert kept_values(after[odd]) == ODD_KEPT


def test_editor_fixes_a_field_in_30_rows_through_libreoffice(ckan_site, tmp_path) -> None:
    """The issue's "done when": an editor exports their records, fixes one field in 30
    rows in LibreOffice, imports, and sees exactly 30 updates. One more record (made by a
    sysadmin) has a contact in an organization the editor cannot publish to: the export
    withholds its contacts (noted), and importing leaves them as stored."""
    admin = Site(ckan_site.url, ckan_site.sysadmin_token)
    editor = Site(ckan_site.url, ckan_site.editor_token)
    child, parent = ckan_site.child_org.id, ckan_site.parent_org.id
    prefix = f"rt-ed-{uuid.uuid4().hex[:6]}"
    names = [editor.call("package_create", **base(f"{prefix}-{i:02d}", child))["name"]
             for i in range(30)]
    foreign = base(f"{prefix}-foreign", child,
                   contacts=[contact("Generic Inbox", child), contact("Min Ister", parent)])
    names.append(admin.call("package_create", **foreign)["name"])
    listing = tmp_path / "names.txt"
    listing.write_text("\n".join(names) + "\n")
    before = {n: admin.call("package_show", id=n) for n in names}

    out = tmp_path / "mine.xlsx"
    old = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = ckan_site.editor_token
    try:
        assert run(["export", "--url", ckan_site.url, "--names", str(listing),
                    "-o", str(out)]) == 0
        wb = openpyxl.load_workbook(out)
        notes = [[c.value for c in row] for row in wb["export-notes"].iter_rows(min_row=2)]
        assert [(n[0], n[4], n[5]) for n in notes] == [
            (f"{prefix}-foreign", "contacts", "check-refuses")]
        edit(out, {("datasets", n, "purpose"): f"Fixed purpose {i}"
                   for i, n in enumerate(names[:30])})
        cat = Catalogue(editor, ckan_site.url, ckan_site.editor_token, "", names)
        results, writes = import_(cat, libreoffice_copy(out, tmp_path))
    finally:
        if old is None:
            os.environ.pop(TOKEN_ENV, None)
        else:
            os.environ[TOKEN_ENV] = old
    assert writes == Counter({"package_patch": 30})
    assert statuses(results) == {**{n: "updated" for n in names[:30]},
                                 f"{prefix}-foreign": "unchanged"}
    after = {n: admin.call("package_show", id=n) for n in names}
    assert [after[n]["purpose"] for n in names[:30]] == [f"Fixed purpose {i}"
                                                         for i in range(30)]
    assert after[f"{prefix}-foreign"] == before[f"{prefix}-foreign"]
