"""Errors of the dev catalogue manager.

``DevCatalogueError`` is re-parented onto the project's base exception once the foundation
(``importer.errors.ImporterError``) is present, so the CLI turns it into one clean line.
"""

from __future__ import annotations

try:  # the project's base exception, when the foundation is installed
    from importer.errors import ImporterError as _Base
except ImportError:  # pragma: no cover - only before the foundation lands
    _Base = Exception  # type: ignore[misc,assignment]


class DevCatalogueError(_Base):  # type: ignore[valid-type,misc]
    """The dev catalogue could not be brought up, stopped or inspected; the message says why."""


class MissingPrerequisite(DevCatalogueError):
    """Something the machine must provide (PostgreSQL, root for apt-get, ...) is missing."""


class ServerStartError(DevCatalogueError):
    """A service did not start; the message carries the tail of its log."""
