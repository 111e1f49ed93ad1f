"""Fixtures of the web tests: an app whose jobs run at once, in the request (no threads),
working with a stand-in BC site (the bundled schema and licences, the dev catalogue's
organizations: the web app checks against its site), and a helper that reads the CSRF
token from a page as a browser's form would send it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from importer.web import Settings, create_app
from importer.web.jobs import JobStore
from importer.web.tasks import run_job
from tests.bcfake import ORGS, TOKEN, check_site
from tests.fakeckan import fake_ckan

#: an address where nothing answers: a job that needs the site fails at once
NO_SITE = "http://127.0.0.1:9"


class SyncRunner:
    """Runs each job when it is submitted (deterministic tests of the pages)."""

    def __init__(self, store: JobStore):
        self.store = store
        self.tokens: list[str | None] = []

    def submit(self, job_id: str, token: str | None) -> None:
        self.tokens.append(token)
        run_job(self.store, job_id, token)


MakeApp = Callable[..., Flask]


@pytest.fixture(scope="session")
def bc_fake() -> Iterator[str]:
    """The URL of a stand-in BC site that answers the check's read-only actions."""
    with fake_ckan(check_site(ORGS, TOKEN)) as (url, _calls):
        yield url


@pytest.fixture
def make_app(tmp_path: Path, bc_fake: str) -> MakeApp:
    def make(**overrides: Any) -> Flask:
        fields: dict[str, Any] = {"site_url": bc_fake, "jobs_dir": tmp_path / "jobs",
                                  "secret_key": b"k" * 32}
        fields.update(overrides)
        return create_app(Settings(**fields), make_runner=SyncRunner)

    return make


@pytest.fixture
def app(make_app: MakeApp) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf(client: FlaskClient, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def upload(client: FlaskClient, path: Path, name: str | None = None,
           follow: bool = True) -> Any:
    token = csrf(client)
    with path.open("rb") as fh:
        return client.post("/upload", data={"csrf_token": token,
                                            "file": (fh, name or path.name)},
                           content_type="multipart/form-data", follow_redirects=follow)
