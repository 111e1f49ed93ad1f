"""Contract: repeating fields and contacts (FIELDS.md §1.1, §1.2, §1.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.ckan


def test_contacts_as_json_string_is_rejected(api: Any, body: Any) -> None:
    """§1.1: the DataBC how-to's escaped-JSON-string contacts no longer work."""
    payload = body(api.site.child_org.id)
    payload["contacts"] = json.dumps(payload["contacts"])
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 400
    assert reply.error["__type"] == "Integrity Error"
    assert reply.error["message"] == (
        "Only lists of dicts can be placed against subschema ('contacts',), not <class 'str'>"
    )


def test_displayed_true_is_rejected(api: Any, body: Any) -> None:
    """§1.2: a boolean ``displayed`` fails the multiple-checkbox validator."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["displayed"] = True
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 409
    assert reply.error["contacts"] == [{"displayed": ["expecting list of strings"]}]


@pytest.mark.parametrize("displayed", [["displayed"], []])
def test_displayed_list_is_accepted(api: Any, body: Any, displayed: list[str]) -> None:
    """§1.2: ``["displayed"]`` and ``[]`` are accepted and read back unchanged."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["displayed"] = displayed
    result = api.call("package_create", "editor", **payload).result
    assert result["contacts"][0]["displayed"] == displayed


def test_displayed_empty_string_is_rejected(api: Any, body: Any) -> None:
    """§1.2: ``""`` is not a choice of the multiple-checkbox field."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["displayed"] = ""
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 409
    assert reply.error["contacts"] == [{"displayed": ['unexpected choice ""']}]


def test_displayed_single_string_is_read_back_as_list(api: Any, body: Any) -> None:
    """§1.2: the single string "displayed" is accepted and read back as ``["displayed"]``."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["displayed"] = "displayed"
    result = api.call("package_create", "editor", **payload).result
    assert result["contacts"][0]["displayed"] == ["displayed"]


def test_contact_org_name_is_rejected(api: Any, body: Any) -> None:
    """§1.3: ``contacts[].org`` takes an org id; the org's name is not a valid choice."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["org"] = api.site.child_org.name
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 409
    assert reply.error["contacts"] == [{"org": [f'unexpected choice "{api.site.child_org.name}"']}]


def test_contact_org_outside_callers_orgs_is_rejected(api: Any, body: Any) -> None:
    """§1.3: the editor (of the child only) may not name the parent org as contact org."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["org"] = api.site.parent_org.id
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 409
    assert reply.error["contacts"] == [{"org": [f'unexpected choice "{api.site.parent_org.id}"']}]


def test_contact_org_of_admins_parent_org_is_accepted(api: Any, body: Any) -> None:
    """§1.3: the same parent-org id is fine for the admin, who can create datasets there."""
    payload = body(api.site.child_org.id)
    payload["contacts"][0]["org"] = api.site.parent_org.id
    result = api.call("package_create", "admin", **payload).result
    assert result["contacts"][0]["org"] == api.site.parent_org.id


def test_repeating_fields_read_back_as_arrays(api: Any, draft: dict[str, Any]) -> None:
    """§1.1: arrays are stored as extras and returned as arrays again by package_show."""
    shown = api.call("package_show", "editor", id=draft["name"]).result
    assert shown["more_info"] == [{"description": "Program page", "url": "https://www2.gov.bc.ca/"}]
    assert shown["dates"] == [{"type": "Created", "date": "2024-05-01"}]
