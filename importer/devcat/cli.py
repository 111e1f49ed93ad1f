"""``dev-catalogue up|down|reset|status``: thin click commands over :mod:`manager`."""

from __future__ import annotations

import sys

import click

from importer.devcat import manager
from importer.devcat.errors import DevCatalogueError


def _fail(exc: DevCatalogueError) -> None:
    """Expected failures become one clean message and exit code 1, never a traceback."""
    raise click.ClickException(str(exc)) from None


def _describe(result: manager.UpResult) -> str:
    site = result.site
    verb = "started" if result.started else "already running"
    return (
        f"dev catalogue {verb}: {site.url} ({result.seconds:.1f} s)\n"
        f"organizations: {site.parent_org.name} (parent), {site.child_org.name} (child)\n"
        "tokens: in seed.json under the state home (not printed)"
    )


@click.group("dev-catalogue")
def dev_catalogue() -> None:
    """Local CKAN 2.12 with the BC schema (uses a Solr stand-in, not Solr)."""


@dev_catalogue.command()
def up() -> None:
    """Start the dev catalogue (builds its CKAN venv on first use)."""
    try:
        result = manager.up(out=sys.stderr)
    except DevCatalogueError as exc:
        _fail(exc)
    click.echo(_describe(result))


@dev_catalogue.command()
def down() -> None:
    """Stop every process `up` started."""
    try:
        manager.down(out=sys.stderr)
    except DevCatalogueError as exc:
        _fail(exc)


@dev_catalogue.command()
def reset() -> None:
    """Wipe datasets (database and search index) and re-seed users and organizations."""
    try:
        result = manager.reset(out=sys.stderr)
    except DevCatalogueError as exc:
        _fail(exc)
    click.echo(_describe(result))


@dev_catalogue.command()
def status() -> None:
    """Show what is running. Exit code 0 if CKAN answers, 3 if not."""
    try:
        info = manager.status()
    except DevCatalogueError as exc:
        _fail(exc)
    click.echo(f"home: {info.home}")
    click.echo(f"CKAN venv: {'ready' if info.venv_ready else 'not built'}")
    click.echo(f"url: {info.url or '-'} ({'responding' if info.responding else 'not responding'})")
    for name, alive in sorted(info.processes.items()):
        click.echo(f"  {name}: {'running' if alive else 'stopped'}")
    sys.exit(0 if info.responding else 3)
