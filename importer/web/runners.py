"""Where jobs run: a small in-process thread pool (the default), or RQ workers.

Both run :func:`importer.web.tasks.run_job` against the same job folders. The token is
handed over in memory by the thread pool. With RQ it must cross Redis: it is stored under
its own key with a short expiry (:data:`TOKEN_TTL` seconds) and deleted by the worker
the moment it takes the job (``GETDEL``), so it never sits in Redis beyond pickup, and
the RQ job itself (arguments, result) holds no token.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from importer.web.jobs import FAILED, JobStore
from importer.web.tasks import run_job

TOKEN_TTL = 120
TOKEN_KEY = "bcdc-import:token:{job_id}"
QUEUE = "bcdc-import"


class Runner(Protocol):
    def submit(self, job_id: str, token: str | None) -> None: ...


class ThreadRunner:
    """Jobs in a bounded pool of threads of the server process."""

    def __init__(self, store: JobStore, workers: int = 2):
        self.store = store
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="web-job")

    def submit(self, job_id: str, token: str | None) -> None:
        self.pool.submit(run_job, self.store, job_id, token)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class RQRunner:
    """Jobs on an RQ queue, run by ``bcdc-import worker --redis URL`` processes that see
    the same jobs folder."""

    def __init__(self, store: JobStore, connection: Any):
        from rq import Queue

        self.store = store
        self.connection = connection
        self.queue = Queue(QUEUE, connection=connection)

    def submit(self, job_id: str, token: str | None) -> None:
        if token:
            self.connection.set(TOKEN_KEY.format(job_id=job_id), token, ex=TOKEN_TTL)
        self.queue.enqueue(rq_job, str(self.store.root), job_id, bool(token),
                           job_id=f"bcdc-{job_id}", result_ttl=0, failure_ttl=3600)


def rq_job(jobs_dir: str, job_id: str, has_token: bool) -> None:
    """The RQ job: take (and delete) the token, then run the job as the pool would."""
    from rq.job import get_current_job

    store = JobStore(Path(jobs_dir))
    token: str | None = None
    if has_token:
        current = get_current_job()
        if current is None:  # not run by an RQ worker: nothing to take the token from
            raise RuntimeError("rq_job runs only inside an RQ worker")
        raw = current.connection.getdel(TOKEN_KEY.format(job_id=job_id))
        if raw is None:
            store.update(job_id, state=FAILED,
                         message="The API token had expired before a worker took this job: "
                                 "start it again (are `bcdc-import worker` processes running?)")
            return
        token = raw.decode() if isinstance(raw, bytes) else str(raw)
    run_job(store, job_id, token)


def redis_connection(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(url)
