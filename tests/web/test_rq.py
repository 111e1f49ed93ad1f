"""RQ mode with an in-memory Redis (fakeredis) and RQ's own SimpleWorker: the job runs in
the same job folder, and the token is in Redis only under its short-lived key until the
worker takes it (then deleted); the RQ job itself holds no token."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import fakeredis
import pytest
from rq import Queue, SimpleWorker

from importer.web.jobs import JobStore
from importer.web.runners import QUEUE, TOKEN_KEY, TOKEN_TTL, RQRunner

ROOT = Path(__file__).resolve().parents[2]
SECRET = "rq-token-" + "x" * 30


@pytest.fixture(autouse=True)
def _signal_handlers() -> Iterator[None]:
    """RQ's worker installs its own SIGINT/SIGTERM handlers and leaves them: a later
    signal would then raise ``StopRequested`` in some other test. Put ours back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _redis_bytes(redis: fakeredis.FakeStrictRedis) -> bytes:
    out = b""
    for key in redis.keys("*"):
        kind = redis.type(key)
        if kind == b"string":
            out += redis.get(key) or b""
        elif kind == b"hash":
            out += b"".join(k + v for k, v in redis.hgetall(key).items())
        elif kind == b"list":
            out += b"".join(redis.lrange(key, 0, -1))
    return out


def _job(tmp_path: Path, kind: str,
         site_url: str = "http://127.0.0.1:9") -> tuple[JobStore, str]:
    store = JobStore(tmp_path / "jobs")
    job = store.create(kind, "owner", filename="datasets.xlsx", input_name="input.xlsx",
                       options={"site_url": site_url})
    (store.folder(job.id) / "input.xlsx").write_bytes((ROOT / "samples" /
                                                       "datasets.xlsx").read_bytes())
    return store, job.id


def test_the_token_waits_under_a_short_lived_key_and_is_deleted_on_pickup(
        tmp_path: Path) -> None:
    redis = fakeredis.FakeStrictRedis()
    store, job_id = _job(tmp_path, "plan")
    RQRunner(store, redis).submit(job_id, SECRET)
    key = TOKEN_KEY.format(job_id=job_id)
    assert redis.get(key) == SECRET.encode()
    assert 0 < redis.ttl(key) <= TOKEN_TTL
    assert _redis_bytes(redis).count(SECRET.encode()) == 1  # only under its own key
    SimpleWorker([Queue(QUEUE, connection=redis)], connection=redis).work(burst=True)
    assert redis.get(key) is None
    assert SECRET.encode() not in _redis_bytes(redis)
    job = store.load(job_id)
    assert job.state == "failed"  # it ran: nothing answers at the job's site
    assert job.message == ("cannot reach http://127.0.0.1:9 (connection refused, unknown "
                           "host or no answer to connect; 2 attempts)")


def test_a_check_job_runs_on_a_worker_in_the_same_folder(tmp_path: Path,
                                                          bc_fake: str) -> None:
    redis = fakeredis.FakeStrictRedis()
    store, job_id = _job(tmp_path, "check", bc_fake)
    RQRunner(store, redis).submit(job_id, None)
    SimpleWorker([Queue(QUEUE, connection=redis)], connection=redis).work(burst=True)
    job = store.load(job_id)
    assert (job.state, job.result["errors"]) == ("done", 0)
    assert (store.folder(job_id) / "report.json").is_file()


def test_an_expired_token_fails_the_job_with_a_message(tmp_path: Path) -> None:
    redis = fakeredis.FakeStrictRedis()
    store, job_id = _job(tmp_path, "plan")
    RQRunner(store, redis).submit(job_id, SECRET)
    redis.delete(TOKEN_KEY.format(job_id=job_id))  # as the expiry would
    SimpleWorker([Queue(QUEUE, connection=redis)], connection=redis).work(burst=True)
    job = store.load(job_id)
    assert (job.state, job.message) == (
        "failed", "The API token had expired before a worker took this job: start it "
                  "again (are `bcdc-import worker` processes running?)")

