"""Write the template layout into an openpyxl workbook.

``template`` builds a blank (or example) workbook; ``export`` builds the same workbook and
appends the records it fetched with :func:`append_rows`. Row 1 of each data sheet holds the
machine names from the layout (exactly, so a filled file maps back); everything a person
needs besides the name is carried by the header cell's style (colour, a ``*`` shown by its
number format without changing its value), its comment, the drop-downs and the
``instructions`` sheet.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from importer import __version__
from importer.errors import OutputError
from importer.files import is_special, special_output_message
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Column, Layout, Scope
from importer.schema.model import FieldKind
from importer.sheettext import escape_text
from importer.template.describe import (
    ColumnText,
    Requirement,
    comment_text,
    describe,
    example_rows,
)
from importer.template.instructions import write_instructions
from importer.template.lists import (
    ChoiceList,
    ChoiceLists,
    ListStyle,
    choice_lists_for,
    list_key,
    list_style,
)

LISTS_SHEET = "lists"
META_SHEET = "meta"
INSTRUCTIONS_SHEET = "instructions"
TOOL_NAME = "bcdc-importer"
#: rows above the data on the datasets and resources sheets (row 1: machine names).
HEADER_ROWS = 1
#: drop-downs and date checks cover the data rows down to the sheet's last row.
LAST_ROW = 1048576
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
#: characters that make a spreadsheet read a typed value as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")

#: header look per requirement: fill colour and the marker shown after the name.
HEADER_FILLS = {
    Requirement.REQUIRED: "F4B183",
    Requirement.CONDITIONAL: "FFE699",
    Requirement.OPTIONAL: "DDEBF7",
    Requirement.SYSTEM: "D9D9D9",
}
HEADER_MARKERS = {
    Requirement.REQUIRED: " *",
    Requirement.CONDITIONAL: " (*)",
    Requirement.OPTIONAL: "",
    Requirement.SYSTEM: "",
}
FONT_NAME = "Calibri"  # openpyxl's default body font; LibreOffice shows Carlito
#: print scale of the data sheets, so a printed (or rendered) page shows many columns.
PRINT_SCALE = 50
MIN_WIDTH = 10
MAX_WIDTH = 26


def build_workbook(
    layout: Layout,
    lists: ChoiceLists,
    *,
    example: bool = False,
    created: datetime | None = None,
) -> Workbook:
    """The template workbook for ``layout``: ``datasets``, ``resources`` and
    ``instructions`` sheets, hidden ``lists`` and ``meta``. With ``example`` one valid
    dataset row and one resource row are added. ``created`` is the meta timestamp (now)."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = example_rows(layout, lists)
    choice_lists = choice_lists_for(layout, lists)
    ranges = _write_lists(wb.create_sheet(LISTS_SHEET), choice_lists)
    for scope, title in ((Scope.DATASET, DATASETS_SHEET), (Scope.RESOURCE, RESOURCES_SHEET)):
        ws = wb.create_sheet(title)
        _write_header(ws, layout, scope, lists, ranges, rows[scope])
    write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), layout, lists, rows)
    _write_meta(wb.create_sheet(META_SHEET), layout, created or datetime.now(UTC))
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 2)
    wb[LISTS_SHEET].sheet_state = "hidden"
    wb[META_SHEET].sheet_state = "hidden"
    wb.active = wb.sheetnames.index(DATASETS_SHEET)
    if example:
        append_rows(wb, layout, Scope.DATASET, [rows[Scope.DATASET]])
        append_rows(wb, layout, Scope.RESOURCE, [rows[Scope.RESOURCE]])
    return wb


def sheet_title(scope: Scope) -> str:
    return DATASETS_SHEET if scope is Scope.DATASET else RESOURCES_SHEET


def append_rows(
    wb: Workbook, layout: Layout, scope: Scope, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Append data rows (``{header: value}``; missing headers stay blank) to the sheet of
    ``scope``, in the layout's column order. Dates become date cells; text that a
    spreadsheet would evaluate as a formula is stored as text. Returns the rows written.

    Raises ``KeyError`` for a header the layout does not have: a programming error, since
    the caller builds rows from the same layout.
    """
    ws = wb[sheet_title(scope)]
    columns = layout.columns(scope)
    position = {c.header: i for i, c in enumerate(columns, start=1)}
    row_number = _next_row(ws)
    written = 0
    for row in rows:
        unknown = [h for h in row if h not in position]
        if unknown:
            raise KeyError(f"no column {', '.join(unknown)} on the {ws.title} sheet")
        for header, value in row.items():
            if value is None or value == "":
                continue
            _write_value(ws.cell(row_number, position[header]), value)
        row_number += 1
        written += 1
    return written


def _next_row(ws: Worksheet) -> int:
    return max(int(ws.max_row), HEADER_ROWS) + 1


def _write_value(cell: Any, value: Any) -> None:
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.value = escape_text(value)  # _xHHHH_ and \r read back as written
        cell.data_type = "s"  # never a formula, even for "=..."
    else:
        cell.value = value


def save(wb: Workbook, path: Path, force: bool = False) -> None:
    """Write ``wb`` to ``path`` atomically (a temporary file in the same directory, then a
    rename), refusing to replace an existing file unless ``force``."""
    path = Path(path)
    if is_special(path):
        raise OutputError(special_output_message(path))
    if path.exists() and not force:
        raise OutputError(f"{path} already exists (use --force to replace it)")
    if path.is_dir():
        raise OutputError(f"{path} is a directory")
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            wb.save(handle)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_lists(ws: Worksheet, choice_lists: list[ChoiceList]) -> dict[str, str]:
    """One column per list (key in row 1, values from row 2); returns key -> the absolute
    range reference the data validations use (``lists!$B$2:$B$8``)."""
    ranges: dict[str, str] = {}
    for i, clist in enumerate(choice_lists, start=1):
        letter = get_column_letter(i)
        ws.cell(1, i, clist.key).font = Font(name=FONT_NAME, bold=True)
        for j, value in enumerate(clist.values, start=2):
            ws.cell(j, i, escape_text(value)).data_type = "s"
        last = len(clist.values) + 1
        ranges[clist.key] = f"{LISTS_SHEET}!${letter}$2:${letter}${last}"
        width = max(len(clist.key), *(len(v) for v in clist.values)) + 2
        ws.column_dimensions[letter].width = min(width, 60)
    return ranges


def _write_header(
    ws: Worksheet,
    layout: Layout,
    scope: Scope,
    lists: ChoiceLists,
    ranges: Mapping[str, str],
    example: Mapping[str, Any],
) -> None:
    validations: dict[tuple[str, ListStyle], DataValidation] = {}
    dates = _date_validation()
    for i, column in enumerate(layout.columns(scope), start=1):
        text = describe(column, layout, lists)
        cell = ws.cell(1, i, column.header)
        _style_header(cell, text)
        cell.comment = _comment(column, text)
        letter = get_column_letter(i)
        span = f"{letter}{HEADER_ROWS + 1}:{letter}{LAST_ROW}"
        kind = column.value_field.kind if column.value_field else FieldKind.TEXT
        dim = ws.column_dimensions[letter]
        dim.width = _width(column, text, example.get(column.header), kind)
        dim.number_format = DATE_FORMAT if kind is FieldKind.DATE else TEXT_FORMAT
        key = list_key(column, layout.profile)
        if key is not None and key in ranges:
            style = list_style(column, layout.profile)
            dv = validations.get((key, style))
            if dv is None:
                dv = _list_validation(ranges[key], style, text)
                validations[(key, style)] = dv
            dv.add(span)
        elif kind is FieldKind.DATE:
            dates.add(span)
    for dv in validations.values():
        ws.add_data_validation(dv)
    if dates.sqref.ranges:
        ws.add_data_validation(dates)
    ws.freeze_panes = f"B{HEADER_ROWS + 1}"  # (ws.cell() would create the cell)
    ws.row_dimensions[1].height = 20
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = PRINT_SCALE
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.print_title_rows = f"1:{HEADER_ROWS}"


def _style_header(cell: Any, text: ColumnText) -> None:
    color = "9C0006" if text.requirement == Requirement.REQUIRED else "000000"
    cell.font = Font(name=FONT_NAME, size=11, bold=True, color=color)
    cell.fill = PatternFill("solid", fgColor=HEADER_FILLS[text.requirement])
    cell.alignment = Alignment(vertical="center")
    cell.border = Border(bottom=Side(style="medium", color="7F7F7F"))
    marker = HEADER_MARKERS[text.requirement]
    # The marker is display only: the value stays the machine name.
    cell.number_format = f'@"{marker}"' if marker else TEXT_FORMAT
    cell.data_type = "s"


def _comment(column: Column, text: ColumnText) -> Comment:
    body = comment_text(column, text)
    comment = Comment(body, TOOL_NAME)
    lines = sum(1 + len(line) // 48 for line in body.splitlines())
    comment.width = 340
    comment.height = min(30 + 15 * lines, 600)
    return comment


def _list_validation(reference: str, style: ListStyle, text: ColumnText) -> DataValidation:
    dv = DataValidation(type="list", formula1=reference, allow_blank=True)
    dv.errorStyle = style.value
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.promptTitle = "Pick from the list"
    dv.prompt = text.format_text[:250]
    if style is ListStyle.STRICT:
        dv.errorTitle = "Not an allowed value"
        dv.error = "Pick a value from the drop-down (the instructions sheet lists them)."
    else:
        dv.errorTitle = "Not in the list"
        dv.error = (
            "This value is not in the list. Keep it only if it is several list values "
            "separated by commas, or <clear>."
        )
    return dv


def _date_validation() -> DataValidation:
    # Serial numbers 1 .. 2958465 are 1900-01-01 .. 9999-12-31: any real date.
    dv = DataValidation(type="date", operator="between", formula1="1", formula2="2958465",
                        allow_blank=True)
    dv.errorStyle = ListStyle.LENIENT.value  # lets <clear> through, with a warning
    dv.showErrorMessage = True
    dv.errorTitle = "Not a date"
    dv.error = "Type a date as YYYY-MM-DD (or <clear> to empty the field)."
    return dv


def _width(column: Column, text: ColumnText, example: Any, kind: FieldKind) -> float:
    marker = len(HEADER_MARKERS[text.requirement])
    example_len = 10 if isinstance(example, date) else len(str(example or ""))
    if kind is FieldKind.MARKDOWN:  # paragraphs: as wide as any column gets
        example_len = MAX_WIDTH
    # The header always fits; a long example value is cut at MAX_WIDTH.
    header = len(column.header) + marker + 3
    return float(max(header, min(example_len + 2, MAX_WIDTH), MIN_WIDTH))


def meta_values(layout: Layout, created: datetime) -> list[tuple[str, str]]:
    """The ``meta`` sheet rows (COMMON.md): how ``check`` recognises a template and the
    schema it was made from. ``header_rows`` tells readers where the data starts."""
    schema = layout.schema
    return [
        ("tool", TOOL_NAME),
        ("tool_version", __version__),
        ("schema_type", schema.dataset_type),
        ("schema_digest", schema.digest),
        ("schema_source", schema.source),
        ("layout", json.dumps(dict(layout.counts), sort_keys=True)),
        ("created", created.isoformat(timespec="seconds")),
        ("header_rows", str(HEADER_ROWS)),
    ]




def _write_meta(ws: Worksheet, layout: Layout, created: datetime) -> None:
    for key, value in meta_values(layout, created):
        ws.append([key, escape_text(value)])
        ws.cell(ws.max_row, 2).data_type = "s"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70


def read_meta(wb: Workbook) -> dict[str, str] | None:
    """The ``meta`` sheet as ``{key: value}``, or ``None`` when the workbook has none."""
    if META_SHEET not in wb.sheetnames:
        return None
    out: dict[str, str] = {}
    for key, value, *_ in wb[META_SHEET].iter_rows(max_col=2, values_only=True):
        if key is not None:
            out[str(key)] = "" if value is None else str(value)
    return out
