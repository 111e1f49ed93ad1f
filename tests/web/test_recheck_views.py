"""A cell edit re-checks its row in the request (issue 15, item 2), through Flask's test
client: no job is queued, the page and counts are those of a full check with the same
edits, the reports and the corrected workbook are written when downloaded, another
server process catches up from the job folder, and a job folder without a check state
(made before states were kept) is checked again as a whole."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from importer.check import CheckResult, run_check
from importer.read.edits import load_edits
from importer.web.jobs import DONE, JobStore
from importer.web.tasks import CHECK_STATE, EDITS_JSON, job_layout
from tests.web.conftest import MakeApp, csrf, upload
from tests.web.test_views import MISTAKES, marked_cells

VRI1 = "vri-forest-vegetation-composite-layer-1"


def edit(client: FlaskClient, job_path: str, cell: str, value: str, **form: str) -> Any:
    return client.post(f"{job_path}/edits", data={"csrf_token": csrf(client, job_path),
                                                 "cell": cell, "value": value, **form})


def folder_of(app: Flask, job_path: str) -> Path:
    store = app.extensions["bcdc_importer"].store
    return Path(store.folder(job_path.rsplit("/", 1)[1]))


def shown(client: FlaskClient, job_path: str, sheet: str) -> list[tuple[str, str, str]]:
    page = client.get(f"{job_path}?sheet={sheet}&show=all").get_data(as_text=True)
    return sorted(c for c in marked_cells(page) if c[0] == sheet)


def full_check(folder: Path) -> CheckResult:
    """The job's upload checked again as a whole, against what the job was checked
    against (the app's site), with the saved edits."""
    job = JobStore(folder.parent).load(folder.name)
    layout, resolver = job_layout(job, folder)
    return run_check(folder / job.input_name, layout, resolver=resolver,
                     edits=load_edits(folder / EDITS_JSON))


def expected(folder: Path, sheet: str) -> list[tuple[str, str, str]]:
    """(sheet, cell, code) of every cell problem of a full check with the saved edits."""
    result = full_check(folder)
    return sorted((p.sheet, p.cell, p.code) for p in result.problems
                  if p.sheet == sheet and p.cell)


def test_an_edit_is_checked_in_the_request_and_the_page_says_what_a_full_check_says(
        app: Flask) -> None:
    client = app.test_client()
    job_path = str(upload(client, MISTAKES).request.path)
    folder = folder_of(app, job_path)
    runner = app.extensions["bcdc_importer"].runner
    submitted = len(runner.tokens)
    assert (folder / CHECK_STATE).is_file()
    steps = [("datasets!B3", VRI1),  # a duplicate URL name; its resource rows lose it
             ("datasets!I4", "fish.passage@example.gov.bc.ca"),  # a fix
             ("resources!A13", "groundwater-wells"),  # an orphan finds its dataset
             ("datasets!B3", "vri-forest-cover-depletions")]  # back: the duplicate goes
    for cell, value in steps:
        answer = edit(client, job_path, cell, value, page="1", show="all")
        assert answer.status_code == 303
        assert answer.headers["Location"].endswith(  # no #grid: it would take the focus
            f"{job_path}?sheet={cell.split('!')[0]}&page=1&show=all")
        assert len(runner.tokens) == submitted  # no job: the row was checked in the request
        job = app.extensions["bcdc_importer"].store.load(job_path.rsplit("/", 1)[1])
        assert job.state == DONE
        for sheet in ("datasets", "resources"):
            assert shown(client, job_path, sheet) == expected(folder, sheet)
    assert ("datasets", "B3", "duplicate-name") not in shown(client, job_path, "datasets")


def test_the_counts_reports_and_corrected_workbook_follow_the_edits(app: Flask) -> None:
    from openpyxl import load_workbook

    client = app.test_client()
    job_path = str(upload(client, MISTAKES).request.path)
    folder = folder_of(app, job_path)
    before = json.loads(client.get(f"{job_path}/files/report.json").get_data())
    edit(client, job_path, "datasets!B3", VRI1)
    edit(client, job_path, "datasets!I4", "fish.passage@example.gov.bc.ca")
    full = full_check(folder)
    page = client.get(job_path).get_data(as_text=True)
    assert (f"{full.rows_checked} rows checked, {full.errors} errors,\n  {full.warnings} "
            f"warnings, {full.rows_with_errors} rows with errors.") in page
    job = app.extensions["bcdc_importer"].store.load(job_path.rsplit("/", 1)[1])
    assert {k: job.result[k] for k in ("errors", "warnings", "rows_with_errors", "edits",
                                        "reports_edits")} == {
        "errors": full.errors, "warnings": full.warnings,
        "rows_with_errors": full.rows_with_errors, "edits": 2, "reports_edits": 0}
    report = json.loads(client.get(f"{job_path}/files/report.json").get_data())
    assert report["counts"]["errors"] == full.errors != before["counts"]["errors"]
    assert report["problems"] == [p.to_dict() for p in full.problems]
    book = load_workbook(io.BytesIO(client.get(f"{job_path}/files/report.xlsx").get_data()))
    lines = [tuple(r[:2]) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Edited in the browser", f'datasets!B3: "vri-forest-cover-depletions" -> '
            f'"{VRI1}"') in lines
    corrected = load_workbook(io.BytesIO(client.get(f"{job_path}/files/corrected").get_data()))
    assert [corrected["datasets"][c].value for c in ("B3", "I4")] == [
        VRI1, "fish.passage@example.gov.bc.ca"]
    job = app.extensions["bcdc_importer"].store.load(job_path.rsplit("/", 1)[1])
    assert job.result["reports_edits"] == 2


def test_another_server_process_catches_up_from_the_job_folder(make_app: MakeApp) -> None:
    first = make_app()
    client = first.test_client()
    job_path = str(upload(client, MISTAKES).request.path)
    edit(client, job_path, "datasets!B3", VRI1)
    other = make_app()  # its own (empty) memory, as another process: the same folder
    theirs = other.test_client()
    with client.session_transaction() as mine, theirs.session_transaction() as copy:
        copy.update(mine)
    assert shown(theirs, job_path, "datasets") == shown(client, job_path, "datasets")
    edit(theirs, job_path, "datasets!B3", "vri-forest-cover-depletions")
    folder = folder_of(first, job_path)
    for sheet in ("datasets", "resources"):
        assert shown(client, job_path, sheet) == expected(folder, sheet)
    assert [e.new for e in load_edits(folder / EDITS_JSON)] == [
        VRI1, "vri-forest-cover-depletions"]


def test_a_job_without_a_check_state_is_checked_again_as_a_whole(app: Flask) -> None:
    client = app.test_client()
    job_path = str(upload(client, MISTAKES).request.path)
    folder = folder_of(app, job_path)
    (folder / CHECK_STATE).unlink()  # a job folder from before states were kept
    runner = app.extensions["bcdc_importer"].runner
    submitted = len(runner.tokens)
    answer = edit(client, job_path, "datasets!B3", VRI1)
    assert answer.status_code == 303
    assert len(runner.tokens) == submitted + 1  # the whole check, as a job
    assert (folder / CHECK_STATE).is_file()  # ... which keeps a state again
    assert shown(client, job_path, "datasets") == expected(folder, "datasets")
    edit(client, job_path, "datasets!B3", "vri-forest-cover-depletions")
    assert len(runner.tokens) == submitted + 1  # the next edit: its row only
    assert shown(client, job_path, "datasets") == expected(folder, "datasets")


@pytest.mark.parametrize("value", ["vri-forest-cover-depletions",
                                                 "  vri-forest-cover-depletions "])
def test_a_cell_saved_as_it_was_is_no_edit(app: Flask, value: str) -> None:
    """Opening a cell and saving it unchanged (spaces round it are trimmed, as reading
    trims them) records nothing: no edit in the job, the reports or the results."""
    client = app.test_client()
    job_path = str(upload(client, MISTAKES).request.path)
    folder = folder_of(app, job_path)
    answer = edit(client, job_path, "datasets!B3", value)
    assert answer.status_code == 303
    assert load_edits(folder / EDITS_JSON) == []
    job = app.extensions["bcdc_importer"].store.load(job_path.rsplit("/", 1)[1])
    assert job.result["edits"] == 0
    assert "Edited in the browser" not in client.get(job_path).get_data(as_text=True)
