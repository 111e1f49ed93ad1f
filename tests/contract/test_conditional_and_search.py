"""Contract: conditional requirements (FIELDS.md §1.8, §6) and search visibility (§1.7)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def test_dataset_level_conditional_required_fires(api: Any, body: Any) -> None:
    """§6: resource_status=obsolete requires replacement_record (enforced by the server)."""
    reply = api.call("package_create", "editor",
                     **body(api.site.child_org.id, resource_status="obsolete"))
    assert reply.status == 409
    assert reply.error["replacement_record"] == [
        "Required when ('resource_status',) is set to obsolete"
    ]


def test_conditional_fields_stored_empty_when_absent(api: Any, draft: dict[str, Any]) -> None:
    """§1.8: conditional_required writes "" back for absent fields."""
    assert draft["replacement_record"] == ""
    assert draft["source_data_path"] == ""


def test_resource_level_conditional_required_never_fires(api: Any, body: Any) -> None:
    """§1.8: a geographic resource without spatial_datatype / projection_name is accepted;
    the fields are stored as "" and iso_topic_category as []."""
    payload = body(api.site.child_org.id)
    payload["resources"][0]["bcdc_type"] = "geographic"
    resource = api.call("package_create", "editor", **payload).result["resources"][0]
    assert (resource["spatial_datatype"], resource["projection_name"]) == ("", "")
    assert resource["iso_topic_category"] == []


def _search_names(api: Any, role: str, name: str) -> list[str]:
    result = api.call("package_search", role, q=f'name:"{name}"', rows=10).result
    return [r["name"] for r in result["results"]]


def test_editor_search_hides_other_orgs_draft(api: Any, body: Any) -> None:
    """§1.7: a DRAFT in an org the editor cannot edit is not in the editor's search."""
    other = api.call("package_create", "admin", **body(api.site.parent_org.id)).result
    assert _search_names(api, "editor", other["name"]) == []
    assert _search_names(api, "sysadmin", other["name"]) == [other["name"]]


def test_editor_search_shows_own_orgs_draft(api: Any, draft: dict[str, Any]) -> None:
    """§1.7: DRAFTs of orgs the editor can edit are visible in the editor's search."""
    assert _search_names(api, "editor", draft["name"]) == [draft["name"]]


def test_editor_search_shows_other_orgs_published(api: Any, body: Any) -> None:
    """§1.7: PUBLISHED records of any org are visible to every user."""
    other = api.call("package_create", "admin", **body(api.site.parent_org.id)).result
    for state in ("PENDING PUBLISH", "PUBLISHED"):
        api.ok("package_patch", "admin", id=other["id"], publish_state=state)
    assert _search_names(api, "editor", other["name"]) == [other["name"]]
    assert _search_names(api, "anonymous", other["name"]) == [other["name"]]


def test_editor_can_show_other_orgs_draft_by_name(api: Any, body: Any) -> None:
    """§1.7: the search filter does not apply to package_show: the editor can read another
    org's (public, DRAFT) record by name. Use package_show for "does it exist?" checks."""
    other = api.call("package_create", "admin", **body(api.site.parent_org.id)).result
    shown = api.call("package_show", "editor", id=other["name"]).result
    assert shown["publish_state"] == "DRAFT"
