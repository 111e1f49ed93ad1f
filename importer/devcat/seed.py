"""Seed the dev catalogue: a sysadmin, an org admin and an editor, each with an API token,
and a parent organization with a sub-organization.

The sysadmin is made with the ``ckan`` CLI (no prompts: password and e-mail are given);
everything else goes through the action API with the sysadmin's token, like a client would.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from importer.devcat import ckanenv, procs
from importer.devcat.errors import DevCatalogueError
from importer.devcat.layout import Layout, write_private
from importer.devcat.testsite import CkanSite, OrgRef

SYSADMIN = "devcat_sysadmin"
ADMIN = "devcat_admin"
EDITOR = "devcat_editor"
PARENT_ORG = ("devcat-ministry", "Dev Catalogue Ministry")
CHILD_ORG = ("devcat-branch", "Dev Catalogue Branch")
#: a third, independent organization: samples/datasets.xlsx spreads its records over three.
AGENCY_ORG = ("devcat-agency", "Dev Catalogue Agency")


@dataclass(frozen=True)
class Seed(CkanSite):
    """Tokens and organizations of the seeded site (stored 0600; never printed): the site
    the ``ckan_site`` fixture yields, plus how it is kept between runs."""

    def save(self, path: Path) -> None:
        write_private(path, json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, path: Path) -> Seed | None:
        try:
            raw = json.loads(path.read_text())
            raw["parent_org"] = OrgRef(**raw["parent_org"])
            raw["child_org"] = OrgRef(**raw["child_org"])
            return cls(**raw)
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _action(url: str, token: str, action: str, **payload: Any) -> Any:
    """Call a CKAN action; raise with CKAN's error on failure."""
    body = procs.http_json(f"{url}/api/3/action/{action}", payload, token)
    if not isinstance(body, dict) or not body.get("success"):
        error = body.get("error") if isinstance(body, dict) else body
        raise DevCatalogueError(f"seeding: {action} failed: {error}")
    return body["result"]


def _token_from_cli_output(output: str) -> str:
    """``ckan user token add`` prints a header line then the token (last non-empty line)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if not lines:
        raise DevCatalogueError("seeding: `ckan user token add` printed no token")
    return lines[-1]


def _make_sysadmin(layout: Layout) -> str:
    password = secrets.token_urlsafe(16)
    ckanenv.ckan(layout, "user", "add", SYSADMIN, f"email={SYSADMIN}@example.invalid",
                 f"password={password}", what="creating the sysadmin", log=False)
    ckanenv.ckan(layout, "sysadmin", "add", SYSADMIN, what="making the sysadmin")
    output = ckanenv.ckan(layout, "user", "token", "add", SYSADMIN, "devcat",
                          what="creating the sysadmin token", log=False)
    return _token_from_cli_output(output)


def _make_user(url: str, sys_token: str, name: str) -> str:
    _action(url, sys_token, "user_create", name=name, email=f"{name}@example.invalid",
            password=secrets.token_urlsafe(16))
    return str(_action(url, sys_token, "api_token_create", user=name, name="devcat")["token"])


def _make_org(url: str, sys_token: str, name: str, title: str, **extra: Any) -> OrgRef:
    result = _action(url, sys_token, "organization_create", name=name, title=title, **extra)
    return OrgRef(id=result["id"], name=result["name"], title=result["title"])


def seed(layout: Layout, url: str) -> Seed:
    """Create users, tokens, orgs and memberships on an empty site; save and return them."""
    sys_token = _make_sysadmin(layout)
    admin_token = _make_user(url, sys_token, ADMIN)
    editor_token = _make_user(url, sys_token, EDITOR)
    parent = _make_org(url, sys_token, *PARENT_ORG)
    child = _make_org(url, sys_token, *CHILD_ORG, groups=[{"name": parent.name}])
    for org in (parent, child):
        _action(url, sys_token, "organization_member_create", id=org.id, username=ADMIN,
                role="admin")
    _action(url, sys_token, "organization_member_create", id=child.id, username=EDITOR,
            role="editor")
    ensure_agency(url, sys_token)
    result = Seed(url, sys_token, admin_token, editor_token, parent, child)
    result.save(layout.seed_file)
    return result


def ensure_agency(url: str, sys_token: str) -> None:
    """Create the third organization (org admin as its admin) if a site seeded before it
    existed lacks it; a no-op otherwise, so ``up`` can call it every time."""
    body = procs.http_json(f"{url}/api/3/action/organization_show?id={AGENCY_ORG[0]}",
                           token=sys_token)
    if isinstance(body, dict) and body.get("success"):
        return
    org = _make_org(url, sys_token, *AGENCY_ORG)
    _action(url, sys_token, "organization_member_create", id=org.id, username=ADMIN,
            role="admin")


def seed_valid(result: Seed | None, url: str) -> bool:
    """True if the saved seed belongs to this site's data: its sysadmin token still works
    and its child org exists. (The URL may differ: the port moves when one is taken.)"""
    if result is None:
        return False
    body = procs.http_json(f"{url}/api/3/action/organization_show?id={result.child_org.id}",
                           token=result.sysadmin_token)
    return bool(isinstance(body, dict) and body.get("success"))
