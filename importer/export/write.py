"""The export workbook: the template (sheets, drop-downs, comments, instructions, meta) for
the widened layout, the records' rows appended, and an ``export-notes`` sheet.

Everything but the notes sheet comes from :mod:`importer.template.workbook`, so an export
is exactly a filled-in template and ``check`` / ``import`` read it like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from importer.export.notes import Note
from importer.schema.columns import Layout, Scope
from importer.sheettext import shown_text
from importer.template.lists import ChoiceLists
from importer.template.workbook import append_rows, build_workbook

NOTES_SHEET = "export-notes"
NOTE_HEADERS = ("record", "resource", "sheet", "cell", "field", "code", "stored value", "note")
NOTE_WIDTHS = (28, 24, 11, 8, 26, 18, 40, 90)


def build_export_workbook(
    layout: Layout,
    lists: ChoiceLists,
    dataset_rows: Iterable[Mapping[str, Any]],
    resource_rows: Iterable[Mapping[str, Any]],
    notes: Sequence[Note],
    created: datetime | None = None,
) -> Workbook:
    """The template for ``layout`` with the rows appended and the notes sheet added."""
    wb = build_workbook(layout, lists, created=created)
    append_rows(wb, layout, Scope.DATASET, dataset_rows)
    append_rows(wb, layout, Scope.RESOURCE, resource_rows)
    write_notes(wb, notes)
    return wb


def write_notes(wb: Workbook, notes: Sequence[Note]) -> None:
    """An ``export-notes`` sheet after the data sheets: one row per note (a header row and
    "none" when there are none, so the sheet's absence never has to be explained)."""
    ws = wb.create_sheet(NOTES_SHEET, index=_after_data(wb))
    for i, (text, width) in enumerate(zip(NOTE_HEADERS, NOTE_WIDTHS, strict=True), start=1):
        cell = ws.cell(1, i, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    if not notes:
        ws.cell(2, 1, "No notes: every stored value is in the file.")
        return
    for r, note in enumerate(notes, start=2):
        p = note.problem
        values = (note.record, note.resource, p.sheet, p.cell, p.field, p.code, p.value,
                  p.message)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            if value is None:
                continue
            if isinstance(value, (int, float)):
                cell.value = value
            else:  # user data: never a formula; any character shown, never refused
                cell.value = shown_text(str(value))
                cell.data_type = "s"
            cell.alignment = Alignment(vertical="top", wrap_text=c == len(values))


def _after_data(wb: Workbook) -> int:
    """Index just after the last visible data sheet (before instructions and hidden ones)."""
    names = wb.sheetnames
    return int(max(names.index(n) for n in ("datasets", "resources") if n in names) + 1)

