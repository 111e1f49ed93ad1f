"""What `undo` takes back: an import's journal, read into one entry per row that wrote.

The command accepts the journal itself, or the import's results report (``.xlsx``, whose
summary names its journal, or the ``--json`` results, whose ``journal`` key does). A
journal written before pre-images existed (its run line has no ``pre_images``) is refused:
without the values the import replaced, nothing can be put back exactly.

A row may have several lines: a run stopped half-way and resumed writes the row again,
and a resumed run confirms rows the earlier run did ("created", no pre-images). They are
merged: the FIRST pre-image of a field is what the site held before any import run
touched it, the LAST value sent is what the import left there.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.errors import WorkbookError
from importer.publish.journal import journal_entries
from importer.publish.preimage import PRE_IMAGES_KEY

#: the row statuses whose lines may carry writes to take back.
_WROTE = frozenset({"created", "updated", "failed", "not done"})


def _status(entry: dict[str, Any]) -> str:
    """A line's status without a qualifier: ``created (confirmed)`` is ``created``."""
    return str(entry.get("status") or "").split(" (")[0]


@dataclass
class ImportedRow:
    """What the import did to one dataset row, as its journal says."""

    sheet: str
    row: int
    name: str | None = None
    id: str | None = None
    created: bool = False
    before: dict[str, Any] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    sent: dict[str, Any] = field(default_factory=dict)
    #: by resource id: {"name", "sheet", "row", "created"?, "before"?, "absent"?, "sent"}
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    publish: dict[str, Any] | None = None
    metadata_modified: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.sheet, self.row)

    @property
    def wrote(self) -> bool:
        return bool(self.created or self.sent or self.resources or self.publish)

    def merge(self, entry: dict[str, Any]) -> None:
        """Fold one more journal line of this row in (see the module doc)."""
        self.name = entry.get("name") or self.name
        self.id = entry.get("id") or self.id
        if _status(entry) == "created" or entry.get("created"):
            self.created = True
        raw = entry.get("before")
        before: dict[str, Any] = raw if isinstance(raw, dict) else {}
        for key, value in (entry.get("sent") or {}).items():
            if key not in self.sent:  # the first run that wrote it saw the original
                if key in before:
                    self.before[key] = before[key]
                elif key in (entry.get("absent") or []):
                    self.absent.append(key)
            self.sent[key] = value
        for res in entry.get("resources") or []:
            if not isinstance(res, dict) or not res.get("id"):
                continue
            known = self.resources.get(str(res["id"]))
            if known is None:
                self.resources[str(res["id"])] = dict(res)
            else:
                known["sent"] = {**known.get("sent", {}), **res.get("sent", {})}
        publish = entry.get("publish")
        if isinstance(publish, dict):
            first = self.publish["from"] if self.publish else publish.get("from")
            self.publish = {"from": first, "to": publish.get("to")}
        if entry.get("metadata_modified"):
            self.metadata_modified = str(entry["metadata_modified"])


@dataclass
class ImportJournal:
    """An import journal, read for undo."""

    path: Path
    site: str
    rows: list[ImportedRow]
    workbook_sha256: str | None = None


def journal_of(path: Path) -> Path:
    """The journal ``path`` names: itself, or the one its import report names."""
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        named = _journal_in_workbook(path)
        if named is None:
            guess = path.with_name(f"{path.stem}.journal.jsonl")
            if guess.is_file():
                return guess
            raise WorkbookError(f"{path.name} is not an import results report naming its "
                                "journal; give the journal (.journal.jsonl) instead")
        return _relative_to(path, named)
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("journal"), str):
            raise WorkbookError(f"{path.name} is not an import's JSON results naming its "
                                "journal; give the journal (.journal.jsonl) instead")
        return _relative_to(path, data["journal"])
    return path


def _relative_to(report: Path, named: str) -> Path:
    """A journal named in a report: as written, else beside the report (moved together)."""
    target = Path(named)
    if target.is_file():
        return target
    beside = report.with_name(target.name)
    if beside.is_file():
        return beside
    raise WorkbookError(f"{report.name} names the journal {named}, which does not exist")


def _journal_in_workbook(path: Path) -> str | None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise WorkbookError(f"{path.name}: cannot be read as a workbook") from None
    try:
        if "summary" not in book.sheetnames:
            return None
        for row in book["summary"].iter_rows(values_only=True):
            if len(row) >= 2 and row[0] == "Journal" and isinstance(row[1], str):
                return row[1]
        return None
    finally:
        book.close()


def read_import_journal(path: Path) -> ImportJournal:
    """The rows an import journal says were written, merged per row (see the module doc).
    Raises :class:`WorkbookError` for a file that is not a journal or has no pre-images."""
    site: str | None = None
    sha: str | None = None
    rows: dict[tuple[str, int], ImportedRow] = {}
    try:
        entries = list(journal_entries(path))
    except (OSError, UnicodeDecodeError) as err:
        raise WorkbookError(f"cannot read the journal {path}: {err}") from None
    for entry in entries:
        if entry.get("type") == "run":
            if site is None and not entry.get(PRE_IMAGES_KEY):
                raise WorkbookError(
                    f"{path.name} was written by an import from before undo existed (it "
                    "holds no pre-images, the values the import replaced): it cannot be "
                    "undone")
            if site is not None and entry.get("site") != site:
                raise WorkbookError(f"{path.name} holds runs against two sites; undo one "
                                    "import journal per site")
            site, sha = str(entry.get("site")), entry.get("workbook_sha256") or sha
        elif entry.get("type") == "row" and isinstance(entry.get("row"), int):
            if site is None:
                break
            key = (str(entry.get("sheet")), int(entry["row"]))
            if _status(entry) not in _WROTE and key not in rows:
                continue
            rows.setdefault(key, ImportedRow(*key)).merge(entry)
    if site is None:
        raise WorkbookError(f"{path.name} is not an import journal (no run line)")
    wrote = sorted((r for r in rows.values() if r.wrote), key=lambda r: r.key)
    return ImportJournal(path, site, wrote, sha)
