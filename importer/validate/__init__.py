"""Validate mapped records: a generated JSON Schema plus the catalogue's unenforced rules."""

from importer.validate.engine import (
    Mode,
    cross_row,
    validate,
    validate_resources,
    validate_result,
)

__all__ = ["Mode", "cross_row", "validate", "validate_resources", "validate_result"]
