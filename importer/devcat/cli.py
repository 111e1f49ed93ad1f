"""``dev-catalogue up|down|reset|status``: thin click commands over :mod:`manager`.

Like every command of ``bcdc-import``, they return an exit code and let
:class:`importer.errors.ImporterError` reach the one place that turns it into a message
(:func:`importer.cli.main`, or :func:`main` here for ``python -m importer.devcat``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from importer.devcat import manager, seed
from importer.devcat.variant import CKAN_VERSIONS, SCHEMA_FLAVOURS, Variant

F = Callable[..., Any]


def _variant_options(command: F) -> F:
    """``--ckan`` and ``--schema``: which variant (each has its own state folder and port)."""
    command = click.option(
        "--schema", "schema", type=click.Choice(SCHEMA_FLAVOURS), default="bc",
        show_default=True,
        help="bc: the BC schema + test plugin; stock: ckanext-scheming's ckan_dataset.yaml.",
    )(command)
    return click.option(
        "--ckan", "ckan", type=click.Choice(CKAN_VERSIONS), default="2.12", show_default=True,
        help="CKAN version (2.9 builds on Python 3.9).",
    )(command)


def _describe(result: manager.UpResult, verb: str | None = None) -> str:
    site = result.site
    verb = verb or ("started" if result.started else "already running")
    return (
        f"dev catalogue {verb}: {site.url} ({result.seconds:.1f} s)\n"
        f"organizations: {site.parent_org.name} (parent), {site.child_org.name} (child), "
        f"{seed.AGENCY_ORG[0]} (independent)\n"
        "tokens: in seed.json under the state home (not printed)"
    )


@click.group("dev-catalogue", context_settings={"help_option_names": ["-h", "--help"]})
def dev_catalogue() -> None:
    """Local CKAN 2.12 or 2.9 with the BC schema (uses a Solr stand-in, not Solr)."""


@dev_catalogue.command()
@_variant_options
def up(ckan: str, schema: str) -> int:
    """Start the dev catalogue (builds its CKAN venv on first use)."""
    result = manager.up(out=sys.stderr, variant=Variant(ckan, schema))
    click.echo(_describe(result))
    return 0


@dev_catalogue.command()
@_variant_options
def down(ckan: str, schema: str) -> int:
    """Stop every process `up` started."""
    manager.down(out=sys.stderr, variant=Variant(ckan, schema))
    return 0


@dev_catalogue.command()
@_variant_options
def reset(ckan: str, schema: str) -> int:
    """Wipe datasets (database and search index) and re-seed users and organizations."""
    result = manager.reset(out=sys.stderr, variant=Variant(ckan, schema))
    click.echo(_describe(result, "reset"))
    return 0


@dev_catalogue.command()
@_variant_options
def status(ckan: str, schema: str) -> int:
    """Show what is running. Exit code 0 if CKAN answers, 3 if not."""
    info = manager.status(variant=Variant(ckan, schema))
    click.echo(f"home: {info.home}")
    click.echo(f"CKAN venv: {'ready' if info.venv_ready else 'not built'}")
    click.echo(f"url: {info.url or '-'} ({'responding' if info.responding else 'not responding'})")
    for name, alive in sorted(info.processes.items()):
        click.echo(f"  {name}: {'running' if alive else 'stopped'}")
    return 0 if info.responding else 3


def main(argv: list[str] | None = None) -> None:
    """``python -m importer.devcat``: same error handling as ``bcdc-import``."""
    from importer.cli import cli as project_cli
    from importer.cli import main as project_main

    if "dev-catalogue" not in project_cli.commands:
        project_cli.add_command(dev_catalogue)
    project_main(["dev-catalogue", *(sys.argv[1:] if argv is None else argv)])
