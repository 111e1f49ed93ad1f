"""The bounded pool both ``import`` and ``undo`` run their rows on.

Each job is one row, carried out by ``work`` in one worker thread; ``sink`` receives each
outcome in the calling thread as it happens. One failing row never stops the others: an
unexpected exception becomes that row's outcome (``failed(job, err)``). A rejected token
(:class:`AuthError`) sets the stop flag, the rows not finished become ``not_done`` and the
error is raised after the pool drained. Ctrl-C: the stop flag is set, queued jobs are
cancelled, jobs in flight finish their current request, every row not finished gets its
``not_done`` outcome, and :class:`KeyboardInterrupt` is re-raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

from importer.errors import AuthError

J = TypeVar("J")
R = TypeVar("R")


class Pool(Generic[J, R]):
    """Run ``work`` over jobs with at most ``workers`` threads (see the module doc)."""

    def __init__(self, work: Callable[[J], R], *, workers: int, stop: threading.Event,
                 not_done: Callable[[J, str], R], failed: Callable[[J, Exception], R],
                 name: str = "pool"):
        self.work, self.workers, self.stop = work, max(1, workers), stop
        self.not_done, self.failed, self.name = not_done, failed, name

    def run(self, jobs: Sequence[J], sink: Callable[[R], None]) -> dict[int, R]:
        """Outcomes by job index, every job having one (see the module doc)."""
        outcomes: dict[int, R] = {}
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=self.name)
        futures: dict[Future[R], int] = {pool.submit(self.work, j): i
                                         for i, j in enumerate(jobs)}
        pending = set(futures)
        auth_error: AuthError | None = None
        try:
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for fut in done:
                    if fut.cancelled():
                        continue
                    job = jobs[futures[fut]]
                    try:
                        outcome = fut.result()
                    except AuthError as err:
                        auth_error = auth_error or err
                        self.stop.set()
                        outcome = self.not_done(job, str(err))
                    except Exception as err:  # a bug must cost one row, not the run
                        outcome = self.failed(job, err)
                    outcomes[futures[fut]] = outcome
                    sink(outcome)
        except KeyboardInterrupt:
            self.stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            self._collect(futures, jobs, outcomes, sink)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        self._collect(futures, jobs, outcomes, sink)
        if auth_error is not None:
            raise auth_error
        return outcomes

    def _collect(self, futures: dict[Future[R], int], jobs: Sequence[J],
                 outcomes: dict[int, R], sink: Callable[[R], None]) -> None:
        for fut, i in futures.items():
            if i in outcomes:
                continue
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                outcome = fut.result()
            else:
                outcome = self.not_done(jobs[i], "stopped before this row was sent")
            outcomes[i] = outcome
            sink(outcome)
