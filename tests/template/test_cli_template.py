"""``bcdc-import template`` through the real entry point (``python -m importer``), offline
and against a fake CKAN on 127.0.0.1 (tests/fakeckan.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

from importer.schema.load import data_path
from tests.fakeckan import fake_ckan
from tests.template.helpers import list_validation_at, range_values

EXPANDED = json.loads(data_path("bcdc_dataset.expanded.json").read_text())
SITE_LICENSES = [{"id": "2", "title": "Open Government Licence - British Columbia"},
                 {"id": "99", "title": "Site-only Licence"}]
ORGS = [{"name": f"org-{i:02d}", "title": f"Organization {i}", "id": f"uuid-{i}"}
        for i in range(30, 0, -1)]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", "template", *args],
        capture_output=True, text=True, check=False, timeout=60,
        env={**os.environ, **(env or {})},
    )


def org_page(data, _authorization):
    offset, limit = int(data.get("offset", 0)), int(data.get("limit", 1000))
    assert data.get("all_fields") is True
    return ORGS[offset:offset + min(limit, 25)]  # CKAN caps all_fields pages at 25


GOOD_SITE = {
    "scheming_dataset_schema_list": ["bcdc_dataset"],
    "scheming_dataset_schema_show": EXPANDED,
    "license_list": SITE_LICENSES,
    "organization_list": org_page,
}


def test_offline_writes_the_template(tmp_path) -> None:
    out = run("-o", str(tmp_path / "t.xlsx"))
    assert out.returncode == 0, out.stderr
    assert out.stdout == (
        f"Wrote {tmp_path / 't.xlsx'}: 42 dataset columns, 41 resource columns, schema "
        "bcdc_dataset from the bundled schema.\n"
    )
    assert out.stderr == ""
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[:2] == ["datasets",
                                                                          "resources"]


def test_counts_and_example_options(tmp_path) -> None:
    out = run("-o", str(tmp_path / "t.xlsx"), "--contacts", "5", "--more-info", "1",
              "--dates", "4", "--example")
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith("with an example row.\n")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["datasets"]
    headers = [c.value for c in ws[1]]
    assert "contacts_5_displayed" in headers and "contacts_6_name" not in headers
    assert "more_info_1_url" in headers and "more_info_2_url" not in headers
    assert "dates_4_date" in headers and "dates_5_date" not in headers
    assert ws.max_row == 2


def test_existing_file_is_not_overwritten_without_force(tmp_path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"precious")
    out = run("-o", str(path))
    assert (out.returncode, out.stderr) == (
        2, f"Error: {path} already exists (use --force to replace it)\n")
    assert path.read_bytes() == b"precious"
    forced = run("-o", str(path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert openpyxl.load_workbook(path).sheetnames[0] == "datasets"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/missing/t.xlsx"],
         "Error: cannot write {tmp}/missing/t.xlsx: no directory {tmp}/missing\n"),
        (["-o", "{tmp}/t.xlsx", "--type", "other_dataset"],
         "Error: the bundled schema is 'bcdc_dataset'; give --url to use the "
         "'other_dataset' schema of a site\n"),
    ],
)
def test_bad_output_or_type_is_one_line_and_exit_2(tmp_path, args, message) -> None:
    out = run(*[a.format(tmp=tmp_path) for a in args])
    assert (out.returncode, out.stderr) == (2, message.format(tmp=tmp_path))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--url", "catalogue.example"], "give the site's address, starting with http://"),
        (["--contacts", "0"], "0 is not in the range 1<=x<=50"),
        ([], "Missing option '-o' / '--output'"),
    ],
)
def test_usage_errors(tmp_path, args, fragment) -> None:
    if "-o" not in args and args:
        args = [*args, "-o", str(tmp_path / "t.xlsx")]
    out = run(*args)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert "Traceback" not in out.stderr


def test_output_is_checked_before_the_site_is_asked(tmp_path) -> None:
    (tmp_path / "t.xlsx").write_bytes(b"x")
    with fake_ckan(GOOD_SITE) as (url, calls):
        exists = run("-o", str(tmp_path / "t.xlsx"), "--url", url)
        no_dir = run("-o", str(tmp_path / "nope" / "t.xlsx"), "--url", url)
    assert (exists.returncode, no_dir.returncode) == (2, 2)
    assert calls == []


def test_url_that_does_not_answer(tmp_path) -> None:
    with fake_ckan({}) as (url, _):
        pass  # the server is gone: its port is closed now
    out = run("-o", str(tmp_path / "t.xlsx"), "--url", url)
    assert (out.returncode, out.stderr) == (2, f"Error: cannot reach {url}: ConnectionError\n")
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize(
    ("actions", "mode", "message"),
    [
        ({}, "html",
         "Error: {url} is not a CKAN API (scheming_dataset_schema_list answered HTTP 404, "
         "not JSON)\n"),
        ({}, "ckan",
         "Error: {url} does not publish ckanext-scheming dataset schemas "
         "(scheming_dataset_schema_list: Bad request - Action name not known: "
         "scheming_dataset_schema_list (HTTP 400))\n"),
        ({"scheming_dataset_schema_show": ("error", 404, {"__type": "Not Found Error",
                                                          "message": "Not found: Schema "
                                                                     "not found"})},
         "ckan",
         "Error: {url} has no ckanext-scheming schema for 'bcdc_dataset' "
         "(scheming_dataset_schema_show: Schema not found)\n"),
        ({"scheming_dataset_schema_show": ["not", "a", "schema"]}, "ckan",
         "Error: {url} returned a schema this tool does not understand\n"),
        ({"scheming_dataset_schema_show": {"about": "no fields"}}, "ckan",
         "Error: {url} is not a ckanext-scheming dataset schema\n"),
        ({"scheming_dataset_schema_show": {"dataset_type": "x",
                                           "dataset_fields": [{"label": "nameless"}]}},
         "ckan",
         "Error: {url} has a field this tool does not understand: 'field_name'\n"),
        ({"scheming_dataset_schema_show": {"dataset_type": "x", "dataset_fields": []}},
         "ckan", "Error: {url}'s 'bcdc_dataset' schema has no dataset fields\n"),
        ({"scheming_dataset_schema_show": EXPANDED}, "ckan",
         "Error: {url} could not list its licences and organizations "
         "(license_list: Bad request - Action name not known: license_list (HTTP 400))\n"),
    ],
    ids=["not-ckan", "no-scheming", "no-such-type", "schema-not-a-dict", "not-a-schema",
         "field-without-name", "no-fields", "no-license-list"],
)
def test_url_with_a_bad_answer(tmp_path, actions, mode, message) -> None:
    if actions:
        actions = {"scheming_dataset_schema_list": ["bcdc_dataset"], **actions}
    with fake_ckan(actions, mode) as (url, _):
        out = run("-o", str(tmp_path / "t.xlsx"), "--url", url)
    assert (out.returncode, out.stderr) == (2, message.format(url=url))
    assert out.stdout == ""
    assert not (tmp_path / "t.xlsx").exists()


def test_url_takes_schema_licences_and_organizations_from_the_site(tmp_path) -> None:
    path = tmp_path / "t.xlsx"
    with fake_ckan(GOOD_SITE) as (url, calls):
        out = run("-o", str(path), "--url", url, "--example",
                  env={"CKAN_API_TOKEN": "secret-token-value"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith(f"from {url}, 30 organizations, with an example row.\n")
    assert "secret-token-value" not in out.stdout + out.stderr
    assert [c[0] for c in calls] == ["scheming_dataset_schema_list",
                                     "scheming_dataset_schema_show", "license_list",
                                     "organization_list", "organization_list",
                                     "organization_list_for_user"]  # (for the example)
    assert calls[1][1] == {"type": "bcdc_dataset", "expanded": True}
    assert [c[1]["offset"] for c in calls[3:5]] == [0, 25]
    wb = openpyxl.load_workbook(path)
    ws = wb["datasets"]
    names = sorted(o["name"] for o in ORGS)
    headers = [c.value for c in ws[1]]
    for header in ("owner_org", "contacts_1_org", "contacts_3_org"):
        letter = ws.cell(1, headers.index(header) + 1).column_letter
        dv = list_validation_at(ws, f"{letter}2")
        assert range_values(wb, dv.formula1) == names
    letter = ws.cell(1, headers.index("license_id") + 1).column_letter
    dv = list_validation_at(ws, f"{letter}2")
    assert range_values(wb, dv.formula1) == [lic["title"] for lic in SITE_LICENSES]
    example = dict(zip(headers, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))
    assert example["owner_org"] == "org-01"
    meta = {k: v for k, v in wb["meta"].iter_rows(values_only=True)}
    assert meta["schema_source"] == url


def test_type_option_is_sent_to_the_site(tmp_path) -> None:
    other = dict(EXPANDED, dataset_type="other")
    site = dict(GOOD_SITE, scheming_dataset_schema_show=lambda data, _auth: other)
    with fake_ckan(site) as (url, calls):
        out = run("-o", str(tmp_path / "t.xlsx"), "--url", url, "--type", "other")
    assert out.returncode == 0, out.stderr
    assert calls[0][1]["type"] == "other"
    meta = dict(openpyxl.load_workbook(tmp_path / "t.xlsx")["meta"].iter_rows(values_only=True))
    assert meta["schema_type"] == "other"


def test_token_comes_from_the_environment_and_goes_only_in_the_header(tmp_path) -> None:
    with fake_ckan(GOOD_SITE) as (url, calls):
        out = run("-o", str(tmp_path / "t.xlsx"), "--url", url,
                  env={"CKAN_API_TOKEN": "tok-123"})
        anonymous = run("-o", str(tmp_path / "u.xlsx"), "--url", url,
                        env={"CKAN_API_TOKEN": ""})
    assert (out.returncode, anonymous.returncode) == (0, 0)
    assert {c[2] for c in calls[:5]} == {"tok-123"}
    assert {c[2] for c in calls[5:]} == {None}
    assert "tok-123" not in out.stdout + out.stderr
    assert all("tok-123" not in json.dumps(c[1]) for c in calls)


GENERIC_SCHEMA = {
    "scheming_version": 2,
    "dataset_type": "camel-photos",
    "about": "A non-BC schema: the generic profile",
    "dataset_fields": [
        {"field_name": "title", "label": "Title", "preset": "title", "required": True,
         "validators": "if_empty_same_as(name) unicode_safe"},
        {"field_name": "name", "label": "URL", "preset": "dataset_slug", "required": True,
         "validators": "not_empty unicode_safe name_validator package_name_validator"},
        {"field_name": "owner_org", "label": "Organization", "preset": "dataset_organization",
         "validators": "owner_org_validator unicode_safe"},
        {"field_name": "license_id", "label": "License", "form_snippet": "license.html"},
        {"field_name": "humps", "label": "Humps", "preset": "select", "required": True,
         "validators": "scheming_required scheming_choices",
         "choices": [{"value": "1", "label": "One"}, {"value": "2", "label": "Two"}]},
        {"field_name": "colours", "label": "Colours", "preset": "multiple_checkbox",
         "validators": "scheming_multiple_choice",
         "output_validators": "scheming_multiple_choice_output",
         "choices": [{"value": "sand", "label": "Sand"}, {"value": "brown", "label": "Brown"}]},
        {"field_name": "taken", "label": "Taken on", "preset": "date",
         "validators": "scheming_required isodate convert_to_json_if_date"},
        {"field_name": "people", "label": "People", "repeating_subfields": [
            {"field_name": "who", "label": "Who", "required": True},
            {"field_name": "role", "label": "Role", "preset": "select",
             "choices": [{"value": "rider", "label": "Rider"}]},
        ]},
    ],
    "resource_fields": [
        {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
        {"field_name": "name", "label": "Name"},
    ],
}


def test_any_scheming_site_gets_a_template(tmp_path) -> None:
    site = {"scheming_dataset_schema_list": ["camel-photos", "other"],
            "scheming_dataset_schema_show": GENERIC_SCHEMA, "license_list": SITE_LICENSES,
            "organization_list": [{"name": "herd", "title": "The Herd"}]}
    with fake_ckan(site) as (url, calls):
        out = run("-o", str(tmp_path / "t.xlsx"), "--url", url, "--type", "camel-photos",
                  "--example")
    assert out.returncode == 0, out.stderr
    assert calls[0][1]["type"] == "camel-photos"
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb["datasets"]
    headers = [c.value for c in ws[1]]
    assert headers == ["title", "name", "owner_org", "license_id", "humps", "colours", "taken",
                       "people_1_who", "people_1_role", "people_2_who", "people_2_role"]
    assert [c.value for c in wb["resources"][1]] == ["dataset_name", "url", "name"]

    def dropdown(header):
        dv = list_validation_at(ws, f"{ws.cell(1, headers.index(header) + 1).column_letter}2")
        return None if dv is None else (range_values(wb, dv.formula1), dv.errorStyle)

    assert dropdown("humps") == (["1", "2"], "stop")
    assert dropdown("colours") == (["sand", "brown"], "warning")  # multi-select: lenient
    assert dropdown("people_2_role") == (["rider"], "warning")
    # required by CKAN's owner_org_validator, though the schema has no required key
    assert dropdown("owner_org") == (["herd"], "stop")
    assert dropdown("license_id") == (["Open Government Licence - British Columbia",
                                       "Site-only Licence"], "warning")
    assert dropdown("title") is None
    row = dict(zip(headers, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))
    assert (row["title"], row["name"], row["humps"]) == ("Example Dataset Title",
                                                         "example-dataset-title", "1")
    assert row["people_1_who"] is None  # not required, no example given: entry left out
