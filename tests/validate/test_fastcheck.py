"""The fast checks: never "valid" for a value jsonschema rejects, and "valid" for the
common valid values (else they would buy nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from importer.validate.fastcheck import compile_predicate
from importer.validate.jsonschema_model import (
    _PLAIN_URL,
    FORMATS,
    format_checker,
    is_url,
    object_schema,
)
from tests.workbooks import LAYOUT

SCHEMAS = {
    (scope, required): object_schema(fields, LAYOUT.profile, required=required)
    for scope, fields in (("dataset", LAYOUT.schema.dataset_fields),
                          ("resource", LAYOUT.schema.resource_fields))
    for required in (True, False)
}

#: values of every shape the mapper produces, valid and not, and some it never does.
ODD: list[Any] = [
    None, "", "x", "ab", "Roads", "roads", "new", "Roads!", "a" * 101, "PUBLIC", "Public",
    "public", "DRAFT", "csv", "CSV", "epsg3005", "environment", "2024-01-31", "2023-02-29",
    "2024/01/31", "a.b@gov.bc.ca", "a@b", "https://www2.gov.bc.ca/x", "HTTPS://GOV.BC.CA",
    "https://intranet", "https://a b.ca", "https://example.com.", "www.gov.bc.ca",
    "http://localhost:5000", "ftp://ftp.geobc.gov.bc.ca/pub?x=1#y", 1, 1.0, True, False,
    [], ["displayed"], ["x"], ["environment", "inlandWaters"], ["environment", 1], {},
    {"fields": []}, [{"name": "water"}, {"name": "a+"}], [{"name": "water"}], [{}],
    [{"name": "A", "email": "a@gov.bc.ca", "org": "o", "role": "pointOfContact",
      "displayed": ["displayed"]}],
    [{"name": "A", "email": "bad", "org": "o", "role": "pointOfContact"}],
    [{"name": "A", "email": "a@gov.bc.ca", "org": "o", "role": "boss"}],
    [{"name": "A", "email": "a@gov.bc.ca", "role": "pointOfContact"}],
    [{"type": "Created", "date": "2024-01-01"}], [{"type": "Created", "date": "2024-13-01"}],
    [{"type": "Born", "date": "2024-01-01"}], [{"beginning_date": "2019-01-01"}],
    [{"beginning_date": "2019-01-01"}, {"beginning_date": "2019-01-02"}],
    [{"url": "https://www2.gov.bc.ca/x", "description": "d"}], [{"url": "nope"}], ["a"],
    [{"description": 5}],
]


@pytest.mark.parametrize("key", list(SCHEMAS))
def test_generated_schemas_are_valid_json_schema(key: tuple[str, bool]) -> None:
    # (the Checker no longer checks this on every run)
    Draft202012Validator.check_schema(SCHEMAS[key])


def _cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for (scope, required), schema in SCHEMAS.items():
        for key, prop in schema["properties"].items():
            out.append((f"{scope}-{required}-{key}", prop))
        for n, cond in enumerate(schema.get("allOf", [])):
            out.append((f"{scope}-{required}-then{n}", cond["then"]))
    return out


@pytest.mark.parametrize(("name", "schema"), _cases(), ids=[n for n, _ in _cases()])
def test_a_fast_yes_is_a_jsonschema_yes(name: str, schema: dict[str, Any]) -> None:
    check = compile_predicate(schema, FORMATS)
    assert check is not None, "every schema the field model makes is compiled"
    full = Draft202012Validator(schema, format_checker=format_checker())
    values = ODD + [{k: v} for k in schema.get("required", ["x"]) for v in ODD[:30]]
    for value in values:
        if check(value):
            assert list(full.iter_errors(value)) == [], value
        else:
            # a "no" is exact too for these schemas (so the fast path is used whenever
            # it can be): jsonschema rejects what the predicate refuses
            assert list(full.iter_errors(value)) != [], value


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        ({"type": "string", "minLength": 2, "maxLength": 100}, "Roads", True),
        ({"type": "string", "minLength": 2, "maxLength": 100}, "R", False),
        ({"enum": ["PUBLIC", "PROTECTED A"]}, "PUBLIC", True),
        ({"enum": ["PUBLIC", "PROTECTED A"]}, "Public", False),
        ({"type": "string", "pattern": "^[a-z0-9_-]{2,100}$",
          "not": {"enum": ["new", "edit", "search"]}}, "roads", True),
        ({"type": "string", "pattern": "^[a-z0-9_-]{2,100}$",
          "not": {"enum": ["new", "edit", "search"]}}, "new", False),
        ({"type": "array", "items": {"enum": ["a"]}, "minItems": 1}, ["a"], True),
        ({"type": "array", "items": {"enum": ["a"]}, "minItems": 1}, [], False),
        ({"type": "string", "format": "url"}, "https://www2.gov.bc.ca/x", True),
        ({"type": "string", "format": "url"}, "https://intranet", False),
    ],
)
def test_fast_checks(schema: dict[str, Any], value: Any, expected: bool) -> None:
    check = compile_predicate(schema, FORMATS)
    assert check is not None and check(value) is expected


@pytest.mark.parametrize("schema", [
    {"type": "integer"}, {"enum": [1, 2]}, {"anyOf": [{"type": "string"}]},
    {"not": {"type": "string"}}, {"items": [{"type": "string"}]},
    {"properties": {"a": {"const": 1}}},
])
def test_anything_else_is_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_predicate(schema, FORMATS) is None


@pytest.mark.parametrize("url", [
    "https://www2.gov.bc.ca/gov/content/home", "http://a.bc", "ftp://ftp.geobc.gov.bc.ca/pub",
    "ftps://x.example.org?q=1", "https://x.example.org#frag", "https://x-y.example.org/a%20b",
    "https://example.com/\x01", "https://example.com/path\u00e9",
])
def test_the_plain_url_shortcut_only_accepts_what_the_full_test_accepts(url: str) -> None:
    assert _PLAIN_URL.match(url)
    assert is_url(url) is True


@pytest.mark.parametrize("url", [
    "HTTPS://GOV.BC.CA", "https://example.com.", "https://user@example.com/",
    "https://example.com:8443/", "https://intranet", "https://a b.ca", "https://example.com/ x",
    "https://example.com/\n", "https://-bad.example.com/", "https://example.c0m",
])
def test_other_urls_take_the_full_test(url: str) -> None:
    assert not _PLAIN_URL.match(url)
