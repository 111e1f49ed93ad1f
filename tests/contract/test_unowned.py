"""Issue 17: "an organization is required unless the site allows unowned datasets: read
it from the site where possible, otherwise treat it as required and say so".

These pin why the importer cannot read it (on CKAN 2.12 and 2.9, BC and stock schemas):
``status_show`` does not list the setting, and ``config_option_show`` refuses
``ckan.auth.create_unowned_dataset`` to a sysadmin (only the runtime-editable options of
``config_option_list`` can be shown) and to anyone else; and what the server answers when
``owner_org`` is missing on a site with CKAN's default (``false``, as the dev catalogue
runs): a validation error on ``owner_org``, nothing created. So the importer keeps the
organization required and its messages say why (importer.schema.load.UNOWNED_NOTE).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from importer.devcat.testsite import CkanSite

SETTING = "ckan.auth.create_unowned_dataset"
Call = Callable[..., tuple[int, dict[str, Any]]]


def _caller(site: CkanSite) -> Call:
    def call(action: str, role: str, **data: Any) -> tuple[int, dict[str, Any]]:
        headers = {} if role == "anonymous" else {
            "Authorization": getattr(site, f"{role}_token")}
        answer = requests.post(f"{site.url}/api/3/action/{action}", json=data,
                               headers=headers, timeout=60)
        return answer.status_code, answer.json()

    return call


def _settings_not_published(site: CkanSite) -> None:
    call = _caller(site)
    status, body = call("status_show", "anonymous")
    assert status == 200
    assert not [k for k in body["result"] if "auth" in k or "unowned" in k]
    editable = call("config_option_list", "sysadmin")[1]["result"]  # what it may show
    assert "ckan.site_title" in editable and SETTING not in editable
    status, body = call("config_option_show", "sysadmin", key=SETTING)
    assert (status, body["error"]) == (409, {
        "__type": "Validation Error",
        "message": f"Configuration option '{SETTING}' can not be shown"})
    for role in ("anonymous", "editor"):
        status, body = call("config_option_show", role, key=SETTING)
        assert (status, body["error"]) == (403, {"__type": "Authorization Error",
                                                 "message": "Access denied"})


def _refused_without_organization(site: CkanSite, dataset_type: str, role: str) -> None:
    call = _caller(site)
    name = f"unowned-{uuid.uuid4().hex[:12]}"
    status, body = call("package_create", role, name=name, title=f"Unowned {name}",
                        type=dataset_type)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["owner_org"] == ["An organization must be provided"]
    assert call("package_show", "sysadmin", id=name)[0] == 404  # nothing was created


def test_the_bc_site_does_not_publish_whether_unowned_datasets_are_allowed(
        bc_site: CkanSite) -> None:
    _settings_not_published(bc_site)


def test_the_stock_site_does_not_publish_whether_unowned_datasets_are_allowed(
        ckan_stock_site: CkanSite) -> None:
    _settings_not_published(ckan_stock_site)


@pytest.mark.parametrize("role", ["editor", "sysadmin"])
def test_bc_site_refuses_a_dataset_without_an_organization_on_owner_org(
        bc_site: CkanSite, role: str) -> None:
    _refused_without_organization(bc_site, "bcdc_dataset", role)


@pytest.mark.parametrize("role", ["editor", "sysadmin"])
def test_stock_site_refuses_a_dataset_without_an_organization_on_owner_org(
        ckan_stock_site: CkanSite, role: str) -> None:
    _refused_without_organization(ckan_stock_site, "dataset", role)
