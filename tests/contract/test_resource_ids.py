"""Contract: a resource id chosen by the client (a uuid4 string), and a repeated
``resource_create`` with the same id, on CKAN 2.12 and 2.9 (both dev catalogues).

This is what makes resource creation safe to retry (docs/import.md, "Safety": "A
resource create cannot duplicate"): the importer gives each new resource its own id, and a
``resource_create`` sent twice with that id (a retry racing a request a proxy held past
the timeout) must not make two resources.

CKAN 2.12 (``default_resource_schema``: ``id: [ignore_empty, uuid_validator,
resource_id_does_not_exist, unicode_safe]``): the id is kept; a second create with the
same id in the same package *updates that one resource* (``resource_dict_save`` loads the
row by id); the same id in another package is refused ("Resource id already exists.");
an id that is not a uuid is refused.

CKAN 2.9.11 (the ``ckan29_site`` dev catalogue; the live catalogue runs 2.9, 2.9.5 reported):
the id is kept and a repeat in the same package updates the one resource, as on 2.12; the
same id in another package is refused too (2.9.9 added ``resource_id_validator``); but an id
that is NOT a uuid is accepted and stored (``test_an_id_that_is_not_a_uuid``). On 2.9.5 the
"already exists" check is missing (read from its source, not run here): an id taken in
another package would move that resource (irrelevant for fresh uuid4 ids).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.contract.conftest import RESOURCE

pytestmark = pytest.mark.ckan


def _resource(name: str, **extra: Any) -> dict[str, Any]:
    return {**copy.deepcopy(RESOURCE), "name": name, **extra}


def test_resource_create_keeps_a_client_id(api: Any, draft: dict[str, Any]) -> None:
    rid = str(uuid.uuid4())
    made = api.call("resource_create", "editor", package_id=draft["id"],
                    **_resource("Client id", id=rid)).result
    assert made["id"] == rid
    shown = api.call("resource_show", "editor", id=rid).result
    assert (shown["id"], shown["package_id"], shown["name"]) == (rid, draft["id"], "Client id")


def test_repeated_resource_create_with_same_id_is_one_resource(
    api: Any, draft: dict[str, Any]
) -> None:
    """The second create succeeds (HTTP 200) and updates the same resource: still one
    resource with that id, the package has one more resource, not two; the second body's
    values win (a retry sends the same body, so nothing changes). Only its ``position``
    moves one on (the list saved was [..., it, it]), leaving a gap in the numbering."""
    rid = str(uuid.uuid4())
    before = len(draft["resources"])
    first = api.call("resource_create", "editor", package_id=draft["id"],
                     **_resource("Sent twice", id=rid, description="first"))
    second = api.call("resource_create", "editor", package_id=draft["id"],
                      **_resource("Sent twice", id=rid, description="second"))
    assert (first.status, second.status) == (200, 200)
    assert first.result["id"] == second.result["id"] == rid
    assert (first.result["position"], second.result["position"]) == (before, before + 1)
    resources = api.call("package_show", "editor", id=draft["id"]).result["resources"]
    assert len(resources) == before + 1
    assert [r["id"] for r in resources].count(rid) == 1
    ours = next(r for r in resources if r["id"] == rid)
    assert (ours["name"], ours["description"], ours["position"]) == (
        "Sent twice", "second", before + 1)


def test_same_id_in_another_package_is_refused(
    api: Any, draft: dict[str, Any], body: Callable[..., dict[str, Any]]
) -> None:
    other = api.call("package_create", "editor", **body(api.site.child_org.id)).result
    rid = draft["resources"][0]["id"]
    reply = api.call("resource_create", "editor", package_id=other["id"],
                     **_resource("Stolen id", id=rid))
    assert reply.status == 409
    assert reply.error["__type"] == "Validation Error"
    assert reply.error["id"] == ["Resource id already exists."]
    shown = api.call("resource_show", "editor", id=rid).result
    assert shown["package_id"] == draft["id"]  # not moved
    assert len(api.call("package_show", "editor", id=other["id"]).result["resources"]) == 1


def test_an_id_that_is_not_a_uuid(api: Any, draft: dict[str, Any], unique: Any) -> None:
    """CKAN 2.12 refuses a resource id that is not a uuid; CKAN 2.9 KEEPS it as the new
    resource's id. So the importer refuses such an id itself, at its cell, before sending
    anything (``bad-resource-id``, tests/validate/test_rules.py and the smoke tests)."""
    rid = unique("not-a-uuid")
    reply = api.call("resource_create", "editor", package_id=draft["id"],
                     **_resource("Bad id", id=rid))
    if api.version == "2.9":
        assert reply.result["id"] == rid
        assert api.ok("resource_show", "editor", id=rid)["package_id"] == draft["id"]
    else:
        assert reply.status == 409
        assert reply.error["id"] == ["Invalid id provided"]


def test_package_create_keeps_client_ids_of_embedded_resources(
    api: Any, body: Callable[..., dict[str, Any]]
) -> None:
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    made = api.call("package_create", "editor", **body(
        api.site.child_org.id,
        resources=[_resource("One", id=ids[0]), _resource("Two", id=ids[1])])).result
    assert [(r["id"], r["name"]) for r in made["resources"]] == [
        (ids[0], "One"), (ids[1], "Two")]


def test_package_create_with_an_embedded_id_already_used_is_refused(
    api: Any, draft: dict[str, Any], body: Callable[..., dict[str, Any]]
) -> None:
    rid = draft["resources"][0]["id"]
    new = body(api.site.child_org.id, resources=[_resource("Taken", id=rid)])
    reply = api.call("package_create", "editor", **new)
    assert reply.status == 409
    assert reply.error["resources"] == [{"id": ["Resource id already exists."]}]
    gone = api.call("package_show", "editor", id=new["name"])
    assert gone.status == 404
