"""Counts and row statuses computed from a list of problems.

The check report, the results report of ``import`` and the console summary all say the
same things (how many rows are wrong, which codes, which columns, the commonest
mistakes), so they are computed once, here, from plain :class:`Problem` values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from importer.problems import Problem, Severity, sort_key

TOP_PROBLEMS = 10
OK = "OK"

RowKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class CommonProblem:
    """A mistake repeated across rows: same sheet, column and code. ``example`` is the
    first occurrence (in reading order), whose message is shown."""

    sheet: str | None
    column: str | None  # header text, or the field path when no column holds it
    code: str
    severity: Severity
    count: int
    example: Problem


@dataclass(frozen=True)
class Summary:
    """Everything a report says about a list of problems, besides the list itself."""

    rows_checked: int
    rows_with_errors: int
    errors: int
    warnings: int
    by_code: Mapping[str, int] = field(default_factory=dict)
    by_column: Mapping[str, int] = field(default_factory=dict)
    top: Sequence[CommonProblem] = ()

    @property
    def valid(self) -> bool:
        """No errors (warnings are allowed)."""
        return self.errors == 0


class CheckedRows(Protocol):
    """What a summary is computed from: a check result (``importer.check.CheckResult``),
    or anything else holding the problems and the row counts. Declared once, here, for the
    console summary and the written reports alike."""

    @property
    def problems(self) -> Sequence[Problem]: ...

    @property
    def rows_checked(self) -> int: ...

    @property
    def rows_with_errors(self) -> int: ...


def row_key(problem: Problem) -> RowKey | None:
    """The (sheet, row) a problem belongs to, or None for file- and sheet-level ones."""
    if problem.sheet is None or problem.row is None:
        return None
    return (problem.sheet, problem.row)


def column_label(problem: Problem) -> str:
    """How a problem's column is named in counts: ``sheet: header`` (or the field)."""
    where = problem.header or problem.field or "(whole row)"
    return f"{problem.sheet}: {where}" if problem.sheet else where


def status_text(errors: int, warnings: int) -> str:
    """``OK``, ``2 errors``, ``1 warning``, ``1 error, 2 warnings``."""
    parts = []
    if errors:
        parts.append(f"{errors} error" + ("s" if errors > 1 else ""))
    if warnings:
        parts.append(f"{warnings} warning" + ("s" if warnings > 1 else ""))
    return ", ".join(parts) or OK


def row_counts(problems: Iterable[Problem]) -> dict[RowKey, tuple[int, int]]:
    """(errors, warnings) per (sheet, row) that has any problem."""
    out: dict[RowKey, tuple[int, int]] = {}
    for p in problems:
        key = row_key(p)
        if key is None:
            continue
        errors, warnings = out.get(key, (0, 0))
        if p.severity is Severity.ERROR:
            errors += 1
        else:
            warnings += 1
        out[key] = (errors, warnings)
    return out


def summarise(
    problems: Sequence[Problem],
    rows_checked: int,
    rows_with_errors: int | None = None,
    top: int = TOP_PROBLEMS,
) -> Summary:
    """Counts by severity, code and column, and the ``top`` commonest mistakes.

    ``rows_with_errors`` defaults to the number of rows holding at least one error; pass
    it when the caller knows better (an import counts rows the server rejected too).
    """
    ordered = sorted(problems, key=sort_key)
    errors = sum(1 for p in ordered if p.severity is Severity.ERROR)
    if rows_with_errors is None:
        rows_with_errors = sum(1 for e, _ in row_counts(ordered).values() if e)
    by_code = Counter(p.code for p in ordered)
    by_column = Counter(column_label(p) for p in ordered)
    groups: dict[tuple[str | None, str | None, str], list[Problem]] = {}
    for p in ordered:
        groups.setdefault((p.sheet, p.header or p.field, p.code), []).append(p)
    common = [
        CommonProblem(sheet, column, code, items[0].severity, len(items), items[0])
        for (sheet, column, code), items in groups.items()
    ]
    # Most frequent first, errors before warnings; ties in reading order (stable sort).
    common.sort(key=lambda c: (-c.count, c.severity is not Severity.ERROR))
    return Summary(
        rows_checked=rows_checked,
        rows_with_errors=rows_with_errors,
        errors=errors,
        warnings=len(ordered) - errors,
        by_code=dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_column=dict(sorted(by_column.items(), key=lambda kv: (-kv[1], kv[0]))),
        top=tuple(common[:top]),
    )


def summarise_checked(result: CheckedRows) -> Summary:
    """:func:`summarise` of a check result, with the counts it already holds."""
    return summarise(result.problems, result.rows_checked, result.rows_with_errors)
