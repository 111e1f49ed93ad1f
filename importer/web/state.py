"""What the views work with, passed in through the app (never a module global)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, session

from importer.web.checkstate import CheckStates
from importer.web.jobs import CANCELLED, INTERRUPTED, Job, JobStore, owner_key
from importer.web.settings import Settings

STATE_KEY = "bcdc_importer"
#: how often old jobs are looked for (seconds)
SWEEP_EVERY = 60.0


def session_identity() -> str:
    """This browser's identity: a random id in the signed session cookie."""
    sid = session.get("sid")
    if not isinstance(sid, str):
        sid = secrets.token_urlsafe(32)
        session["sid"] = sid
        session.permanent = True
    return owner_key(sid)


@dataclass
class WebState:
    """Settings, the jobs folder, the runner and the identity function of one app."""

    settings: Settings
    store: JobStore
    runner: Any
    identity: Callable[[], str]
    #: each check job's state, for re-checking the row of a cell edit
    checks: CheckStates = field(default_factory=CheckStates)
    _swept: float = field(default=0.0)

    def after_restart(self) -> None:
        """Jobs the last server left running are interrupted; checks (no token needed)
        run again, imports wait for their editor's token to resume from the journal.
        With RQ, workers outlive the server, so their jobs are left alone."""
        if self.settings.redis_url:
            return
        for job in self.store.mark_interrupted():
            if job.kind == "check":
                self.submit(job, None)

    def submit(self, job: Job, token: str | None) -> None:
        self.runner.submit(job.id, token)

    def sweep(self) -> None:
        now = time.time()
        if now - self._swept > SWEEP_EVERY:
            self._swept = now
            self.store.remove_older_than(self.settings.keep_hours * 3600, now)

    def token(self, given: str | None) -> str | None:
        """The editor's token if given, else the server's own (or none)."""
        given = (given or "").strip()
        return given or self.settings.site_token


def state() -> WebState:
    found: WebState = current_app.extensions[STATE_KEY]
    return found


def resumable(job: Job) -> bool:
    """An import stopped by Cancel or by a server restart: running it again with its own
    journal confirms the rows already done and sends the rest."""
    return job.kind == "import" and job.state in (INTERRUPTED, CANCELLED)
