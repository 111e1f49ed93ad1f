"""The field model: loading, preset expansion, kinds, BC profile, column layout."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from importer.errors import SchemaError
from importer.schema import FieldKind, build_layout, load_bundled, load_file, parse_schema
from importer.schema.columns import Scope
from importer.schema.load import data_path, schema_digest


@pytest.fixture(scope="module")
def schema():
    return load_bundled()


def test_bundled_yaml_expands_to_the_published_expanded_json(schema) -> None:
    # load_bundled reads the expanded JSON (fast); the YAML + presets must give the same
    expanded = json.loads(data_path("bcdc_dataset.expanded.json").read_text())
    from_yaml = load_file(data_path("bcdc_dataset.yaml"))
    assert from_yaml.digest == schema_digest(expanded) == schema.digest
    assert parse_schema(expanded, "expanded").digest == schema.digest
    assert dataclasses.replace(from_yaml, source=schema.source) == schema
    assert schema.source == "bundled:bcdc_dataset.yaml"


def test_counts_and_type(schema) -> None:
    assert schema.dataset_type == "bcdc_dataset"
    assert len(schema.dataset_fields) == 26
    assert len(schema.resource_fields) == 22


@pytest.mark.parametrize(
    ("name", "kind", "required", "server_required"),
    [
        ("title", FieldKind.TEXT, True, True),
        ("name", FieldKind.SLUG, True, True),
        ("owner_org", FieldKind.ORGANIZATION, True, True),
        ("publish_state", FieldKind.SELECT, True, True),
        ("notes", FieldKind.MARKDOWN, True, True),
        ("license_id", FieldKind.LICENSE, True, True),
        ("tag_string", FieldKind.TAGS, True, False),
        ("contacts", FieldKind.REPEATING, False, False),
        ("record_create_date", FieldKind.DATE, False, False),
        ("retention_expiry_date", FieldKind.DATE, False, False),
        ("support_url", FieldKind.TEXT, False, False),
    ],
)
def test_dataset_field_kinds(schema, name, kind, required, server_required) -> None:
    field = schema.dataset_field(name)
    assert (field.kind, field.required, field.server_required) == (kind, required, server_required)


@pytest.mark.parametrize(
    ("name", "kind", "single", "checks_choices"),
    [
        ("format", FieldKind.SELECT, False, True),
        ("spatial_datatype", FieldKind.SELECT, False, False),
        ("projection_name", FieldKind.SELECT, False, False),
        ("iso_topic_category", FieldKind.MULTI_SELECT, False, True),
        ("json_table_schema", FieldKind.JSON, False, False),
        ("temporal_extent", FieldKind.REPEATING, True, False),
        ("details", FieldKind.REPEATING, False, False),
        ("preview_info", FieldKind.REPEATING, True, False),
    ],
)
def test_resource_field_kinds(schema, name, kind, single, checks_choices) -> None:
    field = schema.resource_field(name)
    assert (field.kind, field.single_entry, field.server_checks_choices) == (
        kind, single, checks_choices
    )


def test_bc_profile_marks_system_fields(schema) -> None:
    system = [f.name for f in schema.dataset_fields if f.system]
    assert system == [
        "record_publish_date", "record_create_date", "record_archive_date", "record_last_modified"
    ]
    assert schema.resource_field("last_modified").system


def test_projection_typo_is_fixed_with_alias(schema) -> None:
    choice = next(c for c in schema.resource_field("projection_name").choices
                  if c.value == "epsg26710")
    assert choice.aliases == ("epsg26710,",)
    assert "epsg26710," not in schema.resource_field("projection_name").choice_values


def test_conditions(schema) -> None:
    field = schema.dataset_field("replacement_record")
    assert field.conditionally_required
    assert (field.condition.field, field.condition.values) == ("resource_status", ("obsolete",))
    assert schema.resource_field("projection_name").condition.values == (
        "geographic", "webservice"
    )


def test_contact_subfields(schema) -> None:
    contacts = schema.dataset_field("contacts")
    assert [s.name for s in contacts.subfields] == ["name", "email", "org", "role", "displayed"]
    assert contacts.subfield("org").choices_helper == "edc_orgs_form"
    assert contacts.subfield("displayed").kind is FieldKind.MULTI_SELECT
    assert contacts.subfield("role").choice_values == (
        "pointOfContact", "businessExpert", "dataManager", "dataSteward", "custodian",
        "AccessApprover", "distributor",
    )


def test_layout_default_counts(schema) -> None:
    layout = build_layout(schema)
    headers = [c.header for c in layout.dataset_columns]
    assert headers[:7] == [
        "title", "name", "owner_org", "publish_state", "notes", "license_id", "support_url"
    ]
    assert "contacts_3_displayed" in headers and "contacts_4_name" not in headers
    assert "more_info_2_url" in headers and "dates_2_date" in headers
    assert not any(h.startswith("record_") for h in headers)
    assert dict(layout.counts) == {
        "contacts": 3, "more_info": 2, "dates": 2, "resources.temporal_extent": 1,
        "resources.details": 2, "resources.preview_info": 1, "resources.geographic_extent": 1,
    }
    res = [c.header for c in layout.resource_columns]
    assert res[:3] == ["dataset_name", "name", "url"]
    assert "temporal_extent_1_end_date" in res and "temporal_extent_2_end_date" not in res
    assert "last_modified" not in res


def test_layout_custom_counts_and_ids(schema) -> None:
    layout = build_layout(schema, counts={"contacts": 5}, include_ids=True)
    headers = [c.header for c in layout.dataset_columns]
    assert "contacts_5_role" in headers and headers[-1] == "id"
    assert layout.resource_columns[-1].header == "id"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("contacts_1_email", "contacts_1_email"),
        ("Contact 1 Email", "contacts_1_email"),
        ("CONTACTS 1 EMAIL", "contacts_1_email"),
        ("Contacts\u00a01 Email", "contacts_1_email"),
        ("URL", "name"),
        ("Title", "title"),
        ("tag_string", "tag_string"),
        ("Keywords", "tag_string"),
        ("Lifecycle Event 2 Date", "dates_2_date"),
        ("no such column", None),
    ],
)
def test_header_matching(schema, header, expected) -> None:
    column = build_layout(schema).match(Scope.DATASET, header)
    assert (column.header if column else None) == expected


def test_column_paths(schema) -> None:
    layout = build_layout(schema)
    by_header = {c.header: c for c in layout.dataset_columns}
    assert by_header["contacts_2_email"].path == "contacts[2].email"
    assert by_header["title"].path == "title"
    assert by_header["contacts_1_email"].marked_required
    assert not by_header["contacts_2_email"].marked_required
    assert not by_header["replacement_record"].marked_required


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "does not hold a schema"),
        ("{bad json", "is not valid JSON or YAML"),
        ('{"dataset_type": "x"}', "is not a ckanext-scheming dataset schema"),
        ('{"dataset_type": "x", "dataset_fields": [{"label": "no name"}]}',
         "has a field this tool does not understand"),
        ('{"dataset_type": "x", "dataset_fields": [{"field_name": "a", "preset": "nope"}]}',
         "uses unknown preset 'nope'"),
    ],
)
def test_bad_schema_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "schema.json"
    path.write_text(content)
    with pytest.raises(SchemaError, match=message):
        load_file(path)


def test_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="cannot read schema file"):
        load_file(tmp_path / "nope.yaml")


def test_bundled_source_does_not_depend_on_install_path(schema) -> None:
    assert schema.source == "bundled:bcdc_dataset.yaml"
