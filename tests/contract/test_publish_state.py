"""Contract: the publish_state machine (FIELDS.md §1.6)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def _move(api: Any, role: str, dataset: dict[str, Any], state: str) -> Any:
    return api.call("package_patch", role, id=dataset["id"], publish_state=state)


def test_create_must_be_draft(api: Any, body: Any) -> None:
    """§1.6: on create the only valid state is DRAFT."""
    reply = api.call("package_create", "editor", **body(api.site.child_org.id,
                                                         publish_state="PUBLISHED"))
    assert reply.status == 409
    assert reply.error["publish_state"] == ["Invalid state valid choices are: DRAFT"]


def test_create_draft_is_accepted(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT on create is accepted and stored."""
    assert draft["publish_state"] == "DRAFT"


def test_two_steps_in_one_update_are_rejected(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT cannot jump to PUBLISHED, even for a sysadmin: one transition per call."""
    reply = _move(api, "sysadmin", draft, "PUBLISHED")
    assert reply.status == 409
    assert reply.error["publish_state"] == ["Invalid state valid choices are: PENDING PUBLISH"]


def test_editor_moves_draft_to_pending_publish(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT -> PENDING PUBLISH is allowed for editors."""
    assert _move(api, "editor", draft, "PENDING PUBLISH").result["publish_state"] == (
        "PENDING PUBLISH"
    )


def test_editor_cannot_publish(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: PENDING PUBLISH -> PUBLISHED is for admins and sysadmins only."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    reply = _move(api, "editor", draft, "PUBLISHED")
    assert reply.status == 409
    assert reply.error["publish_state"] == ["Invalid state valid choices are: DRAFT"]


def test_admin_publishes(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: the org admin may move PENDING PUBLISH -> PUBLISHED; the update hook (§1.7)
    then sets record_publish_date."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    result = _move(api, "admin", draft, "PUBLISHED").result
    assert result["publish_state"] == "PUBLISHED"
    assert result["record_publish_date"] == datetime.date.today().isoformat()


def test_editor_moves_published_to_pending_archive_but_not_back(
    api: Any, draft: dict[str, Any]
) -> None:
    """§1.6: PUBLISHED -> PENDING ARCHIVE is open to editors; PUBLISHED -> PENDING PUBLISH
    is for admins only."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    api.ok("package_patch", "admin", id=draft["id"], publish_state="PUBLISHED")
    reply = _move(api, "editor", draft, "PENDING PUBLISH")
    assert reply.status == 409
    assert reply.error["publish_state"] == ["Invalid state valid choices are: PENDING ARCHIVE"]
    assert _move(api, "editor", draft, "PENDING ARCHIVE").result["publish_state"] == (
        "PENDING ARCHIVE"
    )


def test_unchanged_state_is_always_accepted(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: sending the stored state again needs no transition and no permission check."""
    reply = api.call("package_patch", "editor", id=draft["id"], publish_state="DRAFT",
                     notes="changed")
    assert reply.result["publish_state"] == "DRAFT"
    assert reply.result["notes"] == "changed"
