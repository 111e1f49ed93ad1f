"""Undo one import: put back what its journal says it replaced (docs/undo.md).

:func:`undo_import` is the one call a front door makes (CLI, web); ``dry_run`` gives the
plan (each field's current -> restored value, each conflict) without sending anything.
"""

from importer.undo.plan import Conflict, Restore, UndoStatus
from importer.undo.run import UndoOptions, UndoOutcome, UndoResult, undo_import, undo_rows
from importer.undo.source import ImportedRow, ImportJournal, journal_of, read_import_journal

__all__ = ["Conflict", "ImportJournal", "ImportedRow", "Restore", "UndoOptions",
           "UndoOutcome", "UndoResult", "UndoStatus", "journal_of", "read_import_journal",
           "undo_import", "undo_rows"]
