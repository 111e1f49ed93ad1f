"""Read a filled workbook (.xlsx, .xlsm) or CSV into rows of normalised, located values."""

from importer.read.model import ReadResult, Row, SheetInfo
from importer.read.reader import META_SHEET, read_workbook, workbook_type

__all__ = ["META_SHEET", "ReadResult", "Row", "SheetInfo", "read_workbook", "workbook_type"]
