"""``bcdc-import columns FILE``: propose a column mapping for a workbook with its own headers.

Translation only: options -> :func:`importer.read.suggest.propose_mapping` -> a table on
the console and the proposed mapping as JSON, for a person to review (and correct) before
``check`` / ``import`` use it with ``--columns``. Exit 0, or 2 when the file cannot be read.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from importer.errors import OutputError
from importer.site import TOKEN_ENV, env_token

_REVIEW = ("Review it (a column set to null is ignored), then: "
           "bcdc-import check {file} --columns {out}")


@click.command("columns")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", metavar="MAPPING.json", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Mapping file to write.")
@click.option("--sheet", metavar="NAME",
              help="Sheet with one dataset per row [default: 'datasets', else the first].")
@click.option("--resources-sheet", metavar="NAME",
              help="Sheet with one resource per row [default: 'resources', if any].")
@click.option("--url", metavar="URL",
              help=f"Match against this CKAN site's schema (token from ${TOKEN_ENV}).")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="Dataset type whose schema is loaded from --url [default: the site's "
                   "only type, or bcdc_dataset among several].")
@click.option("--force", is_flag=True, help="Replace MAPPING.json if it exists.")
def columns_command(file: Path, output: Path, sheet: str | None, resources_sheet: str | None,
                    url: str | None, dataset_type: str | None, force: bool) -> int:
    """Propose which template column each header of FILE is, and write it as a mapping."""
    from importer.check import check_setup
    from importer.read.safety import sniff
    from importer.read.suggest import propose_mapping

    if output.exists() and not force:
        raise OutputError(f"{output} exists; use --force to replace it")
    sniff(file)  # the same guards as check: not a workbook, encrypted, too big ...
    layout, _ = check_setup(url, env_token(os.environ), dataset_type, file)
    proposal = propose_mapping(file, layout, sheet, resources_sheet, source=output.name)
    changes = proposal.changes
    if changes is not None:
        click.echo(changes.summary())
    for scope, (seen, suggestions, missing) in proposal.sheets.items():
        click.echo(f"Sheet {seen.sheet!r}, headers in row {seen.header_row}:")
        for s in suggestions:
            target = s.column or "(ignored)"
            why = f"{s.change}: {s.reason}" if s.change else s.reason
            click.echo(f"  {s.header!r} -> {target}  [{why}]")
        new = changes.sheets[scope].new if changes and scope in changes.sheets else ()
        if new:
            names = ", ".join(c.header + (" (required)" if c.marked_required else "")
                              for c in new)
            click.echo(f"  New columns this workbook does not have: {names}")
        if missing:
            names = ", ".join(c.header for c in missing)
            click.echo(f"  Required columns no header maps to: {names}")
    try:
        output.write_text(proposal.mapping.dumps(), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {output}. " + _REVIEW.format(file=file, out=output))
    return 0
