"""Sites the import cannot use, and the config file's token rules, through the real CLI
(no dev catalogue needed: tiny local servers stand in for the odd sites)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fakeckan import fake_ckan
from tests.publish.factory import package_body, write_workbook

TOKEN = "tok-0123456789-secret"


@contextmanager
def odd_site(kind: str) -> Iterator[str]:
    """``html``: a web page for every URL; ``plain-ckan``: CKAN without ckanext-scheming."""
    actions = {"status_show": {"ckan_version": "2.9.5"}}
    with fake_ckan(actions, "web-page" if kind == "html" else "ckan") as (url, _):
        yield url


def run(args: list[str], cwd: Path, env_token: str | None = TOKEN
        ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    if env_token:
        env["CKAN_API_TOKEN"] = env_token
    return subprocess.run([sys.executable, "-m", "importer", "import", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    write_workbook([package_body("p", 1, "devcat-branch")], tmp_path / "in.xlsx")
    return tmp_path


@pytest.mark.parametrize(("kind", "message"), [
    ("html", "no CKAN error (is this a CKAN API?)"),
    ("plain-ckan", "does not publish ckanext-scheming dataset schemas "
                   "(scheming_dataset_schema_list: Bad request - Action name not known"),
])
def test_unusable_site_exit_2(workbook: Path, kind: str, message: str) -> None:
    with odd_site(kind) as url:
        proc = run(["in.xlsx", "--url", url], workbook)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and TOKEN not in proc.stderr + proc.stdout


def test_config_token_readable_by_others_is_refused(workbook: Path) -> None:
    config = workbook / "sites.toml"
    config.write_text(f'[sites.dev]\nurl = "http://127.0.0.1:9"\ntoken = "{TOKEN}"\n')
    os.chmod(config, 0o644)
    proc = run(["in.xlsx", "--site", "dev", "--config", str(config)], workbook,
               env_token=None)
    assert proc.returncode == 2
    assert f"refusing to read the API token from {config}" in proc.stderr
    assert f"chmod 600 {config}" in proc.stderr
    assert TOKEN not in proc.stderr + proc.stdout
    os.chmod(config, 0o600)
    proc = run(["in.xlsx", "--site", "dev", "--config", str(config)], workbook,
               env_token=None)
    assert proc.returncode == 2
    assert "cannot reach http://127.0.0.1:9" in proc.stderr  # got past the token
    assert TOKEN not in proc.stderr + proc.stdout


def test_token_is_not_an_option(workbook: Path) -> None:
    proc = run(["in.xlsx", "--url", "http://127.0.0.1:9", "--token", TOKEN], workbook)
    assert proc.returncode == 2
    assert "No such option '--token'" in proc.stderr


@pytest.mark.parametrize("command", [
    ["import", "in.xlsx", "--url", "http://127.0.0.1:9"],
    ["demo", "--file", "in.xlsx"],  # refused before the dev catalogue is started
], ids=["import", "demo"])
@pytest.mark.parametrize(("report", "message"), [
    ("in.xlsx", "would overwrite the input file"),
    ("notes.xlsx", "exists and is not a bcdc-import report"),
])
def test_report_never_overwrites_the_users_files(workbook: Path, command: list[str],
                                                 report: str, message: str) -> None:
    (workbook / "notes.xlsx").write_bytes(b"my own notes")
    before = (workbook / "in.xlsx").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "importer", *command, "--report", report],
                          cwd=workbook, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CKAN_API_TOKEN": TOKEN},
                          stdin=subprocess.DEVNULL, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("Error: ") and message in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert (workbook / "in.xlsx").read_bytes() == before
    assert (workbook / "notes.xlsx").read_bytes() == b"my own notes"
