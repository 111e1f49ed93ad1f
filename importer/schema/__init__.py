"""The field model: load a scheming schema and describe the workbook columns it implies."""

from importer.schema.columns import Column, Layout, build_layout, normalise_header
from importer.schema.load import data_path, load_bundled, load_file, load_from_site, parse_schema
from importer.schema.model import Choice, Condition, Field, FieldKind, Schema
from importer.schema.profile import BCDC, GENERIC, Profile, profile_for

__all__ = [
    "BCDC",
    "GENERIC",
    "Choice",
    "Column",
    "Condition",
    "Field",
    "FieldKind",
    "Layout",
    "Profile",
    "Schema",
    "build_layout",
    "data_path",
    "load_bundled",
    "load_file",
    "load_from_site",
    "normalise_header",
    "parse_schema",
    "profile_for",
]
