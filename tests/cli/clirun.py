"""Run ``python -m importer`` in a subprocess, as a user would (the real entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TIMEOUT = 120


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a timeout (a hang fails the test) and no inherited API token."""
    environ = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "importer", *map(str, args)],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=environ, check=False,
    )
