"""Issue 17: any CKAN site with ckanext-scheming, through the real entry point, against a
fake CKAN serving the stock scheming schema (tests/anysite/stock.py). Each finding of the
issue has a test here that fails on the code before the fix; the same runs against a real
CKAN with the stock schema are in test_stock_site.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.anysite.stock import STOCK_EXPANDED, stock_site
from tests.cli.clirun import run_cli
from tests.fakeckan import fake_ckan
from tests.template.test_cli_template import EXPANDED as BC_EXPANDED
from tests.template.test_cli_template import GENERIC_SCHEMA
from tests.workbooks import datasets_book

TOKEN = "tok-anysite-0123456789"
WRITES = {"package_create", "package_patch", "package_update", "resource_create",
          "resource_patch", "resource_update", "package_delete"}


def actions(calls: list[Any]) -> list[str]:
    return [c[0] for c in calls]


def make_template(url: str, path: Path, *more: str) -> Path:
    out = run_cli("template", "-o", path, "--url", url, *more)
    assert out.returncode == 0, out.stderr
    return path


def datasets_only(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A workbook a person made by hand: a datasets sheet, no meta sheet."""
    headers = list(rows[0])
    return datasets_book(path, headers, *([row[h] for h in headers] for row in rows))


# -- finding 1: import finds the type (meta sheet, site list, --type, --site config) -------

def test_import_takes_the_type_from_the_workbook_meta_sheet(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, calls):
        book = make_template(url, tmp_path / "t.xlsx", "--example")
        del calls[:]
        out = run_cli("import", book, "--url", url, "--dry-run", env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.splitlines()[:2] == [
        f"Import plan (dry run, nothing sent): 1 dataset row (2 rows checked, resource rows "
        f"included), {url}", "  would create      1"]
    shown = [c[1] for c in calls if c[0] == "scheming_dataset_schema_show"]
    assert shown == [{"type": "dataset", "expanded": True}]
    assert "scheming_dataset_schema_list" not in actions(calls)  # the meta sheet said it
    assert not WRITES & set(actions(calls))


def test_import_of_a_workbook_without_meta_uses_the_sites_only_type(tmp_path) -> None:
    book = datasets_only(tmp_path / "hand.xlsx", [
        {"name": "hand-made", "title": "Hand made", "owner_org": "probe-org"}])
    with fake_ckan(stock_site()) as (url, calls):
        out = run_cli("import", book, "--url", url, "--dry-run", env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (0, "")
    assert "  would create      1" in out.stdout.splitlines()
    assert [c[1].get("type") for c in calls if c[0] == "scheming_dataset_schema_show"] == [
        "dataset"]


@pytest.mark.parametrize("how", ["option", "config"])
def test_import_type_from_the_option_or_the_site_config(tmp_path, how) -> None:
    book = datasets_only(tmp_path / "hand.xlsx", [
        {"name": "hand-made", "title": "Hand made", "owner_org": "probe-org"}])
    site = stock_site(scheming_dataset_schema_list=["other", "dataset"])
    with fake_ckan(site) as (url, calls):
        if how == "option":
            args = ["--url", url, "--type", "dataset"]
        else:
            config = tmp_path / "sites.toml"
            config.write_text(f'[sites.open]\nurl = "{url}"\ntype = "dataset"\n')
            args = ["--site", "open", "--config", str(config)]
        out = run_cli("import", book, *args, "--dry-run", env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (0, "")
    assert "scheming_dataset_schema_list" not in actions(calls)


def test_site_config_type_must_be_a_name(tmp_path) -> None:
    config = tmp_path / "sites.toml"
    config.write_text('[sites.open]\nurl = "http://127.0.0.1:9"\ntype = 3\n')
    book = datasets_only(tmp_path / "hand.xlsx", [{"name": "a", "title": "A"}])
    out = run_cli("import", book, "--site", "open", "--config", config,
                  env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (
        2, f"Error: {config}: the type of site 'open' must be a dataset type name "
           "(a non-empty string)\n")


# -- finding 2: export without --type follows the site's schema ----------------------------

def test_export_without_type_exports_the_records_of_the_sites_type(tmp_path) -> None:
    out_path = tmp_path / "probe.xlsx"
    with fake_ckan(stock_site()) as (url, calls):
        out = run_cli("export", "--url", url, "--org", "probe-org", "-o", out_path,
                      env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == f"2 records exported (2 resources) to {out_path}.\n"
    searches = [c[1]["fq"] for c in calls if c[0] == "package_search"]
    assert searches == ['owner_org:"uuid-probe" +dataset_type:dataset']
    wb = openpyxl.load_workbook(out_path)
    assert [r[:2] for r in wb["datasets"].iter_rows(min_row=2, values_only=True)] == [
        ("Probe 1", "probe-1"), ("Probe 2", "probe-2")]
    assert dict(wb["meta"].iter_rows(values_only=True))["schema_type"] == "dataset"


def test_export_of_a_type_the_site_does_not_have_names_the_types_it_has(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        out = run_cli("export", "--url", url, "--org", "probe-org", "-o", tmp_path / "x.xlsx",
                      "--type", "bcdc_dataset")
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (f"Error: {url} has no ckanext-scheming schema for 'bcdc_dataset' "
                          "(its dataset types: dataset); choose one with --type TYPE\n")
    assert not (tmp_path / "x.xlsx").exists()


# -- finding 3: template and check find the type, or say which types there are -------------

def _two_schemas(body: dict[str, Any], _auth: str | None) -> Any:
    return {"dataset": STOCK_EXPANDED, "bcdc_dataset": BC_EXPANDED}.get(str(body["type"]))


@pytest.mark.parametrize(("types", "code", "schema_type", "stderr"), [
    (["dataset"], 0, "dataset", ""),
    (["dataset", "bcdc_dataset"], 0, "bcdc_dataset", ""),  # the BC type preferred
    (["dataset", "camel-photos"], 2, None,
     "Error: {url} has several dataset types (dataset, camel-photos); choose one with "
     "--type TYPE\n"),
    ([], 2, None, "Error: {url} publishes no ckanext-scheming dataset schema\n"),
], ids=["one", "bc-among-several", "several", "none"])
def test_template_takes_the_sites_type(tmp_path, types, code, schema_type, stderr) -> None:
    site = stock_site(scheming_dataset_schema_list=types,
                      scheming_dataset_schema_show=_two_schemas)
    with fake_ckan(site) as (url, _):
        out = run_cli("template", "-o", tmp_path / "t.xlsx", "--url", url)
    assert (out.returncode, out.stderr) == (code, stderr.format(url=url))
    if schema_type:
        meta = dict(openpyxl.load_workbook(tmp_path / "t.xlsx")["meta"].iter_rows(
            values_only=True))
        assert meta["schema_type"] == schema_type


def test_template_of_a_type_the_site_lacks_lists_its_types(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        out = run_cli("template", "-o", tmp_path / "t.xlsx", "--url", url)
        wrong = run_cli("template", "-o", tmp_path / "u.xlsx", "--url", url, "--type",
                        "bcdc_dataset")
    assert (out.returncode, out.stderr) == (0, "")
    assert (wrong.returncode, wrong.stderr) == (
        2, f"Error: {url} has no ckanext-scheming schema for 'bcdc_dataset' (its dataset "
           "types: dataset); choose one with --type TYPE\n")


def test_check_takes_the_type_from_the_workbook_then_the_site(tmp_path) -> None:
    site = stock_site(scheming_dataset_schema_list=["dataset", "camel-photos"])
    hand = datasets_only(tmp_path / "hand.xlsx", [
        {"name": "hand-made", "title": "Hand made", "owner_org": "probe-org"}])
    with fake_ckan(stock_site()) as (url, _):
        book = make_template(url, tmp_path / "t.xlsx", "--example")
    with fake_ckan(site) as (url, calls):
        made = run_cli("check", book, "--url", url, "--no-report")
        listed = actions(calls)
        by_hand = run_cli("check", hand, "--url", url, "--no-report")
        chosen = run_cli("check", hand, "--url", url, "--no-report", "--type", "dataset")
    assert (made.returncode, made.stdout) == (0, "Checked 2 rows: no errors.\n")
    assert "scheming_dataset_schema_list" not in listed
    assert (by_hand.returncode, by_hand.stderr) == (
        2, f"Error: {url} has several dataset types (dataset, camel-photos); choose one with "
           "--type TYPE\n")
    assert (chosen.returncode, chosen.stdout) == (0, "Checked 1 row: no errors.\n")


def test_check_offline_of_a_workbook_made_for_another_type_says_to_give_url(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        book = make_template(url, tmp_path / "t.xlsx", "--example")
    out = run_cli("check", book, "--no-report")
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", "Error: the bundled schema is 'bcdc_dataset'; give --url to use the 'dataset' "
               "schema of a site\n")


def test_check_report_names_the_dataset_type_used(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        book = make_template(url, tmp_path / "t.xlsx", "--example")
        out = run_cli("check", book, "--url", url, "--report", tmp_path / "r.xlsx")
    assert out.returncode == 0, out.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["summary"].iter_rows(
        values_only=True))
    assert ("Checked against", url) in [r[:2] for r in rows]
    assert ("Dataset type", "dataset") in [r[:2] for r in rows]


# -- finding 4: the --example template passes its own check, on any schema -----------------

@pytest.mark.parametrize("schema", [STOCK_EXPANDED, GENERIC_SCHEMA, BC_EXPANDED],
                         ids=["stock", "camel-photos", "bcdc"])
def test_example_template_passes_its_own_check(tmp_path, schema) -> None:
    site = stock_site(scheming_dataset_schema_list=[schema["dataset_type"]],
                      scheming_dataset_schema_show=schema)
    with fake_ckan(site) as (url, _):  # (--type: this test is about the example row)
        book = make_template(url, tmp_path / "t.xlsx", "--example", "--type",
                             schema["dataset_type"])
        out = run_cli("check", book, "--url", url, "--json", tmp_path / "p.json",
                      "--type", schema["dataset_type"], env={"CKAN_API_TOKEN": TOKEN})
    problems = json.loads((tmp_path / "p.json").read_text())["problems"]
    assert (out.returncode, problems) == (0, [])
    wb = openpyxl.load_workbook(book)
    link = wb["resources"]["A2"].value
    names = [c.value for c in wb["datasets"][1]]
    assert link == wb["datasets"].cell(2, names.index("name") + 1).value  # its own dataset


# -- finding 5: required by validators: marked, and caught before anything is sent ----------

def test_name_and_organization_are_marked_required(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        book = make_template(url, tmp_path / "t.xlsx", "--type", "dataset")
    ws = openpyxl.load_workbook(book)["datasets"]
    marked = {c.value: c.comment.text.splitlines()[1] for c in ws[1]}
    assert {h for h, req in marked.items() if req == "REQUIRED"} == {"name", "owner_org"}
    assert marked["title"] == "OPTIONAL"  # if_empty_same_as(name): the server fills it


def test_missing_name_and_organization_are_caught_at_their_cells(tmp_path) -> None:
    book = datasets_only(tmp_path / "hand.xlsx", [
        {"title": "No name", "name": None, "owner_org": "probe-org"},
        {"title": "No organization", "name": "no-org", "owner_org": None}])
    with fake_ckan(stock_site()) as (url, calls):
        out = run_cli("check", book, "--url", url, "--json", tmp_path / "p.json",
                      env={"CKAN_API_TOKEN": TOKEN})
        imported = run_cli("import", book, "--url", url, env={"CKAN_API_TOKEN": TOKEN})
    found = [(p["cell"], p["code"], p["message"])
             for p in json.loads((tmp_path / "p.json").read_text())["problems"]]
    assert out.returncode == 1
    assert found == [
        ("B2", "required", "URL (name) is required: fill in this cell."),
        ("C3", "required", "Organization (owner_org) is required: fill in this cell. "
         "CKAN refuses a dataset without an organization unless the site allows "
         "unowned datasets, a setting sites do not reveal."),
    ]
    assert imported.returncode == 1
    assert "Nothing was sent" in imported.stdout
    assert not WRITES & set(actions(calls))


# -- finding 6: no BC wording outside the BC profile; --publish refused without a state ------

def _all_text(path: Path) -> str:
    """Every cell and comment a person reads (not the hidden meta sheet's tool name)."""
    wb = openpyxl.load_workbook(path)
    parts = []
    for ws in wb.worksheets:
        if ws.title == "meta":
            continue
        for row in ws.iter_rows():
            for cell in row:
                parts.append(str(cell.value or ""))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
    return "\n".join(parts)


def test_a_generic_template_has_no_bc_wording(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        plain = make_template(url, tmp_path / "t.xlsx")
        example = make_template(url, tmp_path / "e.xlsx", "--example")
    for book in (plain, example):
        text = _all_text(book).lower()
        for bc in ("gov.bc.ca", "bcdc", "databc", "draft", "publish_state", "idir"):
            assert bc not in text, (book.name, bc)
    assert "name@example.org" in _all_text(example)  # the instructions' example e-mail


def test_generic_messages_use_neutral_examples(tmp_path) -> None:
    book = datasets_only(tmp_path / "hand.xlsx", [
        {"name": "bad-cells", "title": "Bad cells", "owner_org": "probe-org",
         "author_email": "someone(at)example", "url": "www.example"}])
    with fake_ckan(stock_site()) as (url, _):
        out = run_cli("check", book, "--url", url, "--json", tmp_path / "p.json",
                      env={"CKAN_API_TOKEN": TOKEN})
    found = [(p["cell"], p["message"])
             for p in json.loads((tmp_path / "p.json").read_text())["problems"]]
    assert out.returncode == 1
    assert found == [
        ("D2", "'someone(at)example' is not an e-mail address (expected name@example.org)."),
        ("E2", "'www.example' is not a web address: write the full address, starting with "
               "https:// (for example https://example.org/)."),
    ]


def test_publish_on_a_site_without_publish_state_is_an_error(tmp_path) -> None:
    with fake_ckan(stock_site()) as (url, calls):
        book = make_template(url, tmp_path / "t.xlsx", "--example")
        del calls[:]
        out = run_cli("import", book, "--url", url, "--publish", env={"CKAN_API_TOKEN": TOKEN})
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (
        f"Error: --publish moves records to a publication state, but the 'dataset' schema "
        f"of {url} has no such field (only the BC Data Catalogue's bcdc_dataset schema has "
        "one: publish_state); run without --publish\n")
    assert not WRITES & set(actions(calls))
