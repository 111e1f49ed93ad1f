"""An in-memory CKAN for undo's unit tests: the actions import and undo send, on a dict of
packages, behind the real :class:`Client` (retries, lost-answer look-ups) and pool.

``lose`` names actions whose next answer is lost AFTER the site applied the write (the
client then sees a 502 and must look it up before retrying); ``refuse`` maps an action
to a function of the request giving the CKAN error to answer instead (or ``None``).
"""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Callable
from typing import Any

from importer.publish.transport import Answer, Client, RetryPolicy, Transport


def _ok(result: Any) -> Answer:
    return Answer(200, {}, {"success": True, "result": copy.deepcopy(result)})


def error(status: int, kind: str, **fields: Any) -> Answer:
    return Answer(status, {}, {"success": False, "error": {"__type": kind, **fields}})


NOT_FOUND = error(404, "Not Found Error", message="Not found")


class FakeSite(Transport):
    def __init__(self, packages: list[dict[str, Any]]):
        super().__init__("http://ckan.test", "secret-token")
        self.packages = {p["id"]: copy.deepcopy(p) for p in packages}
        self.lose: set[str] = set()
        self.refuse: dict[str, Callable[[dict[str, Any]], Answer | None]] = {}
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._clock = itertools.count(1)

    def post(self, action: str, data: dict[str, Any]) -> Answer:
        self.counts[action] += 1
        self.sent.append((action, copy.deepcopy(data)))
        refused = self.refuse[action](data) if action in self.refuse else None
        if refused is not None:
            return refused
        answer = getattr(self, "_" + action)(data)
        if action in self.lose:
            self.lose.discard(action)
            return Answer(502, {}, None)
        return answer

    def writes(self) -> list[str]:
        return [a for a, _ in self.sent if not a.endswith(("_show", "_search", "_list",
                                                            "_for_user"))]

    def _find(self, ident: str) -> dict[str, Any] | None:
        return self.packages.get(ident) or next(
            (p for p in self.packages.values() if p["name"] == ident), None)

    def _touch(self, pkg: dict[str, Any]) -> dict[str, Any]:
        pkg["metadata_modified"] = f"2026-12-06T10:00:{next(self._clock):02d}"
        return pkg

    def _package_show(self, data: dict[str, Any]) -> Answer:
        pkg = self._find(data["id"])
        return _ok(pkg) if pkg else NOT_FOUND

    def _package_search(self, data: dict[str, Any]) -> Answer:
        hits = [p for p in self.packages.values() if f'"{p["name"]}"' in data["fq"]
                or f'"{p["id"]}"' in data["fq"]]
        return _ok({"count": len(hits), "results": hits})

    def _organization_list_for_user(self, _data: dict[str, Any]) -> Answer:
        return _ok([{"id": "org-1", "name": "org-1"}])

    def _package_create(self, data: dict[str, Any]) -> Answer:
        pkg = copy.deepcopy(data)
        pkg["id"] = f"new-{pkg['name']}"
        pkg["state"] = "active"
        pkg["resources"] = [{**r, "id": f"{pkg['id']}-r{i}"}
                            for i, r in enumerate(pkg.get("resources") or [])]
        self.packages[pkg["id"]] = self._touch(pkg)
        return _ok(pkg)

    def _package_patch(self, data: dict[str, Any]) -> Answer:
        pkg = self._find(data["id"])
        if pkg is None:
            return NOT_FOUND
        pkg.update({k: v for k, v in data.items() if k != "id"})
        return _ok(self._touch(pkg))

    def _package_delete(self, data: dict[str, Any]) -> Answer:
        pkg = self._find(data["id"])
        if pkg is None:
            return NOT_FOUND
        pkg["state"] = "deleted"
        return _ok(None)

    def _resource_of(self, rid: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for pkg in self.packages.values():
            for res in pkg.get("resources") or []:
                if res["id"] == rid:
                    return pkg, res
        return None

    def _resource_show(self, data: dict[str, Any]) -> Answer:
        found = self._resource_of(data["id"])
        return _ok({**found[1], "package_id": found[0]["id"]}) if found else NOT_FOUND

    def _resource_create(self, data: dict[str, Any]) -> Answer:
        pkg = self._find(data["package_id"])
        assert pkg is not None
        res = {k: v for k, v in data.items() if k != "package_id"}
        pkg["resources"].append(res)
        self._touch(pkg)
        return _ok(res)

    def _resource_patch(self, data: dict[str, Any]) -> Answer:
        found = self._resource_of(data["id"])
        if found is None:
            return NOT_FOUND
        found[1].update(data)
        self._touch(found[0])
        return _ok(found[1])

    def _resource_delete(self, data: dict[str, Any]) -> Answer:
        found = self._resource_of(data["id"])
        if found is None:
            return NOT_FOUND
        found[0]["resources"].remove(found[1])
        self._touch(found[0])
        return _ok(None)


def client_for(site: FakeSite) -> Client:
    return Client(site, policy=RetryPolicy(attempts=3, base=0.0, cap=0.0),
                  sleep=lambda _s: None, rng=random.Random(1))
