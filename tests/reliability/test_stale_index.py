"""A search index out of step with its database (after a reboot cleared the database but
kept the index), against the real dev catalogue:

* the importer treats search as a hint: a record the index lists and the database lacks
  is created afresh, the run says the index is stale, and no row is refused for rights
  in an organization that does not exist;
* ``dev-catalogue up`` finds the two out of step and mends the index;
* ``make demo`` (``bcdc-import demo``) after exactly that state creates the 22 rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from importer.devcat import manager
from importer.devcat.testsite import CkanSite
from tests.publish.factory import write_workbook
from tests.publish.test_cli_import import packages, run_cli
from tests.reliability.staleindex import (
    drop_from_index,
    index_names,
    make_stale,
    purge,
    shown,
)

pytestmark = pytest.mark.ckan
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "datasets.xlsx"


def _names(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-dataset-{i}" for i in range(1, n + 1)]


def test_import_creates_records_the_index_lists_but_the_database_lacks(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    write_workbook(packages(prefix, 3, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    assert run_cli(args, ckan_site.sysadmin_token, tmp_path).returncode == 0
    make_stale(ckan_site, _names(prefix, 2))  # rows 1 and 2 are gone, row 3 is not
    (tmp_path / "in-import-report.journal.jsonl").unlink()  # a new run, not a resume
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    rows = json.loads((tmp_path / "out.json").read_text())
    assert [(r["name"], r["status"]) for r in rows["rows"]] == [
        (f"{prefix}-dataset-1", "created"), (f"{prefix}-dataset-2", "created"),
        (f"{prefix}-dataset-3", "unchanged")]
    notice = (f"The site's search index lists 2 record(s) its database does not have "
              f"({prefix}-dataset-1, {prefix}-dataset-2); those rows were planned afresh, "
              "as new records. The site's search index is out of date: ask its admin to "
              "rebuild it (ckan search-index rebuild).")
    assert rows["notices"] == [notice]
    assert notice in rerun.stdout
    assert "may not" not in rerun.stdout + json.dumps(rows)
    for name in _names(prefix, 3):
        pkg = shown(ckan_site, name)
        assert pkg is not None and pkg["owner_org"] == ckan_site.child_org.id
        assert len(pkg["resources"]) == 2


def test_editor_is_not_blamed_for_rights_in_an_organization_that_does_not_exist(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    write_workbook(packages(prefix, 1, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    assert run_cli(args, ckan_site.sysadmin_token, tmp_path).returncode == 0
    make_stale(ckan_site, _names(prefix, 1))
    (tmp_path / "in-import-report.journal.jsonl").unlink()
    rerun = run_cli(args, ckan_site.admin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    [row] = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert row["status"] == "created"
    assert "organization" not in row["message"]


def test_up_mends_an_index_out_of_step_with_the_database(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    write_workbook(packages(prefix, 3, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url]
    assert run_cli(args, ckan_site.sysadmin_token, tmp_path).returncode == 0
    names = _names(prefix, 3)
    make_stale(ckan_site, names[:2])  # listed, not in the database
    drop_from_index(names[2:])  # in the database, not listed
    assert index_names(names) == names[:2]
    manager.up()
    assert index_names(names) == names[2:]
    assert shown(ckan_site, names[2]) is not None


def _sample_names() -> list[str]:
    sheet = openpyxl.load_workbook(SAMPLE, read_only=True)["datasets"]
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("name")
    return [str(r[col]) for r in rows[1:] if r[col]]


def test_demo_after_the_reboot_creates_22_rows(ckan_site: CkanSite, tmp_path: Path) -> None:
    names = _sample_names()
    assert len(names) == 22
    book = tmp_path / "datasets.xlsx"
    shutil.copy(SAMPLE, book)
    demo = ["demo", "--file", str(book), "--report", str(tmp_path / "report.xlsx")]
    assert run_cli(demo, None, tmp_path).returncode == 0  # the samples exist ...
    make_stale(ckan_site, names)  # ... then the reboot: database wiped, index kept
    (tmp_path / "report.journal.jsonl").unlink()
    try:
        again = run_cli(demo, None, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "  created          22\n" in again.stdout
        assert "failed" not in again.stdout
        assert all(shown(ckan_site, n) is not None for n in names)
    finally:  # leave the samples as the other tests found them: present and indexed
        if not all(shown(ckan_site, n) is not None for n in names):
            purge(ckan_site, names)
            manager.up()
