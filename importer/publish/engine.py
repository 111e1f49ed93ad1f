"""The batch engine: carry out the plan with a bounded pool of workers.

Each row that writes is one job: create (resources embedded) or patch, then its resource
steps, then the optional publish transition, in that order, in one worker. Jobs run on a
bounded :class:`~concurrent.futures.ThreadPoolExecutor` sharing one :class:`Client` (one
keep-alive session). One failing row never stops the others: every failure becomes that
row's outcome. Only a rejected token stops the run (every later request would fail too).

Ctrl-C: the stop flag is set, queued jobs are cancelled, a job in flight finishes its
current request and then stops; rows not finished are ``not done`` and the caller writes
the report and says how to resume.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from importer.errors import AuthError, SiteError
from importer.problems import Problem
from importer.publish.errormap import ColumnIndex, map_error_dict
from importer.publish.plan import (
    Action,
    Change,
    ResourceStep,
    RowPlan,
    conflicts,
    replan_update,
    search_records,
)
from importer.publish.pool import Pool
from importer.publish.preimage import PreImage
from importer.publish.transport import Client, Stopped
from importer.records import DatasetRecord
from importer.schema import Layout
from importer.site import ActionFailed, NotAuthorized, NotFound, ValidationFailed


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"
    INVALID = "invalid"
    NOT_DONE = "not done"
    NOT_SELECTED = "not selected"
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"


@dataclass
class RowOutcome:
    """What happened to one dataset row."""

    record: DatasetRecord
    status: Status
    name: str | None = None
    record_id: str | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    message: str = ""
    #: the outcome comes from an earlier run's journal, confirmed by looking it up.
    confirmed: bool = False
    #: what the row's writes replaced, for ``undo`` (importer.publish.preimage).
    pre: PreImage | None = None

    @property
    def status_text(self) -> str:
        """The status as the report shows it: ``created (confirmed)`` for a row an
        earlier run created, found on the site with this row's values."""
        return f"{self.status} (confirmed)" if self.confirmed else str(self.status)

    @property
    def key(self) -> tuple[str, int]:
        return (self.record.sheet, self.record.row)

    def journal_entry(self) -> dict[str, Any]:
        return {
            "type": "row", "sheet": self.record.sheet, "row": self.record.row,
            "name": self.name, "id": self.record_id, "status": str(self.status),
            "changed": [c.path for c in self.changes], "message": self.message,
            **(self.pre.journal_keys() if self.pre else {}),
        }


OutcomeSink = Callable[[RowOutcome], None]
#: CKAN's answer to a create whose name another record has (two runs creating at once).
NAME_TAKEN = "That URL is already in use"
#: a create CKAN answered, whose record another run's create of the same name then saved
#: over (Engine.recheck_created).
REPLACED = ("created at the same time by another run, whose create replaced this "
            "row's on the site")


def static_outcome(plan: RowPlan) -> RowOutcome:
    """The outcome of a row that sends nothing (unchanged, skip, invalid)."""
    status = {Action.UNCHANGED: Status.UNCHANGED, Action.SKIP: Status.SKIPPED,
              Action.INVALID: Status.INVALID,
              Action.NOT_SELECTED: Status.NOT_SELECTED}[plan.action]
    return RowOutcome(plan.record, status, name=plan.name or None,
                      record_id=plan.existing_id, problems=list(plan.problems),
                      message=plan.reason)


@dataclass
class Engine:
    client: Client
    layout: Layout
    workers: int = 3
    columns: ColumnIndex | None = None
    #: called (and must be durable) just before a dataset create is sent: the journal's
    #: create-intent line, so a kill between the create and its outcome line is known.
    before_create: Callable[[RowPlan], None] | None = None
    #: the creates this run made, by row key: the plan (with the resource ids it chose)
    #: and the record's id, for :meth:`recheck_created`.
    created: dict[tuple[str, int], tuple[RowPlan, str]] = field(default_factory=dict)

    def run(self, plans: Sequence[RowPlan], sink: OutcomeSink) -> list[RowOutcome]:
        """Run every writing plan; ``sink`` receives each outcome as it happens (from
        the calling thread). Returns outcomes in plan order. On Ctrl-C, stops cleanly and
        re-raises :class:`KeyboardInterrupt` after the in-flight jobs finished."""
        jobs = [(i, p) for i, p in enumerate(plans) if p.writes]
        pool: Pool[RowPlan, RowOutcome] = Pool(
            self._job, workers=self.workers, stop=self.client.stop, not_done=self._not_done,
            failed=_unexpected, name="import")
        done = pool.run([p for _, p in jobs], sink)
        outcomes = {jobs[k][0]: outcome for k, outcome in done.items()}
        return [outcomes.get(i) or static_outcome(p) for i, p in enumerate(plans)]

    @staticmethod
    def _not_done(plan: RowPlan, why: str) -> RowOutcome:
        return RowOutcome(plan.record, Status.NOT_DONE, name=plan.name or None,
                          record_id=plan.existing_id, message=why)

    # -- one row -------------------------------------------------------------------------

    def _job(self, plan: RowPlan) -> RowOutcome:
        if self.client.stop.is_set():
            return self._not_done(plan, "stopped before this row was sent")
        done: list[str] = []
        pkg_id = plan.existing_id
        pre = PreImage()  # each write's pre-image, kept as soon as the write succeeded
        try:
            if plan.action is Action.CREATE:
                if self.before_create is not None:
                    self.before_create(plan)
                try:
                    pkg = self.client.call("package_create", plan.body,
                                           lost_check=lambda: self._find_ours(plan.body))
                except ValidationFailed as err:
                    raced = self._raced(plan, err)
                    if raced is None:
                        raise
                    return raced
                pkg_id = pre.created = str(pkg["id"])
                pre.wrote_record(pkg)
                self.created[(plan.record.sheet, plan.record.row)] = (plan, pkg_id)
                done.append("created")
            else:
                if plan.body:
                    pre.wrote_record(self.client.call("package_patch", plan.body))
                    pre.patched(plan.existing or {}, plan.body)
                    done.append("record patched")
                for step in plan.resources:
                    self._resource(step, str(pkg_id))
                    if step.action is not Action.UNCHANGED:
                        pre.resource_written(step, plan.existing)
                        done.append(f"resource {step.record.resource.get('name', '')!s} "
                                    f"{step.action}d")
            state_field = self.layout.profile.state_field
            if plan.publish_to and state_field:
                state_from = plan.body.get(state_field, (plan.existing or {}).get(
                    state_field, self.layout.profile.create_values.get(state_field)))
                pre.wrote_record(self.client.call("package_patch", {
                    "id": pkg_id, state_field: plan.publish_to}))
                pre.moved(state_from, plan.publish_to)
                done.append(f"moved to {plan.publish_to}")
        except Stopped:
            msg = "stopped before this row was finished"
            if done:
                msg += f" (done so far: {', '.join(done)})"
            return RowOutcome(plan.record, Status.NOT_DONE, plan.name, pkg_id,
                              message=msg, pre=pre)
        except ActionFailed as err:
            failed = self._failed(plan, pkg_id, err, done)
            failed.pre = pre
            return failed
        except AuthError:
            raise
        except SiteError as err:
            return RowOutcome(plan.record, Status.FAILED, plan.name, pkg_id,
                              message=_with_done(str(err), done),
                              problems=[plan.record.row_problem("site-error", str(err))],
                              pre=pre)
        status = Status.CREATED if plan.action is Action.CREATE else Status.UPDATED
        return RowOutcome(plan.record, status, plan.name, pkg_id, changes=list(plan.changes),
                          message=", ".join(done), pre=pre)

    def _raced(self, plan: RowPlan, err: ValidationFailed) -> RowOutcome | None:
        """A create answered "That URL is already in use": another run (or person)
        created the record since the plan was made. Look it up and compare: the same
        values are ``unchanged``; values this row sets that differ are a located
        conflict (nothing sent); otherwise only what this row adds (resources, the
        publish move) is sent as an update. ``None``: not a race (or the record cannot
        be seen), so the create's failure stands."""
        errors = err.error_dict
        # the name is taken, and nothing else is wrong but values already in use (the BC
        # schema also keeps titles unique). A create checked while the other run's create
        # was not yet committed can meet it at the title only ("That Title is already in
        # use"): a race too when the name now has a record.
        if not all("already in use" in str(m) for v in errors.values() for m in _as_list(v)):
            return None
        if not any(NAME_TAKEN in str(m) for m in _as_list(errors.get("name"))) and \
                "title" not in errors:
            return None
        try:
            stored = self.client.call("package_show", {"id": plan.body["name"]})
        except (NotFound, NotAuthorized):
            return None
        if not isinstance(stored, dict) or stored.get("name") != plan.body.get("name"):
            return None
        ours = [r["id"] for r in plan.body.get("resources") or [] if r.get("id")]
        if ours and ours[0] in {r.get("id") for r in stored.get("resources") or []}:
            # our own create, sent by the run this one resumes and committed late
            return RowOutcome(plan.record, Status.CREATED, plan.name, str(stored["id"]),
                              changes=list(plan.changes), confirmed=True,
                              message="created by an earlier run; confirmed on the site")
        return self._settle(plan, stored, "created at the same time by another run")

    def _settle(self, plan: RowPlan, stored: dict[str, Any], how: str) -> RowOutcome | None:
        """``plan``'s row against ``stored``, a record another run created under its
        name: ``unchanged`` when it holds the row's values, a located conflict when the
        values the row sets differ, otherwise only what the row adds is sent."""
        again = replan_update(plan.record, stored, self.layout,
                              publish=plan.publish_to is not None)
        if again.action is Action.INVALID:
            return None
        fields = conflicts(again)
        if fields:
            msg = (f"Another run created {plan.name} at the same time with other values "
                   f"in: {', '.join(fields)}. Nothing was sent for this row; compare the "
                   "record with the row, then run the import again.")
            cell = plan.record.locate(fields[0]) or plan.record.locate("name")
            problem = (cell.problem("create-conflict", msg, field=fields[0]) if cell
                       else plan.record.row_problem("create-conflict", msg))
            return RowOutcome(plan.record, Status.FAILED, plan.name, again.existing_id,
                              problems=[problem], message=msg)
        if again.action is Action.UNCHANGED:
            return RowOutcome(plan.record, Status.UNCHANGED, plan.name, again.existing_id,
                              message=f"{how}, with this row's values")
        outcome = self._job(again)
        outcome.message = f"{how}; {outcome.message}"
        return outcome

    def recheck_created(self) -> list[RowOutcome]:
        """After the run: the records this run created, looked up again. CKAN's
        ``package_create`` saves onto a record of the same name that was committed after
        its name check (``table_dict_save`` finds it by the unique name), so when two
        runs create one name at once, both can be answered "created" for one record; the
        later one's values and resources replace the earlier one's. A record that no
        longer holds any resource id this run chose was replaced by another run's create:
        that run counts it, and this row is settled against it like a race. Returns the
        outcomes that change (records without resources cannot be told apart:
        docs/reliability.md)."""
        jobs = [(plan, pkg_id) for plan, pkg_id in self.created.values()
                if _resource_ids(plan) and not self.client.stop.is_set()]
        # search first (a few requests for the whole run): a record the index shows
        # holding this run's resources was not replaced (a replacing create re-indexes
        # the record before it answers); the others are asked of the database, on the
        # run's pool. One package_show per create cost as much as the creates (bench).
        indexed = self._indexed_resources([pkg_id for _, pkg_id in jobs])
        doubtful = [(plan, pkg_id) for plan, pkg_id in jobs
                    if not _resource_ids(plan) & indexed.get(pkg_id, set())]
        pool: Pool[tuple[RowPlan, str], RowOutcome | None] = Pool(
            self._recheck, workers=self.workers, stop=self.client.stop,
            not_done=lambda job, why: None, failed=lambda job, err: None, name="recheck")
        done = pool.run(doubtful, lambda outcome: None)
        return [o for _, o in sorted(done.items()) if o is not None]

    def _indexed_resources(self, ids: list[str]) -> dict[str, set[Any]]:
        """Record id -> the resource ids the search index holds for it (``{}`` when the
        search fails: every record is then asked of the database)."""
        if not ids:
            return {}
        try:
            found = search_records(self.client.call, [("id", ids)], workers=self.workers)
        except (ActionFailed, SiteError, Stopped):
            return {}
        return {str(p.get("id")): {r.get("id") for r in p.get("resources") or []}
                for p in found if isinstance(p, dict)}

    def _recheck(self, job: tuple[RowPlan, str]) -> RowOutcome | None:
        """One created record looked up again; its changed outcome, else ``None``."""
        plan, pkg_id = job
        ours = _resource_ids(plan)
        if self.client.stop.is_set():
            return None
        try:
            stored = self.client.call("package_show", {"id": pkg_id})
        except (ActionFailed, SiteError, Stopped):
            return None  # cannot tell: the create's own answer stands
        if not isinstance(stored, dict) or ours & {
                r.get("id") for r in stored.get("resources") or []}:
            return None
        try:
            return self._settle(plan, stored, REPLACED)
        except (ActionFailed, SiteError, Stopped):
            return None

    def _resource(self, step: ResourceStep, pkg_id: str) -> None:
        try:
            if step.action is Action.CREATE:
                body = {"package_id": pkg_id, **step.body}
                name = step.body.get("name")
                check: Callable[[], dict[str, Any] | None] | None = None
                if step.new_id:
                    rid = body["id"] = step.new_id
                    check = lambda: self._resource_by_id(pkg_id, rid)  # noqa: E731
                elif name:
                    check = lambda: self._find_resource(pkg_id, str(name))  # noqa: E731
                self.client.call("resource_create", body, lost_check=check)
            elif step.action is Action.UPDATE:
                self.client.call("resource_patch", {"id": step.resource_id, **step.body})
        except ActionFailed as err:
            err.resource_step = step  # type: ignore[attr-defined]
            raise

    def _find_ours(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """After a lost answer: the record by name, if it is the one we sent (it holds
        the resource ids we chose; without resources: same title and organization);
        ``None`` when absent or someone else's (then "URL already in use" is a race)."""
        try:
            pkg = self.client.call("package_show", {"id": body["name"]})
        except NotFound:
            return None
        if not isinstance(pkg, dict):
            return None
        ours = [r["id"] for r in body.get("resources") or [] if r.get("id")]
        if ours:  # the resource ids we chose tell our create from another run's
            found = {r.get("id") for r in pkg.get("resources") or []}
            return pkg if ours[0] in found else None
        org = pkg.get("owner_org")
        org_name = (pkg.get("organization") or {}).get("name")
        if pkg.get("title") == body.get("title") and body.get("owner_org") in (org, org_name):
            return pkg
        return None

    def _resource_by_id(self, pkg_id: str, rid: str) -> dict[str, Any] | None:
        """After a lost answer: the resource under the id we chose, if it exists (in our
        package). A repeat of that create would only update it (CKAN keeps the client's
        id and saves by id), but asking first spares the second write."""
        try:
            res = self.client.call("resource_show", {"id": rid})
        except NotFound:
            return None
        if isinstance(res, dict) and res.get("package_id") == pkg_id:
            return res
        return None

    def _find_resource(self, pkg_id: str, name: str) -> dict[str, Any] | None:
        pkg = self.client.call("package_show", {"id": pkg_id})
        for res in pkg.get("resources") or []:
            if res.get("name") == name:
                return dict(res)
        return None

    def _failed(self, plan: RowPlan, pkg_id: str | None, err: ActionFailed,
                done: list[str]) -> RowOutcome:
        record = plan.record
        step: ResourceStep | None = getattr(err, "resource_step", None)
        if isinstance(err, ValidationFailed):
            problems = map_error_dict(err.error_dict, record,
                                      step.record if step else None, self.columns)
            message = "the catalogue rejected " + "; ".join(
                f"{p.field or 'the row'}: {p.message}" for p in problems)[:300]
        elif isinstance(err, NotAuthorized):
            org = plan.body.get("owner_org") or (plan.existing or {}).get("owner_org")
            verb = "create" if plan.action is Action.CREATE else "edit"
            message = (f"this API token may not {verb} "
                       f"records in organization {org} (ask an admin of that organization "
                       "to make you an editor)")
            problems = [record.row_problem("not-authorized", message, field="owner_org")]
        else:
            message = str(err)
            problems = [record.row_problem("site-error", message)]
        return RowOutcome(record, Status.FAILED, plan.name, pkg_id, problems=problems,
                          message=_with_done(message, done))


def _resource_ids(plan: RowPlan) -> set[Any]:
    """The resource ids a create chose (its record can be told from another run's by
    them; a create without resources cannot: docs/reliability.md)."""
    return {r["id"] for r in plan.body.get("resources") or [] if r.get("id")}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _unexpected(plan: RowPlan, err: Exception) -> RowOutcome:
    msg = f"unexpected error while sending this row: {type(err).__name__}"
    return RowOutcome(plan.record, Status.FAILED, plan.name or None, plan.existing_id,
                      message=msg, problems=[plan.record.row_problem("internal", msg)])


def _with_done(message: str, done: list[str]) -> str:
    return f"{message} (already done: {', '.join(done)})" if done else message

