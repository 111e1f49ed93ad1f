"""A tiny CKAN action API on localhost, for running the real CLI with ``--url``.

Answers the read-only actions ``check --url`` calls, from the bundled schema and licences;
``organization_list_for_user`` lists the given organizations only for the given token
(anonymous callers may create datasets nowhere, as on a real site).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from importer.schema import data_path

SCHEMA = json.loads(data_path("bcdc_dataset.expanded.json").read_text())
LICENCES = json.loads(data_path("bcdc_licenses.json").read_text())


def _handler(orgs: list[dict[str, str]], token: str, seen: list[str]) -> type:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _answer(self) -> None:
            action = self.path.split("?")[0].rsplit("/", 1)[-1]
            seen.append(action)
            authorised = self.headers.get("Authorization") == token
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            status, data = 200, {"success": True, "result": None}
            if action == "scheming_dataset_schema_show":
                data["result"] = SCHEMA
            elif action == "license_list":
                data["result"] = LICENCES
            elif action == "organization_list_for_user":
                data["result"] = orgs if authorised else []
            elif action == "organization_show":
                found = [o for o in orgs if body.get("id") in (o["id"], o["name"])]
                if found:
                    data["result"] = found[0]
                else:
                    status = 404
                    data = {"success": False,
                            "error": {"__type": "Not Found Error", "message": "Not found"}}
            else:
                status = 400
                data = {"success": False, "error": {"__type": "Validation Error",
                                                    "message": f"no action {action}"}}
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = _answer
        do_POST = _answer

    return Handler


@contextmanager
def fake_ckan(orgs: list[dict[str, str]], token: str) -> Iterator[tuple[str, list[str]]]:
    """Serve on a free port; yield (url, the actions called)."""
    seen: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(orgs, token, seen))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
