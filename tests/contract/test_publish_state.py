"""Contract: the publish_state machine (FIELDS.md §1.6).

The state machine is the catalogue's own validator (ckanext-bcgov-schema ``valid_next_state``,
re-written in the test plugin), so every expectation here holds on CKAN 2.9 AND 2.12; the
messages are the catalogue's, as seen on a real CKAN 2.9.11 with the real extensions. Two
checks run one after the other: the target must be one of the stored state's ``validTo``
("Invalid state valid choices are: A, B", listing every target whoever asks), and the user
must hold a role of the requested target's ``by:`` list ("You lack permission to move to
this state, you must be one of admin, sysadmin"). When the target is not valid at all its
role list is empty, and the catalogue's message loses its last letter ("...one o").
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

pytestmark = pytest.mark.ckan

#: the permission message when the requested state is no valid target (no ``by:`` list).
NO_ROLE = "You lack permission to move to this state, you must be one o"
ADMINS_ONLY = "You lack permission to move to this state, you must be one of admin, sysadmin"


def _move(api: Any, role: str, dataset: dict[str, Any], state: str) -> Any:
    return api.call("package_patch", role, id=dataset["id"], publish_state=state)


def test_create_must_be_draft(api: Any, body: Any) -> None:
    """§1.6: on create the only valid state is DRAFT (2.9 and 2.12): both messages."""
    reply = api.call("package_create", "editor", **body(api.site.child_org.id,
                                                         publish_state="PUBLISHED"))
    assert reply.status == 409
    assert reply.error["publish_state"] == ["Invalid state valid choices are: DRAFT", NO_ROLE]


def test_create_draft_is_accepted(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT on create is accepted and stored."""
    assert draft["publish_state"] == "DRAFT"


def test_two_steps_in_one_update_are_rejected(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT cannot jump to PUBLISHED, even for a sysadmin: one transition per call
    (2.9 and 2.12): both messages."""
    reply = _move(api, "sysadmin", draft, "PUBLISHED")
    assert reply.status == 409
    assert reply.error["publish_state"] == [
        "Invalid state valid choices are: PENDING PUBLISH", NO_ROLE]


def test_editor_moves_draft_to_pending_publish(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: DRAFT -> PENDING PUBLISH is allowed for editors."""
    assert _move(api, "editor", draft, "PENDING PUBLISH").result["publish_state"] == (
        "PENDING PUBLISH"
    )


def test_editor_cannot_publish(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: PENDING PUBLISH -> PUBLISHED is for admins and sysadmins only (2.9 and 2.12):
    a valid target, so only the permission message, with the role list."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    reply = _move(api, "editor", draft, "PUBLISHED")
    assert reply.status == 409
    assert reply.error["publish_state"] == [ADMINS_ONLY]


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
    is for admins only (2.9 and 2.12)."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    api.ok("package_patch", "admin", id=draft["id"], publish_state="PUBLISHED")
    reply = _move(api, "editor", draft, "PENDING PUBLISH")
    assert reply.status == 409
    assert reply.error["publish_state"] == [ADMINS_ONLY]
    assert _move(api, "editor", draft, "PENDING ARCHIVE").result["publish_state"] == (
        "PENDING ARCHIVE"
    )


def test_unchanged_state_is_always_accepted(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: sending the stored state again needs no transition and no permission check."""
    reply = api.call("package_patch", "editor", id=draft["id"], publish_state="DRAFT",
                     notes="changed")
    assert reply.result["publish_state"] == "DRAFT"
    assert reply.result["notes"] == "changed"


def test_unknown_state_on_update_lists_every_target(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: a state that is not a choice at all fails scheming's choice check first, and the
    state machine then stays silent (it skips a field that already has an error); the
    wording is ckanext-scheming's (3.0 on 2.9, 3.1 on 2.12: the same)."""
    reply = _move(api, "admin", draft, "APPROVED")
    assert reply.status == 409
    assert reply.error["publish_state"] == [
        "Value must be one of ['DRAFT', 'PENDING PUBLISH', 'PUBLISHED', 'PENDING ARCHIVE', "
        "'ARCHIVED']"]


def test_invalid_target_lists_all_targets_whoever_asks(api: Any, draft: dict[str, Any]) -> None:
    """§1.6: from PENDING PUBLISH an editor asking for ARCHIVED is told both targets,
    DRAFT and PUBLISHED, though only DRAFT is open to editors (2.9 and 2.12)."""
    api.ok("package_patch", "editor", id=draft["id"], publish_state="PENDING PUBLISH")
    reply = _move(api, "editor", draft, "ARCHIVED")
    assert reply.status == 409
    assert reply.error["publish_state"] == [
        "Invalid state valid choices are: DRAFT, PUBLISHED", NO_ROLE]
