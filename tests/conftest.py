"""Session-wide fixtures. ``ckan_site``: a real CKAN with the BC schema for integration tests.

By default the dev catalogue (``importer.devcat``) is started, or reused if it is already
running, and stopped at the end only if this session started it. With ``CKAN_URL`` set
(plus ``CKAN_SYSADMIN_TOKEN``, ``CKAN_ADMIN_TOKEN``, ``CKAN_EDITOR_TOKEN``,
``CKAN_PARENT_ORG``, ``CKAN_CHILD_ORG``) the same tests run against that CKAN instead.
If neither is possible, tests using the fixture are skipped with one line saying why
(shown in the ``-ra`` summary). Sub-folder conftests add their own fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from importer.devcat.testsite import CkanSite, OrgRef
from importer.devcat.variant import CKAN29, DEFAULT, STOCK, STOCK29, Variant

ENV_TOKENS = ("CKAN_SYSADMIN_TOKEN", "CKAN_ADMIN_TOKEN", "CKAN_EDITOR_TOKEN")
ENV_ORGS = ("CKAN_PARENT_ORG", "CKAN_CHILD_ORG")


def _org_from_env(url: str, token: str, ref: str) -> OrgRef:
    """Resolve an org name or id given in the environment to id, name and title."""
    response = requests.get(
        f"{url}/api/3/action/organization_show",
        params={"id": ref},
        headers={"Authorization": token},
        timeout=30,
    )
    body = response.json()
    if not body.get("success"):
        pytest.fail(f"CKAN_URL site has no organization {ref!r}", pytrace=False)
    result = body["result"]
    return OrgRef(result["id"], result["name"], result["title"])


def _site_from_env(url: str) -> CkanSite:
    missing = [name for name in (*ENV_TOKENS, *ENV_ORGS) if not os.environ.get(name)]
    if missing:
        pytest.fail(f"CKAN_URL is set but {', '.join(missing)} are not", pytrace=False)
    url = url.rstrip("/")
    sysadmin = os.environ["CKAN_SYSADMIN_TOKEN"]
    return CkanSite(
        url=url,
        sysadmin_token=sysadmin,
        admin_token=os.environ["CKAN_ADMIN_TOKEN"],
        editor_token=os.environ["CKAN_EDITOR_TOKEN"],
        parent_org=_org_from_env(url, sysadmin, os.environ["CKAN_PARENT_ORG"]),
        child_org=_org_from_env(url, sysadmin, os.environ["CKAN_CHILD_ORG"]),
    )


#: fixtures that start a dev catalogue variant; a test using any of them is a ``ckan`` test.
SITE_FIXTURES = ("ckan_site", "ckan29_site", "ckan_stock_site", "bc_site",
                 "ckan29_stock_site", "generic_site")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses a CKAN site fixture (directly or through a fixture) is a
    ``ckan`` test, so ``pytest -m "not ckan"`` runs exactly the offline ones."""
    for item in items:
        if set(SITE_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.ckan)


def _dev_catalogue(variant: Variant) -> Iterator[CkanSite]:
    """Start (or reuse) one dev catalogue variant; stop it at the end only if started here.

    Skipped when the machine lacks a prerequisite (one line saying what), failed when the
    catalogue is there but does not start."""
    from importer.devcat import manager
    from importer.devcat.errors import DevCatalogueError, MissingPrerequisite

    try:
        result = manager.up(variant=variant)
    except MissingPrerequisite as exc:
        pytest.skip(f"no {variant.label} for integration tests: {exc}")
    except DevCatalogueError as exc:
        pytest.fail(f"the dev catalogue ({variant.label}) did not start: {exc}", pytrace=False)
    try:
        yield result.site  # a Seed is the CkanSite it seeded
    finally:
        if result.started:
            manager.down(variant=variant)


@pytest.fixture(scope="session")
def ckan_site() -> Iterator[CkanSite]:
    """The CKAN the integration tests talk to (dev catalogue 2.12/bc, or ``CKAN_URL``)."""
    url = os.environ.get("CKAN_URL")
    if url:
        yield _site_from_env(url)
        return
    yield from _dev_catalogue(DEFAULT)


@pytest.fixture(scope="session")
def ckan29_site() -> Iterator[CkanSite]:
    """The dev catalogue on CKAN 2.9.11 (Python 3.9) with the BC schema and test plugin:
    the version the BC Data Catalogue runs. ``CKAN_URL`` does not replace it."""
    yield from _dev_catalogue(CKAN29)


_SITE_FOR_VERSION = {"2.12": "ckan_site", "2.9": "ckan29_site"}


def _bc_versions() -> tuple[str, ...]:
    """The CKAN versions the BC contract suite and the smoke tests run on: both, unless
    ``BCDC_TEST_CKAN_VERSIONS`` names some (``2.9`` or ``2.12``, comma-separated)."""
    raw = os.environ.get("BCDC_TEST_CKAN_VERSIONS", "")
    wanted = tuple(v.strip() for v in raw.split(",") if v.strip()) or ("2.12", "2.9")
    unknown = [v for v in wanted if v not in _SITE_FOR_VERSION]
    if unknown:
        raise pytest.UsageError(
            f"BCDC_TEST_CKAN_VERSIONS: unknown CKAN version(s) {', '.join(unknown)}; "
            f"use {', '.join(_SITE_FOR_VERSION)}"
        )
    return wanted


BC_VERSIONS = _bc_versions()


@pytest.fixture(scope="session", params=BC_VERSIONS, ids=[f"ckan{v}" for v in BC_VERSIONS])
def bc_site(request: pytest.FixtureRequest) -> CkanSite:
    """The BC-schema site of one CKAN version: a test using it runs on 2.12 and on 2.9
    (``-k ckan2.9`` / ``-k ckan2.12`` picks one)."""
    site: CkanSite = request.getfixturevalue(_SITE_FOR_VERSION[request.param])
    return site


@pytest.fixture(scope="session")
def ckan_stock_site() -> Iterator[CkanSite]:
    """The dev catalogue on CKAN 2.12 with ckanext-scheming's stock ``ckan_dataset.yaml``
    (dataset type ``dataset``, no BC test plugin): a generic CKAN site, same seed."""
    yield from _dev_catalogue(STOCK)


@pytest.fixture(scope="session")
def ckan29_stock_site() -> Iterator[CkanSite]:
    """The stock-schema dev catalogue on CKAN 2.9.11 (``dev-catalogue up --ckan 2.9
    --schema stock``): a generic site of the version the BC Data Catalogue runs."""
    yield from _dev_catalogue(STOCK29)


_STOCK_FOR_VERSION = {"2.12": "ckan_stock_site", "2.9": "ckan29_stock_site"}


@pytest.fixture(scope="session", params=BC_VERSIONS, ids=[f"ckan{v}" for v in BC_VERSIONS])
def generic_site(request: pytest.FixtureRequest) -> CkanSite:
    """The stock-schema site of one CKAN version (2.12 and 2.9, as ``bc_site``; the same
    ``BCDC_TEST_CKAN_VERSIONS`` picks): the generic smoke runs on both."""
    site: CkanSite = request.getfixturevalue(_STOCK_FOR_VERSION[request.param])
    return site
