"""The journal: one JSON line per row outcome, on disk before the next one happens.

Every outcome is appended, flushed and fsync'ed as it happens, so after a crash, a
``kill -9`` or a lost network the journal says which rows were done. The first line
records the run (workbook hash, site); each later line one row (sheet, row, name, status,
record id, fields changed). A torn last line (killed mid-write) is ignored on reading.

The last line of a run that finished is ``{"type": "end", "complete": ...}``; complete means
every row was done, so the next run is a new run (the old journal is set aside as
``.prev``), not a resume.

Resume: running the same command again re-plans every row against the site (so nothing is
ever sent twice: a record that exists is compared, not created), and rows the journal says
were done are reported with their earlier outcome, confirmed by that look-up. When the
workbook's hash differs from the journal's, the old journal is kept aside as ``.prev`` and
the run is planned afresh (the caller tells the user).

The journal never holds the token: only names, ids, statuses and field names.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

DONE_STATUSES = frozenset({"created", "updated", "unchanged"})


@dataclass
class JournalState:
    """What an earlier run's journal says."""

    workbook_sha256: str | None = None
    site: str | None = None
    #: the last run recorded reached its end with every row done (nothing to resume).
    complete: bool = False
    rows: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)

    def done(self, sheet: str, row: int) -> dict[str, Any] | None:
        entry = self.rows.get((sheet, row))
        return entry if entry and entry.get("status") in DONE_STATUSES else None


def read_journal(path: Path) -> JournalState:
    """Parse a journal; a missing file is an empty state, torn lines are skipped."""
    state = JournalState()
    if not path.exists():
        return state
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == "run":
                state.workbook_sha256 = entry.get("workbook_sha256")
                state.site = entry.get("site")
                state.complete = False
            elif entry.get("type") == "end":
                state.complete = bool(entry.get("complete"))
            elif entry.get("type") == "row" and isinstance(entry.get("row"), int):
                key = (str(entry.get("sheet")), int(entry["row"]))
                previous = state.rows.get(key)
                # a later "unchanged" confirms, and must not hide, an earlier "created"
                if previous and previous.get("status") in ("created", "updated") \
                        and entry.get("status") == "unchanged":
                    continue
                state.rows[key] = entry
    return state


class Journal:
    """Appends outcome lines durably; thread-safe (workers report concurrently)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._fh: TextIO | None = None

    def open(self, header: dict[str, Any], fresh: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fresh and self.path.exists():
            os.replace(self.path, self.path.with_suffix(self.path.suffix + ".prev"))
        self._fh = self.path.open("a", encoding="utf-8")
        self.write({"type": "run", **header})

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, default=str, sort_keys=True)
        with self._lock:
            if self._fh is None:
                raise RuntimeError("journal is not open")
            self._fh.write(line + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
