"""Every validation rule, with a failing and a passing case, through read -> map -> validate,
asserting the exact code, cell and severity (and the message where it matters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from importer.check import run_check
from importer.problems import Problem
from importer.records import CellRef, DatasetRecord, ResourceRecord
from importer.validate import validate
from importer.validate.messages import slugify, suggest_date
from tests.workbooks import LAYOUT, valid_dataset, valid_resource, write_xlsx


def _problems(tmp_path: Path, datasets, resources=None) -> list[Problem]:
    path = write_xlsx(tmp_path / "w.xlsx", datasets, resources if resources is not None else [])
    return run_check(path, LAYOUT).problems


def _found(problems: list[Problem]) -> list[tuple[str, str, str | None, str]]:
    return [(p.code, p.sheet or "", p.cell, p.severity.value) for p in problems]


D, R = "datasets", "resources"

CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]] | None, list[tuple]]] = [
    ("valid", {}, [{}], []),
    ("required title", {"title": None}, None, [("required", D, "A2", "error")]),
    ("required keywords", {"tag_string": None}, None, [("required", D, "AH2", "error")]),
    ("keywords only commas", {"tag_string": " , ,"}, None, [("required", D, "AH2", "error")]),
    ("not a choice", {"security_class": "Protected A"}, None,
     [("not-a-choice", D, "AD2", "error")]),
    ("choice by label ok", {"security_class": "Protected-A"}, None, []),
    ("not a choice sub-field", {"contacts_1_role": "owner"}, None,
     [("not-a-choice", D, "K2", "error")]),
    ("bad email", {"contacts_1_email": "data.gov.bc.ca"}, None,
     [("bad-email", D, "I2", "error")]),
    ("good email", {"contacts_1_email": "first.last@gov.bc.ca"}, None, []),
    ("bad url", {"support_url": "www.gov.bc.ca"}, None, [("bad-url", D, "G2", "error")]),
    ("good url", {"support_url": "https://www2.gov.bc.ca/support"}, None, []),
    ("bad resource url", {}, [{"url": "htp://x"}], [("bad-url", R, "C2", "error")]),
    ("bad date", {"dates_1_type": "Created", "dates_1_date": "2024-13-01"}, None,
     [("bad-date", D, "AJ2", "error")]),
    ("good date", {"dates_1_type": "Created", "dates_1_date": "2024-12-01"}, None, []),
    ("date entry needs type", {"dates_1_date": "2024-12-01"}, None,
     [("required", D, "AI2", "error")]),
    ("bad keyword", {"tag_string": "GBA+, x"}, None,
     [("bad-keyword", D, "AH2", "error"), ("bad-keyword", D, "AH2", "error")]),
    ("good keywords", {"tag_string": "GBA plus, v1.2, snake_case, A-B"}, None, []),
    ("bad slug", {"name": "Groundwater Wells"}, [{"dataset_name": "Groundwater Wells"}],
     [("bad-slug", D, "B2", "error")]),
    ("reserved slug", {"name": "new"}, [{"dataset_name": "new"}],
     [("bad-slug", D, "B2", "error")]),
    ("title too short", {"title": "X"}, None, [("bad-length", D, "A2", "error")]),
    ("no contact", {"contacts_1_name": None, "contacts_1_email": None, "contacts_1_role": None,
                    "contacts_1_displayed": None}, None, [("no-contact", D, "H2", "error")]),
    ("no displayed contact", {"contacts_1_displayed": "No"}, None,
     [("no-displayed-contact", D, "L2", "error")]),
    ("displayed blank", {"contacts_1_displayed": None}, None,
     [("no-displayed-contact", D, "L2", "error")]),
    ("second contact displayed", {"contacts_1_displayed": "No", "contacts_2_name": "Jo",
                                  "contacts_2_email": "jo@gov.bc.ca",
                                  "contacts_2_role": "custodian",
                                  "contacts_2_displayed": "Yes"}, None, []),
    ("contact missing email", {"contacts_1_email": None}, None,
     [("required", D, "I2", "error")]),
    ("obsolete needs replacement", {"resource_status": "obsolete"}, None,
     [("conditional-required", D, "AN2", "error")]),
    ("obsolete with replacement", {"resource_status": "obsolete",
                                   "replacement_record": "https://catalogue/x"}, None, []),
    ("archive needs two", {"resource_status": "historicalArchive"}, None,
     [("conditional-required", D, "AO2", "error"), ("conditional-required", D, "AP2", "error")]),
    ("geographic needs three", {}, [{"bcdc_type": "geographic"}],
     [("conditional-required", R, "L2", "error"), ("conditional-required", R, "Z2", "error"),
      ("conditional-required", R, "AB2", "error")]),
    ("geographic complete", {}, [{"bcdc_type": "geographic", "spatial_datatype": "SDO_GEOMETRY",
                                  "projection_name": "epsg3005",
                                  "iso_topic_category": "environment"}], []),
    ("webservice needs projection", {}, [{"bcdc_type": "webservice"}],
     [("conditional-required", R, "Z2", "error")]),
    ("must be draft (check: warning)", {"publish_state": "PUBLISHED"}, None,
     [("must-be-draft", D, "D2", "warning")]),
    ("update row keeps its state", {"publish_state": "PUBLISHED", "id": "abc"}, None, []),
    ("duplicate resource name", {}, [{"name": "CSV"}, {"name": "CSV"}],
     [("duplicate-resource-name", R, "B3", "error")]),
    ("resource json must be an object", {}, [{"json_table_schema": "[1, 2]"}],
     [("bad-json", R, "AA2", "error")]),
    ("resource json object ok", {}, [{"json_table_schema": '{"fields": []}'}], []),
    ("resource json unparseable", {}, [{"json_table_schema": "{"}],
     [("bad-json", R, "AA2", "error")]),
    ("resource not a choice", {}, [{"format": "CSV"}], [("not-a-choice", R, "J2", "error")]),
    ("resource name required", {}, [{"name": None}], [("required", R, "B2", "error")]),
    ("projection typo accepted", {}, [{"bcdc_type": "webservice",
                                       "projection_name": "epsg26710,"}], []),
    ("cannot clear a required field", {"notes": "<clear>", "id": "abc"}, None,
     [("cannot-clear", D, "E2", "error")]),
    ("may clear an optional field", {"purpose": "<clear>", "id": "abc"}, None, []),
    ("unknown licence", {"license_id": "MIT"}, None, [("unknown-licence", D, "F2", "error")]),
    # a resource id typed in the sheet must be a CKAN resource id (a uuid): CKAN 2.12 refuses
    # others, CKAN 2.9 would store them (tests/contract/test_resource_ids.py)
    ("resource id not a uuid", {}, [{"id": "my-csv"}], [("bad-resource-id", R, "AP2", "error")]),
    ("resource id uuid ok", {}, [{"id": "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70"}], []),
    ("resource id uuid upper case", {}, [{"id": "0D9E8F7A-6B5C-4D3E-8F1A-2B3C4D5E6F70"}],
     [("bad-resource-id", R, "AP2", "error")]),
    ("resource id uuid in braces", {}, [{"id": "{0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70}"}],
     [("bad-resource-id", R, "AP2", "error")]),
    ("bad boolean", {"contacts_1_displayed": "sure"}, None,
     [("bad-boolean", D, "L2", "error"), ("no-displayed-contact", D, "L2", "error")]),
]


@pytest.mark.parametrize(("case", "dataset", "resources", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(tmp_path: Path, case: str, dataset: dict[str, Any],
              resources: list[dict[str, Any]] | None, expected: list[tuple]) -> None:
    res = None
    if resources is not None:
        link = dataset.get("name", "groundwater-wells-1")
        res = [valid_resource(**({"dataset_name": link} | r)) for r in resources]
    problems = _problems(tmp_path, [valid_dataset(**dataset)], res)
    problems = [p for p in problems if p.code != "missing-column"]
    assert _found(problems) == expected


def test_resource_id_message(tmp_path: Path) -> None:
    res = [valid_resource(dataset_name="groundwater-wells-1", id="my-csv")]
    problems = [p for p in _problems(tmp_path, [valid_dataset()], res)
                if p.code != "missing-column"]
    assert [(p.code, p.cell, p.field, p.message) for p in problems] == [
        ("bad-resource-id", "AP2", "id",
         "'my-csv' is not a resource id: the id column holds the catalogue's own ids "
         "(like 0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70, lower case), copied from an export. "
         "Leave it blank for a new resource."),
    ]


def test_cross_row_duplicates(tmp_path: Path) -> None:
    rows = [valid_dataset(1), valid_dataset(2, title="Groundwater Wells 1"),
            valid_dataset(3, name="groundwater-wells-1")]
    problems = _problems(tmp_path, rows)
    assert [(p.code, p.cell, p.message) for p in problems] == [
        ("duplicate-title", "A3", "The title 'Groundwater Wells 1' is already used in row 2; "
                                  "every dataset needs its own title."),
        ("duplicate-name", "B4", "The URL name 'groundwater-wells-1' is already used in row 2; "
                                 "every dataset needs its own URL name."),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Protected A", "'Protected A' is not an allowed value for Security Classification "
         "(security_class). Did you mean 'PROTECTED A'? Allowed values: PUBLIC, PROTECTED A, "
         "PROTECTED B, PROTECTED C."),
        ("secret", "'secret' is not an allowed value for Security Classification "
         "(security_class). Allowed values: PUBLIC, PROTECTED A, PROTECTED B, PROTECTED C."),
        ("PUBLC", "'PUBLC' is not an allowed value for Security Classification "
         "(security_class). Did you mean 'PUBLIC'? Allowed values: PUBLIC, PROTECTED A, "
         "PROTECTED B, PROTECTED C."),
    ],
)
def test_choice_messages(tmp_path: Path, value: str, message: str) -> None:
    (p,) = _problems(tmp_path, [valid_dataset(security_class=value)])
    assert (p.field, p.value, p.message) == ("security_class", value, message)


@pytest.mark.parametrize(("value", "meant"), [("ongoing", "onGoing"), ("complete", "completed"),
                                              ("historical archive", "historicalArchive")])
def test_did_you_mean_resource_status(tmp_path: Path, value: str, meant: str) -> None:
    (p,) = _problems(tmp_path, [valid_dataset(resource_status=value)])
    assert f"Did you mean {meant!r}?" in p.message


@pytest.mark.parametrize(
    ("code", "overrides", "message"),
    [
        ("required", {"notes": None}, "Description (notes) is required: fill in this cell."),
        ("bad-email", {"contacts_1_email": "bob@"},
         "'bob@' is not an e-mail address (expected name@example.gov.bc.ca)."),
        ("bad-url", {"support_url": "support page"},
         "'support page' is not a web address: write the full address, starting with https:// "
         "(for example https://www2.gov.bc.ca/gov/content/home)."),
        ("bad-date", {"dates_1_type": "Created", "dates_1_date": "31/01/2024"},
         "'31/01/2024' is not a date the catalogue accepts. Did you mean '2024-01-31'? Write "
         "dates as YYYY-MM-DD (for example 2024-01-31), or use a date cell."),
        ("bad-date", {"dates_1_type": "Created", "dates_1_date": "05/01/2024"},
         "'05/01/2024' is not a date the catalogue accepts. Write dates as YYYY-MM-DD (for "
         "example 2024-01-31), or use a date cell."),
        ("bad-slug", {"name": "Groundwater Wells!"},
         "The URL name 'Groundwater Wells!' must be 2 to 100 characters of lower-case letters "
         "a-z, digits, - and _ (no spaces or capitals). Suggested: 'groundwater-wells'."),
        # issue 16 minor: the suggestion is built from the name, not the title
        ("bad-slug", {"name": "P1-Upper"},
         "The URL name 'P1-Upper' must be 2 to 100 characters of lower-case letters a-z, "
         "digits, - and _ (no spaces or capitals). Suggested: 'p1-upper'."),
        ("bad-slug", {"name": "new"},
         "The URL name 'new' is a reserved word. Suggested: 'groundwater-wells-1'."),
        ("bad-keyword", {"tag_string": "GBA+"},
         "The keyword 'GBA+' is not accepted: keywords are 2 to 100 characters of letters, "
         "digits, spaces, _ - and . only (no + / & ' ( ) inside a keyword). Separate keywords "
         "with commas."),
        ("conditional-required", {"resource_status": "obsolete"},
         "Replacement Record is required when Resource Status is 'obsolete': fill in this "
         "cell."),
        ("no-displayed-contact", {"contacts_1_displayed": "No"},
         "At least one contact must be displayed publicly: write Yes in the Displayed column "
         "of one contact."),
        ("must-be-draft", {"publish_state": "PUBLISHED"},
         "If this row creates a new record, it must be 'DRAFT', not 'PUBLISHED' (new records "
         "start as DRAFT). Rows updating an existing record may keep another state."),
    ],
)
def test_messages(tmp_path: Path, code: str, overrides: dict[str, Any], message: str) -> None:
    problems = [p for p in _problems(tmp_path, [valid_dataset(**overrides)]) if p.code == code]
    assert [p.message for p in problems] == [message]


def _record(**package: Any) -> DatasetRecord:
    cells = {k: CellRef("datasets", 2, "A", k, v) for k, v in package.items()}
    return DatasetRecord("datasets", 2, {"type": "bcdc_dataset", **package}, cells)


@pytest.mark.parametrize(
    ("mode", "state", "expected"),
    [("create", "PUBLISHED", [("must-be-draft", "error")]),
     ("create", "DRAFT", []),
     ("check", "PUBLISHED", [("must-be-draft", "warning")]),
     ("update", "PUBLISHED", [])],
)
def test_publish_state_by_mode(mode: str, state: str, expected: list[tuple[str, str]]) -> None:
    from tests.workbooks import valid_dataset as _  # noqa: F401  (same fixture family)

    rec = _record(publish_state=state)
    found = [(p.code, p.severity.value) for p in validate([rec], LAYOUT, mode=mode)  # type: ignore[arg-type]
             if p.code == "must-be-draft"]
    assert found == expected


def test_update_mode_skips_required_but_checks_given_values() -> None:
    rec = _record(id="abc", security_class="secret")
    assert [p.code for p in validate([rec], LAYOUT, mode="update")] == ["not-a-choice"]
    assert "required" in [p.code for p in validate([rec], LAYOUT, mode="create")]


@pytest.mark.parametrize(("entries", "codes"), [(1, []), (2, ["single-entry"])])
def test_single_entry_fields(entries: int, codes: list[str]) -> None:
    res = ResourceRecord("resources", 3, "x", {
        "temporal_extent": [{"beginning_date": "2020-01-01"}] * entries},
        {"temporal_extent[1].beginning_date": CellRef("resources", 3, "H", "t", "2020-01-01")})
    rec = _record(id="abc")
    rec.resources.append(res)
    found = [(p.code, p.cell) for p in validate([rec], LAYOUT, mode="update")]
    assert found == [(c, "H3") for c in codes]


def test_all_errors_are_reported_not_the_first(tmp_path: Path) -> None:
    row = valid_dataset(title=None, security_class="x", view_audience="y",
                        contacts_1_email="bad", tag_string="a")
    codes = sorted(p.code for p in _problems(tmp_path, [row]))
    assert codes == ["bad-email", "bad-keyword", "not-a-choice", "not-a-choice", "required"]


@pytest.mark.parametrize(("title", "slug"), [("Roads & Bridges (2024)", "roads-bridges-2024"),
                                             ("Café Müller", "cafe-muller"), ("!", "")])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(("text", "iso"), [("31/01/2024", "2024-01-31"),
                                           ("01/31/2024", "2024-01-31"),
                                           ("01/02/2024", None), ("soon", None)])
def test_suggest_date(text: str, iso: str | None) -> None:
    assert suggest_date(text) == iso


def test_multi_select_item_not_a_choice(tmp_path: Path) -> None:
    res = [valid_resource(bcdc_type="geographic", spatial_datatype="SDO_GEOMETRY",
                          projection_name="epsg3005",
                          iso_topic_category="environment, inland water")]
    (p,) = _problems(tmp_path, [valid_dataset()], res)
    assert (p.code, p.sheet, p.cell, p.field, p.value) == (
        "not-a-choice", "resources", "AB2", "iso_topic_category[2]", "inland water")
    assert p.message.startswith("'inland water' is not an allowed value for ISO Topic "
                                "Category. Did you mean 'inlandWaters'?")


def test_sub_column_messages_name_the_column(tmp_path: Path) -> None:
    (p,) = _problems(tmp_path, [valid_dataset(contacts_1_role="boss")])
    assert p.message.startswith("'boss' is not an allowed value for Contact 1 Role "
                                "(contacts_1_role).")
