"""The column-wise row collector gives exactly what normalising cell by cell gives."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from importer.problems import Problem
from importer.read import reader
from importer.read.model import Row, SheetInfo
from importer.read.values import normalise
from importer.schema.columns import Scope
from tests.workbooks import LAYOUT

COLUMNS = {c.header: c for c in LAYOUT.dataset_columns}
#: title, a headerless column, a date column, name, an unknown (named) column
INFO = SheetInfo("datasets", Scope.DATASET, 1,
                 (COLUMNS["title"], None, COLUMNS["dates_1_date"], COLUMNS["name"], None),
                 ("title", "", "dates_1_date", "name", "notes?"), ("A", "B", "C", "D", "E"))
DATE = (False, False, True, False, False)

VALUES: list[Any] = [
    "", "", "", " ", "\u00a0", "Roads", "  Roads ", "a\u00a0b", "\u200bx\ufeff", "é", 2.0, 1e5,
    0, 0.5, True, False, dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 10, 30),
    "2024/01/05", "05/01/2024", 45000, None, "x" * 50,
]


def reference(rows: list[tuple[int, list[Any]]]) -> tuple[list[tuple[int, tuple[Any, ...]]],
                                                          list[tuple[int, str]]]:
    """Cell by cell, as the reader is specified: (kept rows, unknown-column reports)."""
    width = len(INFO.columns)
    kept, reports, seen = [], [], set()
    for number, raw in rows:
        values = [normalise(v, DATE[i]) for i, v in enumerate(raw[:width])]
        last = max((i for i, v in enumerate(values) if v is not None), default=-1)
        for i, v in enumerate(values):
            if v is not None and i == 1 and i not in seen:
                seen.add(i)
                reports.append((number, "B"))
        for k in range(width, len(raw)):
            if normalise(raw[k], False) is not None:
                if k not in seen:
                    seen.add(k)
                    reports.append((number, chr(65 + k)))
                last = max(last, width - 1)
        if last >= 0:
            kept.append((number, tuple(values[:last + 1])))
    return kept, reports


def rows_of(seed: int, n: int) -> list[tuple[int, list[Any]]]:
    out = []
    pool = itertools.cycle(VALUES[seed % len(VALUES):] + VALUES[:seed % len(VALUES)])
    for number in range(2, n + 2):
        width = 5 + (number % 4 == 0) * 2 - (number % 7 == 0) * 2  # ragged, like a CSV
        raw = [next(pool) if (number * 31 + i * seed) % 3 else "" for i in range(width)]
        out.append((number, [("" if v is None else v) for v in raw]))
    return out


@pytest.mark.parametrize("chunk", [1, 3, 2048])
@pytest.mark.parametrize("seed", range(6))
def test_same_rows_and_reports_as_cell_by_cell(chunk: int, seed: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_CHUNK_ROWS", chunk)
    rows = rows_of(seed, 60)
    out: list[Row] = []
    problems: list[Problem] = []
    reader._collect(INFO, iter(rows), out, problems)
    kept, reports = reference(rows)
    assert [(r.number, r.values) for r in out] == kept
    assert [(p.row, p.column) for p in problems] == reports
    assert all(p.code == "unknown-column" for p in problems)
    assert all(isinstance(v, tuple) for v in (r.values for r in out))


def test_whitespace_only_headerless_column_is_not_reported() -> None:
    out: list[Row] = []
    problems: list[Problem] = []
    reader._collect(INFO, iter([(2, ["Roads", " ", "", "roads", ""])]), out, problems)
    assert problems == []
    assert [r.values for r in out] == [("Roads", None, None, "roads")]
