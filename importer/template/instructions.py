"""The ``instructions`` sheet: how to fill the workbook, then one line per column.

Everything here is generated from the layout and the profile (entry counts, which field
holds contacts, the state a new record is created in), so it cannot drift from the
columns it describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from importer.map.cells import CLEAR_MARKER, REMOVE_MARKER
from importer.schema.columns import DATASET_LINK, DATASETS_SHEET, RESOURCES_SHEET, Layout, Scope
from importer.sheettext import escape_text
from importer.template.describe import describe, example_for_instructions
from importer.template.lists import ChoiceLists

TABLE_HEADERS = ("Sheet", "Column", "Label", "Required", "Allowed values or format", "Example",
                 "Help")
TABLE_WIDTHS = (11, 34, 34, 30, 60, 30, 80)
#: characters of a rule that fit on one line across the merged B:G cells.
RULE_CHARS_PER_LINE = 200
TITLE_FONT = Font(name="Calibri", bold=True, size=14)
BOLD = Font(name="Calibri", bold=True)
TABLE_FILL = PatternFill("solid", fgColor="D9E1F2")


def general_rules(layout: Layout, lists: ChoiceLists) -> list[str]:
    """The how-to-fill paragraphs, from the layout and the profile."""
    p = layout.profile
    rules = [
        f"One row per dataset on the '{DATASETS_SHEET}' sheet; one row per resource on the "
        f"'{RESOURCES_SHEET}' sheet, linked to its dataset by '{DATASET_LINK}' = the "
        "dataset's 'name'. A dataset may have any number of resource rows.",
        "Row 1 holds the column names the importer reads: do not change it. Columns may be "
        "moved; unknown columns are reported.",
        "Header colours: orange with * = required; yellow with (*) = required in some cases "
        "(the header comment says when); blue = optional. Point at a header to read its "
        "comment: label, help, format and allowed values.",
        f"A blank cell means 'not given' (on update, the field keeps its current value; "
        f"contact 2's cells are the record's contact 2, and so on). Type {CLEAR_MARKER} to "
        f"empty a field on update, or {REMOVE_MARKER} in one cell of a contact, link or "
        "date to remove that whole entry.",
        "Drop-down columns take a value from their list. Several values (multi-select "
        "columns, keywords) are separated by commas in one cell.",
        "Dates: a date cell or text YYYY-MM-DD.",
    ]
    rules.append(
        "Licence: its title, from the drop-down."
        if lists.licenses else "Licence: its id or title."
    )
    rules.append(
        "Organization: its URL name, from the drop-down."
        if lists.organizations is not None
        else "Organization: its URL name (or its title); it is checked when you give --url "
        "to check or import."
    )
    rules.extend(_repeating_rules(layout))
    for field_name, value in p.create_values.items():
        rules.append(f"New records are created with {field_name} = {value}.")
    return rules


def _repeating_rules(layout: Layout) -> list[str]:
    p = layout.profile
    rules = []
    for path, count in layout.counts.items():
        sheet = RESOURCES_SHEET if path.startswith("resources.") else DATASETS_SHEET
        name = path.removeprefix("resources.")
        label = p.entry_labels.get(path, name)
        if count == 1:
            rules.append(f"{label}: columns {name}_1_* on the '{sheet}' sheet (one entry).")
            continue
        rules.append(
            f"{label}s: up to {count} per row, columns {name}_1_* to {name}_{count}_*, "
            f"filled from 1 up; an entry whose cells are all blank is left out."
        )
    if p.contacts_field and p.contacts_field in layout.counts:
        org = p.contact_org_subfield
        shown = p.contact_displayed_subfield
        rules.append(
            f"Contacts: fill contact 1 at least; at least one contact must have {shown} = Yes "
            f"(shown to the public). A blank contact {org} means the dataset's organization. "
            f"Need more contacts? Make the template with --contacts N."
        )
    return rules


def write_instructions(
    ws: Worksheet,
    layout: Layout,
    lists: ChoiceLists,
    rows: Mapping[Scope, Mapping[str, Any]],
) -> None:
    """Fill ``ws``: a title, the rules, then the column table."""
    ws.append([f"How to fill this workbook ({layout.schema.dataset_type})"])
    ws.cell(1, 1).font = TITLE_FONT
    last_letter = chr(64 + len(TABLE_HEADERS))
    for rule in general_rules(layout, lists):
        ws.append(["", escape_text(rule)])
        row = ws.max_row
        # A rule spans the table's width, wrapped, so it reads whole on screen and paper.
        ws.merge_cells(f"B{row}:{last_letter}{row}")
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * (1 + len(rule) // RULE_CHARS_PER_LINE)
    ws.append([])
    ws.append(list(TABLE_HEADERS))
    header_row = ws.max_row
    for i, _ in enumerate(TABLE_HEADERS, start=1):
        ws.cell(header_row, i).font = BOLD
        ws.cell(header_row, i).fill = TABLE_FILL
    for scope, sheet in ((Scope.DATASET, DATASETS_SHEET), (Scope.RESOURCE, RESOURCES_SHEET)):
        for column in layout.columns(scope):
            text = describe(column, layout, lists)
            allowed = text.allowed_text or text.format_text
            if text.allowed_text and text.format_text:
                allowed = f"{text.format_text}: {text.allowed_text}"
            example = example_for_instructions(column, layout, lists, rows)
            if isinstance(example, date):
                example = example.isoformat()
            ws.append([escape_text(v) if isinstance(v, str) else v for v in (
                sheet, column.header, column.label, text.required_text, allowed, example,
                text.help_text)])
            lines = 1
            for cell, width in zip(ws[ws.max_row], TABLE_WIDTHS, strict=False):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.data_type = "s"
                lines = max(lines, -(-len(str(cell.value or "")) // int(width * 1.15)))
            # Spreadsheets do not grow rows for wrapped text written by a program.
            ws.row_dimensions[ws.max_row].height = 15 * lines
    for i, width in enumerate(TABLE_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
