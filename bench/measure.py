"""What every bench script needs besides its own cases: the machine line for the results
(CPU model, ``nproc``, Python, as COMMON.md asks) and a wall-clock timer.

Declared once so that every ``bench/RESULTS-*.md`` names the machine the same way.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else whatever the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def nproc() -> int:
    """CPUs this process may run on, as ``nproc`` counts them (not the host's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine() -> str:
    """One line naming the machine: ``<cpu model>; nproc=<n>; Python <version>``."""
    return f"{cpu_model()}; nproc={nproc()}; Python {platform.python_version()}"


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall-clock seconds of ``fn()``, and what it returned."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
