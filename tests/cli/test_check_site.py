"""``check --url`` against a real CKAN with the BC schema (the dev catalogue, or CKAN_URL):
the valid sample passes for a token that may publish in its organizations, and each row
in an organization the token may not publish in is refused at its owner_org cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from importer.devcat.testsite import CkanSite
from tests.cli.clirun import run_cli

pytestmark = pytest.mark.ckan

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "samples" / "datasets.xlsx"
#: the sample's third organization (docs/check-report.md); the dev catalogue seeds two.
AGENCY = ("devcat-agency", "Dev Catalogue Agency")


def _action(site: CkanSite, action: str, token: str, **data: Any) -> Any:
    reply = requests.post(f"{site.url}/api/3/action/{action}", json=data,
                          headers={"Authorization": token}, timeout=60).json()
    return reply.get("result") if reply.get("success") else None


@pytest.fixture(scope="module")
def agency(ckan_site: CkanSite) -> str:
    """The samples' third organization, made (once) if the site lacks it, with the same
    admins as the seeded parent organization (so the org admin token may publish in it)."""
    sysadmin = ckan_site.sysadmin_token
    org = _action(ckan_site, "organization_show", sysadmin, id=AGENCY[0])
    if org is None:
        org = _action(ckan_site, "organization_create", sysadmin, name=AGENCY[0],
                      title=AGENCY[1])
        assert org is not None, "could not create the samples' third organization"
    admins = _action(ckan_site, "member_list", sysadmin, id=ckan_site.parent_org.id,
                     object_type="user", capacity="admin") or []
    for user_id, _, _ in admins:
        _action(ckan_site, "organization_member_create", sysadmin, id=org["id"],
                username=user_id, role="admin")
    return str(org["name"])


def test_valid_sample_passes_on_the_site(ckan_site: CkanSite, agency: str,
                                         tmp_path: Path) -> None:
    data = tmp_path / "out.json"
    out = run_cli("check", VALID, "--url", ckan_site.url, "--no-report", "--json", data,
                  env={"CKAN_API_TOKEN": ckan_site.admin_token})
    problems = json.loads(data.read_text())["problems"]
    assert [(p["cell"], p["code"], p["message"]) for p in problems] == []
    assert (out.returncode, out.stderr) == (0, "")


def test_rows_of_organizations_the_token_may_not_use_are_refused(
        ckan_site: CkanSite, agency: str, tmp_path: Path) -> None:
    data = tmp_path / "out.json"
    out = run_cli("check", VALID, "--url", ckan_site.url, "--no-report", "--json", data,
                  env={"CKAN_API_TOKEN": ckan_site.editor_token})  # editor of the child only
    assert out.returncode == 1
    problems = json.loads(data.read_text())["problems"]
    assert {(p["column"], p["code"]) for p in problems} == {("C", "unknown-organization")}
    assert len(problems) == 14  # the 8 ministry and 6 agency rows; the 8 branch rows pass
