"""``bcdc-import undo`` through the real entry point, against the dev catalogue: the
issue's cases (10 created + 10 patched and back, a conflict, kill -9 then re-run, undo
twice, another site's journal)."""

from __future__ import annotations

import copy
import json
import signal
from pathlib import Path
from typing import Any

import pytest
import requests

from importer.devcat.testsite import CkanSite
from tests.publish.factory import package_body, resource_body, write_workbook
from tests.publish.test_cli_import import _wait_for, run_cli, start_cli

pytestmark = pytest.mark.ckan

#: what a write changes by itself, whoever makes it: not part of "the same record".
#: record_create_date / record_last_modified: the catalogue's update hook sets them on
#: every package_update (FIELDS.md §1.7), the import's patch and undo's alike.
_VOLATILE = frozenset({"metadata_modified", "revision_id", "record_create_date",
                       "record_last_modified"})


def show(site: CkanSite, name: str) -> dict[str, Any]:
    reply = requests.post(f"{site.url}/api/3/action/package_show", json={"id": name},
                          headers={"Authorization": site.sysadmin_token}, timeout=60)
    return dict(reply.json()["result"])


def comparable(pkg: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in pkg.items() if k not in _VOLATILE}
    # a keyword is compared by name: creates running in parallel can make two free tags
    # of one name (CKAN's unique (name, vocabulary_id) does not hold for a NULL
    # vocabulary), and a later save may link either
    out["tags"] = sorted(t["name"] for t in pkg.get("tags") or [])
    out["resources"] = [{k: v for k, v in r.items() if k not in _VOLATILE}
                        for r in pkg.get("resources") or []]
    return out


def edited(pkg: dict[str, Any], n: int) -> dict[str, Any]:
    """Record ``n`` as the second workbook changes it: several fields, contacts (one
    e-mail changed, contact 2 removed), keywords, one resource changed, one added."""
    out = copy.deepcopy(pkg)
    out["title"] = f"{pkg['title']} (edited)"
    out["notes"] = f"New description {n}."
    out["contacts"] = [dict(pkg["contacts"][0], email=f"new{n}@gov.bc.ca")]
    out["tags"] = [{"name": "economy"}, {"name": "edited"}]
    out["_resources"][0]["url"] = f"https://example.gov.bc.ca/new{n}.csv"
    out["_resources"].append(resource_body(3, name=f"Added {n}"))
    return out


def import_two_steps(site: CkanSite, tmp: Path, prefix: str, patched: int = 10,
                     created: int = 10) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Import ``patched`` records, keep their package_show, then import a workbook that
    changes them and creates ``created`` more. Returns the first records and snapshots."""
    org = site.child_org.name
    first = [package_body(prefix, i, org) for i in range(1, patched + 1)]
    write_workbook(first, tmp / "first.xlsx")
    proc = run_cli(["import", "first.xlsx", "--url", site.url], site.sysadmin_token, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    before = {p["name"]: show(site, p["name"]) for p in first}
    second = [edited(p, i) for i, p in enumerate(first, start=1)] + [
        package_body(prefix, i, org) for i in range(patched + 1, patched + created + 1)]
    write_workbook(second, tmp / "in.xlsx")
    proc = run_cli(["import", "in.xlsx", "--url", site.url, "--json", "import.json"],
                   site.sysadmin_token, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    statuses = json.loads((tmp / "import.json").read_text())["statuses"]
    assert statuses == {"created": created, "updated": patched}
    return first, before


def test_undo_puts_every_record_back(ckan_site: CkanSite, tmp_path: Path,
                                     prefix: str) -> None:
    first, before = import_two_steps(ckan_site, tmp_path, prefix)
    added = [r["id"] for p in first for r in show(ckan_site, p["name"])["resources"]
             if r["name"].startswith("Added")]
    assert len(added) == 10
    dry = run_cli(["undo", "in-import-report.journal.jsonl", "--dry-run", "--json", "d.json"],
                  ckan_site.sysadmin_token, tmp_path)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"datasets row 2 ({prefix}-dataset-1): would undo\n" in dry.stdout
    assert "    notes: 'New description 1.' -> 'Description of dataset 1.'\n" in dry.stdout
    assert json.loads((tmp_path / "d.json").read_text())["statuses"] == {"would undo": 20}
    assert comparable(show(ckan_site, first[0]["name"])) != comparable(
        before[first[0]["name"]])  # the dry run sent nothing
    undo = run_cli(["undo", "in-import-report.xlsx", "--json", "undo.json"],
                   ckan_site.sysadmin_token, tmp_path)
    assert undo.returncode == 0, undo.stdout + undo.stderr
    data = json.loads((tmp_path / "undo.json").read_text())
    assert data["statuses"] == {"undone": 20}
    assert [r["url"] for r in data["rows"]][:2] == [
        f"{ckan_site.url}/dataset/{prefix}-dataset-{i}" for i in (1, 2)]
    for p in first:
        assert comparable(show(ckan_site, p["name"])) == comparable(before[p["name"]])
    for i in range(11, 21):
        assert show(ckan_site, f"{prefix}-dataset-{i}")["state"] == "deleted"
    for rid in added:
        gone = requests.post(f"{ckan_site.url}/api/3/action/resource_show", json={"id": rid},
                             headers={"Authorization": ckan_site.sysadmin_token}, timeout=60)
        assert gone.status_code == 404
    assert (tmp_path / "in-undo-report.xlsx").is_file()
    again = run_cli(["undo", "in-import-report.journal.jsonl", "--json", "again.json"],
                    ckan_site.sysadmin_token, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((tmp_path / "again.json").read_text())["statuses"] == {
        "nothing to do": 20}
    assert ckan_site.sysadmin_token not in "".join(
        p.read_text(errors="replace") for p in tmp_path.glob("*.json*"))


def test_field_edited_since_is_a_conflict(ckan_site: CkanSite, tmp_path: Path,
                                          prefix: str) -> None:
    first, before = import_two_steps(ckan_site, tmp_path, prefix, patched=2, created=1)
    name = first[1]["name"]
    requests.post(f"{ckan_site.url}/api/3/action/package_patch",
                  json={"id": name, "notes": "Edited by hand."},
                  headers={"Authorization": ckan_site.sysadmin_token}, timeout=60)
    undo = run_cli(["undo", "in-import-report.journal.jsonl", "--json", "undo.json"],
                   ckan_site.sysadmin_token, tmp_path)
    assert undo.returncode == 1, undo.stdout + undo.stderr
    rows = json.loads((tmp_path / "undo.json").read_text())["rows"]
    assert [r["status"] for r in rows] == ["undone", "conflict", "undone"]
    assert rows[1]["conflicts"] == [{
        "field": "notes", "old": "Description of dataset 2.", "imported": "New description 2.",
        "current": "Edited by hand.",
        "message": "notes was changed after the import; kept as it is now"}]
    assert (f"datasets row 3 ({name}): conflict: notes: before the import "
            "'Description of dataset 2.', imported 'New description 2.', now "
            "'Edited by hand.'\n") in undo.stdout
    now = show(ckan_site, name)
    assert now["notes"] == "Edited by hand."
    expected = comparable(before[name])
    expected["notes"] = "Edited by hand."
    assert comparable(now) == expected


def test_kill_9_during_undo_then_rerun(ckan_site: CkanSite, tmp_path: Path,
                                       prefix: str) -> None:
    first, before = import_two_steps(ckan_site, tmp_path, prefix, patched=10, created=6)
    args = ["undo", "in-import-report.journal.jsonl", "--json", "undo.json",
            "--max-rate", "4", "--workers", "1"]
    proc = start_cli(args, ckan_site.sysadmin_token, tmp_path)
    _wait_for(tmp_path / "in-import-report.journal.undo.jsonl", '"type": "row"', 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Resuming" in rerun.stdout
    rows = json.loads((tmp_path / "undo.json").read_text())["rows"]
    assert {r["status"] for r in rows} == {"undone"}
    confirmed = [r for r in rows if r["confirmed"]]
    assert len(confirmed) >= 3
    assert all(r["done"] == [] for r in confirmed)  # nothing restored twice
    for p in first:
        assert comparable(show(ckan_site, p["name"])) == comparable(before[p["name"]])
    for i in range(11, 17):
        assert show(ckan_site, f"{prefix}-dataset-{i}")["state"] == "deleted"


def _patch(site: CkanSite, token: str, **data: Any) -> dict[str, Any]:
    reply = requests.post(f"{site.url}/api/3/action/package_patch", json=data,
                          headers={"Authorization": token}, timeout=60).json()
    assert reply["success"], reply
    return dict(reply["result"])


def test_publish_reverted_where_allowed_and_created_record_edited_since(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    org = ckan_site.child_org.name
    token = ckan_site.editor_token
    pkgs = [package_body(prefix, i, org, resources=1) for i in (1, 2)]
    write_workbook(pkgs, tmp_path / "first.xlsx")
    assert run_cli(["import", "first.xlsx", "--url", ckan_site.url], token,
                   tmp_path).returncode == 0
    for p in pkgs:
        p["notes"] = "Changed before publishing."
    pkgs += [package_body(prefix, i, org, resources=1) for i in (3, 4)]
    write_workbook(pkgs, tmp_path / "in.xlsx")
    imported = run_cli(["import", "in.xlsx", "--url", ckan_site.url, "--publish"], token,
                       tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert {show(ckan_site, p["name"])["publish_state"] for p in pkgs} == {"PENDING PUBLISH"}
    _patch(ckan_site, ckan_site.admin_token, id=pkgs[1]["name"], publish_state="PUBLISHED")
    _patch(ckan_site, token, id=pkgs[3]["name"], title=f"{prefix} retitled after the import")
    undo = run_cli(["undo", "in-import-report.journal.jsonl", "--json", "undo.json"], token,
                   tmp_path)
    assert undo.returncode == 1, undo.stdout + undo.stderr
    rows = json.loads((tmp_path / "undo.json").read_text())["rows"]
    assert [r["status"] for r in rows] == ["undone", "conflict", "undone", "conflict"]
    assert rows[0]["done"] == ["moved back to DRAFT",
                               "record restored (notes)"]
    assert rows[1]["conflicts"] == [{
        "field": "publish_state", "old": "DRAFT", "imported": "PENDING PUBLISH",
        "current": "PUBLISHED",
        "message": "the record moved on to PUBLISHED after the import; the catalogue allows "
                   "no single step from PUBLISHED to DRAFT; an organization admin can move "
                   "it back one step at a time"}]
    assert rows[1]["done"] == ["record restored (notes)"]
    assert rows[3]["conflicts"][0]["field"] == "record"
    assert rows[3]["conflicts"][0]["message"] == (
        "someone edited this record after the import created it, so it was not deleted; "
        "delete it on the site if it should go")
    first, second, third, fourth = (show(ckan_site, p["name"]) for p in pkgs)
    assert (first["publish_state"], first["notes"]) == ("DRAFT", "Description of dataset 1.")
    assert (second["publish_state"], second["notes"]) == ("PUBLISHED",
                                                          "Description of dataset 2.")
    assert third["state"] == "deleted"
    assert (fourth["state"], fourth["title"]) == ("active", f"{prefix} retitled after the import")


def test_ctrl_c_stops_cleanly_and_says_how_to_finish(ckan_site: CkanSite, tmp_path: Path,
                                                     prefix: str) -> None:
    first, before = import_two_steps(ckan_site, tmp_path, prefix, patched=8, created=2)
    args = ["undo", "in-import-report.journal.jsonl", "--max-rate", "4", "--workers", "1"]
    proc = start_cli(args, ckan_site.sysadmin_token, tmp_path)
    _wait_for(tmp_path / "in-import-report.journal.undo.jsonl", '"type": "row"', 2, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "Run the same command again to finish" in err
    assert "Traceback" not in err
    assert "Undo stopped (Ctrl-C)" in out
    assert (tmp_path / "in-undo-report.xlsx").is_file()
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    for p in first:
        assert comparable(show(ckan_site, p["name"])) == comparable(before[p["name"]])


def test_import_run_again_points_undo_at_the_journal_set_aside(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    pkgs = [package_body(prefix, 1, ckan_site.child_org.name, resources=1)]
    write_workbook(pkgs, tmp_path / "in.xlsx")
    for _ in range(2):  # the second run finds every row unchanged: a new journal
        assert run_cli(["import", "in.xlsx", "--url", ckan_site.url],
                       ckan_site.sysadmin_token, tmp_path).returncode == 0
    undo = run_cli(["undo", "in-import-report.journal.jsonl"], ckan_site.sysadmin_token,
                   tmp_path)
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert ("Nothing to undo: the last import run in in-import-report.journal.jsonl wrote "
            "nothing (every row unchanged). The run before it was set aside as "
            "in-import-report.journal.jsonl.prev: run undo on that file to take it back.\n"
            ) in undo.stdout
    prev = run_cli(["undo", "in-import-report.journal.jsonl.prev", "--json", "u.json"],
                   ckan_site.sysadmin_token, tmp_path)
    assert prev.returncode == 0, prev.stdout + prev.stderr
    assert json.loads((tmp_path / "u.json").read_text())["statuses"] == {"undone": 1}
    assert show(ckan_site, pkgs[0]["name"])["state"] == "deleted"
