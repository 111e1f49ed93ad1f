"""Reports of checks and imports: a workbook, JSON and a console summary, all computed
from the same list of :class:`importer.problems.Problem` values."""

from importer.report.cells import looks_like_formula
from importer.report.console import render_console_summary
from importer.report.jsonreport import JSON_VERSION, report_to_json
from importer.report.source import SourceSheet, source_sheets
from importer.report.summary import OK, CommonProblem, Summary, status_text, summarise
from importer.report.workbook import (
    ERRORS_SHEET,
    STATUS_HEADER,
    SUMMARY_SHEET,
    ExtraColumn,
    write_report_workbook,
)

__all__ = [
    "ERRORS_SHEET",
    "JSON_VERSION",
    "OK",
    "STATUS_HEADER",
    "SUMMARY_SHEET",
    "CommonProblem",
    "ExtraColumn",
    "SourceSheet",
    "Summary",
    "looks_like_formula",
    "render_console_summary",
    "report_to_json",
    "source_sheets",
    "status_text",
    "summarise",
    "write_report_workbook",
]
