"""Retry policy and lost-answer handling, with a scripted fake transport."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from importer.errors import AuthError, SiteError
from importer.publish.transport import (
    Answer,
    Client,
    RateLimiter,
    RetryPolicy,
    Transport,
    TransportFailure,
)
from importer.site import NotAuthorized, NotFound, ValidationFailed

OK = Answer(200, {}, {"success": True, "result": {"id": "new"}})


def err(status: int, kind: str, **fields: Any) -> Answer:
    return Answer(status, {}, {"success": False, "error": {"__type": kind, **fields}})


class FakeTransport(Transport):
    def __init__(self, script: list[Answer | str], token: str | None = "secret-token"):
        super().__init__("http://ckan.test", token)
        self.script = list(script)
        self.sent: list[str] = []

    def post(self, action: str, data: dict[str, Any]) -> Answer:
        self.counts[action] += 1
        self.sent.append(action)
        step = self.script.pop(0)
        if isinstance(step, str):
            raise TransportFailure(step)
        return step


def client(script: list[Answer | str], **kw: Any) -> tuple[Client, list[float]]:
    waits: list[float] = []
    c = Client(FakeTransport(script, **kw), policy=RetryPolicy(attempts=4, base=1, cap=8),
               sleep=waits.append, rng=random.Random(1))
    return c, waits


@pytest.mark.parametrize("failure", [
    Answer(502, {}, None), Answer(503, {}, None), Answer(504, {}, None),
    Answer(500, {}, None), "timeout", "connection dropped",
])
def test_retries_then_succeeds(failure: Answer | str) -> None:
    c, waits = client([failure, failure, OK])
    assert c.call("package_show", {"id": "x"}) == {"id": "new"}
    assert len(waits) == 2
    assert 0 <= waits[0] <= 1 and 0 <= waits[1] <= 2  # full jitter, doubling cap


def test_retry_after_is_a_floor() -> None:
    c, waits = client([Answer(429, {"Retry-After": "7"}, None), OK])
    c.call("package_show", {})
    assert waits == [7.0]


def test_gives_up_after_attempts() -> None:
    c, waits = client(["timeout"] * 4)
    with pytest.raises(SiteError, match=r"after 4 attempts \(last: timeout\)"):
        c.call("package_show", {})
    assert len(waits) == 3


@pytest.mark.parametrize(("answer", "exc"), [
    (err(404, "Not Found Error", message="Not found"), NotFound),
    (err(409, "Validation Error", name=["That URL is already in use."]), ValidationFailed),
    (err(403, "Authorization Error", message="User not authorized"), NotAuthorized),
])
def test_errors_are_not_retried(answer: Answer, exc: type[Exception]) -> None:
    c, waits = client([answer])
    with pytest.raises(exc):
        c.call("package_create", {})
    assert waits == []


def test_bad_token_message_has_no_token() -> None:
    c, _ = client([err(403, "Authorization Error", message="Invalid API token")])
    with pytest.raises(AuthError) as info:
        c.call("package_show", {})
    assert "secret-token" not in str(info.value)


def test_lost_create_is_looked_up_before_retry() -> None:
    """The answer to a create is lost; the record exists: no second create is sent."""
    c, waits = client(["timeout"])
    looked: list[int] = []

    def lost_check() -> Any:
        looked.append(1)
        return {"id": "found"}

    assert c.call("package_create", {}, lost_check=lost_check) == {"id": "found"}
    assert c.transport.counts["package_create"] == 1 and looked == [1] and waits == []


def test_lost_create_not_there_is_retried() -> None:
    c, _ = client([Answer(502, {}, None), OK])
    assert c.call("package_create", {}, lost_check=lambda: None) == {"id": "new"}
    assert c.transport.counts["package_create"] == 2


def test_429_is_not_a_lost_answer() -> None:
    c, _ = client([Answer(429, {}, None), OK])
    calls: list[int] = []
    c.call("package_create", {}, lost_check=lambda: calls.append(1))
    assert calls == []


def test_url_in_use_after_lost_answer_counts_as_created() -> None:
    c, _ = client(["connection dropped", err(409, "Validation Error",
                                              name=["That URL is already in use."])])
    results = iter([None, {"id": "ours"}])  # not visible yet, then found
    assert c.call("package_create", {}, lost_check=lambda: next(results)) == {"id": "ours"}


def test_stop_flag_prevents_new_requests() -> None:
    c, _ = client([OK])
    c.stop.set()
    from importer.publish.transport import Stopped
    with pytest.raises(Stopped):
        c.call("package_show", {})
    assert c.transport.counts["package_show"] == 0


def test_rate_limiter_token_bucket() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(round(s, 3))
        now[0] += s

    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    limiter = RateLimiter(2.0, burst=1, clock=clock, sleep=sleep)
    for _ in range(3):
        limiter.acquire()
    assert slept == [0.5, 0.5]


def test_transport_repr_hides_token() -> None:
    t = Transport("https://ckan.test", "secret-token")
    assert "secret-token" not in repr(t)
