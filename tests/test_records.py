"""Records locate their cells, so later problems land on the sheet."""

from __future__ import annotations

import pytest

from importer.problems import Severity
from importer.records import CellRef, DatasetRecord


@pytest.fixture
def record() -> DatasetRecord:
    cells = {
        "title": CellRef("datasets", 4, "A", "title", "Roads"),
        "contacts[2].email": CellRef("datasets", 4, "N", "contacts_2_email", "x@"),
    }
    return DatasetRecord("datasets", 4, {"title": "Roads"}, cells)


@pytest.mark.parametrize(
    ("path", "cell"),
    [("title", "A4"), ("contacts[2].email", "N4"), ("contacts[2]", "N4"), ("contacts", "N4"),
     ("notes", None)],
)
def test_locate(record: DatasetRecord, path: str, cell: str | None) -> None:
    ref = record.locate(path)
    assert (f"{ref.column}{ref.row}" if ref else None) == cell


def test_problem_at_cell_carries_location(record: DatasetRecord) -> None:
    ref = record.locate("contacts[2].email")
    assert ref is not None
    problem = ref.problem("bad-email", "Not an e-mail address.", field="contacts[2].email")
    assert problem.to_dict() == {
        "code": "bad-email", "message": "Not an e-mail address.", "severity": "error",
        "sheet": "datasets", "row": 4, "column": "N", "header": "contacts_2_email",
        "field": "contacts[2].email", "value": "x@", "cell": "N4",
    }


def test_row_problem_has_no_cell(record: DatasetRecord) -> None:
    problem = record.row_problem("no-contact", "Add a contact.", severity=Severity.WARNING)
    assert (problem.row, problem.cell, problem.severity) == (4, None, Severity.WARNING)


@pytest.mark.parametrize(("value", "shown"), [
    (None, None), ("x", "x"), (3, 3), (1.5, 1.5), (True, True), (["a", 1], "['a', 1]"),
    ({"fields": [1]}, "{'fields': [1]}"), (("t",), "('t',)"),
])
def test_a_problem_as_json_names_every_field_in_order_and_stringifies_other_values(
        value: object, shown: object) -> None:
    from importer.problems import Problem

    problem = Problem("bad-json", "m", Severity.WARNING, "datasets", 3, "B", "extras",
                      "extras", value)
    assert list(problem.to_dict().items()) == [
        ("code", "bad-json"), ("message", "m"), ("severity", "warning"), ("sheet", "datasets"),
        ("row", 3), ("column", "B"), ("header", "extras"), ("field", "extras"),
        ("value", shown), ("cell", "B3")]
