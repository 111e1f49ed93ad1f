"""A fault-injecting HTTP proxy on 127.0.0.1, in front of a CKAN, for resilience tests.

At set rates, with a seeded RNG, each request to ``/api/3/action/...`` may be:

* ``drop``: the connection is closed before the request is forwarded (nothing happened);
* ``delay``: held for ``delay`` seconds (beyond the client's timeout), then forwarded, so
  the server commits after the client gave up;
* ``status``: answered 500 / 502 / 503 / 429 (``Retry-After: 1``) without forwarding;
* ``lose``: forwarded, the server commits, and the answer is thrown away (connection
  closed): the client cannot know whether its write happened.

``script`` makes faults certain where a test needs them: ``{"resource_create": ["lose",
"delay"]}`` gives the next two ``resource_create`` requests those faults (``None`` for
none), before the random draws take over; a test that asserts a fault happened must not
depend on a draw (0.9 ** 30 = 4 % of runs see no 10 % fault in 30 requests).

Stdlib only (``http.server`` threads + ``http.client``). ``stats`` counts what was done,
in all (``"delay"``) and per action (``"delay resource_create"``).
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

STATUS_FAULTS = (500, 502, 503, 429)


@dataclass
class Faults:
    drop: float = 0.0
    delay: float = 0.0
    status: float = 0.0
    lose: float = 0.0
    delay_seconds: float = 3.0
    seed: int = 1
    #: only these actions get faults (None = all).
    actions: frozenset[str] | None = None
    #: action -> the faults of its next requests, in order, before any random draw.
    script: dict[str, list[str | None]] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)


class FaultProxy:
    """``with FaultProxy(upstream, Faults(...)) as proxy: proxy.url``."""

    def __init__(self, upstream: str, faults: Faults):
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self.enabled = True
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                proxy.handle(self, "GET")

            def do_POST(self) -> None:
                proxy.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _draw(self, action: str) -> str | None:
        f = self.faults
        if not self.enabled or (f.actions is not None and action not in f.actions):
            return None
        with self._lock:
            if f.script.get(action):
                return f.script[action].pop(0)
            x = self._rng.random()
            for name, rate in (("drop", f.drop), ("delay", f.delay), ("status", f.status),
                               ("lose", f.lose)):
                if x < rate:
                    return name
                x -= rate
        return None

    def _status_code(self) -> int:
        with self._lock:
            return self._rng.choice(STATUS_FAULTS)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until no request is inside the proxy (held ones included), so that the
        next step of a test meets no late request of the previous one."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout):
                raise TimeoutError(f"{self._in_flight} requests still in the proxy")

    def handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        with self._lock:
            self._in_flight += 1
        try:
            self._handle(req, method)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        action = req.path.rsplit("/", 1)[-1].split("?")[0]
        fault = self._draw(action) if "/api/3/action/" in req.path else None
        stats = self.faults.stats
        stats["requests"] += 1
        if fault:
            stats[f"{fault} {action}"] += 1
        if fault == "drop":
            stats["drop"] += 1
            req.close_connection = True
            return
        if fault == "status":
            code = self._status_code()
            stats[f"status {code}"] += 1
            payload = b'{"success": false, "error": {"message": "injected"}}'
            req.send_response(code)
            if code == 429:
                req.send_header("Retry-After", "1")
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(payload)))
            req.end_headers()
            req.wfile.write(payload)
            return
        if fault == "delay":
            stats["delay"] += 1
            time.sleep(self.faults.delay_seconds)
        status, headers, data = self._forward(req, method, body)
        if fault == "lose":
            stats["lose"] += 1
            req.close_connection = True
            return
        if fault == "delay":
            req.close_connection = True
        try:
            req.send_response(status)
            for key, value in headers:
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    req.send_header(key, value)
            req.send_header("Content-Length", str(len(data)))
            req.end_headers()
            req.wfile.write(data)
        except OSError:
            req.close_connection = True

    def _forward(self, req: BaseHTTPRequestHandler, method: str,
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            headers = {k: v for k, v in req.headers.items()
                       if k.lower() not in ("host", "connection", "keep-alive")}
            conn.request(method, req.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()
