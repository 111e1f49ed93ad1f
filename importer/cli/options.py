"""Options more than one command takes, declared once (same names, ranges and help)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def pace_options(rows_help: str) -> Callable[[F], F]:
    """``--workers``, ``--max-rate``, ``--timeout``: how fast a command talks to the site."""

    return _options([
        click.option("--workers", type=click.IntRange(1, 16), default=3, show_default=True,
                     help=rows_help),
        click.option("--max-rate", type=click.FloatRange(min=0.1), default=None,
                     help="At most this many requests per second."),
        click.option("--timeout", type=click.FloatRange(min=1), default=60.0,
                     show_default=True, help="Seconds to wait for one answer before retrying."),
    ])


def results_options(report_help: str) -> Callable[[F], F]:
    """``--report`` and ``--json``: where a command that talks to a site writes its
    results."""
    return _options([
        click.option("--report", "report_path",
                     type=click.Path(path_type=Path, dir_okay=False), help=report_help),
        click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Also write the results as JSON."),
    ])


def safety_options() -> Callable[[F], F]:
    """``--insecure-http`` and ``--force``: the two safety overrides."""
    return _options([
        click.option("--insecure-http", is_flag=True,
                     help="Allow plain http:// to a site that is not on this machine."),
        click.option("--force", is_flag=True,
                     help="Overwrite report/JSON files that are not bcdc-import reports."),
    ])


def _options(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    """Apply ``options`` so that they show in this order in ``--help``."""

    def decorate(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate
