"""``export``: fetch records, map them to rows, write the workbook. The library function the
CLI calls; it prints nothing and takes the site, clock and progress callback as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from importer.check import run_check
from importer.errors import OutputError, SchemaError
from importer.export.fetch import ActionCaller, Progress, Selection, fetch, hidden_private
from importer.export.notes import (
    Note,
    deleted_notes,
    missing_notes,
    notes_for_row,
    other_type_notes,
)
from importer.export.settle import Sheets, Source, settle
from importer.export.write import build_export_workbook
from importer.files import is_special, special_output_message
from importer.map.resolve import OfflineResolver, Resolver
from importer.map.reverse import Lookups, Row, required_counts, reverse_package, reverse_resource
from importer.problems import Problem
from importer.schema import load_bundled, load_from_site
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Layout, build_layout
from importer.schema.dataset_type import BC_TYPE, choose_type, site_dataset_types
from importer.schema.model import Schema
from importer.template.lists import ChoiceLists
from importer.template.workbook import HEADER_ROWS, save


@dataclass
class ExportResult:
    """What an export did: the file (``None`` when nothing matched), counts and notes."""

    path: Path | None
    datasets: int
    resources: int
    notes: list[Note] = field(default_factory=list)
    #: names asked for (``--names``) that are not in the file: not found, or another type.
    not_exported: list[str] = field(default_factory=list)
    layout: Layout | None = None
    #: organizations asked for (``--org``) whose private records this token cannot see.
    hidden_private: list[str] = field(default_factory=list)


def site_schema(site: ActionCaller, dataset_type: str | None,
                url: str) -> tuple[Schema, str | None]:
    """The schema an export follows: the site's own for the resolved dataset type
    (``dataset_type``, else the site's only one, or ``bcdc_dataset`` among several), so the
    file is what that site accepts. Only a site without ckanext-scheming's API at all (an
    older catalogue that still has records worth exporting) gets the bundled schema, with
    a note saying so; a site that publishes schemas but not the asked-for type is an
    error naming the types it has."""
    try:
        types = site_dataset_types(site, url)
    except SchemaError:
        if dataset_type not in (None, BC_TYPE):
            raise
        return load_bundled(), (f"{url} does not publish its schema; using the bundled "
                                f"{BC_TYPE} schema.")
    wanted = dataset_type or choose_type(types, url)
    return load_from_site(site, wanted, url), None


def check_output(path: Path, force: bool) -> None:
    """Refuse early (before any request) to replace a file without ``force``."""
    if is_special(path):
        raise OutputError(special_output_message(path))
    if path.is_dir():
        raise OutputError(f"{path} is a directory")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists (use --force to replace it)")
    if not path.parent.exists():
        raise OutputError(f"cannot write {path}: the folder {path.parent} does not exist")


def export_records(
    site: ActionCaller,
    selection: Selection,
    output: Path,
    schema: Schema,
    lists: ChoiceLists,
    *,
    force: bool = False,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    resolver: Resolver | None = None,
    has_token: bool = True,
) -> ExportResult:
    """Export the records ``selection`` names into ``output``. Writes no file when nothing
    matched (the result says so: 0 records). The file is checked as ``import`` will check
    it (with ``resolver``: the site's, when the token will import; else offline, with the
    site's licences) and any field the check refuses is withheld and noted. The result
    names the organizations whose private records ``site``'s token (``has_token``) cannot
    see, so a partial export says so."""
    check_output(output, force)
    fetched = fetch(site, selection, schema.dataset_type, progress)
    wanted = [p for p in fetched.packages if p.get("type", schema.dataset_type)
              == schema.dataset_type]
    other = [p for p in fetched.packages if p.get("type", schema.dataset_type)
             != schema.dataset_type]
    missing = (missing_notes(fetched.missing) + deleted_notes(fetched.deleted)
               + other_type_notes(other, schema.dataset_type))
    not_exported = (fetched.missing + fetched.deleted
                    + [str(p.get("name") or p.get("id")) for p in other])
    hidden = [fetched.orgs[i] for i in hidden_private(site, list(fetched.orgs), has_token)]
    if not wanted:
        return ExportResult(None, 0, 0, missing, not_exported, hidden_private=hidden)
    layout = build_layout(schema, counts=required_counts(wanted, schema), include_ids=True)
    sheets = map_rows(wanted, layout, lookups_for(lists, wanted))
    sheets.notes.extend(missing)
    created = clock()
    written = [False]

    def write() -> None:
        wb = build_export_workbook(layout, lists, sheets.datasets, sheets.resources,
                                   sheets.notes, created=created)
        save(wb, output, force=force or written[0])
        written[0] = True

    check_with = resolver or OfflineResolver(
        [{"id": lic.id, "title": lic.title} for lic in lists.licenses])

    def check() -> list[Problem]:
        return run_check(output, layout, resolver=check_with).problems

    settle(sheets, layout, write, check, first_row=HEADER_ROWS + 1)
    return ExportResult(output, len(sheets.datasets), len(sheets.resources), sheets.notes,
                        not_exported, layout, hidden)


def lookups_for(lists: ChoiceLists, packages: Sequence[dict[str, Any]]) -> Lookups:
    """Licence titles from the licence list; organization names from the organization list
    and from each package's embedded ``organization``."""
    orgs = {o.id: o.name for o in lists.organizations or () if o.id}
    for pkg in packages:
        org = pkg.get("organization")
        if isinstance(org, dict) and org.get("id") and org.get("name"):
            orgs.setdefault(str(org["id"]), str(org["name"]))
    return Lookups({lic.id: lic.title for lic in lists.licenses}, orgs)


def map_rows(packages: Sequence[dict[str, Any]], layout: Layout, lookups: Lookups) -> Sheets:
    """Every package's dataset row and resource rows, with notes located in the sheets."""
    out = Sheets()
    for pkg in packages:
        name = str(pkg.get("name") or pkg.get("id") or "")
        row = reverse_package(pkg, layout, lookups)
        out.dataset_sources.append(Source(name, None, pkg))
        _add(out.datasets, out.notes, row, layout, DATASETS_SHEET, name, None)
        for res in pkg.get("resources") or []:
            if not isinstance(res, dict):
                continue
            rrow = reverse_resource(res, name, layout, lookups)
            label = str(res.get("name") or res.get("id") or "")
            out.resource_sources.append(Source(name, label, res))
            _add(out.resources, out.notes, rrow, layout, RESOURCES_SHEET, name, label)
    return out


def _add(rows: list[dict[str, Any]], notes: list[Note], row: Row, layout: Layout,
         sheet: str, record: str, resource: str | None) -> None:
    rows.append(row.values)
    if row.leftovers:
        columns = layout.dataset_columns if resource is None else layout.resource_columns
        number = HEADER_ROWS + len(rows)
        notes.extend(notes_for_row(row.leftovers, columns, sheet, number, record, resource))
