"""A console progress bar with rate and ETA, only when the stream is a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO


class Progress:
    """Redraws one line (``\\r``) at most every ``interval`` seconds; silent when the
    stream is not a TTY, so logs and pipes get only the final summary."""

    def __init__(self, stream: TextIO, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, interval: float = 0.2):
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.clock = clock
        self.interval = interval
        self.total = 0
        self.count = 0
        self._already = 0
        self._start: float | None = None
        self._drawn = 0.0

    def start(self, total: int, already: int = 0) -> None:
        self.total, self._already = total, already
        self.count = max(self.count, already)
        self._start = self.clock()
        self._draw(force=True)

    def advance(self, _outcome: Any = None) -> None:
        self.count += 1
        self._draw()

    def line(self) -> str:
        sent = max(self.count - self._already, 0)
        rate = 0.0
        if self._start is not None:
            rate = sent / max(self.clock() - self._start, 1e-9)
        left = max(self.total - self.count, 0)
        eta = f"{left / rate:.0f}s" if rate > 0 else "--"
        width = 30
        filled = int(width * self.count / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        return f"[{bar}] {self.count}/{self.total} rows  {rate:.1f} rows/s  ETA {eta}"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if not force and now - self._drawn < self.interval and self.count < self.total:
            return
        self._drawn = now
        self.stream.write("\r" + self.line())
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.total:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
