"""Undo of a finished import in the web app, through Flask's test client: when the page
offers it, who may start it, CSRF, and the token kept out of every file and page.
(The whole flow against the dev catalogue is in test_browser.py.)"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import tests.corpus_files as corpus
from importer.web.jobs import DONE, Job, JobStore
from tests.web.conftest import NO_SITE, csrf, upload

RUN = {"type": "run", "site": NO_SITE, "workbook_sha256": "abc", "pre_images": 1}
CREATED = {"type": "row", "sheet": "datasets", "row": 2, "id": "id-1", "name": "a",
           "status": "created", "created": "id-1", "metadata_modified": "M1"}
UNCHANGED = {"type": "row", "sheet": "datasets", "row": 2, "id": "id-1", "name": "a",
             "status": "unchanged"}
OFFER = "Undo this import</button>"


def finished_import(app: Flask, client: FlaskClient, tmp_path: Path,
                    journal: list[dict[str, Any]] | None) -> Job:
    """A finished import job of ``client``'s session, with ``journal`` as its journal
    (None: no journal, as after an import that sent nothing)."""
    check = upload(client, corpus.VALID).request.path.rsplit("/", 1)[1]
    store = JobStore(tmp_path / "jobs")
    job = store.create("import", store.load(check).owner, filename="datasets.xlsx",
                       state=DONE, parent=check, options={"site_url": NO_SITE})
    folder = store.folder(job.id)
    (folder / "plan.json").write_text(json.dumps({"summary": [], "failed": [], "rows": []}))
    if journal is not None:
        (folder / "journal.jsonl").write_text("".join(json.dumps(e) + "\n" for e in journal))
    return job


@pytest.mark.parametrize(("journal", "offered"), [
    pytest.param(None, False, id="no-journal"),
    pytest.param([RUN, UNCHANGED], False, id="nothing-written"),
    pytest.param([{**RUN, "pre_images": 0}, CREATED], False, id="journal-without-pre-images"),
    pytest.param([RUN, CREATED], True, id="wrote-something"),
])
def test_the_results_page_offers_undo_only_when_the_import_wrote(
        app: Flask, tmp_path: Path, journal: list[dict[str, Any]] | None,
        offered: bool) -> None:
    client = app.test_client()
    job = finished_import(app, client, tmp_path, journal)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (OFFER in page) is offered
    answer = client.post(f"/jobs/{job.id}/undo-plan",
                         data={"csrf_token": csrf(client), "token": "t"})
    assert answer.status_code == (303 if offered else 409)


def test_undo_of_another_sessions_import_is_404(app: Flask, tmp_path: Path) -> None:
    mine, theirs = app.test_client(), app.test_client()
    job = finished_import(app, mine, tmp_path, [RUN, CREATED])
    token = csrf(theirs)
    for path in (f"/jobs/{job.id}/undo-plan", f"/jobs/{job.id}/undo"):
        assert theirs.post(path, data={"csrf_token": token, "token": "t"}).status_code == 404
    plan = mine.post(f"/jobs/{job.id}/undo-plan", data={
        "csrf_token": csrf(mine), "token": "t"})
    plan_path = plan.headers["Location"]
    assert mine.get(plan_path).status_code == 200
    assert theirs.get(plan_path).status_code == 404
    assert theirs.post(f"{plan_path}/undo", data={"csrf_token": token,
                                                  "token": "t"}).status_code == 404


def test_undo_now_is_only_for_an_undo_plan(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    job = finished_import(app, client, tmp_path, [RUN, CREATED])
    answer = client.post(f"/jobs/{job.id}/undo", data={
        "csrf_token": csrf(client), "token": "t"})
    assert answer.status_code == 404


@pytest.mark.parametrize("action", ["undo-plan", "undo"])
def test_undo_forms_without_the_csrf_token_are_refused(app: Flask, tmp_path: Path,
                                                       action: str) -> None:
    client = app.test_client()
    job = finished_import(app, client, tmp_path, [RUN, CREATED])
    answer = client.post(f"/jobs/{job.id}/{action}", data={"token": "t"})
    assert answer.status_code == 400
    assert "This form was not sent from this site's page" in html.unescape(
        answer.get_data(as_text=True))
    assert [j.kind for j in JobStore(tmp_path / "jobs").all()].count("undo-plan") == 0


def test_undo_without_any_token_says_so(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    job = finished_import(app, client, tmp_path, [RUN, CREATED])
    answer = client.post(f"/jobs/{job.id}/undo-plan",
                         data={"csrf_token": csrf(client)})
    assert answer.status_code == 400
    assert "Give your API token (from your catalogue user page) to go on." in html.unescape(
        answer.get_data(as_text=True))


def test_the_undo_token_is_in_no_file_page_or_url(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    secret = "tok-" + "s3cr3t" * 6
    job = finished_import(app, client, tmp_path, [RUN, CREATED])
    answer = client.post(f"/jobs/{job.id}/undo-plan", data={
        "csrf_token": csrf(client), "token": secret},
        follow_redirects=True)
    page = answer.get_data(as_text=True)
    # nothing answers at NO_SITE: the library's own message, on the failed page
    assert re.search(r"<h1>The undo plan did not run</h1>", page), page
    assert secret not in page and secret not in answer.request.url
    for path in (tmp_path / "jobs").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_the_dry_run_page_shows_conflicts_and_offers_no_undo_when_nothing_would(
        app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    imported = finished_import(app, client, tmp_path, [RUN, CREATED])
    store = JobStore(tmp_path / "jobs")
    plan = store.create("undo-plan", imported.owner, filename="datasets.xlsx", state=DONE,
                        parent=imported.id)
    (store.folder(plan.id) / "undo-report.json").write_text(json.dumps({
        "dry_run": True, "statuses": {"conflict": 1}, "notices": [],
        "rows": [{"sheet": "datasets", "row": 2, "name": "a", "id": "id-1",
                  "status": "conflict", "url": f"{NO_SITE}/dataset/a", "restored": [],
                  "conflicts": [{"field": "notes", "old": "A", "imported": "B",
                                 "current": "<b>C</b>",
                                 "message": "notes was changed after the import; kept "
                                            "as it is now"}],
                  "done": [], "message": "", "confirmed": False}]}))
    page = client.get(f"/jobs/{plan.id}").get_data(as_text=True)
    assert '<p id="undo-summary">1 rows written by the import: 1 conflict.</p>' in page
    found = re.search(r'<li data-conflict="notes">(.*?)</li>', page, re.DOTALL)
    assert found, page
    assert html.unescape(found.group(1)) == (
        '<span aria-hidden="true">✖ </span>notes was changed after the import; kept as it is '
        "now (before the import 'A', imported 'B', now '<b>C</b>')")
    assert "<b>C</b>" not in page  # escaped
    assert "Undo now</button>" not in page
    assert "Nothing to put back" in page


def test_an_undo_the_server_stopped_points_back_to_the_import(app: Flask,
                                                              tmp_path: Path) -> None:
    client = app.test_client()
    imported = finished_import(app, client, tmp_path, [RUN, CREATED])
    store = JobStore(tmp_path / "jobs")
    undo = store.create("undo", imported.owner, filename="datasets.xlsx",
                        state="interrupted", parent=imported.id)
    page = client.get(f"/jobs/{undo.id}").get_data(as_text=True)
    assert f'<a href="/jobs/{imported.id}">Undo the import again from its page</a>' in page
