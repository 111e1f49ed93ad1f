"""Each check job's :class:`~importer.recheck.CheckState`, kept loaded between requests.

The check job saves its state in the job folder (:data:`CHECK_STATE`); the first edit or
page of the job in this process loads it, and catches up with the edits in
``edits.json`` made by any process. An edit is then: locate the cell, append it to
``edits.json``, re-check its row (:meth:`CheckState.apply`), all under the job's lock
(a thread lock, and ``flock`` on the folder's lock file for other server processes). The
page's report and grid are built once per state generation.

A job folder without a state (made before states were kept, or by a check whose state
could not be kept) gets ``None``: the caller checks the whole file again, as before.
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.read.edits import Edit, load_edits, save_edits
from importer.recheck import CheckState, StateError
from importer.web.tasks import CHECK_STATE, EDITS_JSON, GRID_LISTS_JSON, grid_data

LOCK_FILE = ".edits.lock"


@dataclass
class _Kept:
    stamp: tuple[int, int]
    state: CheckState
    #: (generation, report dict, grid dict) of the last page built
    page: tuple[int, dict[str, Any], dict[str, Any]] | None = None
    #: the grid's drop-down lists the check job saved (``None``: not read yet)
    lists: dict[str, Any] | None = None


@dataclass
class CheckStates:
    """The states of the last :attr:`keep` jobs used (each holds its rows: ~100 MB for
    30,000 rows, so only a few)."""

    keep: int = 2
    _kept: OrderedDict[Path, _Kept] = field(default_factory=OrderedDict)
    #: guards ``_kept`` and ``_locks``; each job has its own lock besides
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _locks: dict[Path, threading.Lock] = field(default_factory=dict)

    @contextmanager
    def _locked(self, folder: Path) -> Iterator[None]:
        with self._lock:
            lock = self._locks.setdefault(folder, threading.Lock())
        with lock, (folder / LOCK_FILE).open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _current(self, folder: Path) -> _Kept | None:
        path = folder / CHECK_STATE
        try:
            info = path.stat()
        except FileNotFoundError:
            with self._lock:
                self._kept.pop(folder, None)
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        with self._lock:
            kept = self._kept.get(folder)
        if kept is None or kept.stamp != stamp:
            try:
                kept = _Kept(stamp, CheckState.load(path))
            except StateError:
                return None
        with self._lock:
            self._kept[folder] = kept
            self._kept.move_to_end(folder)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        try:
            kept.state.apply(load_edits(folder / EDITS_JSON))
        except StateError:
            with self._lock:
                self._kept.pop(folder, None)
            return None
        return kept

    def current(self, folder: Path) -> CheckState | None:
        """The job's state with every saved edit applied; ``None`` when it has none."""
        with self._locked(folder):
            kept = self._current(folder)
            return kept.state if kept is not None else None

    def edit(self, folder: Path, ref: str, text: str | None) -> tuple[CheckState, Edit] | None:
        """Save the edit of cell ``ref`` and re-check its row; ``None`` when the job has
        no state (nothing is saved then). :class:`~importer.read.edits.EditError` when
        ``ref`` is not a data cell."""
        with self._locked(folder):
            kept = self._current(folder)
            if kept is None:
                return None
            edit = kept.state.edit(ref, text)
            if not edit.changes:  # saved as it was: nothing to record or check
                return kept.state, edit
            edits = [*kept.state.edits, edit]
            save_edits(folder / EDITS_JSON, edits)
            kept.state.apply(edits)
            return kept.state, edit

    def page(self, folder: Path, label: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The report (as ``report.json`` holds it) and the grid data (as ``grid.json``)
        with every edit so far; ``None`` when the job has no state."""
        from importer.report.jsonreport import report_to_json

        with self._locked(folder):
            kept = self._current(folder)
            if kept is None:
                return None
            state = kept.state
            if kept.page is None or kept.page[0] != state.generation:
                result = state.result()
                report = report_to_json(label, result.problems,
                                        rows_checked=result.rows_checked,
                                        rows_with_errors=result.rows_with_errors)
                if kept.lists is None and (folder / GRID_LISTS_JSON).is_file():
                    kept.lists = json.loads((folder / GRID_LISTS_JSON).read_text("utf-8"))
                kept.page = (state.generation, report,
                             grid_data(state.read, live=True, editing=kept.lists))
            return kept.page[1], kept.page[2]

    @contextmanager
    def holding(self, folder: Path) -> Iterator[CheckState | None]:
        """The job's state, locked (no edit lands) while the caller writes from it."""
        with self._locked(folder):
            kept = self._current(folder)
            yield kept.state if kept is not None else None
