"""Errors of the dev catalogue manager (all :class:`importer.errors.ImporterError`, so the CLI
shows them as one message and an exit code, never a traceback)."""

from __future__ import annotations

from importer.errors import ImporterError


class DevCatalogueError(ImporterError):
    """The dev catalogue could not be brought up, stopped or inspected; the message says why."""


class MissingPrerequisite(DevCatalogueError):
    """Something the machine must provide (PostgreSQL, root for apt-get, ...) is missing."""


class ServerStartError(DevCatalogueError):
    """A service did not start; the message carries the tail of its log."""
