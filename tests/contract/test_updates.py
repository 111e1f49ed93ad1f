"""Contract: what package_patch / package_update do to the rest of the record
(FIELDS.md §1.7), and the hooks that change data."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def test_package_patch_leaves_resources_alone(api: Any, draft: dict[str, Any]) -> None:
    """package_patch without ``resources`` keeps every resource, ids and values (2.9 and
    2.12): the importer's way to change a record."""
    api.ok("resource_create", "editor", package_id=draft["id"], name="Second",
           url="https://example.gov.bc.ca/second.csv", bcdc_type="document", format="csv",
           resource_update_cycle="monthly", resource_storage_location="web or ftp site",
           resource_type="data", resource_access_method="direct access")
    before = api.ok("package_show", "editor", id=draft["id"])["resources"]
    result = api.call("package_patch", "editor", id=draft["id"], notes="patched").result
    assert len(before) == 2
    assert [(r["id"], r["name"], r["url"]) for r in result["resources"]] == [
        (r["id"], r["name"], r["url"]) for r in before]


def test_package_update_without_resources(api: Any, draft: dict[str, Any]) -> None:
    """package_update without a ``resources`` key KEEPS the resources on CKAN 2.12 and
    DELETES them on CKAN 2.9 (the live catalogue's version). The importer never sends
    package_update: it uses package_patch and the resource actions, which agree on both."""
    shown = api.call("package_show", "editor", id=draft["id"]).result
    shown.pop("resources")
    shown["notes"] = "updated"
    result = api.call("package_update", "editor", **shown).result
    kept = [r["id"] for r in result["resources"]]
    assert kept == ([] if api.version == "2.9" else [r["id"] for r in draft["resources"]])


def test_update_hook_sets_last_modified_and_private(api: Any, draft: dict[str, Any]) -> None:
    """§1.7: the chained package_update sets record_last_modified to today and
    ``private`` from ``metadata_visibility``, reached through package_patch on 2.12 AND on
    2.9.11 (whose package_patch calls ``get_action('package_update')``; FIELDS.md says
    2.9.5 called the core function directly and skipped the hook)."""
    result = api.call("package_patch", "editor", id=draft["id"],
                      metadata_visibility="IDIR").result
    assert result["record_last_modified"] == datetime.date.today().isoformat()
    assert result["private"] is True


TODAY = datetime.date.today().isoformat()


@pytest.mark.parametrize(("action", "extra"), [
    ("package_patch", {"notes": "patched"}),
    ("resource_create", {"name": "Added", "url": "https://example.gov.bc.ca/a.csv",
                         "bcdc_type": "document", "format": "csv",
                         "resource_update_cycle": "monthly",
                         "resource_storage_location": "web or ftp site",
                         "resource_type": "data", "resource_access_method": "direct access"}),
    ("resource_patch", {"description": "patched"}),
    ("resource_delete", {}),
])
def test_every_write_the_importer_sends_stamps_the_record(
    api: Any, draft: dict[str, Any], action: str, extra: dict[str, Any]
) -> None:
    """What a write leaves unstamped (issue 12): nothing, on 2.9 and 2.12. Every action the
    importer sends runs the hook: ``record_last_modified`` becomes today and
    ``record_create_date`` (DRAFT) is filled; ``private`` follows ``metadata_visibility``.
    So the importer sends neither date (system fields); it does send ``private`` with
    ``metadata_visibility``, which also covers a catalogue whose patch skips the hook."""
    resource_id = draft["resources"][0]["id"]
    target = ({"package_id": draft["id"]} if action == "resource_create"
              else {"id": resource_id} if action.startswith("resource_") else {"id": draft["id"]})
    api.ok(action, "editor", **target, **extra)
    shown = api.ok("package_show", "editor", id=draft["id"])
    assert (shown["record_last_modified"], shown["record_create_date"], shown["private"]) == (
        TODAY, TODAY, False)


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
