"""CKAN's ``error_dict`` mapped back to the cells the values came from.

The server answers a rejected write with field -> messages, nested for repeating fields
and resources by 0-based position::

    {"contacts": [{}, {"email": ["Missing value"]}], "resources": [{"format": [...]}]}

Each message becomes a :class:`Problem` at the exact cell (``contacts[2].email`` ->
``contacts_2_email`` of that row, found with ``record.locate``), or at the row when no
cell holds that field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from importer.problems import Problem
from importer.records import CellRef, DatasetRecord, ResourceRecord

#: sheet -> field path -> (column letter, header): where a blank cell of that field is, so
#: "Missing value" for a cell the row left empty still lands on that cell.
ColumnIndex = Mapping[str, Mapping[str, tuple[str, str]]]

#: error keys that are reported under another column's name.
_ALIASES = {"tags": "tag_string"}
CODE = "server-rejected"


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return []


def _walk(errors: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """(1-based path, message) pairs from a nested error dict."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key in ("__type", "message", "__junk") and prefix == "":
                if key == "__junk":
                    yield ("", f"unexpected data: {value}")
                continue
            path = f"{prefix}.{key}" if prefix else str(key)
            msgs = _messages(value)
            if msgs:
                for m in msgs:
                    yield (path, m)
            else:
                yield from _walk(value, path)
    elif isinstance(errors, list):
        for i, item in enumerate(errors, start=1):
            if item:
                yield from _walk(item, f"{prefix}[{i}]")


def map_error_dict(errors: dict[str, Any], record: DatasetRecord,
                   resource: ResourceRecord | None = None,
                   columns: ColumnIndex | None = None) -> list[Problem]:
    """Problems for every message in ``errors``. ``resource`` is given when the failing
    call was a ``resource_create`` / ``resource_patch`` for that resource row."""
    problems: list[Problem] = []
    for path, message in _walk(errors, ""):
        problems.append(_problem(path, message, record, resource, columns or {}))
    if not problems:
        problems.append(record.row_problem(CODE, "The catalogue rejected this row."))
    return problems


def _blank_cell(columns: ColumnIndex, sheet: str, row: int, path: str) -> CellRef | None:
    found = columns.get(sheet, {}).get(path)
    return CellRef(sheet, row, found[0], found[1], None) if found else None


def _problem(path: str, message: str, record: DatasetRecord,
             resource: ResourceRecord | None, columns: ColumnIndex) -> Problem:
    text = f"The catalogue rejected this value: {message}"
    if resource is None and path.startswith("resources["):
        index_text, _, rest = path[len("resources["):].partition("]")
        index = int(index_text) if index_text.isdigit() else 0
        if 1 <= index <= len(record.resources):
            resource, path = record.resources[index - 1], rest.lstrip(".")
    if resource is not None:
        cell = resource.locate(path) if path else None
        cell = cell or _blank_cell(columns, resource.sheet, resource.row, path)
        if cell is not None:
            return cell.problem(CODE, text, field=path)
        return Problem(CODE, text, sheet=resource.sheet, row=resource.row, field=path or None)
    top = path.split("[")[0].split(".")[0]
    lookup = _ALIASES.get(top, path) if top == path or top in _ALIASES else path
    cell = record.locate(lookup) if lookup else None
    if cell is None and top in _ALIASES:
        cell = record.locate(_ALIASES[top])
    exact = _blank_cell(columns, record.sheet, record.row, lookup)
    if exact is not None and (cell is None or lookup not in record.cells):
        cell = exact
    if cell is not None:
        return cell.problem(CODE, text, field=path)
    return record.row_problem(CODE, text, field=path or None)
