"""Contract: what package_patch / package_update do to the rest of the record
(FIELDS.md §1.7), and the hooks that change data."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def test_package_patch_leaves_resources_alone(api: Any, draft: dict[str, Any]) -> None:
    """package_patch without ``resources`` keeps them (same on 2.9 and 2.12)."""
    result = api.call("package_patch", "editor", id=draft["id"], notes="patched").result
    assert [r["id"] for r in result["resources"]] == [r["id"] for r in draft["resources"]]


def test_package_update_without_resources_keeps_them_on_2_12(
    api: Any, draft: dict[str, Any]
) -> None:
    """On CKAN 2.12 package_update without a ``resources`` key keeps the resources.

    CKAN 2.9 (the live catalogue) DELETES them in that case. The importer must not rely on
    either: it uses package_patch and the resource actions, which agree on both.
    """
    shown = api.call("package_show", "editor", id=draft["id"]).result
    shown.pop("resources")
    shown["notes"] = "updated"
    result = api.call("package_update", "editor", **shown).result
    assert [r["id"] for r in result["resources"]] == [r["id"] for r in draft["resources"]]


def test_update_hook_sets_last_modified_and_private(api: Any, draft: dict[str, Any]) -> None:
    """§1.7: the chained package_update sets record_last_modified to today and
    ``private`` from ``metadata_visibility`` (reached through package_patch on 2.12)."""
    result = api.call("package_patch", "editor", id=draft["id"],
                      metadata_visibility="IDIR").result
    assert result["record_last_modified"] == datetime.date.today().isoformat()
    assert result["private"] is True


def test_create_has_no_update_hook(api: Any, draft: dict[str, Any]) -> None:
    """§1.7: package_create sets no record dates (the hook is on package_update only)."""
    assert "record_last_modified" not in draft
    assert "record_create_date" not in draft


def test_hand_built_update_without_publish_state_is_a_server_error(
    api: Any, draft: dict[str, Any]
) -> None:
    """§1.7: the hook reads publish_state without a default: a body lacking it fails with
    a server error (500), not a validation error."""
    shown = api.call("package_show", "editor", id=draft["id"]).result
    shown.pop("publish_state")
    reply = api.call("package_update", "editor", **shown)
    assert reply.status == 500


def test_resource_create_lowercases_format(api: Any, draft: dict[str, Any]) -> None:
    """§1.7: resource_create lowercases ``format`` before validation."""
    resource = dict(draft["resources"][0], format="CSV", name="Upper-case format")
    for key in ("id", "package_id", "position", "created", "metadata_modified"):
        resource.pop(key)
    result = api.call("resource_create", "editor", package_id=draft["id"], **resource).result
    assert result["format"] == "csv"


def test_resource_create_parses_json_string_repeating_fields(
    api: Any, draft: dict[str, Any]
) -> None:
    """§1.1: resource_create json-parses the repeating resource fields sent as strings."""
    resource = dict(draft["resources"][0], name="String extent",
                    temporal_extent='[{"beginning_date": "2020-01-01", "end_date": "2020-12-31"}]')
    for key in ("id", "package_id", "position", "created", "metadata_modified"):
        resource.pop(key)
    result = api.call("resource_create", "editor", package_id=draft["id"], **resource).result
    assert result["temporal_extent"] == [{"beginning_date": "2020-01-01",
                                          "end_date": "2020-12-31"}]
