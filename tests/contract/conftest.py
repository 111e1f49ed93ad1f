"""Helpers for the contract tests: plain HTTP calls as a given role, and unique dataset bodies.

Contract tests talk to the server exactly like any client (JSON POSTs to the action API),
so they pin the server's behaviour, not this project's client code.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from importer.devcat.testsite import CkanSite


@dataclass(frozen=True)
class Reply:
    """One action call's HTTP status and decoded JSON body."""

    status: int
    body: dict[str, Any]

    @property
    def success(self) -> bool:
        return bool(self.body.get("success"))

    @property
    def result(self) -> Any:
        assert self.success, f"expected success, got HTTP {self.status}: {self.body.get('error')}"
        return self.body["result"]

    @property
    def error(self) -> dict[str, Any]:
        assert not self.success, "expected a failure, the call succeeded"
        error: dict[str, Any] = self.body["error"]
        return error


@dataclass(frozen=True)
class Api:
    """Call actions on the test site as ``sysadmin``, ``admin``, ``editor`` or ``anonymous``.

    ``version`` is the site's CKAN ``major.minor`` (from ``status_show``): a test whose
    expectation differs between versions says which one it holds for with it.
    """

    site: CkanSite
    session: requests.Session
    version: str

    def call(self, action: str, role: str, **data: Any) -> Reply:
        headers = {} if role == "anonymous" else {"Authorization": self._token(role)}
        response = self.session.post(
            f"{self.site.url}/api/3/action/{action}", json=data, headers=headers, timeout=60
        )
        return Reply(response.status_code, response.json())

    def ok(self, action: str, role: str, **data: Any) -> Any:
        """Call and return ``result``, failing the test with CKAN's error if it failed."""
        return self.call(action, role, **data).result

    def _token(self, role: str) -> str:
        token: str = getattr(self.site, f"{role}_token")
        return token


def site_version(session: requests.Session, url: str) -> str:
    """``major.minor`` of the CKAN at ``url``."""
    body = session.get(f"{url}/api/3/action/status_show", timeout=30).json()
    return ".".join(str(body["result"]["ckan_version"]).split(".")[:2])


@pytest.fixture(scope="session")
def api(bc_site: CkanSite) -> Api:
    session = requests.Session()
    return Api(bc_site, session, site_version(session, bc_site.url))


def _unique(prefix: str = "contract") -> str:
    """A name no other test (or earlier run) uses, so tests need no reset and no order."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


RESOURCE: dict[str, Any] = {
    "name": "Download CSV",
    "url": "https://example.gov.bc.ca/data.csv",
    "bcdc_type": "document",
    "resource_update_cycle": "monthly",
    "format": "csv",
    "resource_storage_location": "web or ftp site",
    "resource_type": "data",
    "resource_access_method": "direct access",
}


def _dataset_body(org_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid package_create body in the current format (FIELDS.md §1.9), unique name/title."""
    name = _unique()
    body: dict[str, Any] = {
        "type": "bcdc_dataset",
        "title": f"Contract test {name}",
        "name": name,
        "owner_org": org_id,
        "publish_state": "DRAFT",
        "notes": "Dataset made by a contract test.",
        "license_id": "2",
        "contacts": [
            {"name": "Generic Inbox", "email": "inbox@gov.bc.ca", "org": org_id,
             "role": "pointOfContact", "displayed": ["displayed"]}
        ],
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "private": False,
        "tag_string": "economy,mental health",
        "resource_status": "onGoing",
        "more_info": [{"description": "Program page", "url": "https://www2.gov.bc.ca/"}],
        "dates": [{"type": "Created", "date": "2024-05-01"}],
        "resources": [copy.deepcopy(RESOURCE)],
    }
    body.update(overrides)
    return body


BodyFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def body() -> BodyFactory:
    """``body(org_id, **overrides)``: a valid, unique package_create body (FIELDS.md §1.9)."""
    return _dataset_body


@pytest.fixture
def unique() -> Callable[[str], str]:
    """``unique(prefix)``: a name no other test or earlier run uses."""
    return _unique


@pytest.fixture
def draft(api: Api) -> dict[str, Any]:
    """A fresh DRAFT dataset in the child org, created by the editor."""
    return dict(api.call("package_create", "editor", **_dataset_body(api.site.child_org.id)).result)
