"""Undo one import, start to end: read its journal, look at each record as the site holds
it now, plan, act, journal, report.

:func:`undo_import` is the one library call (the CLI and the web app both use it; with
``dry_run`` it sends nothing and its result lists every field's current -> restored
value, for a page or a console to show). :func:`undo_rows` is the heart, driven by the
tests with a client of their own.

Same engine as import: the rows run on the bounded :class:`~importer.publish.pool.Pool`
over the retrying :class:`~importer.publish.transport.Client` (retries, a lost answer
looked up before any retry, Ctrl-C clean). Undo keeps its own journal beside the
import's (``<journal stem>.undo.jsonl``): running the same command again after a
``kill -9`` re-plans every row against the site, so what was already put back is
``nothing to do`` (reported ``undone``, confirmed) and nothing is restored twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.errors import AuthError, SiteError, WorkbookError
from importer.publish.journal import Journal, journal_entries, latest_set_aside
from importer.publish.pool import Pool
from importer.publish.progress import Progress
from importer.publish.transport import Client, Stopped
from importer.schema import Layout
from importer.site import ActionFailed, NotAuthorized, NotFound, ValidationFailed
from importer.undo.plan import (
    Conflict,
    Restore,
    Step,
    StepKind,
    UndoPlan,
    UndoStatus,
    plan_row,
    who_can,
)
from importer.undo.source import ImportedRow, ImportJournal, journal_of, read_import_journal

UNDO_JOURNAL_SUFFIX = ".undo.jsonl"


@dataclass(frozen=True)
class UndoOptions:
    dry_run: bool = False
    workers: int = 3
    #: undo's own journal (None: none kept, e.g. a dry run).
    journal_path: Path | None = None


@dataclass
class UndoOutcome:
    """What undo did (or, in a dry run, would do) to one imported row."""

    row: ImportedRow
    status: UndoStatus
    restores: list[Restore] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    message: str = ""
    #: an earlier undo run did this row (its journal says so; the site confirms it).
    confirmed: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return self.row.key

    def journal_entry(self) -> dict[str, Any]:
        return {"type": "row", "sheet": self.row.sheet, "row": self.row.row,
                "name": self.row.name, "id": self.row.id, "status": str(self.status),
                "done": self.done, "conflicts": [c.path for c in self.conflicts],
                "message": self.message}


@dataclass
class UndoResult:
    """Every imported row's undo outcome."""

    site_url: str
    journal: Path
    outcomes: list[UndoOutcome] = field(default_factory=list)
    dry_run: bool = False
    interrupted: bool = False
    resumed: bool = False
    undo_journal: Path | None = None
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> Counter[str]:
        return Counter(str(o.status) for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        bad = {UndoStatus.CONFLICT, UndoStatus.FAILED, UndoStatus.NOT_DONE}
        return 1 if any(o.status in bad for o in self.outcomes) else 0

    def url_of(self, outcome: UndoOutcome) -> str | None:
        """The record's page: by name, or by id when the import changed the name."""
        row = outcome.row
        ident = row.id if ("name" in row.sent and row.id) else row.name
        return f"{self.site_url}/dataset/{ident}" if ident else None


def undo_journal_path(import_journal: Path) -> Path:
    """``x.journal.jsonl`` -> ``x.journal.undo.jsonl``, beside it."""
    return import_journal.with_name(import_journal.stem + UNDO_JOURNAL_SUFFIX)


def open_for_undo(path: Path, url: str | None) -> ImportJournal:
    """The import journal ``path`` names (itself, or its report's), refusing a ``url``
    that is not the site the journal names."""
    journal = read_import_journal(journal_of(path))
    if url is not None and url.rstrip("/") != journal.site.rstrip("/"):
        raise SiteError(f"{journal.path.name} is the journal of an import into "
                        f"{journal.site}, not {url}; undo runs against the site it names")
    return journal


def undo_rows(journal: ImportJournal, client: Client, layout: Layout, options: UndoOptions,
              progress: Progress | None = None,
              clock: Callable[[], float] = time.monotonic) -> UndoResult:
    """Plan (and unless ``dry_run``, carry out) the undo of every row ``journal`` wrote."""
    started = clock()
    result = UndoResult(client.url, journal.path, dry_run=options.dry_run,
                        undo_journal=options.journal_path)
    own, earlier = _open_own_journal(options, journal, client.url, result)
    outcomes: dict[tuple[str, int], UndoOutcome] = {}

    def sink(outcome: UndoOutcome) -> None:
        if earlier.get(outcome.key) == str(UndoStatus.UNDONE) \
                and outcome.status is UndoStatus.NOTHING:
            outcome.status, outcome.confirmed = UndoStatus.UNDONE, True
            outcome.message = "undone by an earlier run; confirmed on the site"
        outcomes[outcome.key] = outcome
        if own:
            own.write(outcome.journal_entry())
        if progress:
            progress.advance(outcome)

    worker = _RowUndo(client, layout, options.dry_run)
    pool: Pool[ImportedRow, UndoOutcome] = Pool(
        worker.run, workers=options.workers, stop=client.stop, not_done=_not_done,
        failed=_unexpected, name="undo")
    if progress:
        progress.start(len(journal.rows))
    try:
        pool.run(journal.rows, sink)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if own:
            unfinished = result.interrupted or len(outcomes) < len(journal.rows) or any(
                o.status is UndoStatus.NOT_DONE for o in outcomes.values())
            own.write({"type": "end", "complete": not unfinished})
            own.close()
        if progress:
            progress.finish()
    result.outcomes = [outcomes.get(r.key) or _not_done(r, "not started")
                       for r in journal.rows]
    result.seconds = clock() - started
    result.requests = dict(client.transport.counts)
    return result


def _open_own_journal(options: UndoOptions, journal: ImportJournal, site: str,
                      result: UndoResult) -> tuple[Journal | None, dict[tuple[str, int], str]]:
    """Undo's own journal; the statuses an unfinished earlier undo run recorded."""
    path = options.journal_path
    if options.dry_run or path is None:
        return None, {}
    earlier, complete = _read_own(path)
    fresh = complete
    if earlier and not complete:
        result.resumed = True
        result.notices.append(f"Resuming from {path.name}: rows already undone are "
                              "confirmed on the site, not sent again.")
    own = Journal(path)
    try:
        own.open({"kind": "undo", "site": site, "import_journal": str(journal.path),
                  "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, fresh)
    except OSError as err:
        raise WorkbookError(f"cannot write the undo journal {path}: {err.strerror}") from None
    return own, ({} if fresh else earlier)


def _read_own(path: Path) -> tuple[dict[tuple[str, int], str], bool]:
    statuses: dict[tuple[str, int], str] = {}
    complete = False
    for entry in journal_entries(path):
        if entry.get("type") == "run":
            complete = False
        elif entry.get("type") == "end":
            complete = bool(entry.get("complete"))
        elif entry.get("type") == "row" and isinstance(entry.get("row"), int):
            key = (str(entry.get("sheet")), entry["row"])
            if statuses.get(key) != str(UndoStatus.UNDONE):  # a later re-plan keeps it
                statuses[key] = str(entry.get("status"))
    return statuses, complete


def _not_done(row: ImportedRow, why: str) -> UndoOutcome:
    return UndoOutcome(row, UndoStatus.NOT_DONE, message=why)


def _unexpected(row: ImportedRow, err: Exception) -> UndoOutcome:
    return UndoOutcome(row, UndoStatus.FAILED,
                       message=f"unexpected error while undoing this row: {type(err).__name__}")


@dataclass
class _RowUndo:
    """One row's undo, in one worker: look, plan, act."""

    client: Client
    layout: Layout
    dry_run: bool

    def run(self, row: ImportedRow) -> UndoOutcome:
        if self.client.stop.is_set():
            return _not_done(row, "stopped before this row was undone")
        try:
            current = self._current(row)
        except Stopped:
            return _not_done(row, "stopped before this row was undone")
        except AuthError:
            raise
        except (ActionFailed, SiteError) as err:
            return UndoOutcome(row, UndoStatus.FAILED, message=f"cannot look it up: {err}")
        plan = plan_row(row, current, self.layout)
        outcome = UndoOutcome(row, UndoStatus.NOTHING, restores=list(plan.restores),
                              conflicts=list(plan.conflicts), message=plan.note)
        if self.dry_run:
            if plan.steps:
                outcome.status, outcome.message = UndoStatus.WOULD_UNDO, "dry run: nothing sent"
            elif plan.conflicts:
                outcome.status = UndoStatus.CONFLICT
            return outcome
        return self._act(plan, outcome)

    def _current(self, row: ImportedRow) -> dict[str, Any] | None:
        ident = row.id or row.name
        if not ident:
            return None
        try:
            found = self.client.call("package_show", {"id": ident})
        except (NotFound, NotAuthorized):
            return None
        return found if isinstance(found, dict) else None

    def _act(self, plan: UndoPlan, outcome: UndoOutcome) -> UndoOutcome:
        failures: list[str] = []
        for step in plan.steps:
            try:
                self._send(step)
            except Stopped:
                outcome.status = UndoStatus.NOT_DONE
                outcome.message = "stopped before this row was finished" + (
                    f" (done so far: {', '.join(outcome.done)})" if outcome.done else "")
                return outcome
            except AuthError:
                raise
            except (ValidationFailed, NotAuthorized) as err:
                if step.kind is StepKind.MOVE:
                    self._refused_move(step, err, outcome)
                    continue
                failures.append(f"{step.label.split(' (')[0]}: {err}")
            except SiteError as err:
                failures.append(f"{step.label.split(' (')[0]}: {err}")
            else:
                outcome.done.append(step.label)
        if failures:
            outcome.status = UndoStatus.FAILED
            outcome.message = "; ".join(failures)[:500] + (
                f" (done: {', '.join(outcome.done)})" if outcome.done else "")
        elif outcome.conflicts:
            outcome.status = UndoStatus.CONFLICT
            outcome.message = ", ".join(outcome.done)
        elif outcome.done:
            outcome.status, outcome.message = UndoStatus.UNDONE, ", ".join(outcome.done)
        return outcome

    def _send(self, step: Step) -> None:
        check: Callable[[], Any] | None = None
        if step.kind is StepKind.DELETE_RESOURCE:
            rid = step.body["id"]
            check = lambda: self._absent("resource_show", rid)  # noqa: E731
        elif step.kind is StepKind.DELETE_RECORD:
            pid = step.body["id"]
            check = lambda: self._absent("package_show", pid)  # noqa: E731
        try:
            self.client.call(step.action, step.body, lost_check=check)
        except NotFound:
            if step.kind not in (StepKind.DELETE_RESOURCE, StepKind.DELETE_RECORD):
                raise  # already gone is what a delete wanted

    def _absent(self, action: str, ident: str) -> dict[str, Any] | None:
        """After a lost answer to a delete: ``{}`` (done) when it is gone or deleted."""
        try:
            found = self.client.call(action, {"id": ident})
        except NotFound:
            return {}
        return {} if isinstance(found, dict) and found.get("state") == "deleted" else None

    def _refused_move(self, step: Step, err: ActionFailed, outcome: UndoOutcome) -> None:
        """The catalogue refused the state move for this token: a conflict saying who
        can make it, instead of the restore."""
        state_field = self.layout.profile.state_field or "state"
        wanted = step.body.get(state_field)
        now = next((r.current for r in outcome.restores if r.path == state_field), None)
        outcome.restores = [r for r in outcome.restores if r.path != state_field]
        outcome.conflicts.append(Conflict(
            state_field, wanted, now, now,
            f"the catalogue refused to move the record back to {wanted} for this token "
            f"({err}); {who_can(now, wanted)}"))


# -- the whole command: journal, site, undo ----------------------------------------------


def undo_import(path: Path, token: str, options: UndoOptions, *, url: str | None = None,
                timeout: float = 60.0, max_rate: float | None = None,
                progress: Progress | None = None) -> UndoResult:
    """Undo the import whose journal (or results report) is ``path``, on the site the
    journal names (``url``, when given, must be that site). With ``options.dry_run`` it
    sends nothing: each outcome's ``restores`` are the values it would put back."""
    from importer.publish.run import connect, preflight

    journal = open_for_undo(path, url)
    conn = connect(journal.site, token, timeout, options.workers, max_rate)
    try:
        layout = preflight(conn, _dataset_type(conn.client, journal))
        own = options.journal_path or (None if options.dry_run
                                       else undo_journal_path(journal.path))
        opts = UndoOptions(options.dry_run, options.workers, own)
        result = undo_rows(journal, conn.client, layout, opts, progress=progress)
    finally:
        conn.client.transport.close()
    prev = latest_set_aside(journal.path)
    if not journal.rows and prev is not None:
        result.notices.append(
            f"Nothing to undo: the last import run in {journal.path.name} wrote nothing "
            f"(every row unchanged). The run before it was set aside as {prev.name}: "
            f"run undo on that file to take it back.")
    return result


def _dataset_type(client: Client, journal: ImportJournal) -> str | None:
    """The imported records' type (read from the first one still on the site); ``None``
    when none is left: the site's own type then (``resolve_dataset_type``)."""
    for row in journal.rows[:5]:
        try:
            pkg = client.call("package_show", {"id": row.id or row.name})
        except (NotFound, NotAuthorized):
            continue
        if isinstance(pkg, dict) and isinstance(pkg.get("type"), str):
            return str(pkg["type"])
    return None

