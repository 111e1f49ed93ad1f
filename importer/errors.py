"""Exceptions for conditions that stop a run.

Problems in the *data* (a bad cell, a missing field) are not exceptions: they are
:class:`importer.problems.Problem` values collected into a report. Exceptions here are
for the cases where the run cannot go on at all (an unreadable file, a site that does not
answer). The CLI turns every :class:`ImporterError` into one line on stderr and its
``exit_code``, in one place (:func:`importer.cli.main`).

Messages must never contain an API token: build them from URLs, paths and codes only.
"""

from __future__ import annotations


class ImporterError(Exception):
    """Base class: the run cannot continue. ``str(err)`` is the one line the user sees."""

    exit_code: int = 2


class SchemaError(ImporterError):
    """The schema could not be loaded, or is not a ckanext-scheming dataset schema we understand."""


class SiteError(ImporterError):
    """The CKAN site did not answer, or answered in a way that makes the run impossible."""


class AuthError(SiteError):
    """The API token is missing, invalid, expired, or lacks the rights the run needs."""


class WorkbookError(ImporterError):
    """The input file cannot be used at all (not a workbook, corrupt, encrypted, ...)."""


class OutputError(ImporterError):
    """An output file cannot be written (exists without --force, unwritable directory)."""


class Interrupted(ImporterError):
    """The user stopped the run (Ctrl-C); partial results were saved."""

    exit_code = 130
