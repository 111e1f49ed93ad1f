"""A tiny stand-in for a CKAN action API on 127.0.0.1, for the ``--url`` unit tests.

It answers ``POST /api/3/action/<name>`` from a table of canned results, the way CKAN wraps
them (``{"success": true, "result": ...}``); an action not in the table gets CKAN's 400
"Action name not known". ``mode`` makes it misbehave: ``html`` answers every request with
an HTML 404 page (a web server that is not CKAN).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[dict[str, Any]], Any]
#: (action, request body, Authorization header)
Call = tuple[str, dict[str, Any], str | None]


def _handler(actions: Mapping[str, Any], mode: str, calls: list[Call]):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: str, ctype: str = "application/json") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if mode == "html":
                self._send(404, "<html><body>Not Found</body></html>", "text/html")
                return
            action = self.path.rstrip("/").rsplit("/", 1)[-1]
            data = json.loads(raw or b"{}")
            calls.append((action, data, self.headers.get("Authorization")))
            if action not in actions:
                error = {"message": f"Bad request - Action name not known: {action}"}
                self._send(400, json.dumps({"success": False, "error": error}))
                return
            answer = actions[action]
            result = answer(data) if callable(answer) else answer
            if isinstance(result, tuple) and result[0] == "error":
                self._send(result[1], json.dumps({"success": False, "error": result[2]}))
                return
            self._send(200, json.dumps({"success": True, "result": result}))

        do_GET = do_POST

    return Handler


@contextmanager
def fake_ckan(
    actions: Mapping[str, Any], mode: str = "ckan"
) -> Iterator[tuple[str, list[Call]]]:
    """Serve ``actions`` on a free port; yields (base URL, list of calls received)."""
    calls: list[Call] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(actions, mode, calls))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", calls
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
