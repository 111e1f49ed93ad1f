"""The generated JSON Schema, and the fast checker agreeing with plain jsonschema."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from importer.validate.jsonschema_model import (
    Checker,
    format_checker,
    is_date,
    is_email,
    is_url,
    object_schema,
)
from tests.workbooks import LAYOUT

SCHEMA = LAYOUT.schema
PROFILE = LAYOUT.profile


def test_dataset_schema_is_generated_from_the_field_model() -> None:
    s = object_schema(SCHEMA.dataset_fields, PROFILE, required=True)
    assert s["required"] == ["title", "name", "owner_org", "publish_state", "notes",
                             "license_id", "security_class", "view_audience",
                             "download_audience", "metadata_visibility", "tags",
                             "resource_status"]
    props = s["properties"]
    assert props["security_class"] == {"enum": ["PUBLIC", "PROTECTED A", "PROTECTED B",
                                                "PROTECTED C"]}
    assert props["contacts"]["items"]["required"] == ["name", "email", "org", "role"]
    assert props["contacts"]["items"]["properties"]["email"] == {"type": "string",
                                                                  "format": "email"}
    assert props["tags"]["minItems"] == 1
    assert props["dates"]["items"]["properties"]["date"] == {"type": "string",
                                                             "format": "date"}
    assert "record_create_date" not in props  # system field
    assert [c["if"]["properties"] for c in s["allOf"]] == [
        {"resource_status": {"enum": ["obsolete"]}},
        {"resource_status": {"enum": ["historicalArchive"]}},
        {"resource_status": {"enum": ["historicalArchive"]}},
    ]
    Draft202012Validator.check_schema(s)


def test_resource_schema_single_entries_and_conditions() -> None:
    s = object_schema(SCHEMA.resource_fields, PROFILE, required=False)
    props = s["properties"]
    assert props["temporal_extent"]["maxItems"] == 1
    assert "maxItems" not in props["details"]
    assert props["projection_name"]["enum"][:2] == ["epsg3005", "epsg3153"]
    assert "epsg26710" in props["projection_name"]["enum"]
    assert props["json_table_schema"] == {"type": "object"}
    assert "required" not in s
    thens = [c["then"] for c in s["allOf"]]
    assert {"required": ["iso_topic_category"],
            "properties": {"iso_topic_category": {"minItems": 1}}} in thens


PACKAGES: list[dict[str, Any]] = [
    {"title": "Roads", "name": "roads", "security_class": "PUBLIC"},
    {"title": "R", "name": "Roads!", "security_class": "Public", "tags": [{"name": "a+"}],
     "contacts": [{"name": "A", "email": "bad", "displayed": ["x"]}],
     "dates": [{"type": "Created", "date": "2024-02-30"}], "resource_status": "obsolete"},
    {"resource_status": "historicalArchive", "retention_expiry_date": "2024-01-01",
     "support_url": "notaurl", "more_info": [{"url": "https://www2.gov.bc.ca/x"}, {}]},
    {"name": "new", "tags": []},
]


def _normal(errors) -> list[tuple[Any, ...]]:
    return sorted((tuple(map(str, e[0])), e[1]) for e in errors)


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("required", [True, False])
def test_fast_checker_equals_plain_jsonschema(package: dict[str, Any], required: bool) -> None:
    schema = object_schema(SCHEMA.dataset_fields, PROFILE, required=required)
    plain = Draft202012Validator(schema, format_checker=format_checker())
    expected = _normal((tuple(e.absolute_path), e.validator) for e in plain.iter_errors(package))
    checker = Checker(schema, format_checker())
    for _ in range(2):  # the second time from the memo
        got = _normal((v.path, v.validator) for v in checker.errors(package))
        assert got == expected


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (is_date, "2024-02-29", True), (is_date, "2023-02-29", False),
        (is_date, "20240101", False), (is_date, "2024-1-1", False),
        (is_email, "a.b@gov.bc.ca", True), (is_email, "a@b", False),
        (is_email, "a b@gov.bc.ca", False), (is_email, "@gov.bc.ca", False),
        (is_url, "https://www2.gov.bc.ca/gov/content", True),
        (is_url, "http://localhost:5000/x", True),
        (is_url, "ftp://ftp.geobc.gov.bc.ca/pub", True), (is_url, "www.gov.bc.ca", False),
        (is_url, "https://intranet", False), (is_url, "https://a b.ca", False),
        (is_url, "javascript:alert(1)", False), (is_url, "https://[::1", False),
    ],
)
def test_formats(check, value: str, ok: bool) -> None:
    assert check(value) is ok


def test_near_unique_values_stop_being_memoised_but_are_still_checked() -> None:
    # valid values never reach the memo (the fast check passes them): use failing ones
    checker = Checker(object_schema(SCHEMA.dataset_fields, PROFILE, required=False),
                      format_checker())
    found = [checker.errors({"title": f"{i:0>101}", "security_class": "PUBLIC"})
             for i in range(6000)]
    assert all([e.validator for e in errs] == ["maxLength"] for errs in found)
    assert "title" in checker._unique and "security_class" not in checker._unique
    assert [v.validator for v in checker.errors({"title": "x"})] == ["minLength"]
    assert checker.errors({"title": "Roads"}) == []
