"""``run_check``: read -> map -> validate, with no server needed.

The one function behind ``bcdc-import check`` (which renders its result) and the first
step of ``bcdc-import import`` (which plans from its records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from importer.gcpause import gc_paused
from importer.map.forward import map_rows
from importer.map.resolve import ListedResolver, OfflineResolver, Resolver, SiteResolver
from importer.problems import Problem, Severity, count_errors, sort_key
from importer.read import ReadResult, read_workbook, workbook_type
from importer.read.edits import Edit, apply_edits
from importer.read.mapping import ColumnMapping
from importer.read.reader import explain_merged
from importer.records import DatasetRecord, ResourceRecord
from importer.schema import Layout, build_layout, load_from_site
from importer.schema.dataset_type import resolve_dataset_type
from importer.schema.load import load_bundled_for
from importer.site import Site
from importer.validate import validate, validate_resources


@dataclass
class CheckParts:
    """How a check's problems were found, for re-checking single rows later
    (:class:`importer.recheck.CheckState`): the problems of the file itself (reading,
    headers; not tied to a row's values), the resource rows that name no dataset, and the
    names suggested for their unknown links."""

    file_problems: list[Problem]
    orphans: list[ResourceRecord]
    suggestions: dict[str, list[str]]


@dataclass
class CheckResult:
    """What a check found. ``problems`` are sorted as a person reads the workbook."""

    path: Path
    records: list[DatasetRecord]
    problems: list[Problem]
    read: ReadResult
    rows_checked: int
    rows_with_errors: int
    errors: int = field(default=0)
    warnings: int = field(default=0)
    parts: CheckParts | None = None

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed): the workbook may be imported."""
        return self.errors == 0


def check_setup(url: str | None, token: str | None, dataset_type: str | None = None,
                path: Path | None = None, *,
                listed_orgs: bool = False) -> tuple[Layout, Resolver | None]:
    """What a check is made against. Offline: the bundled schema, organizations kept as
    written. With a site: that site's own schema (a site may differ from the bundled copy)
    and a resolver that turns organization and licence names into the site's ids, and
    says which organizations the token may create datasets in (``listed_orgs``: which
    organizations exist, for a check made before any token is given: the web app's).

    The dataset type is ``dataset_type``, else the one the workbook at ``path`` was made
    for, else the site's (:func:`importer.schema.dataset_type.resolve_dataset_type`)."""
    made_for = workbook_type(path) if path is not None and dataset_type is None else None
    if not url:
        return build_layout(load_bundled_for(dataset_type or made_for)), None
    site = Site(url, token)
    wanted = resolve_dataset_type(site, url, given=dataset_type, workbook=made_for)
    layout = build_layout(load_from_site(site, wanted, url))
    return layout, ListedResolver(site) if listed_orgs else SiteResolver(site)


def check_facts(url: str | None, layout: Layout) -> list[tuple[str, str]]:
    """What a check report says it was checked against (the CLI's and the web app's)."""
    if not url:
        return [("Checked against",
                 f"the bundled {layout.schema.dataset_type} schema (offline)")]
    return [("Checked against", url), ("Dataset type", layout.schema.dataset_type)]


def run_check(path: Path, layout: Layout, *, resolver: Resolver | None = None,
              mapping: ColumnMapping | None = None,
              edits: Sequence[Edit] = ()) -> CheckResult:
    """Check ``path`` against ``layout``; :class:`WorkbookError` if it cannot be used.
    ``mapping`` names the columns of a workbook with headers of its own; ``edits`` are
    cells corrected in the web app (a layer over the file, which is not changed)."""
    # one pause for all three steps: re-enabling the collector between them lets it walk
    # the whole (large, cycle-free) heap after each (~0.04 s for 10,000 datasets)
    with gc_paused():
        return _run_check(path, layout, resolver, mapping, edits)


def _run_check(path: Path, layout: Layout, resolver: Resolver | None,
               mapping: ColumnMapping | None, edits: Sequence[Edit] = ()) -> CheckResult:
    read = apply_edits(read_workbook(Path(path), layout, mapping), edits)
    mapped = map_rows(read, read.layout, resolver or OfflineResolver())
    file_problems = list(read.problems)
    if not read.datasets:
        sheet = next(iter(read.sheets.values())).name if read.sheets else "datasets"
        file_problems.append(Problem(
            "no-rows", "The datasets sheet has headers but no rows: nothing to check.",
            Severity.ERROR, sheet, read.header_row.get(sheet)))
    file_problems = explain_merged(file_problems, read.merged)
    problems = [*file_problems,
                *explain_merged([*mapped.problems,
                                 *validate(mapped.records, read.layout, mode="check"),
                                 *validate_resources(mapped.orphans, read.layout,
                                                     mode="check")], read.merged)]
    problems.sort(key=sort_key)
    errors = count_errors(problems)
    return CheckResult(
        path=Path(path),
        records=mapped.records,
        problems=problems,
        read=read,
        rows_checked=len(read.datasets) + len(read.resources),
        rows_with_errors=rows_with_errors(problems, read.header_row),
        errors=errors,
        warnings=len(problems) - errors,
        parts=CheckParts(file_problems, mapped.orphans, mapped.suggestions),
    )


def rows_with_errors(problems: Sequence[Problem], header_row: dict[str, int]) -> int:
    """How many data rows have an error (a problem of a header row is not a row's)."""
    headers = set(header_row.items())
    return len({(p.sheet, p.row) for p in problems
                if p.severity is Severity.ERROR and p.row is not None
                and (p.sheet, p.row) not in headers})
