"""One import as a command runs it: connect, import, close, write the results.

``import`` and ``demo`` both did these steps, in this order, themselves; here they are
once. Writing the results comes after the connection is closed, and happens for an
interrupted run too (the report then says which rows are not done), so the caller only
renders the result and chooses the exit code. A run that writes (not a dry run) holds
the OS locks of its workbook and journal throughout (:mod:`importer.runlock`), so a
second import of the same workbook exits 2 at once instead of sharing them.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from importer.publish.progress import Progress
from importer.publish.results import write_results_json, write_results_workbook
from importer.publish.run import ImportOptions, ImportResult, connect, run_import
from importer.runlock import hold_import


def import_and_report(
    file: Path,
    url: str,
    token: str,
    options: ImportOptions,
    *,
    report: Path,
    json_path: Path | None = None,
    timeout: float = 60.0,
    max_rate: float | None = None,
    progress: Progress | None = None,
    label: str | None = None,
) -> ImportResult:
    """Import ``file`` into the site at ``url`` and write the results workbook ``report``
    (and the JSON ``json_path``); the caller has checked both targets beforehand.
    ``label`` names the input in the reports instead of its path (the web app's uploads)."""
    # one run at a time per workbook and journal (a dry run writes no journal: no lock)
    with hold_import(file, options.journal_path) if options.journal_path else nullcontext():
        result = _run(file, url, token, options, timeout, max_rate, progress)
        write_results_workbook(result, file, report, label)
        if json_path:
            write_results_json(result, file, json_path, report, label)
    return result


def _run(file: Path, url: str, token: str, options: ImportOptions, timeout: float,
         max_rate: float | None, progress: Progress | None) -> ImportResult:
    conn = connect(url, token, timeout, options.workers, max_rate)
    try:
        return run_import(file, conn, options, progress=progress)
    finally:
        conn.client.transport.close()
