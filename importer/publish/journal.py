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

Before anything is sent, one ``{"type": "resource-id", "sheet", "row", "id"}`` line per
resource the run will create records the id chosen for it; a resumed run of the same
workbook creates that resource under the same id, so a create of the earlier run that
the site commits late (or already committed) meets the same resource, not a second one.

Before each dataset create is sent, one ``{"type": "create-intent", "sheet", "row", "name"}``
line says it is about to be: a run killed between the create and its outcome line leaves
the intent, and the next run, finding the record with the row's values, reports the row
``created (confirmed)`` instead of ``unchanged`` (so the created count stays true).

The journal never holds the token: only names, ids, statuses and field names.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
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
    #: the id chosen for each resource row to create, by (sheet, row) of that row.
    resource_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    #: the rows whose create was about to be sent (name), by (sheet, row).
    intents: dict[tuple[str, int], str] = field(default_factory=dict)

    def done(self, sheet: str, row: int) -> dict[str, Any] | None:
        entry = self.rows.get((sheet, row))
        return entry if entry and entry.get("status") in DONE_STATUSES else None


def journal_entries(path: Path) -> Iterator[dict[str, Any]]:
    """The lines of a journal as dicts, in order; a missing file has none, and a line
    that is not a JSON object (torn by ``kill -9``) is skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                yield entry


def read_journal(path: Path) -> JournalState:
    """Parse a journal; a missing file is an empty state, torn lines are skipped."""
    state = JournalState()
    for entry in journal_entries(path):
        if entry.get("type") == "run":
            state.workbook_sha256 = entry.get("workbook_sha256")
            state.site = entry.get("site")
            state.complete = False
        elif entry.get("type") == "end":
            state.complete = bool(entry.get("complete"))
        elif entry.get("type") == "resource-id" and isinstance(entry.get("row"), int) \
                and isinstance(entry.get("id"), str):
            state.resource_ids[(str(entry.get("sheet")), entry["row"])] = entry["id"]
        elif entry.get("type") == "create-intent" and isinstance(entry.get("row"), int):
            state.intents[(str(entry.get("sheet")), entry["row"])] = str(entry.get("name"))
        elif entry.get("type") == "row" and isinstance(entry.get("row"), int):
            key = (str(entry.get("sheet")), int(entry["row"]))
            previous = state.rows.get(key)
            # a later "unchanged" confirms, and must not hide, an earlier "created"
            if previous and previous.get("status") in ("created", "updated") \
                    and entry.get("status") == "unchanged":
                continue
            state.rows[key] = entry
    return state


def create_intent(sheet: str, row: int, name: str) -> dict[str, Any]:
    """The line written (and fsync'ed) just before a dataset create is sent."""
    return {"type": "create-intent", "sheet": sheet, "row": row, "name": name}


def _ends_mid_line(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def _generation(path: Path, n: int) -> Path:
    """The ``n``-th journal set aside: ``.prev``, ``.prev.2``, ``.prev.3`` ..."""
    return path.with_name(f"{path.name}.prev" + (f".{n}" if n > 1 else ""))


def _set_aside_count(path: Path) -> int:
    n = 0
    while _generation(path, n + 1).exists():
        n += 1
    return n


def set_aside_path(path: Path) -> Path:
    """Where a finished (or outdated) journal goes when a new run starts: ``.prev``, else
    ``.prev.2``, ``.prev.3`` ... An earlier run's journal is never overwritten: it holds
    the pre-images ``undo`` needs to take that run back."""
    return _generation(path, _set_aside_count(path) + 1)


def latest_set_aside(path: Path) -> Path | None:
    """The journal the last new run set aside (the highest generation), if any."""
    n = _set_aside_count(path)
    return _generation(path, n) if n else None


class Journal:
    """Appends outcome lines durably; thread-safe (workers report concurrently)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._fh: TextIO | None = None

    def open(self, header: dict[str, Any], fresh: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fresh and self.path.exists():
            os.replace(self.path, set_aside_path(self.path))
        torn = _ends_mid_line(self.path)
        self._fh = self.path.open("a", encoding="utf-8")
        if torn:  # a line cut by kill -9: end it, so it cannot swallow the next one
            self._fh.write("\n")
        self.write({"type": "run", **header})

    def write(self, entry: dict[str, Any]) -> None:
        self.write_many([entry])

    def write_many(self, entries: list[dict[str, Any]]) -> None:
        """Append ``entries`` and make them durable with one flush and fsync."""
        lines = "".join(json.dumps(e, ensure_ascii=False, default=str, sort_keys=True) + "\n"
                        for e in entries)
        with self._lock:
            if self._fh is None:
                raise RuntimeError("journal is not open")
            self._fh.write(lines)
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
