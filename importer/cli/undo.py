"""``bcdc-import undo JOURNAL``: take back one import (docs/undo.md).

Translation only: options -> :func:`importer.undo.undo_import` -> reports, summary and
exit code (0 every row undone or nothing to do, 1 some rows in conflict, failed or not
done, 2 nothing could be done, 130 stopped by Ctrl-C). The site is the one the journal
names; the token comes from ``CKAN_API_TOKEN``, the config file or a hidden prompt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from importer.cli.options import pace_options, results_options, safety_options
from importer.errors import Interrupted, WorkbookError
from importer.files import is_special, special_input_message
from importer.report.outputs import Outputs, check_targets


def _prompt() -> str:
    return str(click.prompt("API token", hide_input=True, err=True))


@click.command("undo")
@click.argument("journal", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True,
              help="Show each field's current -> restored value; send nothing.")
@click.option("--url", metavar="URL",
              help="The site, if given: must be the one the journal names.")
@click.option("--site", "site_name", metavar="NAME",
              help="A named site from the config file (its URL must be the journal's).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file of named sites (default ~/.config/bcdc-importer/sites.toml).")
@pace_options("Rows undone in parallel.")
@results_options("Results workbook (default FILE-undo-report.xlsx beside the journal).")
@safety_options()
def undo_command(journal: Path, dry_run: bool, url: str | None, site_name: str | None,
                 config_path: Path | None, workers: int, max_rate: float | None,
                 timeout: float, report_path: Path | None, json_path: Path | None,
                 insecure_http: bool, force: bool) -> int:
    """Take back the import whose JOURNAL (or results report) is given.

    Fields still holding what the import wrote get their earlier values back; records it
    created are deleted (recoverable by a sysadmin); anything changed since is left alone
    and reported as a conflict.
    """
    from importer.publish.config import (
        check_url,
        default_config_path,
        load_site,
        resolve_token,
    )
    from importer.publish.progress import Progress
    from importer.undo import UndoOptions, UndoStatus, undo_import
    from importer.undo.report import (
        console_summary,
        default_report_path,
        write_undo_json,
        write_undo_workbook,
    )
    from importer.undo.run import open_for_undo

    if is_special(journal):
        raise WorkbookError(special_input_message(journal))
    if url and site_name:
        raise click.UsageError("give the site with either --url URL or --site NAME, not both")
    site_cfg = load_site(config_path or default_config_path(), site_name) if site_name else None
    given = site_cfg.url if site_cfg else url
    imported = open_for_undo(journal, check_url(given, insecure_http) if given else None)
    check_url(imported.site, insecure_http)
    token = resolve_token(os.environ, site_cfg, _prompt if sys.stdin.isatty() else None)
    report = report_path or default_report_path(imported.path)
    check_targets(Outputs(imported.path, report, json_path, force))
    result = undo_import(imported.path, token, UndoOptions(dry_run=dry_run, workers=workers),
                         timeout=timeout, max_rate=max_rate, progress=Progress(sys.stderr))
    write_undo_workbook(result, report)
    if json_path:
        write_undo_json(result, json_path, report)
    console_summary(result, sys.stdout)
    sys.stdout.write(f"Report: {report}\n")
    if json_path:
        sys.stdout.write(f"JSON: {json_path}\n")
    if result.undo_journal:
        sys.stdout.write(f"Journal: {result.undo_journal}\n")
    if result.interrupted:
        left = sum(1 for o in result.outcomes if o.status is UndoStatus.NOT_DONE)
        raise Interrupted(f"stopped by Ctrl-C with {left} row(s) not done; the report is "
                          f"{report}. Run the same command again to finish: rows already "
                          "undone are confirmed on the site, not sent again.")
    return result.exit_code
