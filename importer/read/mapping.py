"""Column mappings: an editor's own headers ("Dataset Title", "Branch") -> template columns.

Editors keep inventories with headers of their own. A :class:`ColumnMapping` says, per
sheet, which template column each of those headers is (or that it is to be ignored), and
optionally which of the workbook's sheets holds the datasets or resources. It is a small
JSON file (docs/check.md, "Column mappings") that both doors use the same way: the CLI
takes it with ``--columns FILE``, the web app builds it in its matching step and offers
it for download. Nothing is guessed silently: :func:`suggest_columns` only *proposes* a
mapping, a person confirms it, and the check report names the mapping that was applied.

Reading applies a mapping by translating the header cells before the header row is
looked for (:meth:`SheetMapping.translate`), so everything after that (widening for
``contacts_5_*``, duplicates, missing required columns) works exactly as for a template;
the report still shows each header as the editor wrote it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.errors import WorkbookError
from importer.schema import Column, Layout, normalise_header
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Scope

FORMAT = "bcdc-importer column mapping"
VERSION = 1
SHEET_KEYS = {Scope.DATASET: DATASETS_SHEET, Scope.RESOURCE: RESOURCES_SHEET}
#: a mapping file larger than this is not a column mapping (it is read whole).
MAX_BYTES = 1_000_000


class MappingError(WorkbookError):
    """The column mapping cannot be used (unreadable, wrong shape, names no column)."""


@dataclass(frozen=True)
class SheetMapping:
    """One sheet's mapping: ``columns`` maps a header as written to a template column's
    machine name, or to ``None`` (ignore that column); ``sheet`` names the workbook sheet
    to read (``None``: the usual ``datasets`` / ``resources``)."""

    columns: Mapping[str, str | None]
    sheet: str | None = None

    @property
    def _by_key(self) -> dict[str, str | None]:
        return {normalise_header(k): v for k, v in self.columns.items()}

    def entry(self, header: str) -> tuple[bool, str | None]:
        """Whether the mapping names ``header``, and the column it maps it to (``None``:
        ignored)."""
        table = self._by_key
        key = normalise_header(header)
        return key in table, table.get(key)

    def translate(self, texts: Sequence[object]) -> tuple[list[object], set[int]]:
        """Header cells with mapped ones replaced by their column's machine name, and the
        positions of ignored columns (replaced by a blank, so they are not reported as
        unknown)."""
        table = self._by_key
        out: list[object] = []
        ignored: set[int] = set()
        for i, text in enumerate(texts):
            key = normalise_header(str(text)) if isinstance(text, str) and text.strip() else ""
            if key and key in table:
                target = table[key]
                if target is None:
                    ignored.add(i)
                out.append(target if target is not None else "")
            else:
                out.append(text)
        return out, ignored


@dataclass(frozen=True)
class ColumnMapping:
    """A whole workbook's mapping (datasets and resources sheets), and where it came from."""

    sheets: Mapping[Scope, SheetMapping] = field(default_factory=dict)
    source: str = ""

    def for_scope(self, scope: Scope) -> SheetMapping | None:
        return self.sheets.get(scope)

    def sheet_name(self, scope: Scope) -> str:
        """The workbook sheet read for ``scope``."""
        mapped = self.sheets.get(scope)
        return (mapped.sheet if mapped and mapped.sheet else None) or SHEET_KEYS[scope]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        for scope, sheet in self.sheets.items():
            entry: dict[str, Any] = {}
            if sheet.sheet:
                entry["sheet"] = sheet.sheet
            entry["columns"] = dict(sheet.columns)
            data[SHEET_KEYS[scope]] = entry
        return data

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def describe(self) -> str:
        """One line for reports: ``inventory-columns.json: 9 columns mapped, 1 ignored``."""
        values = [v for s in self.sheets.values() for v in s.columns.values()]
        mapped = sum(1 for v in values if v is not None)
        name = self.source or "column mapping"
        return f"{name}: {mapped} column(s) mapped, {len(values) - mapped} ignored"


def load_mapping(path: Path, layout: Layout) -> ColumnMapping:
    """Read a mapping file and check every target names a column of ``layout``.

    Raises :class:`MappingError` with one line that says what is wrong and where.
    """
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise MappingError(f"{name} is too large to be a column mapping (over 1 MB)")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(f"column mapping {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"column mapping {name} cannot be read: {exc}") from None
    except ValueError as exc:
        raise MappingError(f"column mapping {name} is not valid JSON: {exc}") from None
    return parse_mapping(data, layout, name)


def parse_mapping(data: object, layout: Layout, source: str = "") -> ColumnMapping:
    """A mapping from its JSON form (see :meth:`ColumnMapping.to_json`), checked."""
    where = source or "the column mapping"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MappingError(f"{where} is not a column mapping (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise MappingError(f"{where} has version {data.get('version')!r}; this tool reads "
                           f"version {VERSION}")
    unknown = sorted(set(data) - {"format", "version", *SHEET_KEYS.values()})
    if unknown:
        raise MappingError(f"{where} has unknown keys {', '.join(map(repr, unknown))} (allowed: "
                           f"{DATASETS_SHEET!r}, {RESOURCES_SHEET!r})")
    sheets: dict[Scope, SheetMapping] = {}
    for scope, key in SHEET_KEYS.items():
        if key in data:
            sheets[scope] = _sheet(data[key], layout, scope, f"{where}, {key}")
    return ColumnMapping(sheets, source)


def _sheet(raw: object, layout: Layout, scope: Scope, where: str) -> SheetMapping:
    if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
        raise MappingError(f"{where}: expected {{\"sheet\": ..., \"columns\": {{header: column}}}}")
    sheet = raw.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
        raise MappingError(f"{where}: \"sheet\" must be a sheet name")
    columns: dict[str, str | None] = {}
    used: dict[str, str] = {}
    for header, target in raw.get("columns", {}).items():
        if target is not None and not isinstance(target, str):
            raise MappingError(f"{where}: {header!r} must map to a column name or null")
        if not normalise_header(header):
            raise MappingError(f"{where}: a header must have letters or digits, not {header!r}")
        col = None if target is None else column_named(layout, scope, target)
        if target is not None and col is None:
            raise MappingError(f"{where}: {header!r} maps to {target!r}, which is not a "
                               f"column of this schema{_hint(layout, scope, target)}")
        if col is not None:
            if col.header in used:
                raise MappingError(f"{where}: {used[col.header]!r} and {header!r} both map to "
                                   f"{col.header!r}; a column can be filled from one header only")
            used[col.header] = header
        columns[header] = None if col is None else col.header
    return SheetMapping(columns, sheet.strip() if isinstance(sheet, str) else None)


_NUMBERED = re.compile(r"^(?P<field>.+?)_(?P<n>\d+)_(?P<sub>.+)$")


def column_named(layout: Layout, scope: Scope, target: str) -> Column | None:
    """The column a target names; numbered entries past the template's count
    (``contacts_5_email``) are accepted when entry 1 exists (reading widens for them)."""
    col = layout.match(scope, target)
    if col is not None:
        return col
    m = _NUMBERED.match(target.strip())
    if m and 0 < int(m["n"]) <= 50:
        first = layout.match(scope, f"{m['field']}_1_{m['sub']}")
        if first is not None and first.field is not None and not first.field.single_entry:
            return Column(target.strip(), target.strip(), scope, first.role, first.field,
                          first.subfield, int(m["n"]))
    return None


def _hint(layout: Layout, scope: Scope, target: str) -> str:
    names = [c.header for c in layout.columns(scope)]
    close = difflib.get_close_matches(target, names, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""
