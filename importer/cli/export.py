"""``bcdc-import export``: existing records into the template, for bulk-editing round trips."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from importer.site import TOKEN_ENV, Site, env_token

if TYPE_CHECKING:  # imported when the command runs: other commands need not load them
    from importer.export.fetch import Progress, Selection
    from importer.export.run import ExportResult

#: notes listed on the console; the rest are only in the export-notes sheet.
CONSOLE_NOTES = 20


@click.command("export")
@click.option("--url", required=True, metavar="URL", help="The CKAN site, e.g. https://catalogue.data.gov.bc.ca")
@click.option("--org", "orgs", multiple=True, metavar="ORG",
              help="Export this organization's records (name or id); repeatable.")
@click.option("--query", metavar="Q", help="Export the records a search (Solr q) matches.")
@click.option("--names", "names_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Export the records named in FILE, one name (or id) per line.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="The dataset type whose schema the workbook follows [default: the "
                   "site's only type, or bcdc_dataset among several].")
def export_command(
    url: str, orgs: tuple[str, ...], query: str | None, names_file: Path | None,
    output: Path, force: bool, dataset_type: str | None,
) -> int:
    """Write existing records (and their resources) into the template workbook.

    Edit the file in Excel or LibreOffice, then `bcdc-import import` it: only the cells you
    changed are sent. The API token is read from the CKAN_API_TOKEN environment variable
    (optional for public records).
    """
    from importer.export.fetch import Selection, read_names
    from importer.export.run import check_output, export_records, site_schema
    from importer.map.resolve import SiteResolver
    from importer.template.lists import ChoiceLists

    given = sum([bool(orgs), query is not None, names_file is not None])
    if given != 1:
        raise click.UsageError("give exactly one of --org, --query or --names")
    check_output(output, force)
    selection = Selection(
        orgs=orgs, query=query, names=read_names(names_file) if names_file else ()
    )
    site = Site(url, env_token(os.environ))
    lists = ChoiceLists.from_site(site)  # first: an unreachable site stops here
    schema, note = site_schema(site, dataset_type, url)
    if note:
        click.echo(f"Note: {note}", err=True)
    progress = _progress(sys.stderr) if sys.stderr.isatty() else None
    # With a token the file is checked as `import` with that token will check it.
    resolver = SiteResolver(site) if site.token else None
    result = export_records(site, selection, output, schema, lists, force=force,
                            progress=progress, resolver=resolver,
                            has_token=site.token is not None)
    if progress is not None:
        click.echo("", err=True)
    _report(result, selection, site.token is not None)
    if site.token is None and (result.path is None or result.not_exported):
        click.echo(f"{TOKEN_ENV} is not set: only public, published records can be seen.")
    return 1 if result.not_exported else 0


def _progress(stream: TextIO, width: int = 30) -> Progress:
    """A one-line progress bar, redrawn in place (stderr, on a terminal only)."""

    def show(done: int, total: int | None) -> None:
        if total:
            filled = min(width, width * done // total)
            line = f"Fetching records [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
        else:
            line = f"Fetching records: {done}"
        stream.write(f"\r{line}")
        stream.flush()

    return show


def _report(result: ExportResult, selection: Selection, token: bool) -> None:
    from importer.export.notes import grouped_lines, hidden_private_line

    if result.path is None:
        click.echo(f"0 records exported ({selection.describe()} matched nothing); "
                   "no file written.")
    else:
        click.echo(f"{result.datasets} records exported ({result.resources} resources) "
                   f"to {result.path}.")
    if result.notes:
        count = len(result.notes)
        click.echo(f"{count} note{'' if count == 1 else 's'} (also in the export-notes sheet); "
                   "stored values the file does not show are kept when it is imported:")
        for line in grouped_lines(result.notes, CONSOLE_NOTES):
            click.echo(f"  {line}")
    for org in result.hidden_private:
        click.echo(hidden_private_line(org, token))
