"""The generic smoke (issue 17): every command against a REAL CKAN (2.12 and 2.9: the
``generic_site`` fixture) running ckanext-scheming's stock ``ckan_dataset.yaml`` (type
``dataset``, no BC plugin), through the real entry point and never with ``--type``.

template (with and without ``--example``) -> check with planted mistakes at their cells ->
import 10 datasets and 20 resources exactly -> re-import: zero writes -> export -> edit two
cells -> re-import: exactly those two fields change.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests

from importer.devcat.testsite import CkanSite
from tests.cli.clirun import run_cli

DATASETS = 10
RESOURCES_EACH = 2


def _action(site: CkanSite, action: str, **data: Any) -> Any:
    reply = requests.post(f"{site.url}/api/3/action/{action}", json=data, timeout=60,
                          headers={"Authorization": site.sysadmin_token}).json()
    assert reply["success"], reply.get("error")
    return reply["result"]


def _env(site: CkanSite) -> dict[str, str]:
    return {"CKAN_API_TOKEN": site.editor_token}  # an editor of the child organization


def _headers(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def _fill(ws: Any, rows: list[dict[str, Any]], first: int = 2) -> None:
    headers = _headers(ws)
    for r, row in enumerate(rows, start=first):
        for key, value in row.items():
            ws.cell(r, headers.index(key) + 1, value)


@pytest.fixture(scope="module")
def smoke(generic_site: CkanSite, tmp_path_factory) -> dict[str, Any]:
    """The blank template of the site, and the 10 datasets / 20 resources to fill it with."""
    folder = tmp_path_factory.mktemp("stock")
    blank = folder / "template.xlsx"
    out = run_cli("template", "-o", blank, "--url", generic_site.url,
                  env=_env(generic_site))
    assert (out.returncode, out.stderr) == (0, ""), out.stderr
    licence = next(lic for lic in _action(generic_site, "license_list")
                   if lic["id"] == "cc-by")
    prefix = f"smoke-{uuid.uuid4().hex[:8]}"
    org = generic_site.child_org.name
    datasets = [{
        "title": f"Smoke dataset {i}", "name": f"{prefix}-{i}", "notes": f"Notes of {i}.",
        "tag_string": "alpha, beta", "license_id": licence["title"], "owner_org": org,
        "url": f"https://example.org/source/{i}", "version": f"1.{i}",
        "author": "A. Author", "author_email": "author@example.org",
    } for i in range(1, DATASETS + 1)]
    resources = [{
        "dataset_name": f"{prefix}-{i}", "url": f"https://example.org/{i}/{k}.csv",
        "name": f"File {i}.{k}", "description": f"Part {k} of {i}.", "format": "CSV",
    } for i in range(1, DATASETS + 1) for k in range(1, RESOURCES_EACH + 1)]
    return {"folder": folder, "blank": blank, "prefix": prefix, "licence": licence,
            "datasets": datasets, "resources": resources}


def _workbook(smoke: dict[str, Any], name: str, datasets: list[dict[str, Any]],
              resources: list[dict[str, Any]]) -> Path:
    path = smoke["folder"] / name
    shutil.copy(smoke["blank"], path)
    wb = openpyxl.load_workbook(path)
    _fill(wb["datasets"], datasets)
    _fill(wb["resources"], resources)
    wb.save(path)
    return path


def test_template_has_the_stock_fields_and_marks_name_and_organization(smoke) -> None:
    wb = openpyxl.load_workbook(smoke["blank"])
    ws = wb["datasets"]
    assert _headers(ws) == ["title", "name", "notes", "tag_string", "license_id", "owner_org",
                            "url", "version", "author", "author_email", "maintainer",
                            "maintainer_email"]
    assert _headers(wb["resources"]) == ["dataset_name", "url", "name", "description",
                                         "format"]
    required = {c.value for c in ws[1] if c.comment.text.splitlines()[1] == "REQUIRED"}
    assert required == {"name", "owner_org"}
    assert dict(wb["meta"].iter_rows(values_only=True))["schema_type"] == "dataset"


def test_example_template_passes_its_own_check(generic_site, tmp_path) -> None:
    book = tmp_path / "example.xlsx"
    made = run_cli("template", "-o", book, "--url", generic_site.url, "--example",
                   env=_env(generic_site))
    assert made.returncode == 0, made.stderr
    out = run_cli("check", book, "--url", generic_site.url, "--no-report",
                  env=_env(generic_site))
    assert (out.returncode, out.stdout, out.stderr) == (0, "Checked 2 rows: no errors.\n", "")


def test_check_finds_planted_mistakes_at_their_cells(generic_site, smoke) -> None:
    datasets = [dict(d) for d in smoke["datasets"][:5]]
    datasets[0]["name"] = None  # B2: the stock name uses not_empty
    datasets[1]["owner_org"] = None  # F3: CKAN's owner_org_validator
    datasets[2]["author_email"] = "author(at)example.org"  # J4
    datasets[3]["license_id"] = "No Such Licence"  # E5
    datasets[4]["owner_org"] = "no-such-organization"  # F6
    resources = [dict(r) for r in smoke["resources"][2:4]]
    resources[1]["url"] = "example.org/no-scheme.csv"  # resources!B3
    book = _workbook(smoke, "mistakes.xlsx", datasets, resources)
    report = smoke["folder"] / "mistakes.json"
    out = run_cli("check", book, "--url", generic_site.url, "--no-report", "--json",
                  report, env=_env(generic_site))
    assert out.returncode == 1, out.stderr
    found = [(p["sheet"], p["cell"], p["code"])
             for p in json.loads(report.read_text())["problems"]]
    assert found == [
        ("datasets", "B2", "required"),
        ("datasets", "F3", "required"),
        ("datasets", "J4", "bad-email"),
        ("datasets", "E5", "unknown-licence"),
        ("datasets", "F6", "unknown-organization"),
        ("resources", "B3", "bad-url"),
    ]
    text = out.stdout + json.dumps(json.loads(report.read_text()))
    assert "gov.bc.ca" not in text


def _stored(site: CkanSite, name: str) -> dict[str, Any]:
    return _action(site, "package_show", id=name)  # type: ignore[no-any-return]


def test_import_reimport_export_edit_reimport(generic_site, smoke) -> None:
    site, env = generic_site, _env(generic_site)
    book = _workbook(smoke, "good.xlsx", smoke["datasets"], smoke["resources"])
    first = run_cli("import", book, "--url", site.url, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"  created      {DATASETS:>6}" in first.stdout.splitlines()

    # exact: every written field is stored as written, and nothing else appeared
    for d in smoke["datasets"]:
        pkg = _stored(site, d["name"])
        got = {k: pkg[k] for k in ("title", "name", "notes", "url", "version", "author",
                                   "author_email", "type")}
        assert got == {**{k: d[k] for k in got if k != "type"}, "type": "dataset"}
        assert sorted(t["name"] for t in pkg["tags"]) == ["alpha", "beta"]
        assert pkg["license_id"] == "cc-by"
        assert pkg["owner_org"] == site.child_org.id
        want = [r for r in smoke["resources"] if r["dataset_name"] == d["name"]]
        assert [{k: r[k] for k in ("url", "name", "description", "format")}
                for r in pkg["resources"]] == [
            {k: r[k] for k in ("url", "name", "description", "format")} for r in want]
    before = {d["name"]: _stored(site, d["name"])["metadata_modified"]
              for d in smoke["datasets"]}

    again = run_cli("import", book, "--url", site.url, "--json",
                    smoke["folder"] / "again.json", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((smoke["folder"] / "again.json").read_text())["statuses"] == {
        "unchanged": DATASETS}
    assert {n: _stored(site, n)["metadata_modified"] for n in before} == before  # no write

    names = smoke["folder"] / "names.txt"
    names.write_text("\n".join(before) + "\n")
    exported = smoke["folder"] / "export.xlsx"
    out = run_cli("export", "--url", site.url, "--names", names, "-o", exported, env=env)
    assert (out.returncode, out.stderr) == (0, ""), out.stdout
    assert out.stdout.startswith(f"{DATASETS} records exported ({DATASETS * RESOURCES_EACH} "
                                 "resources)")
    wb = openpyxl.load_workbook(exported)
    ds, rs = wb["datasets"], wb["resources"]
    row3 = 1 + next(i for i, r in enumerate(ds.iter_rows(min_row=2, values_only=True), 1)
                    if f"{smoke['prefix']}-3" in r)
    ds.cell(row3, _headers(ds).index("title") + 1, "Smoke dataset 3, renamed")
    rs.cell(2, _headers(rs).index("format") + 1, "JSON")
    edited_name = rs.cell(2, _headers(rs).index("dataset_name") + 1).value
    wb.save(exported)

    edited = run_cli("import", exported, "--url", site.url, "--json",
                     smoke["folder"] / "edited.json", env=env)
    assert edited.returncode == 0, edited.stdout + edited.stderr
    rows = json.loads((smoke["folder"] / "edited.json").read_text())["rows"]
    changed = sorted((r["name"], c["field"], c["new"]) for r in rows for c in r["changed"])
    assert len(changed) == 2, changed
    assert (f"{smoke['prefix']}-3", "title", "Smoke dataset 3, renamed") in changed
    assert _stored(site, f"{smoke['prefix']}-3")["title"] == "Smoke dataset 3, renamed"
    formats = [r["format"] for r in _stored(site, edited_name)["resources"]]
    assert formats.count("JSON") == 1
    untouched = {n for n in before if n not in (f"{smoke['prefix']}-3", edited_name)}
    assert {n: _stored(site, n)["metadata_modified"] for n in untouched} == {
        n: before[n] for n in untouched}
