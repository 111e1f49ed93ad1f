"""Two editors (or three runs) creating the same names at once, against the real dev
catalogue: "That URL is already in use" is a race, not a failure; no duplicate is made,
and the runs' created counts add up to the records created.

The first tests make the race certain: the run plans against a view of the site taken
before another client created the record (``existing=Existing()``, as when both runs
searched at the same moment). The last one runs three real imports at once.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from importer.devcat.testsite import CkanSite
from importer.publish.engine import Status
from importer.publish.plan import Existing, create_body
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client, Transport
from tests.publish.factory import LAYOUT, make_record, package_body, write_workbook

pytestmark = pytest.mark.ckan


def _client(site: CkanSite) -> Client:
    return Client(Transport(site.url, site.sysadmin_token, timeout=30))


def _stored(site: CkanSite, prefix: str) -> dict[str, dict[str, Any]]:
    import requests

    r = requests.post(f"{site.url}/api/3/action/package_search", json={
        "q": f"name:{prefix}*", "rows": 1000, "include_private": True,
        "include_drafts": True}, headers={"Authorization": site.sysadmin_token}, timeout=60)
    names = [p["name"] for p in r.json()["result"]["results"]]
    shown = {}
    for name in names:  # from the database, not the index
        r = requests.post(f"{site.url}/api/3/action/package_show", json={"id": name},
                          headers={"Authorization": site.sysadmin_token}, timeout=60)
        shown[name] = r.json()["result"]
    return shown


def _other_run_creates(site: CkanSite, package: dict[str, Any]) -> None:
    """Another run creates the record (its own row, through the same create body)."""
    client = _client(site)
    record = make_record(package, 2)
    client.call("package_create", create_body(record, LAYOUT))
    client.transport.close()


@pytest.mark.parametrize(("theirs", "status", "resources", "message"), [
    # the other run's row was the same as ours: nothing to do
    ("same", Status.UNCHANGED, 2,
     "created at the same time by another run, with this row's values"),
    # the other run's sheet had no resources: ours adds them, nothing else changes
    ("no resources", Status.UPDATED, 2,
     "created at the same time by another run; resource Download CSV 1 created, "
     "resource Download CSV 2 created"),
    # the other run set another title: a conflict, located, nothing sent
    ("other title", Status.FAILED, 2, None),
])
def test_a_create_that_meets_a_record_made_meanwhile(
        ckan_site: CkanSite, prefix: str, theirs: str, status: Status, resources: int,
        message: str | None) -> None:
    ours = package_body(prefix, 1, ckan_site.child_org.id)
    other = copy.deepcopy(ours)
    if theirs == "no resources":
        other["_resources"] = []
    elif theirs == "other title":
        other["title"] = f"Their title {prefix}"
    _other_run_creates(ckan_site, other)
    client = _client(ckan_site)
    result = import_records([make_record(ours, 2)], client, LAYOUT, ImportOptions(),
                            existing=Existing())  # planned before the other create
    client.transport.close()
    [outcome] = result.outcomes
    assert outcome.status is status, outcome.message
    stored = _stored(ckan_site, prefix)
    assert list(stored) == [f"{prefix}-dataset-1"]  # never a duplicate
    pkg = stored[f"{prefix}-dataset-1"]
    assert outcome.record_id == pkg["id"]
    if theirs == "other title":
        assert pkg["title"] == f"Their title {prefix}"
        assert len(pkg["resources"]) == 2
        [problem] = outcome.problems
        assert (problem.code, problem.sheet, problem.row, problem.field) == (
            "create-conflict", "datasets", 2, "title")
        assert problem.cell is not None
        assert problem.message == (
            f"Another run created {prefix}-dataset-1 at the same time with other values "
            "in: title. Nothing was sent for this row; compare the record with the row, "
            "then run the import again.")
    else:
        assert outcome.message == message
        assert sorted(r["name"] for r in pkg["resources"]) == [
            f"Download CSV {k}" for k in range(1, resources + 1)]
    assert client.transport.counts["package_create"] == 1


def _run(args: list[str], token: str, cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, CKAN_API_TOKEN=token)
    return subprocess.Popen([sys.executable, "-m", "importer", *args], cwd=cwd, env=env,
                            text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_three_imports_at_once_on_overlapping_names(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    org = ckan_site.child_org.name
    rows = {"a": range(1, 16), "b": range(1, 16), "c": range(8, 23)}
    started = []
    for folder, numbers in rows.items():
        (tmp_path / folder).mkdir()
        write_workbook([package_body(prefix, i, org) for i in numbers],
                       tmp_path / folder / "in.xlsx")
    for folder in rows:
        started.append(_run(["import", "in.xlsx", "--url", ckan_site.url, "--json",
                             "out.json", "--workers", "3"], ckan_site.sysadmin_token,
                            tmp_path / folder))
    for proc in started:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
    statuses = {folder: [r["status"] for r in json.loads(
        (tmp_path / folder / "out.json").read_text())["rows"]] for folder in rows}
    for folder, found in statuses.items():
        assert set(found) <= {"created", "unchanged"}, (folder, found)
    stored = _stored(ckan_site, prefix)
    assert sorted(stored) == sorted(f"{prefix}-dataset-{i}" for i in range(1, 23))
    assert sum(len(p["resources"]) for p in stored.values()) == 22 * 2
    assert sum(found.count("created") for found in statuses.values()) == 22
