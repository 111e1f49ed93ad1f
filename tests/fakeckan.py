"""One stand-in for a CKAN action API on 127.0.0.1, for tests that run the real CLI with
``--url`` (``Site``, ckanapi and requests all take part; no dev catalogue needed).

:func:`serve` is the HTTP plumbing, for any ``respond(action, body, authorization)``
(:func:`serve_handler`, for any request handler).
:func:`fake_ckan` answers ``/api/3/action/<name>`` from a table of canned results the way
CKAN wraps them (``{"success": true, "result": ...}``); an action not in the table gets
CKAN's 400 "Action name not known". A table entry is the result itself, a callable
``(body, authorization) -> result``, or (from either) ``("error", status, error_dict)``.
``mode`` makes the server misbehave, as web servers that are not CKAN do: ``html`` answers
every request with an HTML 404 page, ``web-page`` with an HTML 200 page.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

#: (action, request body, Authorization header)
Call = tuple[str, dict[str, Any], str | None]
#: (HTTP status, body text, content type)
Reply = tuple[int, str, str]
Respond = Callable[[str, dict[str, Any], str | None], Reply]

HTML_PAGES = {"html": (404, "<html><body>Not Found</body></html>"),
              "web-page": (200, "<html>Welcome</html>")}


def json_reply(status: int, payload: Any) -> Reply:
    """A JSON answer, as CKAN sends every action's result or error."""
    return status, json.dumps(payload), "application/json"


def ckan_error(status: int, error: dict[str, Any]) -> Reply:
    """CKAN's failure envelope: ``{"success": false, "error": {...}}``."""
    return json_reply(status, {"success": False, "error": error})


def unknown_action(action: str) -> Reply:
    """What CKAN answers for an action it does not have (e.g. no ckanext-scheming)."""
    return ckan_error(400, {"__type": "Bad request",
                            "message": f"Bad request - Action name not known: {action}"})


def _handler(respond: Respond) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            action = urlsplit(self.path).path.rstrip("/").rsplit("/", 1)[-1]
            status, text, ctype = respond(action, body, self.headers.get("Authorization"))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

    return Handler


@contextmanager
def serve(respond: Respond) -> Iterator[str]:
    """Serve ``respond`` on a free port of 127.0.0.1; yields the base URL."""
    with serve_handler(_handler(respond)) as url:
        yield url


@contextmanager
def serve_handler(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run any request handler (e.g. a plain web server's) on a free port of 127.0.0.1;
    yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _from_table(actions: Mapping[str, Any], mode: str, calls: list[Call]) -> Respond:
    def respond(action: str, body: dict[str, Any], authorization: str | None) -> Reply:
        if mode in HTML_PAGES:
            status, page = HTML_PAGES[mode]
            return status, page, "text/html"
        calls.append((action, body, authorization))
        if action not in actions:
            return unknown_action(action)
        answer = actions[action]
        result = answer(body, authorization) if callable(answer) else answer
        if isinstance(result, tuple) and result[0] == "error":
            return ckan_error(result[1], result[2])
        return json_reply(200, {"success": True, "result": result})

    return respond


@contextmanager
def fake_ckan(
    actions: Mapping[str, Any], mode: str = "ckan"
) -> Iterator[tuple[str, list[Call]]]:
    """Serve ``actions`` on a free port; yields (base URL, list of calls received)."""
    calls: list[Call] = []
    with serve(_from_table(actions, mode, calls)) as url:
        yield url, calls
