"""The one dataset-type rule (importer.schema.dataset_type) and required-ness read from the
schema as the server applies it (importer.schema.load), as plain functions."""

from __future__ import annotations

from typing import Any

import pytest

from importer.errors import SchemaError
from importer.read import workbook_type
from importer.schema import parse_schema
from importer.schema.dataset_type import choose_type, resolve_dataset_type
from importer.schema.load import UNOWNED_NOTE
from importer.site import ActionFailed
from tests.workbooks import datasets_book


class ListingSite:
    """Answers ``scheming_dataset_schema_list`` with ``types`` (or fails, like a CKAN
    without ckanext-scheming); records every call."""

    def __init__(self, types: list[str] | None) -> None:
        self.types = types
        self.calls: list[str] = []

    def call(self, action: str, **_data: Any) -> Any:
        self.calls.append(action)
        if self.types is None:
            raise ActionFailed(action, "Bad request - Action name not known")
        return self.types


@pytest.mark.parametrize(("types", "chosen"), [
    (("dataset",), "dataset"),
    (("camel-photos",), "camel-photos"),
    (("dataset", "bcdc_dataset"), "bcdc_dataset"),
    (("bcdc_dataset",), "bcdc_dataset"),
    (("a", "b"), "Error: S has several dataset types (a, b); choose one with --type TYPE"),
    ((), "Error: S publishes no ckanext-scheming dataset schema"),
])
def test_choose_type(types, chosen) -> None:
    try:
        got = choose_type(types, "S")
    except SchemaError as err:
        got = f"Error: {err}"
    assert got == chosen


@pytest.mark.parametrize(("given", "workbook", "types", "chosen", "asked"), [
    ("mine", "dataset", ["dataset"], "mine", []),  # --type wins, the site is not asked
    (None, "from-meta", ["dataset"], "from-meta", []),  # then the workbook's meta sheet
    (None, None, ["dataset"], "dataset", ["scheming_dataset_schema_list"]),
    ("  ", None, ["dataset"], "dataset", ["scheming_dataset_schema_list"]),  # blank: not given
])
def test_resolve_order(given, workbook, types, chosen, asked) -> None:
    site = ListingSite(types)
    assert resolve_dataset_type(site, "S", given=given, workbook=workbook) == chosen
    assert site.calls == asked


def test_resolve_offline_is_the_bundled_type_and_a_site_without_scheming_is_named() -> None:
    assert resolve_dataset_type(None, "offline") == "bcdc_dataset"
    with pytest.raises(SchemaError) as err:
        resolve_dataset_type(ListingSite(None), "https://old.example")
    assert str(err.value) == (
        "https://old.example does not publish ckanext-scheming dataset schemas "
        "(scheming_dataset_schema_list: Bad request - Action name not known)")


def _one(raw: dict[str, Any]) -> tuple[bool, str]:
    schema = parse_schema({"dataset_type": "t", "dataset_fields": [raw]}, "S")
    f = schema.dataset_fields[0]
    return f.required, f.required_note


@pytest.mark.parametrize(("raw", "expected"), [
    ({"field_name": "a", "required": True}, (True, "")),
    ({"field_name": "a", "required": True, "validators": "scheming_required"}, (True, "")),
    # scheming_required enforces `required`, no more: without it the field is optional
    ({"field_name": "a", "validators": "scheming_required scheming_choices"}, (False, "")),
    ({"field_name": "a", "validators": "not_empty unicode_safe"},
     (True, "the site's validators refuse an empty value")),
    ({"field_name": "name", "preset": "dataset_slug", "validators": "unicode_safe"},
     (True, "every dataset needs a URL name")),
    ({"field_name": "owner_org", "validators": "owner_org_validator unicode_safe"},
     (True, UNOWNED_NOTE)),
    ({"field_name": "title", "validators": "if_empty_same_as(name) unicode_safe"},
     (False, "")),
    ({"field_name": "a", "validators": "ignore_missing unicode_safe"}, (False, "")),
])
def test_required_as_the_server_applies_it(raw, expected) -> None:
    assert _one(raw) == expected


def test_workbook_type_reads_the_meta_sheet_only(tmp_path) -> None:
    plain = datasets_book(tmp_path / "plain.xlsx", ["name"], ["a"])
    assert workbook_type(plain) is None
    assert workbook_type(tmp_path / "missing.xlsx") is None  # reading it says why, later
    (tmp_path / "d.csv").write_text("name\na\n")
    assert workbook_type(tmp_path / "d.csv") is None
