"""The check result's grid, one page at a time: the sheets as read, each cell with the
problems found at it. A 10,000-row file is never sent whole: a page holds :data:`PAGE`
rows, and by default (for more than :data:`ALL_ROWS_UP_TO` rows) only rows with problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from importer.publish.selection import runs

if TYPE_CHECKING:
    from importer.read.model import ReadResult
    from importer.template.lists import ChoiceLists

PAGE = 50
ALL_ROWS_UP_TO = 200
_RANK = {"error": 0, "warning": 1}


@dataclass
class Cell:
    letter: str
    value: str
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return min((p["severity"] for p in self.problems), key=lambda s: _RANK.get(s, 2),
                   default="")

    @property
    def codes(self) -> str:
        return " ".join(dict.fromkeys(p["code"] for p in self.problems))


@dataclass
class GridRow:
    number: int
    cells: list[Cell]
    row_problems: list[dict[str, Any]]


@dataclass
class GridPage:
    sheet: str
    sheets: list[str]
    header: GridRow
    rows: list[GridRow]
    page: int
    pages: int
    only_problems: bool
    total_rows: int
    shown_rows: int
    #: column letter -> how its cells are edited: ``{"list": KEY, "several": bool}`` for a
    #: choice column (a drop-down of ``choices[KEY]``); other columns take a text box
    editors: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: list key -> the values a drop-down offers (only the lists this sheet uses)
    choices: dict[str, list[str]] = field(default_factory=dict)


def index_problems(problems: list[dict[str, Any]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    by_row: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for p in problems:
        if p.get("sheet") and p.get("row"):
            by_row.setdefault((p["sheet"], int(p["row"])), []).append(p)
    return by_row


def grid_page(grid: dict[str, Any], report: dict[str, Any], sheet: str | None,
              page: int, only_problems: bool | None) -> GridPage:
    """Page ``page`` (1-based) of ``sheet`` (default: the first)."""
    sheets = grid["sheets"]
    names = [s["name"] for s in sheets]
    info = next((s for s in sheets if s["name"] == sheet), sheets[0]) if sheets else None
    if info is None:
        empty = GridRow(0, [], [])
        return GridPage("", [], empty, [], 1, 1, False, 0, 0)
    by_row = index_problems(report["problems"])
    letters = list(info["letters"])
    for (name, _), found in by_row.items():
        for p in found:
            if name == info["name"] and p.get("column") and p["column"] not in letters:
                letters.append(p["column"])
    rows = info["rows"]
    if only_problems is None:
        only_problems = len(rows) > ALL_ROWS_UP_TO
    if only_problems:
        rows = [r for r in rows if (info["name"], r[0]) in by_row]
    pages = max(1, -(-len(rows) // PAGE))
    page = min(max(page, 1), pages)
    chosen = rows[(page - 1) * PAGE: page * PAGE]
    header = _row(info["name"], info["header_row"], info["headers"], letters, by_row)
    several = set(info.get("several", ()))
    editors = {letter: {"list": key, "several": letter in several}
               for letter, key in info.get("lists", {}).items()}
    every = grid.get("choices", {})
    choices = {key: every[key] for key in {e["list"] for e in editors.values()} if key in every}
    return GridPage(info["name"], names, header,
                    [_row(info["name"], number, values, letters, by_row)
                     for number, values in chosen],
                    page, pages, only_problems, len(info["rows"]), len(rows),
                    {k: v for k, v in editors.items() if v["list"] in choices}, choices)


def _row(sheet: str, number: int, values: list[Any], letters: list[str],
         by_row: dict[tuple[str, int], list[dict[str, Any]]]) -> GridRow:
    found = by_row.get((sheet, number), [])
    cells = []
    for i, letter in enumerate(letters):
        value = values[i] if i < len(values) and values[i] is not None else ""
        cells.append(Cell(letter, str(value), [p for p in found if p.get("column") == letter]))
    return GridRow(number, cells, [p for p in found if not p.get("column")])


#: the "rows to import" choices of the check page
CHOICES = ("all", "valid", "clean", "ticked")


def selected_rows(grid: dict[str, Any], report: dict[str, Any], choice: str,
                  ticked: list[str]) -> list[list[Any]] | None:
    """The dataset rows (``[sheet, row]``) the plan and import act on: ``all`` (``None``:
    every row), ``valid`` (no error in the row), ``clean`` (no problem at all) or the
    ``ticked`` ``Sheet!ROW`` boxes. The first sheet of the grid holds the datasets."""
    if choice not in CHOICES or choice == "all" or not grid["sheets"]:
        return None
    sheet = grid["sheets"][0]
    name = sheet["name"]
    if choice == "ticked":
        numbers = {int(t.rsplit("!", 1)[1]) for t in ticked
                   if t.rsplit("!", 1)[0] == name and t.rsplit("!", 1)[-1].isdigit()}
        return [[name, n] for n in sorted(numbers)]
    flagged = {int(p["row"]) for p in report["problems"] if p.get("sheet") == name and p.get("row")
               and (choice == "clean" or p["severity"] == "error")}
    return [[name, r[0]] for r in sheet["rows"] if r[0] not in flagged]


def column_lists(read: ReadResult, lists: ChoiceLists) -> dict[str, Any]:
    """What the grid's cell editor needs to offer a drop-down: for each sheet, the letter
    of each choice column -> its list key (and the letters of multi-select columns), and
    each list's values. The lists are the template's drop-downs (``list_key`` /
    ``list_values``), so the page offers exactly what the template's cells offer."""
    from importer.template.lists import list_key, list_values, takes_several

    profile = read.layout.profile
    sheets: dict[str, dict[str, Any]] = {}
    values: dict[str, list[str]] = {}
    for info in read.sheets.values():
        keys: dict[str, str] = {}
        several: list[str] = []
        for letter, column in zip(info.letters, info.columns, strict=True):
            key = list_key(column, profile) if column is not None else None
            offered = list_values(column, profile, lists) if column is not None else None
            if key is None or column is None or not offered:
                continue
            keys[letter] = key
            values.setdefault(key, list(offered))
            if takes_several(column, profile):
                several.append(letter)
        sheets[info.name] = {"lists": keys, "several": several}
    return {"sheets": sheets, "choices": values}


def row_sets(grid: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """The dataset rows the selection buttons tick ("all valid rows", "rows with no
    problems"), as :func:`selected_rows` chooses them, in ``[first, last]`` runs (a
    10,000-row file with a few bad rows is a few runs, not 10,000 numbers)."""
    if not grid["sheets"]:
        return {"sheet": "", "valid": [], "clean": []}
    out: dict[str, Any] = {"sheet": grid["sheets"][0]["name"]}
    for choice in ("valid", "clean"):
        rows = selected_rows(grid, report, choice, []) or []
        out[choice] = runs(int(r[1]) for r in rows)
    return out


def cell_editor(grid: dict[str, Any], ref: str) -> dict[str, Any]:
    """The "Correct a cell" form opened on ``ref`` by the page itself (``?cell=``, for a
    browser without the script): the cell's current value and, for a single-choice column,
    the drop-down's options (see :func:`choice_options`); for a multi-select column the
    values allowed in its text box. :class:`~importer.read.edits.EditError` (one plain
    line) when ``ref`` is not a data cell of the upload, as a save would say."""
    from importer.read.edits import SheetCells, locate, split_ref

    sheets = grid["sheets"]
    found, position = locate(ref, [SheetCells(s["name"], s["letters"], (r[0] for r in s["rows"]))
                                   for s in sheets])
    info = next(s for s in sheets if s["name"] == found.name)
    _, letter, number = split_ref(ref)
    values = next(r[1] for r in info["rows"] if r[0] == number)
    value = values[position] if position < len(values) and values[position] is not None else ""
    offered = grid.get("choices", {}).get(info.get("lists", {}).get(letter, ""))
    several = letter in info.get("several", ())
    return {"ref": ref.strip(), "sheet": found.name, "value": str(value),
            "options": choice_options(offered, str(value)) if offered and not several else None,
            "allowed": offered if offered and several else None}


def choice_options(values: list[str], current: str) -> list[dict[str, Any]]:
    """A single-choice drop-down: blank first, then the current value when it is not one
    of ``values`` (marked, so opening and saving never loses it), then ``values``; the
    current one selected. (app.js builds the same options in the page.)"""
    out = [{"value": "", "text": "(blank: empty the cell)", "selected": not current}]
    if current and current not in values:
        out.append({"value": current, "text": f"{current} (not in the list)", "selected": True})
    out.extend({"value": v, "text": v, "selected": v == current} for v in values)
    return out
