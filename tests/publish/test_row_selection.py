"""``bcdc-import import --rows``: the row choice the web app's ticks make, on the command
line. Parsing and naming the rows are table-driven; the import itself runs through the
real entry point against the dev catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importer.devcat.testsite import CkanSite
from importer.errors import WorkbookError
from importer.publish.selection import RowSpecError, parse_rows, resolve_rows
from importer.read import read_workbook
from importer.read.model import ReadResult
from tests.publish.factory import LAYOUT, write_workbook
from tests.publish.test_cli_import import packages, run_cli, stored_names


@pytest.mark.parametrize(("text", "rows"), [
    ("3", {3}),
    ("3-5", {3, 4, 5}),
    (" 3 - 5 , 9,12 ", {3, 4, 5, 9, 12}),
    ("4,4,3-4", {3, 4}),
    ("7-7", {7}),
])
def test_parse_rows(text: str, rows: set[int]) -> None:
    assert parse_rows(text) == frozenset(rows)


@pytest.mark.parametrize(("text", "message"), [
    ("", "give row numbers or ranges, e.g. 3-7,12"),
    ("3,,4", "'' is not a row number or a range such as 3-7 (give e.g. 3-7,12)"),
    ("three", "'three' is not a row number or a range such as 3-7 (give e.g. 3-7,12)"),
    ("A3", "'A3' is not a row number or a range such as 3-7 (give e.g. 3-7,12)"),
    ("-3", "'-3' is not a row number or a range such as 3-7 (give e.g. 3-7,12)"),
    ("7-3", "'7-3': a range goes from a row number to a larger or equal one, e.g. 3-7"),
    ("0", "'0': a range goes from a row number to a larger or equal one, e.g. 3-7"),
    ("2-9999999", "'2-9999999' names more than 1,000,000 rows"),
])
def test_parse_rows_refuses(text: str, message: str) -> None:
    with pytest.raises(RowSpecError) as err:
        parse_rows(text)
    assert str(err.value) == message


def _read(tmp_path: Path, n: int) -> ReadResult:
    write_workbook(packages("sel", n, "org"), tmp_path / "in.xlsx")
    return read_workbook(tmp_path / "in.xlsx", LAYOUT)


@pytest.mark.parametrize(("rows", "message"), [
    ({(None, 1)}, "the rows chosen with --rows must be dataset rows of sheet 'datasets': "
                  "datasets!1 is not one (its dataset rows are 2-5); nothing was sent"),
    ({(None, n) for n in range(6, 14)},
     "the rows chosen with --rows must be dataset rows of sheet 'datasets': datasets!6, "
     "datasets!7, datasets!8, datasets!9, datasets!10 and 3 more is not one (its dataset "
     "rows are 2-5); nothing was sent"),
    ({("resources", 2)}, "the rows chosen with --rows must be dataset rows of sheet "
                         "'datasets': resources!2 is not one (its dataset rows are 2-5); "
                         "nothing was sent"),
])
def test_resolve_rows_refuses_rows_that_are_not_dataset_rows(
        tmp_path: Path, rows: set[tuple[str | None, int]], message: str) -> None:
    read = _read(tmp_path, 4)
    with pytest.raises(WorkbookError) as err:
        resolve_rows(rows, read)
    assert str(err.value) == message


def test_resolve_rows_names_the_datasets_sheet(tmp_path: Path) -> None:
    read = _read(tmp_path, 4)
    assert resolve_rows({(None, 3), ("datasets", 5)}, read) == {
        ("datasets", 3), ("datasets", 5)}


@pytest.mark.ckan
def test_import_rows_acts_on_exactly_those_rows(ckan_site: CkanSite, tmp_path: Path,
                                                prefix: str) -> None:
    pkgs = packages(prefix, 6, ckan_site.child_org.name)
    pkgs[4]["contacts"][0]["email"] = "not-an-email"  # row 6: an error outside the choice
    write_workbook(pkgs, tmp_path / "in.xlsx")
    args = ["import", "in.xlsx", "--url", ckan_site.url, "--json", "out.json",
            "--rows", "3-4,7"]
    proc = run_cli(args, ckan_site.sysadmin_token, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    assert [(r["row"], r["status"]) for r in data["rows"]] == [
        (2, "not selected"), (3, "created"), (4, "created"), (5, "not selected"),
        (6, "not selected"), (7, "created")]
    assert stored_names(ckan_site, prefix) == [
        f"{prefix}-dataset-2", f"{prefix}-dataset-3", f"{prefix}-dataset-6"]


@pytest.mark.ckan
@pytest.mark.parametrize(("rows", "message"), [
    ("3-x", "Error: Invalid value for --rows: '3-x' is not a row number or a range such as "
            "3-7 (give e.g. 3-7,12)"),
    ("3,40", "Error: the rows chosen with --rows must be dataset rows of sheet 'datasets': "
             "datasets!40 is not one (its dataset rows are 2-3); nothing was sent"),
])
def test_import_rows_refused_sends_nothing(ckan_site: CkanSite, tmp_path: Path, prefix: str,
                                           rows: str, message: str) -> None:
    write_workbook(packages(prefix, 2, ckan_site.child_org.name), tmp_path / "in.xlsx")
    proc = run_cli(["import", "in.xlsx", "--url", ckan_site.url, "--rows", rows],
                   ckan_site.sysadmin_token, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert stored_names(ckan_site, prefix) == []
