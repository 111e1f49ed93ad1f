"""Shared fixtures: template workbooks built from the bundled schema, saved and read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from importer.schema import build_layout, load_bundled
from importer.schema.load import data_path
from importer.template import ChoiceLists, build_workbook, save

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="session")
def schema():
    return load_bundled()


@pytest.fixture(scope="session")
def layout(schema):
    return build_layout(schema)


@pytest.fixture(scope="session")
def bundled_license_titles() -> list[str]:
    """Read straight from the register file, not through the code under test."""
    return [lic["title"] for lic in json.loads(data_path("bcdc_licenses.json").read_text())]


def write_and_read(tmp: Path, layout, lists, example: bool = False):
    path = tmp / "template.xlsx"
    save(build_workbook(layout, lists, example=example, created=CREATED), path)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="session")
def blank(tmp_path_factory, layout):
    return write_and_read(tmp_path_factory.mktemp("blank"), layout, ChoiceLists.offline())


@pytest.fixture(scope="session")
def example(tmp_path_factory, layout):
    return write_and_read(
        tmp_path_factory.mktemp("example"), layout, ChoiceLists.offline(), example=True
    )
