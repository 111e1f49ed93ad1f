"""The results report: statuses, URLs, changed fields, server errors at cells, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from importer.publish.engine import RowOutcome, Status
from importer.publish.plan import Change
from importer.publish.results import write_results_json, write_results_workbook
from importer.publish.run import ImportResult
from tests.publish.factory import make_record, package_body, write_workbook


def _result(tmp_path: Path) -> tuple[ImportResult, Path]:
    pkgs = [package_body("p", i, "org") for i in (1, 2, 3)]
    pkgs[2]["title"] = "=1+2"
    source = tmp_path / "in.xlsx"
    write_workbook(pkgs, source)
    book = load_workbook(source)
    for row in book["datasets"].iter_rows():
        for cell in row:
            if cell.value == "=1+2":
                cell.data_type = "s"  # text that looks like a formula, as a user may type
    book.save(source)
    recs = [make_record(p, i + 2, first_resource_row=2 + 2 * i) for i, p in enumerate(pkgs)]
    problem = recs[1].locate("contacts[1].email")
    assert problem is not None
    outcomes = [
        RowOutcome(recs[0], Status.CREATED, "p-dataset-1", "id-1",
                   changes=[Change("notes", None, "x")]),
        RowOutcome(recs[1], Status.FAILED, "p-dataset-2", None, problems=[
            problem.problem("server-rejected", "The catalogue rejected this value: bad",
                            field="contacts[1].email")], message="=cmd|' /C calc'!A0"),
        RowOutcome(recs[2], Status.UPDATED, "p-dataset-3", "id-3",
                   changes=[Change("tags", ["a"], ["b"]),
                            Change("resources[Download CSV 1].format", "csv", "xlsx")]),
    ]
    return ImportResult("https://cat.example.ca", outcomes, seconds=1.5), source


def test_results_workbook(tmp_path: Path) -> None:
    result, source = _result(tmp_path)
    out = tmp_path / "report.xlsx"
    write_results_workbook(result, source, out)
    book = load_workbook(out)
    ds = book["datasets"]
    rows = [[c.value for c in r[:4]] for r in ds.iter_rows(min_row=1, max_row=4)]
    assert rows == [
        ["status", "record id", "url", "changed"],
        ["created", "id-1", "https://cat.example.ca/dataset/p-dataset-1", "notes"],
        ["failed", None, "https://cat.example.ca/dataset/p-dataset-2", None],
        ["updated", "id-3", "https://cat.example.ca/dataset/p-dataset-3", "tags"],
    ]
    res = book["resources"]
    assert [[c.value for c in r[:4]] for r in res.iter_rows(min_row=6, max_row=7)] == [
        ["updated", "id-3", "https://cat.example.ca/dataset/p-dataset-3", "format"],
        ["updated", "id-3", "https://cat.example.ca/dataset/p-dataset-3", None],
    ]
    title_col = next(i for i, c in enumerate(ds[1]) if c.value == "title")
    title = ds.cell(row=4, column=title_col + 1)
    assert (title.value, title.data_type) == ("=1+2", "s")  # never a live formula
    errors = book["errors"]
    assert any("The catalogue rejected this value: bad" in str(c.value)
               for r in errors.iter_rows() for c in r)


def test_results_json(tmp_path: Path) -> None:
    result, source = _result(tmp_path)
    out = tmp_path / "r.json"
    write_results_json(result, source, out, tmp_path / "report.xlsx")
    data = json.loads(out.read_text())
    assert data["kind"] == "import-results"
    assert data["statuses"] == {"created": 1, "updated": 1, "failed": 1}
    assert [(r["row"], r["status"], r["url"]) for r in data["rows"]] == [
        (2, "created", "https://cat.example.ca/dataset/p-dataset-1"),
        (3, "failed", "https://cat.example.ca/dataset/p-dataset-2"),
        (4, "updated", "https://cat.example.ca/dataset/p-dataset-3")]
    assert data["rows"][2]["changed"][0] == {"field": "tags", "old": ["a"], "new": ["b"]}
    assert data["rows"][1]["problems"][0]["field"] == "contacts[1].email"
