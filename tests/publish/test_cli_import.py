"""``bcdc-import import`` through the real entry point, against the dev catalogue:
exit codes, reports, the token never written anywhere, kill -9 and Ctrl-C then resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from importer.devcat.testsite import CkanSite
from tests.publish.factory import package_body, write_workbook

pytestmark = pytest.mark.ckan


def run_cli(args: list[str], token: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    if token is not None:
        env["CKAN_API_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "importer", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                          timeout=600, check=False)


def _default_sigint() -> None:
    """A run started from a background job inherits SIGINT *ignored* (the shell does that),
    and Python then installs no KeyboardInterrupt handler: give the child the default."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def start_cli(args: list[str], token: str, cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, CKAN_API_TOKEN=token)
    return subprocess.Popen([sys.executable, "-m", "importer", *args], text=True, env=env,
                            cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=_default_sigint)


def packages(prefix: str, n: int, org: str) -> list[dict[str, Any]]:
    return [package_body(prefix, i, org) for i in range(1, n + 1)]


def stored_names(site: CkanSite, prefix: str) -> list[str]:
    import requests
    r = requests.post(f"{site.url}/api/3/action/package_search", json={
        "q": f"name:{prefix}*", "rows": 1000, "include_private": True,
        "include_drafts": True}, headers={"Authorization": site.sysadmin_token}, timeout=60)
    return sorted(p["name"] for p in r.json()["result"]["results"])


def all_output_text(tmp: Path, proc: subprocess.CompletedProcess[str]) -> str:
    """Everything the run wrote: stdout, stderr, and every file (xlsx unzipped)."""
    parts = [proc.stdout, proc.stderr]
    for path in tmp.rglob("*"):
        if path.suffix == ".xlsx" and path.name != "in.xlsx":
            with zipfile.ZipFile(path) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.is_file() and path.suffix != ".xlsx":
            parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


def test_import_then_unchanged_and_token_nowhere(ckan_site: CkanSite, tmp_path: Path,
                                                 prefix: str) -> None:
    org = ckan_site.child_org.name
    write_workbook(packages(prefix, 6, org), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    first = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["statuses"] == {"created": 6}
    assert [r["url"] for r in data["rows"]] == [
        f"{ckan_site.url}/dataset/{prefix}-dataset-{i}" for i in range(1, 7)]
    assert (tmp_path / "in-import-report.xlsx").is_file()
    assert "created" in first.stdout and "Report:" in first.stdout
    assert stored_names(ckan_site, prefix) == sorted(f"{prefix}-dataset-{i}"
                                                      for i in range(1, 7))
    second = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert second.returncode == 0
    assert json.loads((tmp_path / "out.json").read_text())["statuses"] == {"unchanged": 6}
    dry = run_cli([*args, "--dry-run"], ckan_site.sysadmin_token, tmp_path)
    assert dry.returncode == 0 and "dry run" in dry.stdout
    for proc in (first, second, dry):
        assert ckan_site.sysadmin_token not in all_output_text(tmp_path, proc)


def test_row_errors_send_nothing_unless_skip_invalid(ckan_site: CkanSite, tmp_path: Path,
                                                     prefix: str) -> None:
    pkgs = packages(prefix, 3, ckan_site.child_org.name)
    pkgs[1]["contacts"][0]["email"] = "not-an-email"
    write_workbook(pkgs, tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    blocked = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert blocked.returncode == 1
    assert "Nothing was sent" in blocked.stdout
    assert stored_names(ckan_site, prefix) == []
    data = json.loads((tmp_path / "out.json").read_text())
    assert [r["status"] for r in data["rows"]] == ["skipped", "invalid", "skipped"]
    skipping = run_cli([*args, "--skip-invalid"], ckan_site.sysadmin_token, tmp_path)
    assert skipping.returncode == 1
    assert stored_names(ckan_site, prefix) == [f"{prefix}-dataset-1", f"{prefix}-dataset-3"]


@pytest.mark.parametrize(("extra", "token", "message"), [
    (["--url", "http://catalogue.example.org"], "x", "refusing to send the API token over"),
    (["--url", "http://127.0.0.1:9"], "x", "cannot reach"),
    ([], "x", "give the site with either --url URL or --site NAME"),
    (["--url", "{url}"], "not-a-real-token", "invalid or expired"),
    (["--url", "{url}"], None, "no API token"),
])
def test_nothing_can_be_done_exit_2(ckan_site: CkanSite, tmp_path: Path, prefix: str,
                                    extra: list[str], token: str | None, message: str) -> None:
    write_workbook(packages(prefix, 1, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", *[a.format(url=ckan_site.url) for a in extra]]
    proc = run_cli(args, token, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.startswith("Error:")] == [
        next(line for line in proc.stderr.splitlines() if message in line)]


def _wait_for(journal: Path, marker: str, count: int, proc: subprocess.Popen[str]) -> None:
    """Until ``count`` journal lines hold ``marker`` (``"type": "row"`` for outcomes,
    ``"create-intent"`` for creates in flight: sent, not yet recorded)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count(marker) >= count:
            return
        time.sleep(0.01)
    pytest.fail("the run did not get going")


@pytest.mark.parametrize("kill_at", [1, 8, 25])
def test_kill_9_then_rerun_completes_without_duplicates_and_counts_every_create(
        ckan_site: CkanSite, tmp_path: Path, prefix: str, kill_at: int) -> None:
    n = 30
    write_workbook(packages(prefix, n, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json",
            "--max-rate", "15", "--workers", "2"]
    proc = start_cli(args, ckan_site.sysadmin_token, tmp_path)
    _wait_for(tmp_path / "in-import-report.journal.jsonl", '"create-intent"', kill_at, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    done_before = len(stored_names(ckan_site, prefix))
    assert done_before < n
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert stored_names(ckan_site, prefix) == sorted(f"{prefix}-dataset-{i}"
                                                      for i in range(1, n + 1))
    rows = json.loads((tmp_path / "out.json").read_text())["rows"]
    # every record was new before the first run: every row says created, none unchanged
    assert [r["status"] for r in rows] == ["created"] * n
    # (a create in flight at the kill may commit after the count above)
    assert sum(r["confirmed"] for r in rows) >= done_before
    assert "Resuming" in rerun.stdout
    assert "  created          30\n" in rerun.stdout


def test_a_create_sent_but_not_recorded_is_created_confirmed(
        ckan_site: CkanSite, tmp_path: Path, prefix: str) -> None:
    """Exactly the kill between a create and its journal line: the journal of a finished
    run, cut back to what it held at that moment (the intents of rows 2 and 4 written,
    their outcomes and the end line not)."""
    n = 5
    write_workbook(packages(prefix, n, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"]
    first = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    journal = tmp_path / "in-import-report.journal.jsonl"
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    intents = [e["row"] for e in lines if e["type"] == "create-intent"]
    assert sorted(intents) == [2, 3, 4, 5, 6]
    kept = [e for e in lines if e["type"] != "end"
            and not (e["type"] == "row" and e["row"] in (3, 5))]
    journal.write_text("".join(json.dumps(e) + "\n" for e in kept))
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    rows = {r["row"]: r for r in json.loads((tmp_path / "out.json").read_text())["rows"]}
    assert {row: (r["status"], r["confirmed"]) for row, r in rows.items()} == {
        2: ("created", True), 3: ("created", True), 4: ("created", True),
        5: ("created", True), 6: ("created", True)}
    assert rows[3]["message"] == rows[5]["message"] == (
        "created by an earlier run that stopped before recording it; confirmed on the site")
    assert "  created           5\n" in rerun.stdout
    assert stored_names(ckan_site, prefix) == sorted(f"{prefix}-dataset-{i}"
                                                      for i in range(1, n + 1))


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(ckan_site: CkanSite, tmp_path: Path,
                                                      prefix: str) -> None:
    n = 40
    write_workbook(packages(prefix, n, ckan_site.child_org.name), tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--max-rate", "10"]
    proc = start_cli(args, ckan_site.sysadmin_token, tmp_path)
    _wait_for(tmp_path / "in-import-report.journal.jsonl", '"type": "row"', 5, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "Run the same command again to finish" in err
    assert "Traceback" not in err
    assert (tmp_path / "in-import-report.xlsx").is_file()
    rerun = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert rerun.returncode == 0
    assert stored_names(ckan_site, prefix) == sorted(f"{prefix}-dataset-{i}"
                                                      for i in range(1, n + 1))


def test_editor_rows_of_other_org_fail_others_succeed(ckan_site: CkanSite, tmp_path: Path,
                                                      prefix: str) -> None:
    pkgs = packages(prefix, 4, ckan_site.child_org.name)
    for pkg in pkgs[2:]:
        pkg["owner_org"] = ckan_site.parent_org.name
        for contact in pkg["contacts"]:
            contact["org"] = ckan_site.parent_org.name
    write_workbook(pkgs, tmp_path / "in.xlsx")
    proc = run_cli(["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json"],
                   ckan_site.editor_token, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert [r["status"] for r in rows] == ["created", "created", "failed", "failed"]
    for row in rows[2:]:
        assert row["problems"][0]["code"] == "not-authorized"
        assert row["problems"][0]["header"] == "owner_org"
        assert "may not create records in organization" in row["message"]
    assert stored_names(ckan_site, prefix) == [f"{prefix}-dataset-1", f"{prefix}-dataset-2"]


def test_demo_twice_second_run_all_unchanged(tmp_path: Path) -> None:
    """The README's main job; run in a scratch folder so the checkout stays clean."""
    sample = Path(__file__).resolve().parents[2] / "samples" / "datasets.xlsx"
    first = run_cli(["demo", "--file", str(sample)], None, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_cli(["demo", "--file", str(sample)], None, tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "  unchanged        22\n" in second.stdout
    assert "Report: demo-output/datasets-import-report.xlsx" in second.stdout
    assert (tmp_path / "demo-output" / "datasets-import-report.xlsx").is_file()


def test_dry_run_prints_field_diff_and_sends_nothing(ckan_site: CkanSite, tmp_path: Path,
                                                     prefix: str) -> None:
    pkgs = packages(prefix, 2, ckan_site.child_org.name)
    write_workbook(pkgs, tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url]
    assert run_cli(args, ckan_site.sysadmin_token, tmp_path).returncode == 0
    pkgs[1]["notes"] = "Changed in the sheet."
    pkgs[1]["contacts"] = pkgs[1]["contacts"][:1]  # contact 2's cells blank: it is kept
    pkgs[1]["contacts"][0]["email"] = "changed@gov.bc.ca"
    write_workbook(pkgs, tmp_path / "in.xlsx")
    dry = run_cli([*args, "--dry-run", "--json", "plan.json"], ckan_site.sysadmin_token,
                  tmp_path)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"datasets row 3 ({prefix}-dataset-2): would update\n" in dry.stdout
    assert "    notes: 'Description of dataset 2.' -> 'Changed in the sheet.'\n" in dry.stdout
    assert "    contacts[1].email: 'inbox2@gov.bc.ca' -> 'changed@gov.bc.ca'\n" in dry.stdout
    rows = json.loads((tmp_path / "plan.json").read_text())["rows"]
    assert [r["status"] for r in rows] == ["unchanged", "would update"]
    assert [c["field"] for c in rows[1]["changed"]] == ["notes", "contacts[1].email"]
    import requests
    shown = requests.post(f"{ckan_site.url}/api/3/action/package_show",
                          json={"id": f"{prefix}-dataset-2"},
                          headers={"Authorization": ckan_site.sysadmin_token},
                          timeout=60).json()["result"]
    assert shown["notes"] == "Description of dataset 2." and len(shown["contacts"]) == 2
