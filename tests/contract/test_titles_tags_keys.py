"""Contract: titles, keywords, unknown keys (FIELDS.md §7 title_validator, §1.5, §1.8)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def test_duplicate_title_is_rejected(api: Any, body: Any, draft: dict[str, Any]) -> None:
    """§7 title_validator: titles are unique (exact match)."""
    reply = api.call("package_create", "editor",
                     **body(api.site.child_org.id, title=draft["title"]))
    assert reply.status == 409
    assert reply.error["title"] == ["That Title is already in use."]


def test_title_of_soft_deleted_dataset_still_blocks(
    api: Any, body: Any, draft: dict[str, Any]
) -> None:
    """§7 title_validator quirk: a soft-deleted (not purged) dataset keeps its title."""
    api.ok("package_delete", "editor", id=draft["id"])
    reply = api.call("package_create", "editor",
                     **body(api.site.child_org.id, title=draft["title"]))
    assert reply.status == 409
    assert reply.error["title"] == ["That Title is already in use."]


def test_own_title_does_not_block_an_update(api: Any, draft: dict[str, Any]) -> None:
    """§7 title_validator: the dataset itself is excluded from the uniqueness check."""
    reply = api.call("package_patch", "editor", id=draft["id"], title=draft["title"])
    assert reply.result["title"] == draft["title"]


def test_tag_string_in_patch_appends(api: Any, draft: dict[str, Any]) -> None:
    """§1.5: with package_patch, ``tag_string`` tags are added to the existing ones."""
    result = api.call("package_patch", "editor", id=draft["id"], tag_string="water").result
    assert sorted(t["name"] for t in result["tags"]) == ["economy", "mental health", "water"]


def test_tags_in_patch_replace(api: Any, draft: dict[str, Any]) -> None:
    """§1.5: with package_patch, ``tags`` replaces the list."""
    result = api.call("package_patch", "editor", id=draft["id"], tags=[{"name": "water"}]).result
    assert [t["name"] for t in result["tags"]] == ["water"]


#: how each CKAN version words a bad tag (the key is the one the tags were sent under).
BAD_TAG = {
    "2.12": 'Tag "GBA+" can only contain alphanumeric characters, spaces (" "), hyphens '
            '("-"), underscores ("_") or dots (".")',
    "2.9": 'Tag "GBA+" must be alphanumeric characters or symbols: -_.',
}


@pytest.mark.parametrize(("key", "value"), [
    ("tag_string", "GBA+"),
    ("tags", [{"name": "economy"}, {"name": "GBA+"}]),  # how the importer sends keywords
])
def test_tag_with_plus_sign_is_rejected(api: Any, body: Any, key: str, value: Any) -> None:
    """§1.5: "GBA+" (suggested by the DataBC docs) is not a valid tag, on 2.9 and 2.12,
    reported as one flat message under the key it was sent under; the wording differs
    by version (BAD_TAG). The importer's own check catches it first (``bad-keyword``);
    tests/publish/test_errormap_versions.py places either wording at the keyword cell."""
    sent = body(api.site.child_org.id, **{key: value})
    if key == "tags":
        sent.pop("tag_string")
    reply = api.call("package_create", "editor", **sent)
    assert reply.status == 409
    assert reply.error[key] == [BAD_TAG[api.version]]


def test_unknown_dataset_key_is_dropped(api: Any, body: Any) -> None:
    """§1.8: unknown dataset keys are silently dropped (``__extras: ignore``)."""
    result = api.call("package_create", "editor",
                      **body(api.site.child_org.id, no_such_field="junk")).result
    assert "no_such_field" not in result
    shown = api.call("package_show", "editor", id=result["id"]).result
    assert "no_such_field" not in shown


def test_unknown_resource_key_is_kept(api: Any, body: Any) -> None:
    """§1.8: unknown resource keys are kept as resource extras."""
    payload = body(api.site.child_org.id)
    payload["resources"][0]["no_such_field"] = "junk"
    result = api.call("package_create", "editor", **payload).result
    assert result["resources"][0]["no_such_field"] == "junk"
