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

DEFAULT_SAMPLE = Path("samples") / "datasets.xlsx"
DEMO_OUTPUT = Path("demo-output")


@click.command("demo")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_SAMPLE, show_default=True, help="The workbook to import.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Results workbook (default: demo-output/).")
def demo_command(file: Path, report_path: Path | None) -> int:
    """Import the sample workbook into the local dev catalogue (started if needed)."""
    from importer.devcat import manager
    from importer.devcat.errors import DevCatalogueError
    from importer.publish.progress import Progress
    from importer.publish.results import write_results_workbook
    from importer.publish.run import ImportOptions, connect, console_summary, run_import

    if not file.is_file():
        raise WorkbookError(f"{file}: no such file (run the demo from the project folder)")
    try:
        up = manager.up(out=sys.stderr)
    except DevCatalogueError as err:
        raise SiteError(f"the dev catalogue did not start: {err}") from None
    seed = up.site
    conn = connect(seed.url, seed.sysadmin_token, timeout=60, workers=3, max_rate=None)
    try:
        report = report_path or DEMO_OUTPUT / f"{file.stem}-import-report.xlsx"
        report.parent.mkdir(parents=True, exist_ok=True)
        journal = report.with_name(f"{report.stem}.journal.jsonl")
        result = run_import(file, conn, ImportOptions(journal_path=journal),
                            progress=Progress(sys.stderr))
    finally:
        conn.client.transport.close()
    write_results_workbook(result, file, report)
    console_summary(result, sys.stdout)
    sys.stdout.write(f"Report: {report}\nSite: {seed.url}/dataset\n")
    return result.exit_code
