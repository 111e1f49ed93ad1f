"""Reading a generated workbook back: which validation covers a cell, what a range holds."""

from __future__ import annotations

import re

from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from importer.schema.columns import Column, Role
from importer.schema.model import FieldKind

RANGE = re.compile(r"^lists!\$([A-Z]+)\$2:\$([A-Z]+)\$(\d+)$")


def validations_at(ws: Worksheet, coordinate: str) -> list[DataValidation]:
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def list_validation_at(ws: Worksheet, coordinate: str) -> DataValidation | None:
    found = [dv for dv in validations_at(ws, coordinate) if dv.type == "list"]
    assert len(found) <= 1, f"{coordinate} has {len(found)} list validations"
    return found[0] if found else None


def range_values(wb: Workbook, reference: str) -> list[str]:
    """The values of ``lists!$X$2:$X$n``, asserting the reference has exactly that form."""
    match = RANGE.match(reference)
    assert match, f"not an absolute lists range: {reference}"
    first, second, last = match.groups()
    assert first == second
    ws = wb["lists"]
    values = [ws[f"{first}{row}"].value for row in range(2, int(last) + 1)]
    assert ws[f"{first}{int(last) + 1}"].value is None, "the range stops before the list ends"
    return values


def expected_list(column: Column, licence_titles: list[str], orgs: list[str] | None):
    """What a column's drop-down must offer, worked out from the schema itself."""
    f = column.value_field
    if column.role is not Role.FIELD or f is None:
        return None
    sub = column.subfield.name if column.subfield else None
    parent = column.field.name if column.field else None
    if (parent, sub) == ("contacts", "displayed"):
        return ["Yes", "No"]
    if f.kind is FieldKind.ORGANIZATION or (parent, sub) == ("contacts", "org"):
        return orgs
    if f.kind is FieldKind.LICENSE:
        return licence_titles
    if f.choices:
        return [c.value for c in f.choices]
    return None
