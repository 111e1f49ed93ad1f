"""A server that accepts connections and never answers: every command that starts by
talking to a site gives up on the first contact within 15 s, with its one-line error.

The listener is a loopback socket that is listening but never accepts: the kernel
completes the TCP handshake (so the connect succeeds) and no byte ever comes back, which
is what a hung proxy or a stopped process behind a live port looks like. The four
commands run at once (each as a user runs it, through the real entry point), so the test
costs one wait, not four.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from importer.site import FIRST_CONTACT_TIMEOUT

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "datasets.xlsx"
#: the issue's bound: the first contact fails within this, start-up of the CLI included.
LIMIT = 15.0


@pytest.fixture
def black_hole() -> Iterator[str]:
    """The URL of a loopback listener that never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def _commands(url: str, tmp: Path) -> dict[str, list[str]]:
    book = tmp / "datasets.xlsx"
    shutil.copy(SAMPLE, book)
    return {
        "import": ["import", str(book), "--url", url],
        "check": ["check", str(book), "--url", url],
        "export": ["export", "--url", url, "--org", "any", "-o", str(tmp / "out.xlsx")],
        "template": ["template", "--url", url, "-o", str(tmp / "t.xlsx")],
    }


def test_first_contact_budget_is_below_the_limit() -> None:
    assert FIRST_CONTACT_TIMEOUT <= LIMIT - 5  # room for the CLI's start-up


def test_every_command_gives_up_on_a_silent_server_within_15_s(
        black_hole: str, tmp_path: Path) -> None:
    env = {**os.environ, "CKAN_API_TOKEN": "not-a-real-token"}
    started = time.monotonic()
    running = {name: subprocess.Popen([sys.executable, "-m", "importer", *argv], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, cwd=tmp_path)
               for name, argv in _commands(black_hole, tmp_path).items()}
    results = {}
    for name, proc in running.items():
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results[name] = (proc.returncode, time.monotonic() - started, out, err)
    for name, (code, seconds, out, err) in results.items():
        assert code == 2, (name, out, err)
        assert seconds < LIMIT, (name, seconds, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (name, err)
        assert black_hole in lines[0], (name, err)
        assert "Traceback" not in err and "not-a-real-token" not in out + err
    assert results["import"][3].strip() == (
        f"Error: {black_hole} did not complete status_show after 2 attempts (last: timeout)")
    for name in ("check", "export", "template"):
        assert "did not answer" in results[name][3], (name, results[name][3])
