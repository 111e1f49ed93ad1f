"""The wire below the importer: one keep-alive session, status codes, retries.

:class:`importer.site.Site` (ckanapi) hides HTTP status codes and headers, and the batch
engine needs them: a 429 with ``Retry-After``, a 503, a 502 from a proxy that may or may
not have forwarded the request. :class:`Transport` POSTs to ``/api/3/action/<name>`` with
one pooled ``requests.Session`` and counts requests per action (tests assert "zero write
calls" through it). :class:`Client` adds the retry policy (exponential backoff with full
jitter, ``Retry-After`` honoured), an optional token-bucket rate limit, and the one rule
that makes writes safe to retry: before any retry of a write, ``lost_check`` asks the site
whether the write already happened.

The token is sent in the ``Authorization`` header only; no message built here contains it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from importer.errors import AuthError, SiteError
from importer.site import (
    FIRST_CONTACT_TIMEOUT,
    USER_AGENT,
    NotAuthorized,
    NotFound,
    ValidationFailed,
)

#: answers worth retrying: overloaded (429, 503), gateway trouble (502, 504), crash (500).
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: answers that prove the request was not processed (so no lost-write check is needed).
NOT_PROCESSED = frozenset({429, 503})
#: actions that change the site.
WRITE_ACTIONS = frozenset({
    "package_create", "package_patch", "package_update", "resource_create",
    "resource_patch", "resource_update", "package_delete", "resource_delete",
})


#: one attempt's wait before the site's first answer: the first contact (status_show, two
#: attempts) then fails within FIRST_CONTACT_TIMEOUT against a server that never answers.
FIRST_CONTACT_ATTEMPT = FIRST_CONTACT_TIMEOUT / 2

#: the request never reached the site (refused, unknown host, connect timeout).
CANNOT_CONNECT = "cannot connect"


class Stopped(Exception):
    """The run is stopping (Ctrl-C): no new request is started."""


class TransportFailure(Exception):
    """No HTTP answer: a timeout or a dropped connection. ``kind`` says which."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class Transport:
    """POSTs CKAN actions over one pooled keep-alive session and counts them."""

    def __init__(self, url: str, token: str | None, timeout: float = 30.0,
                 pool_size: int = 8, verify: bool = True):
        self.url = url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.verify = verify
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        #: the site has answered once; from then on ``timeout`` applies to every request
        self._answered = False

    def __repr__(self) -> str:
        return f"Transport({self.url!r})"

    @property
    def write_count(self) -> int:
        with self._lock:
            return sum(n for a, n in self.counts.items() if a in WRITE_ACTIONS)

    def post(self, action: str, data: dict[str, Any]) -> Answer:
        """One request, no retry. Raises :class:`TransportFailure` when no answer came."""
        with self._lock:
            self.counts[action] += 1
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = self._token
        # before the site's first answer, a short wait (a silent server is found out fast)
        timeout = self.timeout if self._answered else min(self.timeout, FIRST_CONTACT_ATTEMPT)
        try:
            resp = self.session.post(
                f"{self.url}/api/3/action/{action}", data=json.dumps(data), headers=headers,
                timeout=timeout, verify=self.verify,
            )
        except requests.ConnectTimeout:
            raise TransportFailure(CANNOT_CONNECT) from None
        except requests.Timeout:
            raise TransportFailure("timeout") from None
        except requests.ConnectionError as err:
            text = repr(err.args[0]) if err.args else ""
            if "NewConnectionError" in text or "NameResolution" in text:
                raise TransportFailure(CANNOT_CONNECT) from None
            raise TransportFailure("connection dropped") from None
        except requests.RequestException:
            raise TransportFailure("connection dropped") from None
        self._answered = True
        try:
            body = resp.json()
        except ValueError:
            body = None
        return Answer(resp.status_code, dict(resp.headers), body)

    def close(self) -> None:
        self.session.close()


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt ``n`` waits a uniform random time in
    ``[0, min(cap, base * 2**(n-1))]``; a ``Retry-After`` header is a floor."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 20.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None) -> float:
        wait = rng.uniform(0.0, min(self.cap, self.base * 2 ** (attempt - 1)))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


class RateLimiter:
    """A token bucket: at most ``rate`` requests per second on average, bursts of
    ``burst``. Thread-safe; ``acquire`` blocks until a token is free."""

    def __init__(self, rate: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._tokens = self.burst
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                wait = (1.0 - self._tokens) / self.rate
            self._sleep(wait)


@dataclass
class Client:
    """CKAN actions with retries, rate limit and the stop flag.

    ``call`` returns the action's ``result`` or raises: :class:`NotFound`,
    :class:`ValidationFailed`, :class:`NotAuthorized` (per-record, the row fails),
    :class:`AuthError` (bad token: the run stops), :class:`SiteError` (gave up after the
    last attempt), :class:`Stopped` (Ctrl-C: no new request).
    """

    transport: Transport
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    #: how many retries were made, by reason (for the report and tests).
    retries: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.transport.url

    def __call__(self, action: str, data: dict[str, Any]) -> Any:
        return self.call(action, data)

    def call(self, action: str, data: dict[str, Any],
             lost_check: Callable[[], Any] | None = None,
             attempts: int | None = None) -> Any:
        """Call ``action``; on a retryable failure of a write, ``lost_check()`` is asked
        first whether the write happened (its non-``None`` answer is returned as the
        result), so a retry never repeats a committed write."""
        maybe_done = False
        limit = attempts or self.policy.attempts
        for attempt in range(1, limit + 1):
            if self.stop.is_set():
                raise Stopped(action)
            if self.limiter:
                self.limiter.acquire()
            retry_after: float | None = None
            try:
                answer = self.transport.post(action, data)
            except TransportFailure as failure:
                reason = failure.kind
                maybe_done = maybe_done or failure.kind != CANNOT_CONNECT
            else:
                if answer.status == 200 and isinstance(answer.body, dict) \
                        and answer.body.get("success"):
                    return answer.body.get("result")
                if answer.status not in RETRY_STATUS:
                    err = self._failure(action, answer)
                    if maybe_done and lost_check and isinstance(err, ValidationFailed):
                        found = lost_check()
                        if found is not None:
                            return found
                    raise err
                reason = f"HTTP {answer.status}"
                retry_after = _retry_after(answer.headers)
                maybe_done = maybe_done or answer.status not in NOT_PROCESSED
            with self._lock:
                self.retries[reason] += 1
            if attempt == limit:
                break
            if maybe_done and lost_check is not None:
                found = lost_check()
                if found is not None:
                    return found
            self.sleep(self.policy.delay(attempt, self.rng, retry_after))
        if reason == CANNOT_CONNECT:
            raise SiteError(f"cannot reach {self.url} (connection refused, unknown host or "
                            f"no answer to connect; {limit} attempts)")
        raise SiteError(f"{self.url} did not complete {action} after "
                        f"{limit} attempts (last: {reason})")

    def _failure(self, action: str, answer: Answer) -> Exception:
        body = answer.body
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return SiteError(f"{self.url} answered {action} with HTTP {answer.status} "
                             "and no CKAN error (is this a CKAN API?)")
        kind = str(error.get("__type", ""))
        message = str(error.get("message") or "")
        if kind == "Not Found Error" or answer.status == 404:
            return NotFound(action, message or "not found")
        if kind == "Validation Error" or answer.status == 409:
            fields = {k: v for k, v in error.items() if k not in ("__type", "message")}
            summary = "; ".join(f"{k}: {v}" for k, v in fields.items())[:500]
            return ValidationFailed(action, summary or message or "validation error", fields)
        if kind == "Authorization Error" or answer.status == 403:
            if self.transport._token and "token" in message.lower():
                return AuthError(f"{self.url} rejected the API token (invalid or expired)")
            return NotAuthorized(action, message or "not authorized")
        return SiteError(f"{self.url} answered {action} with HTTP {answer.status}: "
                         f"{kind or 'error'} {message[:200]}".rstrip())


def _retry_after(headers: dict[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None
