"""Jobs on disk: one folder per job under the jobs folder, named by its unguessable id.

A folder holds the uploaded input (``input.xlsx``/``input.csv``, never the user's file
name), ``job.json`` (kind, owner, state, progress: rewritten atomically), and what the job
wrote (reports, journal). The API token is never written here. Because the state is on
disk, a restarted server lists finished jobs, and any tab or worker process sees the same
progress.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: states a job can be in; ``interrupted`` = the server stopped while it ran.
QUEUED, RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED = (
    "queued", "running", "done", "failed", "cancelled", "interrupted")
ACTIVE = frozenset({QUEUED, RUNNING})
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STATUS_FILE = "job.json"
CANCEL_FILE = "cancel"


class NoSuchJob(KeyError):
    """No job with this id, or not this session's: the page answers 404 either way."""


def owner_key(session_id: str) -> str:
    """What a job folder keeps of its session: a hash, so the folder cannot be used to
    forge the session cookie."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Job:
    """A job's record, as stored in ``job.json``."""

    id: str
    kind: str
    owner: str
    state: str = QUEUED
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    #: the user's file name, for display only (the file is stored as ``input.<ext>``)
    filename: str = ""
    input_name: str = ""
    message: str = ""
    #: the job it was made from (the check job of an upload)
    parent: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


class JobStore:
    """The jobs folder. Every method takes ids from requests, so each id is checked
    against :data:`_ID` before it becomes a path.

    Job outputs in JSON (the grid of a 10,000-row check is ~14 MB) are kept parsed in a
    small memo (:data:`MEMO_SIZE` files, checked against the file's mtime), so the page
    after a check does not parse again what the job just wrote."""

    MEMO_SIZE = 8

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._memo: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._memo_lock = threading.Lock()

    def write_json(self, path: Path, data: Any, remember: bool = True) -> None:
        """Write ``data`` to ``path`` (atomically) and keep it parsed (unless not
        ``remember``: a file that is read only if something else is missing)."""
        partial = path.with_name(f".{path.name}.{threading.get_ident()}.partial")
        partial.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        os.replace(partial, path)
        if remember:
            self._remember(path, path.stat().st_mtime, data)

    def read_json(self, path: Path) -> Any:
        """``path`` parsed, from the memo while the file is unchanged."""
        mtime = path.stat().st_mtime
        with self._memo_lock:
            found = self._memo.get(str(path))
            if found is not None and found[0] == mtime:
                self._memo.move_to_end(str(path))
                return found[1]
        data = json.loads(path.read_text())
        self._remember(path, mtime, data)
        return data

    def _remember(self, path: Path, mtime: float, data: Any) -> None:
        with self._memo_lock:
            self._memo[str(path)] = (mtime, data)
            self._memo.move_to_end(str(path))
            while len(self._memo) > self.MEMO_SIZE:
                self._memo.popitem(last=False)

    def folder(self, job_id: str) -> Path:
        if not _ID.match(job_id):
            raise NoSuchJob(job_id)
        return self.root / job_id

    def create(self, kind: str, owner: str, **fields: Any) -> Job:
        job = Job(id=secrets.token_urlsafe(24), kind=kind, owner=owner, **fields)
        self.folder(job.id).mkdir(mode=0o700)
        self.save(job)
        return job

    def save(self, job: Job) -> None:
        job.updated = time.time()
        folder = self.folder(job.id)
        partial = folder / f".{STATUS_FILE}.{os.getpid()}.{threading.get_ident()}.partial"
        partial.write_text(json.dumps(asdict(job), ensure_ascii=False))
        os.replace(partial, folder / STATUS_FILE)

    def load(self, job_id: str) -> Job:
        """The job; :class:`NoSuchJob` when there is none (a bad id included)."""
        try:
            data = json.loads((self.folder(job_id) / STATUS_FILE).read_text())
        except (OSError, ValueError):
            raise NoSuchJob(job_id) from None
        return Job(**data)

    def owned(self, job_id: str, owner: str) -> Job:
        """The job if ``owner`` made it; :class:`NoSuchJob` otherwise (shown as 404)."""
        job = self.load(job_id)
        if not secrets.compare_digest(job.owner, owner):
            raise NoSuchJob(job_id)
        return job

    def update(self, job_id: str, **fields: Any) -> Job:
        job = self.load(job_id)
        for key, value in fields.items():
            setattr(job, key, value)
        self.save(job)
        return job

    def all(self) -> Iterator[Job]:
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and _ID.match(folder.name):
                try:
                    yield self.load(folder.name)
                except NoSuchJob:
                    continue

    def of_owner(self, owner: str) -> list[Job]:
        jobs = [j for j in self.all() if secrets.compare_digest(j.owner, owner)]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    def cancel_requested(self, job_id: str) -> bool:
        return (self.folder(job_id) / CANCEL_FILE).exists()

    def request_cancel(self, job_id: str) -> None:
        (self.folder(job_id) / CANCEL_FILE).touch()

    def mark_interrupted(self) -> list[Job]:
        """After a restart: jobs that were running or queued did not finish. Returns them."""
        found = []
        for job in self.all():
            if job.active:
                job.state = INTERRUPTED
                job.message = "The server stopped while this job ran."
                self.save(job)
                found.append(job)
        return found

    def remove_older_than(self, seconds: float, now: float | None = None) -> int:
        """Remove finished jobs last updated more than ``seconds`` ago; how many went."""
        limit = (now if now is not None else time.time()) - seconds
        gone = 0
        for job in list(self.all()):
            if not job.active and job.updated < limit:
                shutil.rmtree(self.folder(job.id), ignore_errors=True)
                gone += 1
        return gone
