"""What each job does: one library call each, results written into the job's folder.

These functions run in a pool thread of the server or in an RQ worker process; they get
the token as an argument (memory only) and write only token-free files. A job that cannot
be done ends ``failed`` with the library's own one-line message, as the CLI prints it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from importer.errors import ImporterError, SiteError, WorkbookError
from importer.publish.progress import Progress
from importer.web.jobs import CANCELLED, DONE, FAILED, RUNNING, Job, JobStore

if TYPE_CHECKING:  # (the check's modules are imported when a job runs)
    from importer.map.resolve import Resolver
    from importer.schema import Layout

REPORT_XLSX = "report.xlsx"
REPORT_JSON = "report.json"
GRID_JSON = "grid.json"
PLAN_JSON = "plan.json"
RESULTS_XLSX = "import-report.xlsx"
RESULTS_JSON = "import-report.json"
JOURNAL = "journal.jsonl"
EXPORT_XLSX = "export.xlsx"
#: the matching step's proposal, and the column mapping the editor confirmed
PROPOSAL_JSON = "proposal.json"
COLUMNS_JSON = "columns.json"
#: cells corrected in the grid (a layer over the upload) and the corrected workbook
EDITS_JSON = "edits.json"
CORRECTED = "corrected.xlsx"
#: what a cell edit needs to re-check its row only (:mod:`importer.web.checkstate`), and the
#: grid's drop-down lists (:func:`importer.web.grid.column_lists`) for pages built from it
CHECK_STATE = "check-state.pickle"
GRID_LISTS_JSON = "grid-lists.json"
UNDO_XLSX = "undo-report.xlsx"
UNDO_JSON = "undo-report.json"
UNDO_JOURNAL = "undo-journal.jsonl"
#: the jobs that undo an import: its dry run, then the undo itself
UNDO_KINDS = ("undo-plan", "undo")


def shown_message(err: Exception, job: Job, folder: Path) -> str:
    """The library's message with the stored input's path/name replaced by the name the
    editor uploaded, so the page says what the CLI says about the editor's own file."""
    text = str(err)
    if job.input_name:
        text = text.replace(str(folder / job.input_name), job.filename)
        text = text.replace(job.input_name, job.filename)
    return text


def run_job(store: JobStore, job_id: str, token: str | None) -> None:
    """Run the job ``job_id``: the one entry point of both runners."""
    job = store.update(job_id, state=RUNNING, message="")
    folder = store.folder(job_id)
    try:
        result = BODIES[job.kind](store, job, folder, token)
    except ImporterError as err:  # (a site's failure is marked: the page says it is not the file)
        store.update(job_id, state=FAILED, message=shown_message(err, job, folder),
                     result={"site_error": True} if isinstance(err, SiteError) else {})
        return
    except Exception as err:  # a bug on some input: one line, never a traceback
        store.update(job_id, state=FAILED,
                     message=f"unexpected {type(err).__name__} (a bug: please report it "
                             "with the file)")
        return
    state = CANCELLED if result.get("interrupted") else DONE
    store.update(job_id, state=state, result=result)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# -- check ---------------------------------------------------------------------------------


def check_body(store: JobStore, job: Job, folder: Path, token: str | None) -> dict[str, Any]:
    """``bcdc-import check FILE --url SITE [--columns MAPPING]`` against the server's site
    (:func:`job_layout`), plus the grid data. A workbook with headers of its own and no
    confirmed mapping stops after the check, before any report is written, with the
    proposed mapping, for the matching step."""
    from importer.check import check_facts, run_check
    from importer.gcpause import gc_paused

    source = folder / job.input_name
    layout, resolver = job_layout(job, folder)
    mapping = job_mapping(job, folder, layout)
    from importer.read.edits import load_edits
    from importer.recheck import CheckState, StateError
    from importer.template.lists import ChoiceLists
    from importer.web.grid import column_lists

    edits = load_edits(folder / EDITS_JSON)
    with gc_paused():  # as the CLI's check: the collector would only walk the records
        try:
            result = run_check(source, layout, resolver=resolver, mapping=mapping,
                               edits=edits)
        except WorkbookError:  # e.g. no sheet named datasets: the matching step may know
            if mapping is None and _matching_step(store, folder, source, layout, None):
                return {"needs_matching": True}
            raise
        if mapping is None and _matching_step(store, folder, source, layout, result.read):
            return {"needs_matching": True}
        facts = check_facts(job.options.get("site_url"), layout)
        summary = write_reports(job, folder, result, edits, facts)
        try:  # what an edit needs to re-check its row only (importer.recheck)
            CheckState.from_result(result, resolver, edits).save(folder / CHECK_STATE)
            kept = True
        except StateError:
            (folder / CHECK_STATE).unlink(missing_ok=True)  # edits then check it all again
            kept = False
        editing = column_lists(result.read, job_lists(resolver) or ChoiceLists.offline())
        store.write_json(folder / GRID_LISTS_JSON, editing)
        # the pages read the grid from the check state when there is one (kept in memory
        # there): the parsed copy of this file would only be more objects to keep
        store.write_json(folder / GRID_JSON, grid_data(result.read, editing=editing),
                         remember=not kept)
    write_corrected_copy(job, folder, edits)
    return {"valid": summary.valid, "errors": summary.errors, "warnings": summary.warnings,
            "rows_checked": result.rows_checked, "rows_with_errors": result.rows_with_errors,
            "mapping": mapping.describe() if mapping is not None else "",
            "edits": len(edits), "reports_edits": len(edits), "check_facts": facts,
            "site_url": job.options.get("site_url") or "",
            "dataset_type": layout.schema.dataset_type}


def _matching_step(store: JobStore, folder: Path, source: Path, layout: Layout,
                   read: Any) -> bool:
    """Whether the upload goes to the matching step (its proposal written for the page).
    Decided from the check's read when that is enough (``read``; ``None``: the check
    refused the file): most uploads are the template, and proposing a mapping reads the
    file again (0.4 s for 10,000 datasets)."""
    from importer.read.suggest import (
        may_need_matching,
        needs_matching,
        proposal_json,
        propose_mapping,
    )

    if read is not None and not may_need_matching(read):
        return False
    proposal = propose_mapping(source, layout)
    if not needs_matching(proposal):
        return False
    store.write_json(folder / PROPOSAL_JSON, proposal_json(proposal, layout))
    return True


def write_reports(job: Job, folder: Path, outcome: Any, edits: Sequence[Any],
                  facts: Sequence[Sequence[str]]) -> Any:
    """The check report (workbook and JSON) of ``outcome`` (a check result, or a check
    state's result after edits), listing the edits; returns its summary. ``facts``: what
    it was checked against (:func:`importer.check.check_facts`)."""
    from importer.read.edits import edit_lines
    from importer.report.outputs import Outputs, write_check_outputs

    return write_check_outputs(
        outcome, Outputs(folder / job.input_name, folder / REPORT_XLSX, folder / REPORT_JSON,
                         label=job.filename),
        created=_now(),
        facts=[*((name, value) for name, value in facts),
               *(("Edited in the browser", line) for line in edit_lines(edits))])


def write_corrected_copy(job: Job, folder: Path, edits: Sequence[Any]) -> None:
    """The editor's workbook with the edits written in (``.xlsx``/``.xlsm`` only)."""
    from importer.read.edits import write_corrected

    if edits and Path(job.input_name).suffix.lower() in (".xlsx", ".xlsm"):
        write_corrected(folder / job.input_name, edits, folder / CORRECTED)


def job_layout(job: Job, folder: Path) -> tuple[Layout, Resolver | None]:
    """What the web app checks a job's upload against, and the ONE place it is decided:
    the server's site (``job.options["site_url"]``): its schema of the dataset type
    ``bcdc-import check --url SITE`` would use (the server's ``--type``, else the one the
    upload was made for, else the site's), its licences and the organizations it lists.

    No token: the editor gives one only to plan or import, so the check confirms that
    each organization exists, and the plan (with the token) that the token may create
    datasets in it. :class:`SiteError` when the site does not answer (the job fails with
    that one line). A check job stored before the web app checked against its site (no
    ``site_url``) keeps the bundled schema it was made with."""
    from importer.check import check_setup

    return check_setup(job.options.get("site_url"), None, job.options.get("dataset_type"),
                       folder / job.input_name, listed_orgs=True)


def job_lists(resolver: Resolver | None) -> Any:
    """The drop-down values of the grid's editors: the site's licences and organizations
    (as the site's template has them), or the bundled lists for a job without a site."""
    from importer.map.resolve import ListedResolver

    if isinstance(resolver, ListedResolver):  # what the check was given: no request more
        return resolver.choice_lists()
    return None


def mapping_name(job: Job) -> str:
    """The name a job's column mapping is shown and downloaded under."""
    return f"{Path(job.filename).stem or 'workbook'}-columns.json"


def job_mapping(job: Job, folder: Path, layout: Any) -> Any:
    """The column mapping the editor confirmed for this job's upload (``None``: none)."""
    import json

    from importer.read.mapping import parse_mapping

    path = folder / COLUMNS_JSON
    if not path.is_file():
        return None
    return parse_mapping(json.loads(path.read_text(encoding="utf-8")), layout,
                         mapping_name(job))


def grid_data(read: Any, lists: Any = None, live: bool = False,
              editing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sheets as read (header and non-blank rows), for the paged grid, with the
    drop-down values of their choice columns (``editing``, as :func:`column_lists` gives
    them; else worked out from ``lists``: the :class:`~importer.template.lists.ChoiceLists`
    the template would use; default: the bundled licences, organizations as free text, as
    the offline check). The rows are lists (to be saved as ``grid.json``), or, ``live``,
    views of ``read``'s rows that show each row as it is now (a check state's rows, which
    edits replace)."""
    from importer.schema.columns import Scope
    from importer.template.lists import ChoiceLists
    from importer.web.grid import column_lists

    if editing is None:
        editing = column_lists(read, lists or ChoiceLists.offline())
    sheets = []
    for scope, info in read.sheets.items():
        rows = read.datasets if scope is Scope.DATASET else read.resources
        sheets.append({"name": info.name, "header_row": info.header_row,
                       "letters": list(info.letters), "headers": list(info.headers),
                       "rows": RowsView(rows) if live else
                       [[r.number, list(r.values)] for r in rows],
                       **editing["sheets"][info.name]})
    return {"sheets": sheets, "choices": editing["choices"]}


class RowsView(Sequence[tuple[int, Sequence[str | None]]]):
    """``[number, values]`` of each row of a live list of read rows, made when asked (a
    page shows 50 of 30,000 rows: copying them all took 0.16 s per edit)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[int, Sequence[str | None]]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, Sequence[str | None]]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [(r.number, r.values) for r in self._rows[index]]
        row = self._rows[index]
        return (row.number, row.values)


# -- plan and import -----------------------------------------------------------------------


class JobProgress(Progress):
    """The import's progress, written to the job's status (at most every ``interval``
    seconds) instead of a terminal. A cancel request acts as Ctrl-C does in the CLI: the
    next outcome raises :class:`KeyboardInterrupt` inside the engine's loop, which stops
    cleanly, finishes the rows in flight, closes the journal and writes the report."""

    def __init__(self, store: JobStore, job_id: str, interval: float = 0.3):
        import io

        super().__init__(io.StringIO(), enabled=False, interval=interval)
        self.store, self.job_id = store, job_id
        self.by_status: dict[str, int] = {}
        self._started = False
        self._stopped = False
        self._saved = 0.0

    def start(self, total: int, already: int = 0) -> None:
        super().start(total, already)
        self._started = True
        self._save(force=True)

    def advance(self, outcome: Any = None) -> None:
        super().advance(outcome)
        if outcome is not None:
            key = str(outcome.status)
            self.by_status[key] = self.by_status.get(key, 0) + 1
        self._save()
        if self._started and not self._stopped and self.store.cancel_requested(self.job_id):
            self._stopped = True
            raise KeyboardInterrupt

    def finish(self) -> None:
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._saved < self.interval and self.count < self.total:
            return
        self._saved = now
        self.store.update(self.job_id, progress={
            "done": min(self.count, self.total) if self.total else self.count,
            "total": self.total, "by_status": dict(self.by_status)})


def import_body(store: JobStore, job: Job, folder: Path, token: str | None) -> dict[str, Any]:
    """``bcdc-import import FILE`` (or ``--dry-run`` for a plan job) with this job's
    journal, so running the same job again resumes it."""
    from importer.errors import AuthError
    from importer.publish.display import failed_lines, plan_lines, planned_updates
    from importer.publish.run import ImportOptions, console_summary, outcome_dict
    from importer.publish.session import import_and_report

    if not token:
        raise AuthError("an API token is needed: give yours on the page")
    dry_run = job.kind == "plan"
    opts = job.options
    options = ImportOptions(dry_run=dry_run, skip_invalid=bool(opts.get("skip_invalid")),
                            workers=int(opts.get("workers", 3)),
                            journal_path=None if dry_run else folder / JOURNAL,
                            columns=(folder / mapping_name(job)
                                     if (folder / mapping_name(job)).is_file() else None),
                            rows=(None if opts.get("rows") is None else
                                  frozenset((str(s), int(r)) for s, r in opts["rows"])),
                            edits=(folder / EDITS_JSON)
                            if (folder / EDITS_JSON).is_file() else None,
                            dataset_type=opts.get("dataset_type"))
    source = folder / job.input_name
    report = folder / RESULTS_XLSX
    result = import_and_report(source, opts["site_url"], token, options, report=report,
                               json_path=folder / RESULTS_JSON,
                               progress=None if dry_run else JobProgress(store, job.id),
                               label=job.filename)
    import io

    text = io.StringIO()
    console_summary(result, text)
    updates = {(u.outcome.record.sheet, u.outcome.record.row): u.changes
               for u in planned_updates(result)}
    rows = []
    for o in result.outcomes:
        row = outcome_dict(result, o)
        row["change_lines"] = updates.get((o.record.sheet, o.record.row), [])
        rows.append(row)
    store.write_json(folder / PLAN_JSON, {"plan_lines": plan_lines(result),
                                     "summary": text.getvalue().splitlines(),
                                     "failed": failed_lines(result), "rows": rows})
    return {"counts": dict(result.counts), "blocked": result.blocked,
            "interrupted": result.interrupted, "exit_code": result.exit_code,
            "resumed": result.resumed}


# -- export --------------------------------------------------------------------------------


def export_body(store: JobStore, job: Job, folder: Path, token: str | None) -> dict[str, Any]:
    """``bcdc-import export --org ORG``: the organization's records into a workbook."""
    from importer.export.fetch import Selection
    from importer.export.notes import grouped_lines, hidden_private_line
    from importer.export.run import export_records, site_schema
    from importer.map.resolve import SiteResolver
    from importer.site import Site
    from importer.template.lists import ChoiceLists

    url = job.options["site_url"]
    site = Site(url, token)
    lists = ChoiceLists.from_site(site)
    schema, note = site_schema(site, job.options.get("dataset_type"), url)

    def progress(done: int, total: int | None) -> None:
        store.update(job.id, progress={"done": done, "total": total or 0, "by_status": {}})

    result = export_records(site, Selection(orgs=(job.options["org"],)), folder / EXPORT_XLSX,
                            schema, lists, progress=progress,
                            resolver=SiteResolver(site) if token else None,
                            has_token=token is not None)
    notes = grouped_lines(result.notes, 50) + [
        hidden_private_line(org, token is not None) for org in result.hidden_private]
    return {"datasets": result.datasets, "resources": result.resources,
            "written": result.path is not None, "notes": notes,
            "note": note or "", "not_exported": list(result.not_exported)}


# -- undo ----------------------------------------------------------------------------------


def undo_body(store: JobStore, job: Job, folder: Path, token: str | None) -> dict[str, Any]:
    """``bcdc-import undo JOURNAL`` (``--dry-run`` for an undo-plan job) on the journal of
    the import job ``job.parent``; undo's own journal and reports go in this job's folder."""
    from importer.errors import AuthError
    from importer.undo import UndoOptions, undo_import
    from importer.undo.report import write_undo_json, write_undo_workbook

    if not token:
        raise AuthError("an API token is needed: give yours on the page")
    if not job.parent:
        raise ImporterError("this undo job names no import")
    dry_run = job.kind == "undo-plan"
    options = UndoOptions(dry_run=dry_run, workers=int(job.options.get("workers", 3)),
                          journal_path=None if dry_run else folder / UNDO_JOURNAL)
    result = undo_import(store.folder(job.parent) / JOURNAL, token, options,
                         url=job.options["site_url"],
                         progress=None if dry_run else JobProgress(store, job.id))
    write_undo_workbook(result, folder / UNDO_XLSX)
    write_undo_json(result, folder / UNDO_JSON, folder / UNDO_XLSX)
    return {"counts": dict(result.counts), "interrupted": result.interrupted,
            "exit_code": result.exit_code}


BODIES = {"check": check_body, "plan": import_body, "import": import_body,
          "export": export_body, "undo-plan": undo_body, "undo": undo_body}
