"""Journal durability and reading, token/config rules, error_dict -> cells."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from importer.errors import AuthError, SiteError
from importer.publish.config import check_url, load_site, resolve_token
from importer.publish.errormap import map_error_dict
from importer.publish.journal import Journal, latest_set_aside, read_journal
from tests.publish.factory import COLUMNS, DATASET_COLS, RESOURCE_COLS, make_record, package_body


def test_journal_roundtrip_and_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "r.journal.jsonl"
    j = Journal(path)
    j.open({"workbook_sha256": "abc", "site": "http://s"}, fresh=False)
    j.write({"type": "row", "sheet": "datasets", "row": 2, "status": "created", "id": "i"})
    j.write({"type": "row", "sheet": "datasets", "row": 3, "status": "failed"})
    j.close()
    with path.open("a") as fh:
        fh.write('{"type": "row", "sheet": "datasets", "ro')  # killed mid-line
    state = read_journal(path)
    assert (state.workbook_sha256, state.site) == ("abc", "http://s")
    assert state.done("datasets", 2) == {"type": "row", "sheet": "datasets", "row": 2,
                                         "status": "created", "id": "i"}
    assert state.done("datasets", 3) is None


def test_journal_unchanged_does_not_hide_created(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    j = Journal(path)
    j.open({"workbook_sha256": "a"}, fresh=False)
    j.write({"type": "row", "sheet": "datasets", "row": 2, "status": "created"})
    j.write({"type": "row", "sheet": "datasets", "row": 2, "status": "unchanged"})
    j.close()
    assert read_journal(path).rows[("datasets", 2)]["status"] == "created"


def test_journal_fresh_keeps_old_aside(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text("old\n")
    j = Journal(path)
    j.open({"workbook_sha256": "b"}, fresh=True)
    j.close()
    assert (tmp_path / "j.jsonl.prev").read_text() == "old\n"


def test_journals_set_aside_are_never_overwritten(tmp_path: Path) -> None:
    """Each earlier run's journal holds the pre-images undo needs: a third, fourth ... run
    sets the last one aside under the next free generation."""
    path = tmp_path / "j.jsonl"
    assert latest_set_aside(path) is None
    for run in ("first", "second", "third"):
        path.write_text(f"{run}\n")
        j = Journal(path)
        j.open({"workbook_sha256": run}, fresh=True)
        j.close()
    assert [(p.name, p.read_text()) for p in sorted(tmp_path.glob("j.jsonl.prev*"))] == [
        ("j.jsonl.prev", "first\n"), ("j.jsonl.prev.2", "second\n"),
        ("j.jsonl.prev.3", "third\n")]
    assert latest_set_aside(path) == tmp_path / "j.jsonl.prev.3"


SITES = """
[sites.test]
url = "https://cat.example.ca"
token = "tok-from-file"

[sites.prod]
url = "https://catalogue.example.ca"
"""


@pytest.mark.parametrize(("mode", "ok"), [(0o600, True), (0o400, True), (0o640, False),
                                          (0o644, False), (0o604, False)])
def test_config_token_refused_when_others_can_read(tmp_path: Path, mode: int, ok: bool) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(SITES)
    os.chmod(path, mode)
    if ok:
        assert load_site(path, "test").token == "tok-from-file"
    else:
        with pytest.raises(AuthError, match="chmod 600") as info:
            load_site(path, "test")
        assert "tok-from-file" not in str(info.value)


def test_config_site_without_token_any_mode(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(SITES)
    os.chmod(path, 0o644)
    with pytest.raises(AuthError):
        load_site(path, "test")
    assert load_site(path, "prod").url == "https://catalogue.example.ca"
    with pytest.raises(SiteError, match=r"no site 'nope'.*sites: prod, test"):
        load_site(path, "nope")


@pytest.mark.parametrize(("env", "file_token", "prompted", "want"), [
    ({"CKAN_API_TOKEN": "env"}, "file", "prompt", "env"),
    ({}, "file", "prompt", "file"),
    ({}, None, "prompt", "prompt"),
])
def test_token_order(env: dict[str, str], file_token: str | None, prompted: str,
                     want: str) -> None:
    from importer.publish.config import SiteConfig
    site = SiteConfig("s", "https://x", file_token)
    assert resolve_token(env, site, lambda: prompted) == want


def test_no_token_anywhere() -> None:
    with pytest.raises(AuthError, match="no API token"):
        resolve_token({}, None, None)


@pytest.mark.parametrize(("url", "insecure", "ok"), [
    ("https://cat.example.ca/", False, True), ("http://127.0.0.1:5055", False, True),
    ("http://localhost:5000", False, True), ("http://cat.example.ca", False, False),
    ("http://cat.example.ca", True, True), ("ftp://x", False, False), ("cat", False, False),
])
def test_http_refused_for_remote(url: str, insecure: bool, ok: bool) -> None:
    if ok:
        assert check_url(url, insecure) == url.rstrip("/")
    else:
        with pytest.raises(SiteError):
            check_url(url, insecure)


def test_error_dict_to_cells() -> None:
    record = make_record(package_body("p", 1, "org"), 5, first_resource_row=9)
    del record.cells["contacts[2].email"]  # the row left it blank
    errors = {"__type": "Validation Error",
              "contacts": [{}, {"email": ["Missing value"]}],
              "tags": [{}, {"name": ["Tag \"a+\" must be alphanumeric"]}],
              "resources": [{}, {"format": ["unexpected choice"]}],
              "notes": ["Missing value"]}
    problems = map_error_dict(errors, record, columns=COLUMNS)
    got = [(p.sheet, p.cell, p.field, p.message) for p in problems]
    email = DATASET_COLS["contacts[2].email"][0]
    assert got == [
        ("datasets", f"{email}5", "contacts[2].email",
         "The catalogue rejected this value: Missing value"),
        ("datasets", f"{DATASET_COLS['tag_string'][0]}5", "tags[2].name",
         'The catalogue rejected this value: Tag "a+" must be alphanumeric'),
        ("resources", f"{RESOURCE_COLS['format'][0]}10", "format",
         "The catalogue rejected this value: unexpected choice"),
        ("datasets", f"{DATASET_COLS['notes'][0]}5", "notes",
         "The catalogue rejected this value: Missing value"),
    ]


def test_torn_line_does_not_swallow_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"type": "run", "workbook_sha256": "a"}\n{"type": "row", "sh')
    j = Journal(path)
    j.open({"workbook_sha256": "a", "site": "s"}, fresh=False)
    j.write({"type": "row", "sheet": "datasets", "row": 4, "status": "created"})
    j.close()
    state = read_journal(path)
    assert state.site == "s"
    assert state.done("datasets", 4) is not None
