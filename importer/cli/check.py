"""``bcdc-import check FILE``: find every mistake in a filled workbook, write a report.

Only translates: options -> :func:`importer.check.run_check` ->
:func:`importer.report.outputs.write_check_outputs` -> console summary -> exit code
(0 no errors, warnings allowed; 1 errors found; 2 the file or an output cannot be used).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import click

from importer.check import CheckResult, check_facts, check_setup, run_check
from importer.errors import ImporterError, WorkbookError
from importer.files import is_special, special_input_message
from importer.gcpause import gc_paused
from importer.map.resolve import Resolver
from importer.read.mapping import ColumnMapping, load_mapping
from importer.report.console import render_console_summary
from importer.report.outputs import Outputs, check_targets, default_report_path
from importer.report.outputs import write_check_outputs as write_outputs
from importer.schema import Layout
from importer.site import TOKEN_ENV, env_token


@click.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--report", "report", type=click.Path(path_type=Path, dir_okay=False),
              help="Report workbook to write [default: FILE-report.xlsx beside FILE].")
@click.option("--no-report", is_flag=True, help="Do not write the report workbook.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the report as JSON (schema: docs/check-report.md).")
@click.option("--url", metavar="URL",
              help="Check against this CKAN site: its schema, organizations "
              f"and licences (token from ${TOKEN_ENV}).")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="Dataset type whose schema is loaded from --url [default: the one FILE "
                   "was made for, else the site's only type, or bcdc_dataset among several].")
@click.option("--columns", "columns_path", type=click.Path(path_type=Path, dir_okay=False),
              metavar="MAPPING", help="Column mapping (JSON) for a workbook with headers of "
              "its own (see `bcdc-import columns`).")
@click.option("--force", is_flag=True,
              help="Overwrite --report/--json files even if they are not bcdc-import reports.")
def check_command(file: Path, report: Path | None, no_report: bool, json_path: Path | None,
                  url: str | None, dataset_type: str | None, columns_path: Path | None,
                  force: bool) -> int:
    """Check FILE (.xlsx, .xlsm or .csv) and write a report of every problem, at its cell.

    Nothing is sent to any site. Exit code 0: no errors (warnings allowed); 1: errors
    found (see the report); 2: the file cannot be used at all.
    """
    if is_special(file):  # reading a named pipe would wait forever
        raise WorkbookError(special_input_message(file))
    target = None if no_report else (report or default_report_path(file))
    outputs = Outputs(file, target, json_path, force)
    check_targets(outputs)  # refuse a bad output path before the (long) check
    token = env_token(os.environ)
    layout, resolver = check_setup(url, token, dataset_type, file)
    mapping = load_mapping(columns_path, layout) if columns_path else None
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    facts = check_facts(url, layout)
    with gc_paused():  # (the collector would only walk the records: see importer.gcpause)
        result = _run(file, layout, resolver, mapping)
        summary = write_outputs(result, outputs, created=created, facts=facts)
    if url and token is None:
        click.echo(f"Note: {TOKEN_ENV} is not set, so organizations were checked as an "
                   "anonymous user, who may create datasets in none of them.", err=True)
    text = io.StringIO()
    render_console_summary(result, text, report=target, json_path=json_path, summary=summary)
    click.echo(text.getvalue(), nl=False)
    return 0 if summary.valid else 1


def _run(file: Path, layout: Layout, resolver: Resolver | None,
         mapping: ColumnMapping | None) -> CheckResult:
    """Run the check; an unexpected failure on some odd input becomes one line, exit 2."""
    try:
        return run_check(file, layout, resolver=resolver, mapping=mapping)
    except ImporterError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:  # a bug on unforeseen input: one line, never a traceback
        raise WorkbookError(
            f"{file.name} could not be checked: unexpected {type(err).__name__}: {err} "
            "(please report this with the file)"
        ) from err
