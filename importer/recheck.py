"""Re-check the rows a cell edit changed, without reading or checking the file again.

A check of a 10,000-row workbook takes seconds; an editor correcting one cell in the web
grid wants the answer at once. :class:`CheckState` keeps what a check found, split so
that one row can be checked again on its own:

* the rows as read (with the edits so far), the layout and the resolver the check used
  (nothing is fetched again: a check made against a site's schema is re-checked against
  that same schema);
* the problems of the file itself (reading, headers), which no cell edit changes;
* each row's own problems (mapping and validation of that row alone);
* the problems across rows, which come from a few values of each row: a dataset row's
  URL name, title and id (duplicates; which dataset a resource row's ``dataset_name``
  names), a resource row's link and name (duplicate resource names within a dataset).

:meth:`CheckState.apply` maps and validates again only the rows the new edits touch,
and, when one of those values changed, works out the problems across rows again from
the kept values (the real :func:`~importer.validate.cross_row` over small stand-in
records: one pass over the rows, no mapping, no validation). The result is exactly what
:func:`importer.check.run_check` gives with the same edits: the same problems, in the
same order (the tests compare both over many edits).

The state is saved next to the job (:meth:`CheckState.save`, a pickle of plain values)
so any process can load it (:meth:`CheckState.load`, ~0.1 s for 30,000 rows) and
catch up with edits made since.
"""

from __future__ import annotations

import difflib
import io
import pickle
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.check import CheckResult, rows_with_errors
from importer.errors import ImporterError
from importer.gcpause import gc_paused
from importer.map.forward import (
    CLOSE_CUTOFF,
    ID_KEY,
    RowMapper,
    link_keys,
    link_position,
    link_resource,
)
from importer.map.resolve import OfflineResolver, Resolver, kept_resolver
from importer.problems import Problem, Severity, count_errors, sort_key
from importer.read.edits import Edit, SheetCells, apply_edits, locate, new_value, split_ref
from importer.read.model import ReadResult, Row, RowCells
from importer.read.reader import explain_merged
from importer.records import DatasetRecord, ResourceRecord
from importer.schema.columns import Scope
from importer.validate import cross_row, validate, validate_resources

RowKey = tuple[str, int]
#: codes of the problems found across rows (recomputed from the kept values).
CROSS_CODES = frozenset({"duplicate-name", "duplicate-title", "duplicate-resource-name",
                         "orphan-resource"})
#: what a saved state says it is (a state of another version is not loaded).
FORMAT = "bcdc-importer check state 1"
_DATASET_KEYS = ("name", "title", ID_KEY)


class StateError(ImporterError):
    """A saved check state that cannot be used (absent, another version, or edits that
    are not a continuation of its own): the caller checks the whole file again."""


@dataclass
class Rechecked:
    """The check result after the edits: what a report needs (see
    :class:`importer.report.outputs.CheckOutcome`)."""

    problems: list[Problem]
    rows_checked: int
    rows_with_errors: int
    errors: int
    warnings: int
    read: ReadResult

    @property
    def valid(self) -> bool:
        return self.errors == 0


@dataclass
class CheckState:
    """What a check keeps to re-check single rows (see the module docstring)."""

    read: ReadResult
    resolver: Resolver
    file_problems: list[Problem]
    own: dict[RowKey, list[Problem]]
    cross: dict[RowKey, list[Problem]]
    datasets: list[DatasetRecord]
    resources: list[ResourceRecord]
    suggestions: dict[str, list[str]]
    edits: list[Edit] = field(default_factory=list)
    #: counts every change (the web keeps pages built from one generation)
    generation: int = 0
    _mappers: dict[Scope, RowMapper] = field(default_factory=dict, repr=False)
    _where: dict[RowKey, tuple[Scope, int]] = field(default_factory=dict, repr=False)
    _result: Rechecked | None = field(default=None, repr=False)
    _names: frozenset[str] | None = field(default=None, repr=False)

    # -- building ----------------------------------------------------------------------

    @classmethod
    def from_result(cls, result: CheckResult, resolver: Resolver | None,
                    edits: Sequence[Edit] = ()) -> CheckState:
        """The state of ``result`` (a :func:`~importer.check.run_check` with ``edits``)."""
        if result.parts is None:
            raise StateError("this check result does not keep its parts")
        with gc_paused():  # 30,000 small objects: the collector would walk the whole heap
            return cls._from_result(result, resolver, edits)

    @classmethod
    def _from_result(cls, result: CheckResult, resolver: Resolver | None,
                     edits: Sequence[Edit]) -> CheckState:
        assert result.parts is not None
        parts = result.parts
        fixed = {id(p) for p in parts.file_problems}
        own: dict[RowKey, list[Problem]] = {}
        cross: dict[RowKey, list[Problem]] = {}
        for p in result.problems:
            if id(p) in fixed or p.sheet is None or p.row is None:
                continue
            (cross if p.code in CROSS_CODES else own).setdefault((p.sheet, p.row), []).append(p)
        by_row = {(r.sheet, r.row): r for rec in result.records for r in rec.resources}
        by_row.update({(r.sheet, r.row): r for r in parts.orphans})
        state = cls(result.read, resolver or OfflineResolver(), list(parts.file_problems),
                    own, cross,
                    [_dataset_stub(rec, row) for rec, row in zip(result.records,
                                                                 result.read.datasets,
                                                                 strict=True)],
                    [_resource_stub(by_row[(row.sheet.name, row.number)], row)
                     for row in result.read.resources],
                    dict(parts.suggestions), list(edits))
        state._result = state._rechecked(list(result.problems))
        return state

    # -- the result ----------------------------------------------------------------------

    def result(self) -> Rechecked:
        """The problems and counts with every edit so far."""
        if self._result is None:
            problems = [*self.file_problems, *(p for ps in self.own.values() for p in ps),
                        *(p for ps in self.cross.values() for p in ps)]
            problems.sort(key=sort_key)
            self._result = self._rechecked(problems)
        return self._result

    def _rechecked(self, problems: list[Problem]) -> Rechecked:
        errors = count_errors(problems)
        return Rechecked(problems, len(self.read.datasets) + len(self.read.resources),
                         rows_with_errors(problems, self.read.header_row), errors,
                         len(problems) - errors, self.read)

    # -- edits ---------------------------------------------------------------------------

    def sheets(self) -> list[SheetCells]:
        """Where edits may go: each sheet's column letters and data rows."""
        out = []
        for scope, info in self.read.sheets.items():
            rows = self.read.datasets if scope is Scope.DATASET else self.read.resources
            out.append(SheetCells(info.name, info.letters, (r.number for r in rows)))
        return out

    def edit(self, ref: str, text: str | None) -> Edit:
        """The edit that writes ``text`` into the cell ``ref`` (``Sheet!B4``), with the
        value the cell holds now; :class:`~importer.read.edits.EditError` (a plain
        message) when ``ref`` is not a data cell."""
        sheet, position = locate(ref, self.sheets())
        number = split_ref(ref)[2]
        scope, index = self._index()[(sheet.name, number)]
        row = (self.read.datasets if scope is Scope.DATASET else self.read.resources)[index]
        old = row.values[position] if position < len(row.values) else None
        return Edit(ref.strip(), old, new_value(text))

    def apply(self, edits: Sequence[Edit]) -> list[RowKey]:
        """Catch up with ``edits`` (all the edits, in order: those this state has not
        applied yet are applied); return the rows checked again."""
        done = len(self.edits)
        if list(edits[:done]) != self.edits:
            raise StateError("the edits are not those this check state was made with")
        new = list(edits[done:])
        if not new:
            return []
        if self._names is None:  # the names the kept suggestions were made among
            self._names = frozenset(link for rec in self.datasets for link in link_keys(rec))
        with gc_paused():
            apply_edits(self.read, new)
            touched: list[RowKey] = []
            for e in new:
                sheet, _, number = split_ref(e.cell)
                if (sheet, number) not in touched:
                    touched.append((sheet, number))
            changed = False
            for key in touched:
                changed = self._recheck_row(key) or changed
            if changed:
                self.cross = self._cross_rows()
        self.edits.extend(new)
        self.generation += 1
        self._result = None
        return touched

    def _index(self) -> dict[RowKey, tuple[Scope, int]]:
        if not self._where:
            for scope, rows in ((Scope.DATASET, self.read.datasets),
                                (Scope.RESOURCE, self.read.resources)):
                for i, r in enumerate(rows):
                    self._where[(r.sheet.name, r.number)] = (scope, i)
        return self._where

    def _mapper(self, scope: Scope) -> RowMapper:
        found = self._mappers.get(scope)
        if found is None:
            found = self._mappers[scope] = RowMapper(self.read.sheets[scope],
                                                     self.read.layout, self.resolver)
        return found

    def _recheck_row(self, key: RowKey) -> bool:
        """Map and validate one row again; whether a value other rows depend on changed."""
        scope, index = self._index()[key]
        mapper = self._mapper(scope)
        mapper.problems.clear()
        layout = self.read.layout
        if scope is Scope.DATASET:
            rec = mapper.dataset(self.read.datasets[index])
            found = [*mapper.problems, *validate([rec], layout, mode="check")]
            stub: DatasetRecord | ResourceRecord = _dataset_stub(
                rec, self.read.datasets[index])
            old: DatasetRecord | ResourceRecord = self.datasets[index]
        else:
            res = mapper.resource(self.read.resources[index])
            found = [*mapper.problems, *validate_resources([res], layout, mode="check")]
            stub = _resource_stub(res, self.read.resources[index])
            old = self.resources[index]
        found = explain_merged(found, self.read.merged)
        if found:
            self.own[key] = found
        else:
            self.own.pop(key, None)
        if _keys(stub) == _keys(old):
            return False
        if isinstance(stub, DatasetRecord):
            self.datasets[index] = stub
        else:
            self.resources[index] = stub
        return True

    # -- across rows ----------------------------------------------------------------------

    def _cross_rows(self) -> dict[RowKey, list[Problem]]:
        """The problems across rows, from the kept values: as :func:`map_rows` links
        resource rows to dataset rows, then :func:`cross_row`."""
        by_link: dict[str, DatasetRecord] = {}
        for rec in self.datasets:
            rec.resources = []
            for key in link_keys(rec):
                by_link.setdefault(key, rec)
        self._update_suggestions(by_link)
        out: dict[RowKey, list[Problem]] = {}
        found: list[Problem] = []
        link_pos = (link_position(self.read.sheets[Scope.RESOURCE])
                    if Scope.RESOURCE in self.read.sheets else None)
        for res, row in zip(self.resources, self.read.resources, strict=True):
            orphan = link_resource(res, row, link_pos, by_link, self.suggestions,
                                   len(found))
            if orphan is not None:
                found.append(orphan)
        found.extend(cross_row(self.datasets))
        for p in explain_merged(found, self.read.merged):
            out.setdefault((p.sheet or "", p.row or 0), []).append(p)
        return out

    def _update_suggestions(self, by_link: dict[str, DatasetRecord]) -> None:
        """Keep each suggested name true for the names there are now: a name that went
        away is searched for again when needed; a new name replaces a suggestion it beats
        (as :func:`difflib.get_close_matches` ranks them: ratio, then the name)."""
        names = frozenset(by_link)
        before = self._names if self._names is not None else names
        self._names = names
        if before == names:
            return
        added = sorted(names - before)
        for link, close in list(self.suggestions.items()):
            if close and close[0] not in names:
                del self.suggestions[link]
                continue
            best = (_ratio(close[0], link), close[0]) if close else None
            for name in added:
                score = _ratio(name, link)
                if score >= CLOSE_CUTOFF and (best is None or (score, name) > best):
                    best = (score, name)
            self.suggestions[link] = [best[1]] if best else []

    # -- saving --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the state to ``path`` (atomically), as plain values. The resolver is
        kept as :func:`~importer.map.resolve.kept_resolver` gives it (no site client, no
        token); :class:`StateError` when it cannot be kept."""
        resolver = kept_resolver(self.resolver)
        if resolver is None:
            raise StateError("this check's resolver asks the site: its state is not kept")
        read = self.read
        data = {
            "format": FORMAT,
            "path": str(read.path), "layout": read.layout, "sheets": read.sheets,
            "meta": read.meta, "merged": read.merged, "mapping": read.mapping,
            "read_problems": [_plain(p) for p in read.problems],
            "datasets": [(r.number, r.values) for r in read.datasets],
            "resources": [(r.number, r.values) for r in read.resources],
            "resolver": resolver,
            "file_problems": [_plain(p) for p in self.file_problems],
            "own": {k: [_plain(p) for p in v] for k, v in self.own.items()},
            "cross": {k: [_plain(p) for p in v] for k, v in self.cross.items()},
            "dataset_keys": [_dataset_keys(r) for r in self.datasets],
            "resource_keys": [_resource_keys(r) for r in self.resources],
            "suggestions": self.suggestions,
            "edits": [(e.cell, e.old, e.new) for e in self.edits],
        }
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(buffer.getvalue())
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> CheckState:
        """The state saved at ``path``; :class:`StateError` if there is none usable.
        (Only load a state this program saved: it is a pickle.)"""
        try:
            raw = Path(path).read_bytes()
        except OSError as err:
            raise StateError(f"no check state at {path}") from err
        with gc_paused():
            try:
                data = pickle.loads(raw)
            except (pickle.UnpicklingError, AttributeError, ImportError, EOFError,
                    TypeError, ValueError) as err:
                raise StateError(f"the check state at {path} cannot be read") from err
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise StateError(f"the check state at {path} is of another version")
            sheets = data["sheets"]
            read = ReadResult(Path(data["path"]), data["layout"], meta=data["meta"],
                              sheets=sheets, merged=data["merged"], mapping=data["mapping"],
                              problems=[Problem(*p) for p in data["read_problems"]])
            for scope, rows, out in ((Scope.DATASET, data["datasets"], read.datasets),
                                     (Scope.RESOURCE, data["resources"], read.resources)):
                if rows:
                    info = sheets[scope]
                    out.extend(Row(info, number, values) for number, values in rows)
            return cls(
                read, data["resolver"], [Problem(*p) for p in data["file_problems"]],
                {k: [Problem(*p) for p in v] for k, v in data["own"].items()},
                {k: [Problem(*p) for p in v] for k, v in data["cross"].items()},
                [_dataset_from_keys(r, k) for r, k in zip(read.datasets, data["dataset_keys"],
                                                          strict=True)],
                [_resource_from_keys(r, k) for r, k in zip(read.resources,
                                                           data["resource_keys"], strict=True)],
                data["suggestions"], [Edit(*e) for e in data["edits"]])


# -- stand-ins for the records, holding only what the checks across rows read -----------
#
# A stand-in holds the values the checks across rows read (URL name, title, id; a resource
# row's link and name) and, for locating their problems, the cell map of the real record
# cut down to those paths (a :class:`RowCells`, which makes the cell from the row when
# asked). Their other containers are shared empty ones: 30,000 stand-ins are kept for as
# long as the state, and every object in them is one more for the garbage collector to
# walk (measured: 0.2-0.6 s per full collection with a dict and a set per stand-in).

_NOTHING: frozenset[str] = frozenset()
_NO_ENTRIES: types.MappingProxyType[str, Any] = types.MappingProxyType({})
#: (path, column position) of the cells a stand-in keeps
Positions = tuple[tuple[str, int], ...]


def _positions(rec: DatasetRecord | ResourceRecord, paths: tuple[str, ...]) -> Positions:
    cells = rec.cells
    assert isinstance(cells, RowCells)  # as the mapper makes them
    return tuple((path, pos) for path in paths if (pos := cells.position(path)) is not None)


def _cells(row: Row, positions: Positions) -> RowCells:
    cells = RowCells(row)
    for path, position in positions:
        cells.put(path, position)
    cells.freeze({})
    return cells


def _dataset_stub(rec: DatasetRecord, row: Row) -> DatasetRecord:
    return _dataset_from_keys(row, (*(rec.package.get(k) for k in _DATASET_KEYS),
                                    _positions(rec, ("name", "title"))))


def _dataset_from_keys(row: Row, keys: Sequence[Any]) -> DatasetRecord:
    package = {k: v for k, v in zip(_DATASET_KEYS, keys[:3], strict=True) if isinstance(v, str)}
    return DatasetRecord(row.sheet.name, row.number, package, _cells(row, keys[3]),
                         cleared=_NOTHING, removed=_NO_ENTRIES, positions=_NO_ENTRIES,
                         defaulted=_NOTHING)


def _dataset_keys(rec: DatasetRecord) -> tuple[Any, ...]:
    assert isinstance(rec.cells, RowCells)
    return (*(rec.package.get(k) for k in _DATASET_KEYS), _kept_positions(rec.cells))


def _resource_stub(rec: ResourceRecord, row: Row) -> ResourceRecord:
    return _resource_from_keys(row, (rec.dataset_name, rec.resource.get("name"),
                                     _positions(rec, ("name",))))


def _resource_from_keys(row: Row, keys: Sequence[Any]) -> ResourceRecord:
    link, name, positions = keys
    return ResourceRecord(row.sheet.name, row.number, link,
                          {"name": name} if isinstance(name, str) else {},
                          _cells(row, positions), cleared=_NOTHING, removed=_NO_ENTRIES,
                          positions=_NO_ENTRIES, defaulted=_NOTHING)


def _resource_keys(rec: ResourceRecord) -> tuple[Any, ...]:
    assert isinstance(rec.cells, RowCells)
    return (rec.dataset_name, rec.resource.get("name"), _kept_positions(rec.cells))


def _kept_positions(cells: RowCells) -> Positions:
    return tuple((path, pos) for path in cells if (pos := cells.position(path)) is not None)


def _keys(rec: DatasetRecord | ResourceRecord) -> tuple[Any, ...]:
    return _dataset_keys(rec) if isinstance(rec, DatasetRecord) else _resource_keys(rec)


def _plain(p: Problem) -> tuple[Any, ...]:
    return (p.code, p.message, Severity(p.severity), p.sheet, p.row, p.column, p.header,
            p.field, p.value)


def _ratio(name: str, link: str) -> float:
    """The score :func:`difflib.get_close_matches` gives ``name`` for ``link``."""
    return difflib.SequenceMatcher(None, name, link).ratio()


def _mapping_proxy(items: dict[str, Any]) -> types.MappingProxyType[str, Any]:
    return types.MappingProxyType(items)


class _Pickler(pickle.Pickler):
    """Pickles the layout too: a profile's read-only tables (``MappingProxyType``) are
    saved as their items."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is types.MappingProxyType:
            return _mapping_proxy, (dict(obj),)
        return NotImplemented

