"""The import, start to end: check, plan, act, journal, report.

:func:`import_records` is the heart (records in, outcomes out) and is what the tests
drive with records built in code; :func:`run_import` adds reading and checking the
workbook (the same checks as ``check``, against the site) and the file hash.

Nothing is sent when any row has errors, unless ``skip_invalid``. Rights are checked
before sending: rows whose organization the token may not write to fail with a clear
message and are not sent; the others go on.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from importer.check import CheckResult
from importer.errors import AuthError, SchemaError, SiteError, WorkbookError
from importer.map.forward import map_rows
from importer.map.resolve import SiteResolver
from importer.problems import Problem, Severity, count_errors, sort_key
from importer.publish.engine import Engine, RowOutcome, Status, static_outcome
from importer.publish.errormap import ColumnIndex
from importer.publish.journal import Journal, JournalState, create_intent, read_journal
from importer.publish.plan import (
    Action,
    Existing,
    PlanOptions,
    RowPlan,
    build_plan,
    confirm_existing,
    fetch_existing,
    search_records,
)
from importer.publish.preimage import PRE_IMAGES_KEY, PRE_IMAGES_VERSION
from importer.publish.progress import Progress
from importer.publish.selection import RowKey, resolve_rows
from importer.publish.transport import Client, RateLimiter, Transport
from importer.read import read_workbook, workbook_type
from importer.read.edits import Edit, apply_edits, edit_lines, load_edits
from importer.read.mapping import ColumnMapping, load_mapping
from importer.read.reader import explain_merged
from importer.records import DatasetRecord
from importer.report.console import write_run_summary
from importer.schema import Layout, build_layout, load_from_site
from importer.schema.dataset_type import resolve_dataset_type
from importer.site import ActionFailed, NotAuthorized, NotFound, Site
from importer.validate import cross_row, validate, validate_resources


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    workers: int = 3
    publish: bool = False
    create_only: bool = False
    update_only: bool = False
    journal_path: Path | None = None
    #: the dataset type (``--type`` or the site config's ``type``); ``None``: the one the
    #: workbook was made for, else the site's (:func:`resolve_dataset_type`).
    dataset_type: str | None = None
    #: a column mapping file for a workbook with headers of its own (``--columns``).
    columns: Path | None = None
    #: cells corrected in the web app (an edits file, :mod:`importer.read.edits`).
    edits: Path | None = None
    #: only these dataset rows, as (sheet, row); the others are ``not selected``: nothing
    #: is planned or sent for them and their errors do not block (``None``: every row).
    #: Sheet ``None`` is the datasets sheet (``--rows``; :mod:`importer.publish.selection`).
    rows: frozenset[RowKey] | None = None


@dataclass
class ImportResult:
    """Every row's outcome, with what the run knew and did."""

    site_url: str
    outcomes: list[RowOutcome]
    plans: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    interrupted: bool = False
    blocked: bool = False
    workbook_sha256: str | None = None
    journal_path: Path | None = None
    resumed: bool = False
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    #: sheet -> header row, when the workbook's header is not on row 1.
    header_rows: dict[str, int] = field(default_factory=dict)
    #: errors on rows outside the dataset rows (an orphan resource row): they block the
    #: import; with ``skip_invalid`` they are skipped (and the exit code is 1).
    stray: list[Problem] = field(default_factory=list)
    #: data rows read on every sheet (dataset rows + resource rows): the one definition
    #: ``check`` uses too (docs/check.md, *Counts*); set from the records when not given.
    rows_read: int | None = None

    @property
    def rows_checked(self) -> int:
        if self.rows_read is not None:
            return self.rows_read
        return sum(1 + len(o.record.resources) for o in self.outcomes)

    @property
    def counts(self) -> Counter[str]:
        return Counter(str(o.status) for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        bad = {Status.FAILED, Status.INVALID, Status.NOT_DONE}
        if self.blocked or self.stray or any(o.status in bad for o in self.outcomes):
            return 1
        return 0

    def url_of(self, outcome: RowOutcome) -> str | None:
        return f"{self.site_url}/dataset/{outcome.name}" if outcome.name else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hidden(err: Exception) -> bool:
    """``package_show`` answers for a record that is absent, or that this token may not
    see (another organization's draft): either way there is nothing it can update."""
    return isinstance(err, (NotFound, NotAuthorized))


def writable_orgs(client: Client) -> set[str]:
    """Ids and names of the organizations the token may create (and edit) records in."""
    orgs = client.call("organization_list_for_user",
                       {"permission": "create_dataset", "include_dataset_count": False})
    out: set[str] = set()
    for org in orgs or []:
        out.update(str(org[k]) for k in ("id", "name") if org.get(k))
    return out


def org_label(org: str, stored: Mapping[str, Any] | None) -> str:
    """An organization as a person knows it: ``name ("Title")`` from the stored record's
    embedded organization when ``org`` is its id (or name), else ``org`` as given."""
    embedded = (stored or {}).get("organization")
    if isinstance(embedded, Mapping) and org in (embedded.get("id"), embedded.get("name")):
        name, title = embedded.get("name") or org, embedded.get("title")
        return f"{name} ({title!r})" if title and title != name else str(name)
    return org


def _rights_outcome(plan: RowPlan, orgs: set[str]) -> RowOutcome | None:
    """A failed outcome, without sending, when the token may not write this row's org."""
    if not plan.writes:
        return None
    targets = [plan.body.get("owner_org") if plan.action is Action.CREATE else None,
               (plan.existing or {}).get("owner_org"), plan.body.get("owner_org")]
    for org in (t for t in targets if t):
        if str(org) not in orgs:
            verb = "create" if plan.action is Action.CREATE else "edit"
            msg = (f"This API token may not {verb} records in organization "
                   f"{org_label(str(org), plan.existing)}: ask an admin of that organization "
                   "to make you an editor, or use another token.")
            cell = plan.record.locate("owner_org")
            problem = (cell.problem("not-authorized", msg, field="owner_org") if cell
                       else plan.record.row_problem("not-authorized", msg, field="owner_org"))
            return RowOutcome(plan.record, Status.FAILED, plan.name or None,
                              plan.existing_id, problems=[problem], message=msg)
    return None


def import_records(
    records: Sequence[DatasetRecord],
    client: Client,
    layout: Layout,
    options: ImportOptions,
    problems: Sequence[Problem] = (),
    workbook_sha256: str | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    columns: ColumnIndex | None = None,
    existing: Existing | None = None,
) -> ImportResult:
    """Plan and carry out the import of ``records`` (already read, mapped and checked;
    ``problems`` are the check's). Raises :class:`KeyboardInterrupt` after a clean stop
    only through :class:`ImportResult.interrupted` (the report is still written)."""
    started = clock()
    result = ImportResult(client.url, [], problems=list(problems), dry_run=options.dry_run,
                          workbook_sha256=workbook_sha256, journal_path=options.journal_path)
    left_out = [] if options.rows is None else [
        r for r in records if (r.sheet, r.row) not in options.rows]
    if left_out:
        records = [r for r in records if (r.sheet, r.row) in (options.rows or ())]
        problems = result.problems = _without_rows(problems, left_out)
    bad_rows = {(p.sheet, p.row) for p in problems if p.severity is Severity.ERROR}
    invalid = [r for r in records if _row_bad(r, bad_rows)]
    valid = [r for r in records if not _row_bad(r, bad_rows)]
    stray = result.stray = _stray_errors(records, problems)
    orgs = writable_orgs(client)
    if not orgs:
        raise AuthError(f"this API token may not create or edit records in any organization "
                        f"on {client.url} (or it is invalid or expired)")
    if existing is None:
        existing = fetch_existing(
            client, valid, is_not_found=_hidden,
            search_complete=lambda r: str(r.package.get("owner_org")) in orgs,
            workers=options.workers)
    plan_options = PlanOptions(options.create_only, options.update_only, options.publish)
    earlier_ids = _earlier_ids(options.journal_path, workbook_sha256, client.url)
    plans = build_plan(valid, existing, layout, plan_options, resource_ids=earlier_ids)
    # search said these records exist: before writing to them (or refusing them for
    # rights), ask the database
    gone = confirm_existing(client, plans, existing, lambda e: isinstance(e, NotFound),
                            workers=options.workers)
    if any(p.action is Action.UPDATE for p in plans):
        plans = build_plan(valid, existing, layout, plan_options, resource_ids=earlier_ids)
    if gone:
        _stale_index_notice(result, gone)
        result.problems += _validate_new_creates(plans, {str(g.get("name")) for g in gone},
                                                 layout)
    _warn_renames(client, plans, result, workers=options.workers)
    for rec in invalid:
        rows = {(rec.sheet, rec.row), *((r.sheet, r.row) for r in rec.resources)}
        own = sorted((p for p in problems if (p.sheet, p.row) in rows
                      and p.severity is Severity.ERROR), key=sort_key)
        first = own[0]
        plans.append(RowPlan(rec, Action.INVALID, problems=own, reason=(
            f"{len(own)} error(s) in this row or its resource rows, first at "
            f"{first.sheet}!{first.cell or first.row}: {first.message}")))
    plans += [RowPlan(rec, Action.NOT_SELECTED, reason="not selected for this import")
              for rec in left_out]
    plans.sort(key=lambda p: (p.record.sheet, p.record.row))
    result.plans = plans
    blocked = bool(invalid or stray or any(p.action is Action.INVALID for p in plans))
    if stray and options.skip_invalid:
        result.notices.extend(f"Skipped (not sent): {p.sheet}!{p.cell or p.row}: {p.message}"
                              for p in stray)
    elif stray and not options.dry_run:
        first = stray[0]
        result.notices.append(
            f"Nothing was sent: {len(stray)} error(s) on rows outside the dataset rows, "
            f"first at {first.sheet}!{first.cell or first.row}: {first.message}")
    if options.dry_run or (blocked and not options.skip_invalid):
        result.blocked = blocked and not options.skip_invalid and not options.dry_run
        result.outcomes = [_unsent(p, options.dry_run, result.blocked) for p in plans]
        result.seconds = clock() - started
        return result
    journal, state = _open_journal(options.journal_path, workbook_sha256, client.url, result)
    done: dict[tuple[str, int], RowOutcome] = {}

    def sink(outcome: RowOutcome) -> None:
        done[outcome.key] = outcome
        if journal:
            journal.write(outcome.journal_entry())
        if progress:
            progress.advance(outcome)

    runnable: list[RowPlan] = []
    for plan in plans:
        refused = _rights_outcome(plan, orgs)
        if refused is not None:
            sink(refused)
        elif plan.writes:
            runnable.append(plan)
        else:
            sink(_confirmed(static_outcome(plan), state))
    if journal:  # the ids of the resources to create, on disk before any is sent
        journal.write_many([{"type": "resource-id", "sheet": sheet, "row": row, "id": rid}
                            for plan in runnable for sheet, row, rid in _new_ids(plan)])
    if progress:
        progress.start(len(plans), already=len(done))
    engine = Engine(client, layout, options.workers, columns, before_create=(
        (lambda plan: journal.write(create_intent(plan.record.sheet, plan.record.row,
                                                  plan.name))) if journal else None))
    try:
        engine.run(runnable, sink)
        # two runs creating one name at once can both be answered "created" (CKAN saves
        # the later create onto the earlier one's record): look the creates up again
        for outcome in engine.recheck_created():
            done[outcome.key] = outcome
            if journal:
                journal.write(outcome.journal_entry())
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if journal:
            unfinished = result.interrupted or any(
                o.status is Status.NOT_DONE for o in done.values()) or len(done) < len(plans)
            journal.write({"type": "end", "complete": not unfinished})
            journal.close()
        if progress:
            progress.finish()
    result.outcomes = [done.get((p.record.sheet, p.record.row))
                       or RowOutcome(p.record, Status.NOT_DONE, p.name or None,
                                     message="not started") for p in plans]
    result.seconds = clock() - started
    result.requests = dict(client.transport.counts)
    result.retries = dict(client.retries)
    return result


def _new_ids(plan: RowPlan) -> list[tuple[str, int, str]]:
    """(sheet, row, id) of every resource ``plan`` creates: its resource steps', and the
    ids of the resources embedded in its ``package_create``."""
    out = [(s.record.sheet, s.record.row, s.new_id) for s in plan.resources
           if s.action is Action.CREATE and s.new_id]
    if plan.action is Action.CREATE:
        out += [(r.sheet, r.row, str(body["id"])) for r, body in
                zip(plan.record.resources, plan.body.get("resources", []), strict=True)]
    return out


def _stale_index_notice(result: ImportResult, gone: list[dict[str, Any]]) -> None:
    names = sorted(str(g.get("name")) for g in gone)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    result.notices.append(
        f"The site's search index lists {len(names)} record(s) its database does not have "
        f"({shown}); those rows were planned afresh, as new records. The site's search "
        "index is out of date: ask its admin to rebuild it (ckan search-index rebuild).")


def _validate_new_creates(plans: list[RowPlan], names: set[str],
                          layout: Layout) -> list[Problem]:
    """Rows checked as updates of a record that turned out not to exist are now creates:
    check them as creates (every required field), and hold back those that fail."""
    creates = [p for p in plans if p.action is Action.CREATE and p.record.name in names]
    problems = validate([p.record for p in creates], layout, mode="create")
    for plan in creates:
        own = [p for p in problems if (p.sheet, p.row) == (plan.record.sheet, plan.record.row)
               and p.severity is Severity.ERROR]
        if own:
            plan.action, plan.problems = Action.INVALID, own
            plan.reason = (f"{len(own)} problem(s) in this row as a new record (the site's "
                           "search index listed it, its database does not have it)")
    return [p for p in problems if p.severity is Severity.ERROR]


def _title_key(title: Any) -> str:
    return " ".join(str(title).split()).casefold()


def _warn_renames(client: Client, plans: Sequence[RowPlan], result: ImportResult,
                  chunk: int = 50, workers: int = 3) -> None:
    """A create whose title is already a record's in the same organization is most
    likely a rename by ``name`` (no ``id`` column): without the id the import cannot
    know, and would create a second record (or fail on the title). Warn at the name
    cell and say how to rename (item 11). One search per ``chunk`` creates, asked in
    parallel (one after another they held the first create back by seconds)."""
    creates = [p for p in plans if p.action is Action.CREATE
               and isinstance(p.body.get("title"), str) and p.body["title"].strip()]
    if not creates:
        return
    found: dict[tuple[str, str], dict[str, Any]] = {}
    titles = sorted({p.body["title"].strip() for p in creates})
    for stored in search_records(client.call, [("title", titles)], chunk=chunk,
                              workers=workers, rows_per=5, exact=False):
        key = (_title_key(stored.get("title", "")), str(stored.get("owner_org")))
        found.setdefault(key, stored)
    for plan in creates:
        pkg = found.get((_title_key(plan.body["title"]), str(plan.body.get("owner_org"))))
        if pkg is None:
            continue
        msg = (f"A record titled {pkg.get('title')!r} already exists in this organization "
               f"(URL name {pkg.get('name')!r}, id {pkg.get('id')}). If this row renames it, "
               "put that id in an 'id' column (an exported workbook has one): the import "
               "then updates it, URL name included. Otherwise give this record its own "
               "title (titles must be unique).")
        cell = plan.record.locate("name") or plan.record.locate("title")
        problem = (cell.problem("looks-like-rename", msg, "name", Severity.WARNING) if cell
                   else plan.record.row_problem("looks-like-rename", msg, "name",
                                                Severity.WARNING))
        plan.problems.append(problem)
        result.problems.append(problem)
        result.notices.append(f"{problem.sheet}!{problem.cell or problem.row}: {msg}")


def _stray_errors(records: Sequence[DatasetRecord],
                  problems: Sequence[Problem]) -> list[Problem]:
    """Errors on rows that belong to no dataset row (a resource row whose dataset is not
    on the sheet, ...): they block the import like any other error (issue 16 item 1)."""
    rows = {(r.sheet, r.row) for r in records}
    rows.update((res.sheet, res.row) for r in records for res in r.resources)
    return [p for p in problems if p.severity is Severity.ERROR and p.row is not None
            and (p.sheet, p.row) not in rows]


def _row_bad(record: DatasetRecord, bad_rows: set[tuple[str | None, int | None]]) -> bool:
    if (record.sheet, record.row) in bad_rows:
        return True
    return any((r.sheet, r.row) in bad_rows for r in record.resources)


def _without_rows(problems: Sequence[Problem], left_out: Sequence[DatasetRecord]
                  ) -> list[Problem]:
    """``problems`` less those of rows left out of the selection (and their resources)."""
    rows = {(rec.sheet, rec.row) for rec in left_out}
    rows |= {(res.sheet, res.row) for rec in left_out for res in rec.resources}
    return [p for p in problems if (p.sheet, p.row) not in rows]


def _unsent(plan: RowPlan, dry_run: bool, blocked: bool) -> RowOutcome:
    if plan.action in (Action.UNCHANGED, Action.SKIP, Action.INVALID, Action.NOT_SELECTED):
        return static_outcome(plan)
    if dry_run:
        status = Status.WOULD_CREATE if plan.action is Action.CREATE else Status.WOULD_UPDATE
        return RowOutcome(plan.record, status, plan.name or None, plan.existing_id,
                          changes=list(plan.changes), message="dry run: nothing sent",
                          problems=list(plan.problems))
    return RowOutcome(plan.record, Status.SKIPPED, plan.name or None, plan.existing_id,
                      changes=list(plan.changes),
                      message="not sent: other rows have errors (fix them, or use "
                              "--skip-invalid to send only the valid rows)")


def _confirmed(outcome: RowOutcome, state: JournalState | None) -> RowOutcome:
    """An unchanged row an earlier run created or updated keeps that status; so does a
    row whose create an earlier run sent (its create-intent line) without recording it."""
    if state is None or outcome.status is not Status.UNCHANGED:
        return outcome
    key = (outcome.record.sheet, outcome.record.row)
    earlier = state.done(*key)
    if earlier and earlier.get("status") in ("created", "updated"):
        outcome.status = Status(earlier["status"])
        outcome.confirmed = True
        outcome.message = f"{earlier['status']} by an earlier run; confirmed on the site"
    elif key not in state.rows and state.intents.get(key) == outcome.name:
        # the earlier run sent the create and was stopped before recording its outcome:
        # the record is on the site with this row's values, so this row created it
        outcome.status, outcome.confirmed = Status.CREATED, True
        outcome.message = ("created by an earlier run that stopped before recording it; "
                           "confirmed on the site")
    return outcome


def _earlier_ids(path: Path | None, sha: str | None, site: str) -> dict[tuple[str, int], str]:
    """The resource ids the run being resumed chose (none when :func:`_open_journal`
    will start afresh: another workbook or site, or the last run finished)."""
    if path is None:
        return {}
    state = read_journal(path)
    if (state.workbook_sha256 and state.workbook_sha256 != sha) or \
            (state.site and state.site != site) or state.complete:
        return {}
    return state.resource_ids


def _open_journal(path: Path | None, sha: str | None, site: str,
                  result: ImportResult) -> tuple[Journal | None, JournalState | None]:
    if path is None:
        return None, None
    state = read_journal(path)
    fresh = False
    if state.workbook_sha256 and state.workbook_sha256 != sha:
        result.notices.append(
            f"The workbook changed since the journal {path.name} was written; it was set "
            "aside (.prev) and every row was planned afresh against the site.")
        fresh, state = True, JournalState()
    elif state.site and state.site != site:
        result.notices.append(f"The journal {path.name} was for {state.site}; started afresh.")
        fresh, state = True, JournalState()
    elif state.complete:
        fresh, state = True, JournalState()
    elif state.rows or state.intents:
        result.resumed = True
        result.notices.append(f"Resuming from {path.name}: rows already done are confirmed "
                              "on the site, not sent again.")
    journal = Journal(path)
    try:
        journal.open({"workbook_sha256": sha, "site": site,
                      "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      PRE_IMAGES_KEY: PRE_IMAGES_VERSION}, fresh)
    except OSError as err:
        raise WorkbookError(f"cannot write the journal {path}: {err.strerror}") from None
    return journal, state


def summary_rows(result: ImportResult) -> list[tuple[str, int]]:
    order = [s.value for s in Status]
    counts = result.counts
    return [(s, counts[s]) for s in order if counts.get(s)]


def outcome_dict(result: ImportResult, outcome: RowOutcome) -> dict[str, Any]:
    return {
        "sheet": outcome.record.sheet, "row": outcome.record.row, "name": outcome.name,
        "status": str(outcome.status), "id": outcome.record_id, "url": result.url_of(outcome),
        "changed": [c.to_dict() for c in outcome.changes], "message": outcome.message,
        "confirmed": outcome.confirmed,
        "problems": [p.to_dict() for p in outcome.problems],
    }


def console_summary(result: ImportResult, out: TextIO) -> None:
    """The summary table printed after the run."""
    title = "Import plan (dry run, nothing sent)" if result.dry_run else "Import finished"
    if result.interrupted:
        title = "Import stopped (Ctrl-C)"
    n = len(result.outcomes)
    write_run_summary(out, f"{title}: {n} dataset row{'s' if n != 1 else ''} "
                           f"({result.rows_checked} rows checked, resource rows included), "
                           f"{result.site_url}", summary_rows(result), result.notices)


# -- the whole run: site checks, workbook check, import ---------------------------------


@dataclass
class Connection:
    """The site as the import sees it: the retrying client for the work, and a
    :class:`Site` (ckanapi) for the read-only look-ups shared with ``check``."""

    client: Client
    site: Site


def connect(url: str, token: str, timeout: float, workers: int,
            max_rate: float | None) -> Connection:
    """Open the keep-alive session (pool sized to the workers) and the rate limiter."""
    transport = Transport(url, token, timeout=timeout, pool_size=max(4, workers + 2))
    limiter = RateLimiter(max_rate) if max_rate else None
    return Connection(Client(transport, limiter=limiter),
                      Site(url, token, timeout=timeout))


def preflight(conn: Connection, dataset_type: str | None = None, *,
              made_for: str | None = None, publish: bool = False) -> Layout:
    """Refuse early, with one line, a site that is not CKAN or has no scheming schema, or
    ``publish`` where the schema has no publication state; return the layout of the
    site's own schema for the resolved dataset type (``dataset_type``, else ``made_for``,
    the workbook's, else the site's)."""
    try:
        status = conn.client.call("status_show", {}, attempts=2)
    except (NotFound, ActionFailed):
        raise SiteError(f"{conn.client.url} is not a CKAN site (no status_show)") from None
    if not isinstance(status, dict) or "ckan_version" not in status:
        raise SiteError(f"{conn.client.url} is not a CKAN site")
    url = conn.client.url
    wanted = resolve_dataset_type(conn.site, url, given=dataset_type, workbook=made_for)
    layout = build_layout(load_from_site(conn.site, wanted, url), include_ids=True)
    if publish:
        refuse_publish(layout, url)
    return layout


def refuse_publish(layout: Layout, url: str) -> None:
    """``--publish`` needs a publication-state field the profile knows (the BC Data
    Catalogue's ``publish_state``); elsewhere it would silently do nothing, so it stops
    the run before anything is sent."""
    state = layout.profile.state_field
    if state and layout.profile.publish_request_state and layout.schema.has_dataset_field(
            state):
        return
    raise SchemaError(
        f"--publish moves records to a publication state, but the "
        f"{layout.schema.dataset_type!r} schema of {url} has no such field (only the BC "
        "Data Catalogue's bcdc_dataset schema has one: publish_state); run without --publish")


class ImportResolver(SiteResolver):
    """The check's site resolver, except that an organization the token may not write to
    still resolves to its id: such rows are then refused per row ("this token may not
    create records in ...") instead of blocking the whole workbook as a check error."""

    def organization(self, text: str) -> str | None:
        found = super().organization(text)
        if found is not None:
            return found
        self.unknown_organization(text)  # looks it up once, cached
        org = self._shown.get(text)
        return str(org["id"]) if isinstance(org, dict) and org.get("id") else None


def check_for_import(path: Path, conn: Connection, base: Layout,
                     existing: Existing | None = None,
                     workers: int = 3,
                     mapping: ColumnMapping | None = None,
                     edits: Sequence[Edit] = ()) -> tuple[CheckResult, Existing]:
    """The checks of ``check``, with each row validated as what it will be: a create
    (every required field) or an update of the record found by id or name (only what the
    row gives)."""
    read = apply_edits(read_workbook(path, base, mapping), edits)
    if not read.datasets:
        raise WorkbookError(f"{path.name}: the datasets sheet has no rows: nothing to import")
    mapped = map_rows(read, read.layout, ImportResolver(conn.site))
    orgs = writable_orgs(conn.client)
    found = existing or fetch_existing(
        conn.client, mapped.records, is_not_found=_hidden,
        search_complete=lambda r: str(r.package.get("owner_org")) in orgs, workers=workers)

    def exists(rec: DatasetRecord) -> bool:
        rid = rec.package.get("id")
        return str(rid) in found.by_id if rid else (rec.name or "") in found.by_name

    creates = [r for r in mapped.records if not exists(r)]
    updates = [r for r in mapped.records if exists(r)]
    problems = [*read.problems, *mapped.problems,
                *validate(creates, read.layout, mode="create"),
                *validate(updates, read.layout, mode="update"),
                *validate_resources(mapped.orphans, read.layout, mode="check"),
                *cross_row(mapped.records)]
    unique: dict[tuple[Any, ...], Problem] = {}
    for p in problems:
        unique.setdefault((p.code, p.sheet, p.row, p.column, p.field), p)
    problems = sorted(explain_merged(list(unique.values()), read.merged), key=sort_key)
    errors = count_errors(problems)
    bad = {(p.sheet, p.row) for p in problems if p.severity is Severity.ERROR}
    checked = CheckResult(path=path, records=mapped.records, problems=problems, read=read,
                          rows_checked=len(read.datasets) + len(read.resources),
                          rows_with_errors=len(bad), errors=errors,
                          warnings=len(problems) - errors)
    return checked, found


def run_import(
    path: Path,
    conn: Connection,
    options: ImportOptions,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ImportResult:
    """Check ``path`` against the site as ``check --url`` does, then import it."""
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    base = preflight(conn, options.dataset_type, publish=options.publish,
                     made_for=None if options.dataset_type else workbook_type(path))
    mapping = load_mapping(options.columns, base) if options.columns else None
    sha = file_sha256(path)
    edits = load_edits(options.edits)
    checked, existing = check_for_import(path, conn, base, workers=options.workers,
                                         mapping=mapping, edits=edits)
    if file_sha256(path) != sha:
        raise WorkbookError(f"{path.name} changed while it was being checked; save and "
                            "close it, then run the command again")
    read = checked.read
    if options.rows is not None:  # every sheet named, every row a dataset row
        options = replace(options, rows=resolve_rows(options.rows, read))
    columns = {info.name: {c.path: (info.letters[i], info.headers[i])
                           for i, c in enumerate(info.columns) if c is not None}
               for info in read.sheets.values()}
    file_problems = [p for p in checked.problems if p.row is None
                     and p.severity is Severity.ERROR]
    if file_problems:
        result = ImportResult(conn.client.url, [], problems=checked.problems, blocked=True,
                              workbook_sha256=sha, header_rows=dict(read.header_row),
                              rows_read=checked.rows_checked)
        result.notices.append(f"Nothing was sent: {file_problems[0].message}")
        _name_mapping(result, mapping, edits)
        return result
    result = import_records(checked.records, conn.client, read.layout, options,
                            problems=checked.problems, workbook_sha256=sha,
                            progress=progress, clock=clock, columns=columns,
                            existing=existing)
    result.header_rows = dict(read.header_row)
    result.rows_read = checked.rows_checked
    _name_mapping(result, mapping, edits)
    return result


def _name_mapping(result: ImportResult, mapping: ColumnMapping | None,
                  edits: Sequence[Edit] = ()) -> None:
    """The results report says which column mapping the rows were read with, and lists
    every cell edited in the web app."""
    if mapping is not None:
        result.notices.append(f"Column mapping applied: {mapping.describe()}")
    result.notices.extend(f"Edited in the browser: {line}" for line in edit_lines(edits))
