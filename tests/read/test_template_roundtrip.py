"""A workbook made by ``template`` (drop-downs, comments, markers, hidden lists and meta) is
read back exactly: the example row is valid, and mistakes typed into it are located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from importer.check import run_check
from importer.schema import build_layout, load_bundled
from importer.schema.columns import Scope
from importer.template import ChoiceLists, append_rows, build_workbook, save


def _template(tmp_path: Path, rows=(), resources=()) -> Path:
    layout = build_layout(load_bundled())
    wb = build_workbook(layout, ChoiceLists.offline(), example=True,
                        created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    append_rows(wb, layout, Scope.DATASET, list(rows))
    append_rows(wb, layout, Scope.RESOURCE, list(resources))
    path = tmp_path / "template.xlsx"
    save(wb, path)
    return path


def test_template_example_row_is_valid(tmp_path: Path) -> None:
    layout = build_layout(load_bundled())
    result = run_check(_template(tmp_path), layout)
    assert result.problems == []
    assert (result.rows_checked, result.valid) == (2, True)
    assert result.read.meta["tool"] == "bcdc-importer"
    (record,) = result.records
    assert record.package["publish_state"] == "DRAFT" and len(record.resources) == 1


def test_mistakes_in_a_template_are_located(tmp_path: Path) -> None:
    layout = build_layout(load_bundled())
    row = {"title": "Second", "name": "Second Dataset", "owner_org": "databc",
           "publish_state": "DRAFT", "notes": "n", "license_id": "2",
           "contacts_1_name": "A", "contacts_1_email": "a@", "contacts_1_role": "custodian",
           "contacts_1_displayed": "Yes", "security_class": "PUBLIC", "view_audience": "Public",
           "download_audience": "Public", "metadata_visibility": "Public",
           "tag_string": "roads", "resource_status": "onGoing",
           "dates_1_type": "Created", "dates_1_date": dt.date(2024, 5, 1)}
    result = run_check(_template(tmp_path, [row]), layout)
    assert [(p.code, p.cell) for p in result.problems] == [("bad-slug", "B3"),
                                                            ("bad-email", "I3")]
