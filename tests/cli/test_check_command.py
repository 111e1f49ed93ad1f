"""``bcdc-import check`` options: where outputs go, what may be overwritten, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.bcfake import ORGS, TOKEN, check_site
from tests.cli.clirun import run_cli
from tests.fakeckan import fake_ckan

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "samples" / "datasets.xlsx"
MISTAKES = ROOT / "samples" / "datasets-with-mistakes.xlsx"


@pytest.fixture()
def valid(tmp_path: Path) -> Path:
    return Path(shutil.copy(VALID, tmp_path / "datasets.xlsx"))


def test_default_report_is_beside_the_input_and_replaced_on_rerun(valid: Path) -> None:
    report = valid.with_name("datasets-report.xlsx")
    first = run_cli("check", valid)
    assert first.returncode == 0
    assert first.stdout.splitlines()[-1] == f"Report: {report}"
    assert load_workbook(report).sheetnames == ["summary", "errors", "datasets", "resources"]
    again = run_cli("check", valid)  # our own report: replaced without asking
    assert (again.returncode, again.stderr) == (0, "")
    assert [p.name for p in valid.parent.iterdir() if p.name.startswith(".")] == []


def test_no_report_writes_nothing(valid: Path) -> None:
    out = run_cli("check", valid, "--no-report")
    assert out.returncode == 0
    assert out.stdout == "Checked 63 rows: no errors.\n"
    assert sorted(p.name for p in valid.parent.iterdir()) == ["datasets.xlsx"]


def test_errors_exit_1_with_summary_and_json(tmp_path: Path) -> None:
    data = tmp_path / "out.json"
    out = run_cli("check", MISTAKES, "--report", tmp_path / "r.xlsx", "--json", data)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "Checked 63 rows: 17 with errors; 17 errors, 3 warnings."
    assert lines[1] == "Most common problems:"
    assert lines[2] == ("  datasets!E2: error required: Description (notes) is required: "
                        "fill in this cell.")
    assert len(lines) == 2 + 5 + 2  # five problems, then where the report and JSON are
    assert lines[-2:] == [f"Report: {tmp_path / 'r.xlsx'}", f"JSON: {data}"]
    written = json.loads(data.read_text())
    assert (written["version"], written["valid"], written["rows_with_errors"]) == (1, False, 17)
    assert written["report"] == str(tmp_path / "r.xlsx")


@pytest.mark.parametrize("option", ["--report", "--json"])
def test_a_file_that_is_not_our_report_is_kept_unless_forced(valid: Path, option: str) -> None:
    precious = valid.with_name("budget.xlsx" if option == "--report" else "budget.json")
    if option == "--report":
        Workbook().save(precious)
    else:
        precious.write_text('{"my": "data"}')
    before = precious.read_bytes()
    out = run_cli("check", valid, option, precious)
    assert out.returncode == 2
    assert out.stderr == (f"Error: {precious} exists and is not a bcdc-import report; use "
                          "--force to overwrite it, or choose another name\n")
    assert precious.read_bytes() == before
    assert not valid.with_name("datasets-report.xlsx").exists()  # refused before any work
    forced = run_cli("check", valid, option, precious, "--force")
    assert forced.returncode == 0
    assert precious.read_bytes() != before


def test_an_earlier_json_report_is_replaced(valid: Path) -> None:
    data = valid.with_name("out.json")
    assert run_cli("check", valid, "--json", data).returncode == 0
    assert run_cli("check", valid, "--json", data).returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{dir}/datasets.xlsx", "--report", "{dir}/datasets.xlsx", "--force"],
         "Error: the report {dir}/datasets.xlsx would overwrite the input file; choose "
         "another name"),
        (["{dir}/datasets.xlsx", "--report", "{dir}/missing/r.xlsx"],
         "Error: cannot write {dir}/missing/r.xlsx: no such folder {dir}/missing"),
        (["{dir}/nothing.xlsx"], "Error: {dir}/nothing.xlsx: no such file"),
        (["{dir}"], "Error: {dir} is a directory, not a workbook"),
        (["{dir}/datasets.xlsx", "--url", "http://127.0.0.1:9"],
         "Error: cannot reach http://127.0.0.1:9: ConnectionError"),
    ],
    ids=["report-is-input", "no-folder", "no-file", "directory", "site-unreachable"],
)
def test_cannot_run_exits_2_with_one_line(valid: Path, args: list[str], message: str) -> None:
    folder = str(valid.parent)
    out = run_cli("check", *[a.format(dir=folder) for a in args])
    assert out.returncode == 2
    assert out.stderr == message.format(dir=folder) + "\n"
    assert out.stdout == ""
    assert VALID.read_bytes() == valid.read_bytes()


def test_url_checks_against_the_site_and_never_shows_the_token(valid: Path) -> None:
    data = valid.with_name("out.json")
    with fake_ckan(check_site(ORGS, TOKEN)) as (url, calls):
        out = run_cli("check", valid, "--url", url, "--json", data,
                      env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (0, "")
    assert {"scheming_dataset_schema_show", "license_list",
            "organization_list_for_user"} <= {action for action, _, _ in calls}
    report = valid.with_name("datasets-report.xlsx")
    summary = load_workbook(report)["summary"]
    assert [summary["A5"].value, summary["B5"].value] == ["Checked against", url]
    for text in (out.stdout, data.read_text()):
        assert TOKEN not in text
    assert TOKEN.encode() not in report.read_bytes()


def test_url_without_a_token_says_why_every_organization_is_refused(valid: Path) -> None:
    data = valid.with_name("out.json")
    with fake_ckan(check_site(ORGS[:2], TOKEN)) as (url, _):
        out = run_cli("check", valid, "--url", url, "--no-report", "--json", data)
    assert out.returncode == 1
    assert out.stderr == (
        "Note: CKAN_API_TOKEN is not set, so organizations were checked as an anonymous "
        "user, who may create datasets in none of them.\n")
    lines = out.stdout.splitlines()
    assert lines[0] == "Checked 63 rows: 22 with errors; 22 errors, 0 warnings."
    messages = {p["message"] for p in json.loads(data.read_text())["problems"]}
    assert messages == {
        f"The organization '{title}' exists on {url}, but your API token may not create "
        "datasets in it: ask its admin to make you an editor."
        for title in ("Dev Catalogue Ministry", "Dev Catalogue Branch")
    } | {f"There is no organization 'devcat-agency' on {url}. Use the organization's name "
         "or title as shown on the site."}


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    book = load_workbook(VALID)
    sheet = book["datasets"]
    sheet.cell(1, sheet.max_column + 1, "internal_notes")
    sheet.cell(2, sheet.max_column, "ask Sam")
    path = tmp_path / "warned.xlsx"
    book.save(path)
    out = run_cli("check", path, "--no-report")
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.splitlines()[:3] == [
        "Checked 63 rows: no errors (1 warning).",
        "Most common problems:",
        "  datasets!AQ1: warning unknown-column: 'internal_notes' is not a dataset field of "
        "this catalogue, so the values in column AQ are not read.",
    ]


def test_every_option_is_documented() -> None:
    from importer.cli.check import check_command

    doc = (ROOT / "docs" / "check-report.md").read_text()
    options = [opt for param in check_command.params for opt in param.opts
               if opt.startswith("--")]
    assert options == ["--report", "--no-report", "--json", "--url", "--type", "--columns",
                       "--force"]
    assert [opt for opt in options if f"`{opt}" not in doc] == []


def test_an_unexpected_failure_is_one_line_not_a_traceback(
        valid: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importer.cli.check as check_module
    from importer.cli import main

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("odd cell")

    monkeypatch.setattr(check_module, "run_check", broken)
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(valid)])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "Error: datasets.xlsx could not be checked: unexpected ValueError: odd cell (please "
        "report this with the file)\n")
