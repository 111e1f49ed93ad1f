"""Helpers of the browser tests: start ``bcdc-import serve`` (the real entry point) and
Debian's Chromium under Playwright, and run axe-core on a page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_ADDRESS = re.compile(r"on (http://127\.0\.0\.1:\d+/)")


@contextmanager
def serve(site_url: str, jobs: Path, *extra: str,
          env: dict[str, str] | None = None) -> Iterator[str]:
    """``bcdc-import serve`` on a free port; yields its address (as it printed it).
    ``site_url`` empty: ``extra`` names the site (``--site NAME``)."""
    environ = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    environ.update(env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "importer", "serve", *(["--url", site_url] if site_url else []),
         "--port", "0",
         "--jobs", str(jobs), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environ)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            found = _ADDRESS.search(line)
            if found:
                yield found.group(1)
                return
            if not line and proc.poll() is not None:
                break
        raise AssertionError(f"bcdc-import serve did not start: {line!r}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious",
                                                                          "critical")]


def marked_cells(page: Any) -> list[tuple[str, str, str]]:
    """(sheet, cell, code) of every highlighted cell of the grid shown."""
    found = page.eval_on_selector_all(
        "[data-cell]", "els => els.map(e => [e.dataset.cell, e.dataset.code])")
    out = []
    for cell, codes in found:
        sheet, ref = cell.split("!")
        out.extend((sheet, ref, code) for code in codes.split())
    return out
