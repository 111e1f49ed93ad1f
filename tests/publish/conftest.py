"""Fixtures for publish tests against the dev catalogue: clients per role, unique names."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from importer.devcat.testsite import CkanSite
from importer.publish.transport import Client, RetryPolicy, Transport


@pytest.fixture
def prefix() -> str:
    """A name prefix no other test (or earlier run) used."""
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
def make_client(ckan_site: CkanSite) -> Iterator[Callable[..., Client]]:
    made: list[Transport] = []

    def make(role: str = "sysadmin", url: str | None = None, timeout: float = 30.0,
             policy: RetryPolicy | None = None) -> Client:
        token = {"sysadmin": ckan_site.sysadmin_token, "admin": ckan_site.admin_token,
                 "editor": ckan_site.editor_token}[role]
        transport = Transport(url or ckan_site.url, token, timeout=timeout)
        made.append(transport)
        return Client(transport, policy=policy or RetryPolicy(base=0.05, cap=0.5))

    yield make
    for t in made:
        t.close()
