"""``bcdc-import template``: write the blank workbook for a schema."""

from __future__ import annotations

import os
from pathlib import Path

import click

from importer.site import TOKEN_ENV, Site, env_token


def _url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise click.BadParameter("give the site's address, starting with http:// or https://")
    return value


@click.command("template")
@click.option("-o", "--output", required=True, metavar="FILE.xlsx",
              type=click.Path(dir_okay=False, path_type=Path), help="Workbook to write.")
@click.option("--url", callback=_url, metavar="URL",
              help="Take the schema, licences and organizations from this CKAN site "
                   f"(token, if needed, from ${TOKEN_ENV}).")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="Dataset type of the site's schema [default: the site's only type, or "
                   "bcdc_dataset among several].")
@click.option("--contacts", type=click.IntRange(1, 50), default=None,
              help="Contact column groups [default: 3].")
@click.option("--more-info", type=click.IntRange(1, 50), default=None,
              help="Related-link column groups [default: 2].")
@click.option("--dates", type=click.IntRange(1, 50), default=None,
              help="Lifecycle-event column groups [default: 2].")
@click.option("--example", is_flag=True, help="Add one valid example dataset and resource.")
@click.option("--force", is_flag=True, help="Replace FILE.xlsx if it exists.")
def template_command(
    output: Path,
    url: str | None,
    dataset_type: str | None,
    contacts: int | None,
    more_info: int | None,
    dates: int | None,
    example: bool,
    force: bool,
) -> int:
    """Write a blank template workbook (drop-downs, help, required markers)."""
    from importer.template.build import counts_from_options, make_template

    site = None
    if url is not None:
        site = Site(url, token=env_token(os.environ), timeout=30.0)
    counts = counts_from_options(contacts=contacts, more_info=more_info, dates=dates)
    result = make_template(
        output, site=site, site_label=url or "", dataset_type=dataset_type, counts=counts,
        example=example, force=force,
    )
    layout = result.layout
    source = url or "the bundled schema"
    orgs = result.lists.organizations
    click.echo(
        f"Wrote {result.path}: {len(layout.dataset_columns)} dataset columns, "
        f"{len(layout.resource_columns)} resource columns, schema "
        f"{layout.schema.dataset_type} from {source}"
        + (f", {len(orgs)} organizations" if orgs is not None else "")
        + (", with an example row" if example else "")
        + "."
    )
    return 0
