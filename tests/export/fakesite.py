"""An in-memory stand-in for a CKAN site: the read actions export uses, with call records."""

from __future__ import annotations

import contextlib
import copy
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importer.schema import data_path
from importer.site import NotAuthorized, NotFound
from tests import fakeckan
from tests.fakeckan import Reply, ckan_error, json_reply

DATA = Path(__file__).parent / "data"
SCHEMA = json.loads(data_path("bcdc_dataset.expanded.json").read_text())


def sample_package() -> dict[str, Any]:
    return json.loads((DATA / "package_show.json").read_text())


def make_packages(n: int, org_id: str, resources: int = 2) -> list[dict[str, Any]]:
    """``n`` distinct packages shaped like the sample, owned by ``org_id``."""
    base = sample_package()
    out = []
    for i in range(n):
        pkg = copy.deepcopy(base)
        pkg["id"] = str(uuid.UUID(int=i + 1))
        pkg["name"] = f"dataset-{i:04d}"
        pkg["title"] = f"Dataset {i}"
        pkg["owner_org"] = org_id
        pkg["organization"] = {"id": org_id, "name": "roads-branch", "title": "Roads Branch"}
        pkg["resources"] = [copy.deepcopy(base["resources"][k % 2]) for k in range(resources)]
        for k, res in enumerate(pkg["resources"]):
            res["id"] = str(uuid.UUID(int=(i + 1) * 1000 + k))
            res["package_id"] = pkg["id"]
        out.append(pkg)
    return out


class FakeSite:
    """Answers organization_show, organization_list, license_list, package_search and
    package_show from memory. ``hidden_orgs`` exist but raise NotAuthorized."""

    def __init__(
        self,
        packages: list[dict[str, Any]],
        orgs: list[dict[str, str]],
        licenses: list[dict[str, str]] | None = None,
        hidden_orgs: tuple[str, ...] = (),
    ) -> None:
        self.packages = packages
        self.orgs = orgs
        self.licenses = licenses if licenses is not None else [
            {"id": "2", "title": "Open Government Licence - British Columbia"},
            {"id": "22", "title": "Access Only"},
        ]
        self.hidden_orgs = hidden_orgs
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def call(self, action: str, **data: Any) -> Any:
        self.calls.append((action, data))
        handler = getattr(self, "_" + action, None)
        if handler is None:
            raise AssertionError(f"export must not call {action}")
        return handler(**data)

    def _organization_show(self, id: str, **_: Any) -> dict[str, str]:
        if id in self.hidden_orgs:
            raise NotAuthorized("organization_show", "not authorized")
        for org in self.orgs:
            if id in (org["id"], org["name"]):
                return dict(org)
        raise NotFound("organization_show", "Not found")

    def _organization_list(self, limit: int = 25, offset: int = 0, **_: Any) -> list[Any]:
        return [dict(o) for o in self.orgs[offset:offset + limit]]

    def _organization_list_for_user(self, **_: Any) -> list[dict[str, str]]:
        return [dict(o) for o in self.orgs if o["id"] not in self.hidden_orgs]

    def _license_list(self) -> list[dict[str, str]]:
        return copy.deepcopy(self.licenses)

    def _package_show(self, id: str) -> dict[str, Any]:
        for pkg in self.packages:
            if id in (pkg["id"], pkg["name"]):
                return copy.deepcopy(pkg)
        raise NotFound("package_show", "Not found")

    def _package_search(
        self, q: str = "*:*", fq: str = "", rows: int = 10, start: int = 0, **_: Any
    ) -> dict[str, Any]:
        hits = [p for p in self.packages if _matches(p, q, fq)]
        hits.sort(key=lambda p: p["name"])
        return {"count": len(hits), "results": copy.deepcopy(hits[start:start + rows])}


def _matches(pkg: dict[str, Any], q: str, fq: str) -> bool:
    org = re.search(r'owner_org:"([^"]+)"', fq)
    if org and pkg["owner_org"] != org.group(1):
        return False
    kind = re.search(r"dataset_type:(\S+)", fq)
    if kind and pkg.get("type") != kind.group(1):
        return False
    if q == "*:*":
        return True
    return q.lower() in (pkg["title"] + " " + pkg["name"]).lower()


@contextlib.contextmanager
def serve(site: FakeSite) -> Iterator[str]:
    """Serve ``site`` over HTTP on localhost the way CKAN's action API answers; yields the
    URL. Lets CLI tests run the real command (``Site``, ckanapi, requests) without CKAN."""
    errors = {NotFound: (404, "Not Found Error"), NotAuthorized: (403, "Authorization Error")}

    def respond(action: str, body: dict[str, Any], _authorization: str | None) -> Reply:
        if action == "scheming_dataset_schema_show":
            site.calls.append((action, body))
            return json_reply(200, {"success": True, "result": SCHEMA})
        if action == "scheming_dataset_schema_list":
            return json_reply(200, {"success": True, "result": [SCHEMA["dataset_type"]]})
        try:
            return json_reply(200, {"success": True, "result": site.call(action, **body)})
        except (NotFound, NotAuthorized) as err:
            status, kind = errors[type(err)]
            return ckan_error(status, {"__type": kind, "message": str(err)})
        except AssertionError as err:
            return ckan_error(400, {"message": str(err)})

    with fakeckan.serve(respond) as url:
        yield url
