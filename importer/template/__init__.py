"""The template workbook: the schema's columns, drop-downs, help and markers in a workbook.

Public API (``template`` uses it; ``export`` reuses it to write records in the same layout)::

    lists = ChoiceLists.offline()            # or ChoiceLists.from_site(site)
    wb = build_workbook(layout, lists, example=False, created=None)
    append_rows(wb, layout, Scope.DATASET, [{"title": ..., "name": ...}])
    save(wb, path, force=False)              # OutputError if it exists / cannot be written
    read_meta(wb)                            # {key: value} of the hidden meta sheet, or None
"""

from importer.template.build import make_template
from importer.template.describe import ColumnText, Requirement, describe, example_rows
from importer.template.lists import (
    ChoiceList,
    ChoiceLists,
    License,
    ListStyle,
    Organization,
    choice_lists_for,
    is_checkbox,
    is_organization,
    list_key,
    list_style,
    list_values,
)
from importer.template.workbook import (
    DATE_FORMAT,
    HEADER_ROWS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TOOL_NAME,
    append_rows,
    build_workbook,
    meta_values,
    read_meta,
    save,
    sheet_title,
)

__all__ = [
    "DATE_FORMAT",
    "HEADER_ROWS",
    "INSTRUCTIONS_SHEET",
    "LISTS_SHEET",
    "META_SHEET",
    "TOOL_NAME",
    "ChoiceList",
    "ChoiceLists",
    "ColumnText",
    "License",
    "ListStyle",
    "Organization",
    "Requirement",
    "append_rows",
    "build_workbook",
    "choice_lists_for",
    "describe",
    "example_rows",
    "is_checkbox",
    "is_organization",
    "list_key",
    "list_style",
    "list_values",
    "make_template",
    "meta_values",
    "read_meta",
    "save",
    "sheet_title",
]
