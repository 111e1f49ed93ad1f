"""``bcdc-import import FILE``: create or patch the workbook's records on a CKAN site.

Translation only: options -> :func:`importer.publish.run.run_import` -> reports, summary
and exit code (0 all rows done, 1 some rows failed or invalid, 2 nothing could be done,
130 stopped by Ctrl-C). The token comes from ``CKAN_API_TOKEN``, the config file or a
hidden prompt, never from the command line (see docs/import.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from importer.cli.options import pace_options, results_options, safety_options
from importer.errors import Interrupted, WorkbookError
from importer.files import is_special, special_input_message
from importer.report.outputs import Outputs, check_targets

if TYPE_CHECKING:  # imported when the command runs: other commands need not load them
    from importer.publish.run import ImportResult


def _prompt() -> str:
    return str(click.prompt("API token", hide_input=True, err=True))


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", metavar="URL", help="The CKAN site, e.g. https://catalogue.data.gov.bc.ca")
@click.option("--site", "site_name", metavar="NAME", help="A named site from the config file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file of named sites (default ~/.config/bcdc-importer/sites.toml).")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="Dataset type of the site's schema [default: the site config's type, "
                   "else the one FILE was made for, else the site's only type, or "
                   "bcdc_dataset among several].")
@click.option("--dry-run", is_flag=True, help="Plan and report; send no write.")
@click.option("--skip-invalid", is_flag=True,
              help="Send the valid rows even when other rows have errors.")
@click.option("--rows", "rows_text", metavar="ROWS",
              help="Only these dataset rows, as the reports number them (e.g. 3-7,12); "
                   "the others are reported as `not selected` and nothing is sent for them.")
@pace_options("Rows sent in parallel.")
@click.option("--publish", is_flag=True,
              help="Move each DRAFT record written to PENDING PUBLISH (BC Data Catalogue "
                   "schema only: an error on a site without publish_state).")
@click.option("--create-only", is_flag=True, help="Only create; skip rows that exist.")
@click.option("--update-only", is_flag=True, help="Only update; skip rows that do not exist.")
@results_options("Results workbook (default FILE-import-report.xlsx next to FILE).")
@click.option("--columns", "columns_path", type=click.Path(path_type=Path, dir_okay=False),
              metavar="MAPPING", help="Column mapping (JSON) for a workbook with headers of "
              "its own (see `bcdc-import columns`).")
@safety_options()
def import_command(file: Path, url: str | None, site_name: str | None,
                   config_path: Path | None, dataset_type: str | None, dry_run: bool,
                   skip_invalid: bool, rows_text: str | None, workers: int,
                   max_rate: float | None, timeout: float, publish: bool, create_only: bool,
                   update_only: bool, report_path: Path | None, json_path: Path | None,
                   columns_path: Path | None, insecure_http: bool, force: bool) -> int:
    """Create or update the catalogue records of FILE (checked first, like `check`)."""
    from importer.publish.config import (
        check_url,
        default_config_path,
        load_site,
        resolve_token,
    )
    from importer.publish.engine import Status
    from importer.publish.progress import Progress
    from importer.publish.results import default_report_path, journal_path
    from importer.publish.run import ImportOptions
    from importer.publish.selection import RowSpecError, parse_rows
    from importer.publish.session import import_and_report

    if is_special(file):  # reading a named pipe would wait forever
        raise WorkbookError(special_input_message(file))
    if create_only and update_only:
        raise click.UsageError("--create-only and --update-only exclude each other")
    if bool(url) == bool(site_name):
        raise click.UsageError("give the site with either --url URL or --site NAME")
    try:
        rows = None if rows_text is None else frozenset(
            (None, n) for n in parse_rows(rows_text))
    except RowSpecError as err:
        raise click.BadParameter(str(err), param_hint="--rows") from None
    site_cfg = load_site(config_path or default_config_path(), site_name) if site_name else None
    site_url = check_url(site_cfg.url if site_cfg else str(url), insecure_http)
    token = resolve_token(os.environ, site_cfg, _prompt if sys.stdin.isatty() else None)
    report = report_path or default_report_path(file)
    check_targets(Outputs(file, report, json_path, force))  # before anything is sent
    options = ImportOptions(dry_run=dry_run, skip_invalid=skip_invalid, workers=workers,
                            publish=publish, create_only=create_only,
                            update_only=update_only, columns=columns_path, rows=rows,
                            journal_path=None if dry_run else journal_path(report),
                            dataset_type=dataset_type or (site_cfg.dataset_type
                                                          if site_cfg else None))
    result = import_and_report(file, site_url, token, options, report=report,
                               json_path=json_path, timeout=timeout, max_rate=max_rate,
                               progress=Progress(sys.stderr))
    _print_summary(result, report, json_path)
    if result.interrupted:
        left = sum(1 for o in result.outcomes if o.status is Status.NOT_DONE)
        raise Interrupted(f"stopped by Ctrl-C with {left} row(s) not done; the report is "
                          f"{report}. Run the same command again to finish: rows already "
                          "done are confirmed on the site, not sent again.")
    return result.exit_code


def _print_summary(result: ImportResult, report: Path, json_path: Path | None) -> None:
    from importer.publish.display import failed_lines, plan_lines
    from importer.publish.run import console_summary

    out = sys.stdout
    if result.dry_run:
        out.writelines(f"{line}\n" for line in plan_lines(result))
    console_summary(result, out)
    out.writelines(f"  {line}\n" for line in failed_lines(result))
    if result.blocked:
        out.write("Nothing was sent: fix the rows with errors, or use --skip-invalid to send "
                  "only the valid rows.\n")
    out.write(f"Report: {report}\n")
    if json_path:
        out.write(f"JSON: {json_path}\n")
    if result.journal_path:
        out.write(f"Journal: {result.journal_path}\n")
