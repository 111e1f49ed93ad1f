"""Options more than one command takes, declared once (same names, ranges and help)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def pace_options(rows_help: str) -> Callable[[F], F]:
    """``--workers``, ``--max-rate``, ``--timeout``: how fast a command talks to the site."""

    def decorate(fn: F) -> F:
        for option in reversed([
            click.option("--workers", type=click.IntRange(1, 16), default=3,
                         show_default=True, help=rows_help),
            click.option("--max-rate", type=click.FloatRange(min=0.1), default=None,
                         help="At most this many requests per second."),
            click.option("--timeout", type=click.FloatRange(min=1), default=60.0,
                         show_default=True,
                         help="Seconds to wait for one answer before retrying."),
        ]):
            fn = option(fn)
        return fn

    return decorate


def output_options(report_help: str) -> Callable[[F], F]:
    """``--report``, ``--json``, ``--insecure-http``, ``--force``: where a command that
    talks to a site writes its results, and the two safety overrides."""

    def decorate(fn: F) -> F:
        for option in reversed([
            click.option("--report", "report_path",
                         type=click.Path(path_type=Path, dir_okay=False), help=report_help),
            click.option("--json", "json_path",
                         type=click.Path(path_type=Path, dir_okay=False),
                         help="Also write the results as JSON."),
            click.option("--insecure-http", is_flag=True,
                         help="Allow plain http:// to a site that is not on this machine."),
            click.option("--force", is_flag=True,
                         help="Overwrite report/JSON files that are not bcdc-import reports."),
        ]):
            fn = option(fn)
        return fn

    return decorate
