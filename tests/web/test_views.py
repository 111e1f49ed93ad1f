"""The web app's pages through Flask's test client: the error paths and the security
points, with whole messages (the CLI's own, for every file the CLI refuses)."""

from __future__ import annotations

import html
import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

import tests.corpus_files as corpus
from importer.web.jobs import RUNNING, JobStore
from tests.web.conftest import MakeApp, csrf, upload
from tests.web.samples import xss_workbook

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = ROOT / "samples" / "datasets-with-mistakes.xlsx"
EXPECTED = json.loads((ROOT / "samples" / "datasets-with-mistakes.expected.json").read_text())


def alert_text(page: str) -> str:
    found = re.search(r'<p class="alert" role="alert"><span aria-hidden="true">✖ </span>(.*?)</p>',
                      page, re.DOTALL)
    assert found, page
    return html.unescape(found.group(1))


def marked_cells(page: str) -> list[tuple[str, str, str]]:
    """(sheet, cell, code) of every highlighted grid cell, one per code."""
    out = []
    for cell, codes in re.findall(r'data-cell="([^"]+)" data-code="([^"]+)"', page):
        sheet, ref = cell.split("!")
        out.extend((sheet, ref, code) for code in codes.split())
    return out


def test_start_page_has_the_security_headers_and_no_token(client: FlaskClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'; "
                                                               "script-src 'self';")
    assert answer.headers["X-Frame-Options"] == "DENY"
    page = answer.get_data(as_text=True)
    assert page.count('<a download href="/template') == 2
    assert 'type="file" id="file" name="file"' in page


@pytest.mark.parametrize(("query", "sheets", "example_rows"), [
    ("", ["datasets", "resources"], 0),
    ("?example=1", ["datasets", "resources"], 1),
])
def test_template_download_opens_in_openpyxl(client: FlaskClient, query: str,
                                            sheets: list[str], example_rows: int) -> None:
    answer = client.get(f"/template{query}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames[:2] == sheets
    filled = [r for r in book["datasets"].iter_rows(min_row=2, values_only=True)
              if any(v is not None for v in r)]
    assert len(filled) == example_rows


@pytest.mark.parametrize(("make", "message"), corpus.UNUSABLE,
                         ids=[m.__name__ for m, _ in corpus.UNUSABLE])
def test_every_file_the_cli_refuses_gets_its_message_and_422(
        client: FlaskClient, tmp_path: Path, make: Callable[[Path], Path],
        message: str) -> None:
    path = make(tmp_path)
    answer = upload(client, path)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert alert_text(page) == message
    assert "Traceback" not in page


def test_no_file_chosen_is_400(client: FlaskClient) -> None:
    answer = client.post("/upload", data={"csrf_token": csrf(client)},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert alert_text(answer.get_data(as_text=True)) == \
        "Choose a workbook (.xlsx, .xlsm or .csv) to upload."


def test_over_the_limit_is_413_with_the_limit(make_app: MakeApp) -> None:
    client = make_app(max_upload_mb=1).test_client()
    answer = client.post("/upload", data={"csrf_token": csrf(client),
                                          "file": (io.BytesIO(b"x" * (1024 * 1024 + 1)),
                                                   "big.xlsx")},
                         content_type="multipart/form-data")
    assert answer.status_code == 413
    assert alert_text(answer.get_data(as_text=True)) == (
        "The file is larger than this server accepts (1 MB). Split it into smaller "
        "workbooks and upload each.")


@pytest.mark.parametrize("path", ["/upload", "/export"])
def test_a_form_without_the_csrf_token_is_refused(client: FlaskClient, path: str) -> None:
    answer = client.post(path, data={"org": "x"}, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert alert_text(answer.get_data(as_text=True)).startswith(
        "This form was not sent from this site's page")


def test_the_mistakes_sample_shows_exactly_its_problems_at_their_cells(
        client: FlaskClient) -> None:
    first = upload(client, MISTAKES)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    found = marked_cells(page)
    resources = client.get(first.request.path + "?sheet=resources").get_data(as_text=True)
    found += marked_cells(resources)
    assert sorted(found) == sorted(tuple(e) for e in EXPECTED)


def test_a_job_is_404_for_another_session(app: Flask) -> None:
    mine, theirs = app.test_client(), app.test_client()
    answer = upload(mine, MISTAKES)
    job_path = answer.request.path
    assert mine.get(job_path).status_code == 200
    for path in (job_path, f"{job_path}/status", f"{job_path}/files/report.xlsx"):
        assert theirs.get(path).status_code == 404, path
    assert theirs.post(f"{job_path}/plan", data={"csrf_token": csrf(theirs),
                                                 "token": "x"}).status_code == 404
    assert "datasets-with-mistakes" not in theirs.get("/").get_data(as_text=True)


def test_job_ids_are_unguessable(client: FlaskClient) -> None:
    job_id = upload(client, MISTAKES).request.path.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", job_id)


@pytest.mark.parametrize("bad", ["../../etc", "x", "a" * 200])
def test_a_bad_job_id_is_404(client: FlaskClient, bad: str) -> None:
    assert client.get(f"/jobs/{bad}").status_code == 404


def test_cell_text_is_escaped(client: FlaskClient, tmp_path: Path) -> None:
    path = xss_workbook(tmp_path)
    page = upload(client, path).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_the_token_is_in_no_file_and_no_page(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    secret = "tok-" + "s3cr3t" * 6
    job_path = upload(client, corpus.VALID).request.path
    answer = client.post(f"{job_path}/plan", data={"csrf_token": csrf(client, job_path),
                                                   "token": secret}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "did not run" in page  # the stand-in site has no package actions
    assert secret not in page and secret not in answer.request.url
    for path in (tmp_path / "jobs").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_plan_without_any_token_says_so(client: FlaskClient) -> None:
    job_path = upload(client, corpus.VALID).request.path
    answer = client.post(f"{job_path}/plan", data={"csrf_token": csrf(client, job_path)})
    assert answer.status_code == 400
    assert alert_text(answer.get_data(as_text=True)) == \
        "Give your API token (from your catalogue user page) to go on."


def test_server_token_is_announced_not_shown(make_app: MakeApp, bc_fake: str) -> None:
    client = make_app(site_token="server-secret-token",
                      token_source="from $CKAN_API_TOKEN").test_client()
    job_path = upload(client, corpus.VALID).request.path
    page = client.get(job_path).get_data(as_text=True)
    assert f"this server was started with an API token for {bc_fake}" in page
    assert "server-secret-token" not in page


def test_a_restart_marks_running_jobs_interrupted_and_offers_resume(
        make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    client = app.test_client()
    check_path = upload(client, corpus.VALID).request.path
    store = JobStore(tmp_path / "jobs")
    owner = store.load(check_path.rsplit("/", 1)[1]).owner
    running = store.create("import", owner, filename="datasets.xlsx", state=RUNNING)
    make_app()  # the restarted server
    assert store.load(running.id).state == "interrupted"
    page = client.get(f"/jobs/{running.id}").get_data(as_text=True)
    assert "Resume the import" in page


def test_old_finished_jobs_are_removed(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    old = store.create("check", "o", state="done")
    new = store.create("check", "o", state="done")
    busy = store.create("import", "o", state=RUNNING)
    for job in (old, busy):
        data = json.loads((store.folder(job.id) / "job.json").read_text())
        data["updated"] = time.time() - 3600
        (store.folder(job.id) / "job.json").write_text(json.dumps(data))
    assert store.remove_older_than(1800) == 1
    assert sorted(j.id for j in store.all()) == sorted([new.id, busy.id])


def test_a_big_file_opens_on_its_problem_rows_one_page_at_a_time(
        client: FlaskClient, tmp_path: Path) -> None:
    from bench.workbook import build

    path = build(tmp_path / "big.xlsx", 300, resources_per=0, mistakes=4)
    first = upload(client, path)
    page = first.get_data(as_text=True)
    assert "(only rows with problems;" in page
    rows = re.findall(r'<tr><th scope="row"[^>]*>(\d+)', page)
    assert len(rows) == 50
    marked_rows = {int(cell.split("!")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
                   for cell in re.findall(r'data-cell="([^"]+)"', page)}
    assert {int(r) for r in rows} <= marked_rows  # every row shown has a problem
    assert "Page 1 of " in page and 'rel="next"' in page
    found = re.search(r"(\d+) of 300 rows shown", page)
    assert found
    shown = int(found.group(1))
    last = -(-shown // 50)
    final = client.get(f"{first.request.path}?page={last}&show=problems")
    assert f"Page {last} of {last}" in final.get_data(as_text=True)
    everything = client.get(f"{first.request.path}?show=all").get_data(as_text=True)
    assert "300 of 300 rows shown" in everything
