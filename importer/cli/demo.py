"""``bcdc-import demo``: the README's main job, end to end, on the local dev catalogue.

Brings the dev catalogue up if it is not running (it seeds the three organizations the
samples publish under), imports ``samples/datasets.xlsx`` with
the dev catalogue's sysadmin token (read from its private state file, never printed),
prints the summary and where the report is. Running it again shows every row unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from importer.errors import SiteError, WorkbookError
from importer.files import is_special, special_input_message
from importer.report.outputs import Outputs, check_targets

DEFAULT_SAMPLE = Path("samples") / "datasets.xlsx"
DEMO_OUTPUT = Path("demo-output")


@click.command("demo")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_SAMPLE, show_default=True, help="The workbook to import.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Results workbook (default: demo-output/).")
def demo_command(file: Path, report_path: Path | None) -> int:
    """Import the sample workbook into the local dev catalogue (started if needed)."""
    # imported here, not at module level: other commands need not load the import engine
    from importer.devcat import manager
    from importer.devcat.errors import DevCatalogueError
    from importer.publish.progress import Progress
    from importer.publish.results import default_report_path, journal_path
    from importer.publish.run import ImportOptions, console_summary
    from importer.publish.session import import_and_report

    if is_special(file):  # reading a named pipe would wait forever
        raise WorkbookError(special_input_message(file))
    if not file.is_file():
        raise WorkbookError(f"{file}: no such file (run the demo from the project folder)")
    report = report_path or default_report_path(file, DEMO_OUTPUT)
    if report_path is not None:  # never write over the input or a file that is not ours
        check_targets(Outputs(file, report, None))
    try:
        up = manager.up(out=sys.stderr)
    except DevCatalogueError as err:
        raise SiteError(f"the dev catalogue did not start: {err}") from None
    seed = up.site
    report.parent.mkdir(parents=True, exist_ok=True)
    result = import_and_report(file, seed.url, seed.sysadmin_token,
                               ImportOptions(journal_path=journal_path(report)),
                               report=report, progress=Progress(sys.stderr))
    console_summary(result, sys.stdout)
    sys.stdout.write(f"Report: {report}\nSite: {seed.url}/dataset\n")
    return result.exit_code
