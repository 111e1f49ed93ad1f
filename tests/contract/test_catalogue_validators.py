"""Contract: the catalogue's own validators and hooks (ckanext-bcgov-schema, ckanext-bcgov) as
the test plugin re-implements them, behaviour by behaviour (FIELDS.md §1.7, §7). Every
expectation holds on CKAN 2.9 AND 2.12: the plugin is the same on both."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.contract.conftest import RESOURCE

pytestmark = pytest.mark.ckan


def test_short_title_gets_the_catalogues_length_message(api: Any, body: Any) -> None:
    reply = api.call("package_create", "editor", **body(api.site.child_org.id, title="X"))
    assert reply.status == 409
    assert reply.error["title"] == ['Title "X" length is less than minimum 2']


def test_long_title_gets_the_catalogues_length_message(api: Any, body: Any) -> None:
    title = "L" * 101
    reply = api.call("package_create", "editor", **body(api.site.child_org.id, title=title))
    assert reply.status == 409
    assert reply.error["title"] == [f'Title "{title}" length is more than maximum 100']


def test_iso_topic_category_is_stored_in_choice_order_without_repeats(
    api: Any, draft: dict[str, Any]
) -> None:
    made = api.ok("resource_create", "editor", package_id=draft["id"],
                  **{**copy.deepcopy(RESOURCE), "name": "Topics",
                     "iso_topic_category": ["economy", "biota", "economy"]})
    assert made["iso_topic_category"] == ["biota", "economy"]


def test_iso_topic_category_unknown_choice(api: Any, draft: dict[str, Any]) -> None:
    reply = api.call("resource_create", "editor", package_id=draft["id"],
                     **{**copy.deepcopy(RESOURCE), "name": "Topics",
                        "iso_topic_category": ["economy", "wildlife"]})
    assert reply.status == 409
    assert reply.error == {"iso_topic_category": ['unexpected choice "wildlife"'],
                           "__type": "Validation Error"}


def test_resource_create_without_format_is_missing_value(
    api: Any, draft: dict[str, Any]
) -> None:
    """ckanext-bcgov's hook writes ``resource.get('format', '').lower()``: an absent format
    becomes "" and the schema's required check then says "Missing value"."""
    sent = {k: v for k, v in copy.deepcopy(RESOURCE).items() if k != "format"}
    reply = api.call("resource_create", "editor", package_id=draft["id"], **sent)
    assert reply.status == 409
    assert reply.error == {"format": ["Missing value"], "__type": "Validation Error"}


def test_resource_json_object_text_is_kept_as_parsed(api: Any, draft: dict[str, Any]) -> None:
    """The resource hook keeps whatever ``json.loads`` gives (text that is not JSON: []):
    an object reaches scheming's subfield code, which refuses it with an Integrity Error
    (HTTP 400). The position in the message differs: 2.12 names the new resource 0, 2.9
    names it by its place in the package (1: the draft has one resource)."""
    reply = api.call("resource_create", "editor", package_id=draft["id"],
                     **{**copy.deepcopy(RESOURCE), "name": "Parsed",
                        "temporal_extent": '{"beginning_date": "2020-01-01"}',
                        "preview_info": "not json"})
    position = 1 if api.version == "2.9" else 0
    assert (reply.status, reply.error["__type"], reply.error["message"]) == (
        400, "Integrity Error", "Only lists of dicts can be placed against subschema "
        f"('resources', {position}, 'temporal_extent'), not <class 'dict'>")
    assert reply.error["data"]["preview_info"] == []
