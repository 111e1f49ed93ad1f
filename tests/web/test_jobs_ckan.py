"""Jobs against the dev catalogue through Flask's test client, with a runner the test
steps by hand: Cancel stops an import as Ctrl-C does, and Resume finishes it from its
journal; the export job writes the organization's workbook."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask.testing import FlaskClient
from openpyxl import load_workbook

from importer.devcat.testsite import CkanSite
from importer.web import Settings, create_app
from importer.web.jobs import JobStore
from importer.web.tasks import run_job
from tests.web.conftest import MakeApp, csrf, upload
from tests.web.samples import unique_sample


class SteppedRunner:
    """Keeps submitted jobs until the test runs them (so it can cancel one first)."""

    def __init__(self, store: JobStore):
        self.store = store
        self.pending: list[tuple[str, str | None]] = []

    def submit(self, job_id: str, token: str | None) -> None:
        self.pending.append((job_id, token))

    def run_all(self) -> None:
        while self.pending:
            job_id, token = self.pending.pop(0)
            run_job(self.store, job_id, token)


def _post(client: FlaskClient, page: str, action: str, **form: str) -> str:
    answer = client.post(f"{page}/{action}", data={"csrf_token": csrf(client, page), **form})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return str(answer.headers["Location"])


def _results(tmp: Path, job_path: str) -> dict[str, int]:
    job_id = job_path.rsplit("/", 1)[1]
    data = json.loads((tmp / "jobs" / job_id / "import-report.json").read_text())
    return dict(data["statuses"])


def test_cancel_stops_like_ctrl_c_and_resume_finishes_from_the_journal(
        make_app: MakeApp, ckan_site: CkanSite, tmp_path: Path) -> None:
    runners: list[SteppedRunner] = []

    def make_runner(store: JobStore) -> SteppedRunner:
        runners.append(SteppedRunner(store))
        return runners[-1]

    app = create_app(Settings(site_url=ckan_site.url, jobs_dir=tmp_path / "jobs",
                              secret_key=b"k" * 32, import_workers=1), make_runner)
    runner = runners[0]
    client = app.test_client()
    path, prefix = unique_sample(tmp_path)
    check = upload(client, path, follow=False).headers["Location"]
    runner.run_all()
    imported = _post(client, check, "import", token=ckan_site.admin_token)
    _post(client, imported, "cancel")
    runner.run_all()
    page = client.get(imported).get_data(as_text=True)
    assert "Stopped by Cancel" in page
    first = _results(tmp_path, imported)
    assert first.get("not done", 0) > 0
    assert first.get("created", 0) >= 1
    assert first["created"] + first["not done"] == 22
    _post(client, imported, "resume", token=ckan_site.admin_token)
    runner.run_all()
    assert _results(tmp_path, imported) == {"created": 22}
    data = json.loads((tmp_path / "jobs" / imported.rsplit("/", 1)[1] /
                       "import-report.json").read_text())
    assert data["notices"] == ["Resuming from journal.jsonl: rows already done are "
                               "confirmed on the site, not sent again."]
    confirmed = [r for r in data["rows"] if r["confirmed"]]
    assert len(confirmed) == first["created"]
    assert all(r["name"].startswith(prefix) for r in data["rows"])


def test_export_job_writes_the_organization_workbook(
        make_app: MakeApp, ckan_site: CkanSite) -> None:
    client = make_app(site_url=ckan_site.url).test_client()
    form = client.get("/export").get_data(as_text=True)
    assert f'<option value="{ckan_site.child_org.name}">' in form
    answer = client.post("/export", data={"csrf_token": csrf(client, "/export"),
                                          "org": ckan_site.child_org.name,
                                          "token": ckan_site.admin_token},
                         follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "records exported" in page, page
    job_path = answer.request.path
    download = client.get(f"{job_path}/files/export.xlsx")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == \
        f"attachment; filename={ckan_site.child_org.name}.xlsx"
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames[:2] == ["datasets", "resources"]


def test_live_template_has_the_sites_organizations(make_app: MakeApp,
                                                   ckan_site: CkanSite) -> None:
    client = make_app(site_url=ckan_site.url).test_client()
    answer = client.get("/template")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    text = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                    for c in row if c.value)
    assert ckan_site.child_org.name in text
