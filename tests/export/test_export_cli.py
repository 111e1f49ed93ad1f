"""The export command through the real entry point, against a local HTTP stand-in."""

from __future__ import annotations

import openpyxl
import pytest

from importer.cli import main
from tests.export.fakesite import FakeSite, make_packages, serve

ORG = {"id": "0a6d7b2e-1111-4c8d-9e0f-aaaaaaaaaaaa", "name": "roads-branch",
       "title": "Roads Branch"}


@pytest.fixture(scope="module")
def url():
    packages = make_packages(3, ORG["id"])
    packages[2]["security_class"] = "SECRET"
    with serve(FakeSite(packages, [ORG], hidden_orgs=("secret-org",))) as address:
        yield address


@pytest.fixture(autouse=True)
def no_token(monkeypatch) -> None:
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_export_an_organization(url, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    out = tmp_path / "roads.xlsx"
    code, stdout, stderr = run(["export", "--url", url, "--org", "roads-branch", "-o", str(out)],
                               capsys)
    assert (code, stderr) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == f"3 records exported (6 resources) to {out}."
    assert lines[1] == ("1 note (also in the export-notes sheet); stored values the file "
                        "does not show are kept when it is imported:")
    assert lines[2].startswith("  dataset-0002: datasets!") and "security_class" in lines[2]
    wb = openpyxl.load_workbook(out)
    assert wb["datasets"].max_row == 4 and wb["resources"].max_row == 7


@pytest.mark.parametrize(
    ("args", "code", "stdout", "stderr"),
    [
        (["--org", "nope"], 2, "",
         "Error: organization 'nope' does not exist on this site or this token cannot read it\n"),
        (["--org", "secret-org"], 2, "",
         "Error: organization 'secret-org' does not exist on this site or this token cannot "
         "read it\n"),
        (["--query", "zzz"], 0,
         "0 records exported (query 'zzz' matched nothing); no file written.\n"
         "CKAN_API_TOKEN is not set: only public, published records can be seen.\n", ""),
    ],
)
def test_bad_or_empty_selection(url, tmp_path, capsys, monkeypatch, args, code, stdout,
                                stderr) -> None:
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    out = tmp_path / "x.xlsx"
    got = run(["export", "--url", url, *args, "-o", str(out)], capsys)
    assert got == (code, stdout, stderr)
    assert not out.exists()


def test_existing_output_needs_force(url, tmp_path, capsys) -> None:
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")
    args = ["export", "--url", url, "--org", "roads-branch", "-o", str(out)]
    assert run(args, capsys) == (
        2, "", f"Error: {out} already exists (use --force to replace it)\n")
    assert out.read_bytes() == b"old"
    code, stdout, _ = run([*args, "--force"], capsys)
    assert code == 0 and stdout.startswith("3 records exported")
    assert openpyxl.load_workbook(out)["datasets"].max_row == 4


def test_names_file_with_a_missing_name_exits_1(url, tmp_path, capsys) -> None:
    names = tmp_path / "names.txt"
    names.write_text("dataset-0001\nno-such-record\n")
    out = tmp_path / "x.xlsx"
    code, stdout, _ = run(["export", "--url", url, "--names", str(names), "-o", str(out)],
                          capsys)
    assert code == 1
    assert stdout.splitlines()[0] == f"1 records exported (2 resources) to {out}."
    assert ("  no-such-record: name: No record by this name on the site, or this token "
            "cannot read it.") in stdout.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "a", "--query", "b"], "give exactly one of --org, --query or --names"),
        ([], "give exactly one of --org, --query or --names"),
    ],
)
def test_selection_usage(url, tmp_path, capsys, args, message) -> None:
    code, _, stderr = run(["export", "--url", url, *args, "-o", str(tmp_path / "x.xlsx")],
                          capsys)
    assert code == 2 and message in stderr


def test_unreachable_site(tmp_path, capsys) -> None:
    code, stdout, stderr = run(
        ["export", "--url", "http://127.0.0.1:9", "--org", "a", "-o", str(tmp_path / "x.xlsx")],
        capsys)
    assert (code, stdout) == (2, "")
    assert stderr == "Error: cannot reach http://127.0.0.1:9: ConnectionError\n"


def test_progress_bar_redraws_one_line() -> None:
    import io

    from importer.cli.export import _progress

    stream = io.StringIO()
    show = _progress(stream, width=10)
    show(0, None)
    show(250, 1000)
    show(1000, 1000)
    assert stream.getvalue() == (
        "\rFetching records: 0"
        "\rFetching records [##--------] 250/1000"
        "\rFetching records [##########] 1000/1000"
    )
