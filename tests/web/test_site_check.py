"""Issue 17: the web app checks against ITS site (``Settings.site_url``), not the bundled
BC schema: the site's schema and dataset type (resolved as every command resolves it), its
licences and organizations; the report says so; the template is the site's; a site that
does not answer is a plain 502 page. Against stand-in sites (tests/fakeckan.py) and the
REAL stock-schema dev catalogue (``ckan_stock_site``: the whole workflow, no BC wording)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient

from importer.devcat.testsite import CkanSite
from importer.read import workbook_type
from tests.anysite.stock import stock_site
from tests.bcfake import ORGS, TOKEN, check_site
from tests.fakeckan import fake_ckan
from tests.web.browser import serve
from tests.web.conftest import NO_SITE, MakeApp, csrf, upload
from tests.web.test_views import alert_text, marked_cells
from tests.workbooks import datasets_book

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "samples" / "datasets.xlsx"
#: words of the BC profile that must not reach a page about a generic site
BC_WORDS = ("gov.bc.ca", "bcdc_dataset", "publish")


def _report(tmp: Path, job_path: str, jobs: str = "jobs") -> Any:
    """The job's check report (JSON); ``jobs``: the app's jobs folder under ``tmp``."""
    return json.loads((tmp / jobs / job_path.rsplit("/", 1)[1] / "report.json").read_text())


def _facts(tmp: Path, job_path: str) -> list[list[Any]]:
    """The summary sheet's rows of the job's check report (label, value)."""
    book = openpyxl.load_workbook(tmp / "jobs" / job_path.rsplit("/", 1)[1] / "report.xlsx")
    return [list(r[:2]) for r in book["summary"].iter_rows(values_only=True) if r[0]]


def test_the_check_is_made_against_the_servers_site_and_says_so(
        make_app: MakeApp, bc_fake: str, tmp_path: Path) -> None:
    client = make_app().test_client()
    answer = upload(client, VALID)
    job_path = answer.request.path
    assert (f'<p class="checked-against" id="checked-against">Checked against {bc_fake}: its '
            "“bcdc_dataset” schema, licences and organizations.</p>") in \
        answer.get_data(as_text=True)
    assert ["Checked against", bc_fake] in _facts(tmp_path, job_path)
    assert ["Dataset type", "bcdc_dataset"] in _facts(tmp_path, job_path)
    assert _report(tmp_path, job_path)["counts"]["errors"] == 0


def test_an_organization_the_site_does_not_list_is_an_error_at_its_cell(
        make_app: MakeApp, tmp_path: Path) -> None:
    with fake_ckan(check_site(ORGS[:2], TOKEN)) as (url, calls):  # no devcat-agency
        client = make_app(site_url=url).test_client()
        job_path = upload(client, VALID).request.path
    problems = {(p["cell"], p["message"]) for p in _report(tmp_path, job_path)["problems"]}
    assert {m for _, m in problems} == {
        f"There is no organization 'devcat-agency' on {url}. Use the organization's name or "
        "title as shown on the site."}
    # no token is asked for to check: the organizations the site lists, anonymously
    assert {(action, auth) for action, _, auth in calls if action.startswith("organization")} \
        == {("organization_list", None)}
    # the grid's drop-downs come from the same answers: each list asked for once (the
    # organizations in pages: the second, empty, says the list has ended)
    assert sorted(a for a, _, _ in calls if a in ("license_list", "organization_list")) == [
        "license_list", "organization_list", "organization_list"]


def test_a_site_that_does_not_answer_is_a_plain_502_page(make_app: MakeApp) -> None:
    client = make_app(site_url=NO_SITE).test_client()
    answer = upload(client, VALID)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 502
    assert "<h1>The catalogue did not answer as expected</h1>" in page
    assert alert_text(page) == f"cannot reach {NO_SITE}: ConnectionError"  # as `check` says
    assert "Traceback" not in page
    template = client.get("/template")
    assert template.status_code == 502
    assert alert_text(template.get_data(as_text=True)).startswith(f"cannot reach {NO_SITE}")


def test_the_template_is_the_sites(make_app: MakeApp, tmp_path: Path) -> None:
    with fake_ckan(stock_site()) as (url, _):
        client = make_app(site_url=url).test_client()
        answer = client.get("/template")
    assert answer.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(answer.data)
    assert workbook_type(path) == "dataset"
    assert [c.value for c in openpyxl.load_workbook(path)["datasets"][1]][:3] == [
        "title", "name", "notes"]


def test_the_servers_type_chooses_among_the_sites_types(make_app: MakeApp,
                                                       tmp_path: Path) -> None:
    book = datasets_book(tmp_path / "hand.xlsx", ["name", "title", "owner_org"],
                         ["hand-made", "Hand made", "probe-org"])
    site = stock_site(scheming_dataset_schema_list=["other", "dataset"])
    with fake_ckan(site) as (url, _):
        several = upload(make_app(site_url=url).test_client(), book)
        chosen = upload(make_app(site_url=url, dataset_type="dataset",
                                 jobs_dir=tmp_path / "jobs2").test_client(), book)
    assert several.status_code == 422
    assert alert_text(several.get_data(as_text=True)) == (
        f"{url} has several dataset types (other, dataset); choose one with --type TYPE")
    assert chosen.status_code == 200
    assert _report(tmp_path, chosen.request.path, "jobs2")["counts"]["errors"] == 0


@pytest.mark.parametrize("how", ["option", "config"])
def test_serve_takes_the_type_from_the_option_or_the_site_config(tmp_path: Path,
                                                                 how: str) -> None:
    import requests

    site = stock_site(scheming_dataset_schema_list=["other", "dataset"])
    with fake_ckan(site) as (url, _):
        if how == "option":
            args: tuple[str, ...] = ("--url", url, "--type", "dataset")
        else:
            config = tmp_path / "sites.toml"
            config.write_text(f'[sites.open]\nurl = "{url}"\ntype = "dataset"\n')
            args = ("--site", "open", "--config", str(config))
        with serve("", tmp_path / "jobs", *args) as address:
            answer = requests.get(address + "template", timeout=60)
    assert answer.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(answer.content)
    assert workbook_type(path) == "dataset"


# -- the REAL stock-schema dev catalogue: the whole workflow in the web app -----------------


def _post(client: FlaskClient, page: str, action: str, **form: str) -> str:
    answer = client.post(f"{page}/{action}", data={"csrf_token": csrf(client, page), **form})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return str(answer.headers["Location"])


def _page_text(client: FlaskClient, path: str) -> str:
    return client.get(path).get_data(as_text=True)


def test_stock_site_check_plan_import_in_the_web_app(
        make_app: MakeApp, ckan_stock_site: CkanSite, tmp_path: Path) -> None:
    site = ckan_stock_site
    client = make_app(site_url=site.url).test_client()
    start = _page_text(client, "/")
    blank = tmp_path / "template.xlsx"
    blank.write_bytes(client.get("/template").data)
    assert workbook_type(blank) == "dataset"
    prefix = f"web-{uuid.uuid4().hex[:8]}"
    org = site.child_org.name
    datasets = [{"title": f"Web dataset {i}", "name": f"{prefix}-{i}", "owner_org": org,
                 "license_id": "Creative Commons Attribution", "notes": f"Notes {i}.",
                 "author_email": "author@example.org"} for i in (1, 2, 3)]
    resources = [{"dataset_name": f"{prefix}-{i}", "url": f"https://example.org/{i}.csv",
                  "name": f"File {i}", "format": "CSV"} for i in (1, 2, 3)]

    def book(name: str, rows: list[dict[str, Any]]) -> Path:
        wb = openpyxl.load_workbook(blank)
        for sheet, values in (("datasets", rows), ("resources", resources)):
            ws = wb[sheet]
            headers = [c.value for c in ws[1]]
            for r, row in enumerate(values, start=2):
                for key, value in row.items():
                    ws.cell(r, headers.index(key) + 1, value)
        wb.save(tmp_path / name)
        return tmp_path / name

    mistakes = [dict(d) for d in datasets]
    mistakes[0]["name"] = None  # B2: the stock name uses not_empty
    mistakes[1]["owner_org"] = None  # F3: CKAN's owner_org_validator
    answer = upload(client, book("mistakes.xlsx", mistakes))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert sorted(marked_cells(page)) == [("datasets", "B2", "required"),
                                          ("datasets", "F3", "required")]
    problems = [(p["sheet"], p["cell"], p["message"]) for p in
                _report(tmp_path, answer.request.path)["problems"]]
    assert problems[:2] == [
        ("datasets", "B2", "URL (name) is required: fill in this cell."),
        ("datasets", "F3", "Organization (owner_org) is required: fill in this cell. "
         "CKAN refuses a dataset without an organization unless the site allows "
         "unowned datasets, a setting sites do not reveal.")]
    # ... and the resource of the nameless dataset has no dataset row to belong to
    assert problems[2:] == [("resources", "A2", f"No row of the datasets sheet has the URL "
                             f"name '{prefix}-1', so this resource has no dataset. Did you "
                             f"mean '{prefix}-3'? Resources are linked to their dataset by "
                             "its 'name' column.")]
    assert ["Checked against", site.url] in _facts(tmp_path, answer.request.path)

    good = upload(client, book("good.xlsx", datasets))
    check = good.request.path
    assert _report(tmp_path, check)["counts"]["errors"] == 0
    plan = _post(client, check, "plan", token=site.editor_token)
    planned = _page_text(client, plan)
    assert re.findall(r'data-status="([^"]+)"', planned) == ["would create"] * 3
    imported = _post(client, check, "import", token=site.editor_token)
    results = _page_text(client, imported)
    assert re.findall(r'data-status="([^"]+)"', results) == ["created"] * 3
    for page_text in (start, page, _page_text(client, check), planned, results):
        lowered = page_text.lower()
        assert [w for w in BC_WORDS if w in lowered] == []
    import requests

    for d in datasets:
        pkg = requests.post(f"{site.url}/api/3/action/package_show", json={"id": d["name"]},
                            headers={"Authorization": site.sysadmin_token},
                            timeout=60).json()["result"]
        assert {k: pkg[k] for k in ("title", "name", "notes", "author_email", "type",
                                    "license_id", "owner_org")} == {
            "title": d["title"], "name": d["name"], "notes": d["notes"],
            "author_email": d["author_email"], "type": "dataset", "license_id": "cc-by",
            "owner_org": site.child_org.id}
        number = d["name"].rsplit("-", 1)[1]
        assert [(r["url"], r["name"], r["format"]) for r in pkg["resources"]] == [
            (f"https://example.org/{number}.csv", f"File {number}", "CSV")]
