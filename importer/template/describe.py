"""Words about each column, generated from the field model: is it required, what goes in
it, an example value. The header comments, the instructions sheet and the ``--example`` row
all take their text from here, so they always agree with each other and with the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from importer.map.cells import CLEAR_MARKER, YES
from importer.schema.columns import Column, Layout, Role, Scope
from importer.schema.model import FieldKind
from importer.schema.profile import Profile
from importer.template.lists import (
    ChoiceLists,
    is_checkbox,
    is_organization,
    labelled_choices,
    list_values,
)

#: a comment or an instructions cell lists every allowed value up to this many.
MAX_LISTED_VALUES = 40
EXAMPLE_DATE = date(2024, 5, 1)


class Requirement(StrEnum):
    """How much a column is needed; also selects the header style."""

    REQUIRED = "required"
    CONDITIONAL = "conditional"
    OPTIONAL = "optional"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class ColumnText:
    """Everything said about one column."""

    requirement: Requirement
    required_text: str  # "Required", "Required when resource_status is obsolete", ...
    format_text: str  # what to type
    allowed_text: str  # "value (label); ..." for choice columns, else ""
    help_text: str


def field_path(column: Column) -> str:
    """The profile's path for a column's value: ``title``, ``contacts.email``,
    ``resources.format``, ``resources.temporal_extent.end_date``."""
    prefix = "resources." if column.scope is Scope.RESOURCE else ""
    if column.field is None:
        return prefix + column.header
    if column.subfield is None:
        return prefix + column.field.name
    return f"{prefix}{column.field.name}.{column.subfield.name}"


def describe(column: Column, layout: Layout, lists: ChoiceLists) -> ColumnText:
    """The requirement, format, allowed values and help of ``column``."""
    requirement, required_text = _requirement(column)
    return ColumnText(
        requirement=requirement,
        required_text=required_text,
        format_text=_format(column, layout.profile, lists),
        allowed_text=_allowed(column, layout.profile, lists),
        help_text=_help(column),
    )


def _requirement(column: Column) -> tuple[Requirement, str]:
    if column.role is Role.ID:
        return Requirement.SYSTEM, "Filled by export: leave it as it is"
    if column.marked_required:
        return Requirement.REQUIRED, "Required"
    f = column.value_field
    if f is None:
        return Requirement.OPTIONAL, "Optional"
    cond = f.condition or (column.field.condition if column.field else None)
    if cond is not None and (f.conditionally_required or f.required):
        values = " or ".join(cond.values)
        return Requirement.CONDITIONAL, f"Required when {cond.field} is {values}"
    if column.subfield is not None and column.subfield.required and column.field is not None:
        entry = column.label[: -len(column.subfield.label)].strip() or column.field.label
        return (
            Requirement.CONDITIONAL,
            f"Required when any other {entry} column is filled",
        )
    if cond is not None:
        values = " or ".join(cond.values)
        return Requirement.OPTIONAL, f"Optional; applies when {cond.field} is {values}"
    return Requirement.OPTIONAL, "Optional"


def _format(column: Column, profile: Profile, lists: ChoiceLists) -> str:
    if column.role is Role.DATASET_LINK:
        return "The URL name (name column) of this resource's dataset on the datasets sheet"
    if column.role is Role.ID:
        return "The record's id on the site"
    f = column.value_field
    if f is None:
        return "Text"
    if is_checkbox(column, profile):
        return f"{YES} or No"
    if is_organization(column, profile):
        return _organization_format(column, lists)
    kind_text = {
        FieldKind.TEXT: "Text",
        FieldKind.MARKDOWN: "Text; Markdown allowed",
        FieldKind.SLUG: "2-100 characters: lower-case letters a-z, digits, - and _",
        FieldKind.LICENSE: "A licence title from the drop-down",
        FieldKind.SELECT: "One value from the drop-down",
        FieldKind.MULTI_SELECT: "One or more values from the list, separated by commas",
        FieldKind.TAGS: (
            "Keywords separated by commas; each 2-100 characters of letters, digits, "
            "spaces, - _ ."
        ),
        FieldKind.DATE: "A date: YYYY-MM-DD (or a date cell)",
        FieldKind.JSON: 'A JSON object, e.g. {"fields": []}',
        FieldKind.REPEATING: "Text",
    }
    text = kind_text[f.kind]
    if f.kind is FieldKind.TEXT:
        if "email" in f.name:
            text = "An e-mail address"
        elif f.name == "url" or f.name.endswith("_url") or f.placeholder.startswith("http"):
            text = "A web address (https://...)"
    if f.kind in (FieldKind.TEXT, FieldKind.SLUG) and _is_sample(f.placeholder):
        text += f", e.g. {f.placeholder}"
    return text


def _is_sample(placeholder: str) -> bool:
    """A placeholder that is a sample value (``a-unique-descriptive-title``), not advice."""
    return bool(placeholder) and " " not in placeholder.strip()


def _organization_format(column: Column, lists: ChoiceLists) -> str:
    known = lists.organizations is not None
    text = (
        "An organization name from the drop-down"
        if known
        else "The organization's URL name (its title is accepted too)"
    )
    if column.subfield is not None:
        text += "; blank = the dataset's organization"
    return text


def _allowed(column: Column, profile: Profile, lists: ChoiceLists) -> str:
    pairs = labelled_choices(column, profile)
    if pairs:
        shown = [v if v == label else f"{v} ({label})" for v, label in pairs]
        return _cap("; ".join(shown[:MAX_LISTED_VALUES]), len(shown))
    values = list_values(column, profile, lists)
    if values:
        return _cap("; ".join(values[:MAX_LISTED_VALUES]), len(values))
    return ""


def _cap(text: str, count: int) -> str:
    if count > MAX_LISTED_VALUES:
        return f"{text}; ... ({count} values in the drop-down)"
    return text


def _help(column: Column) -> str:
    parts = []
    if column.subfield is not None and column.field is not None and column.field.help_text:
        parts.append(column.field.help_text.strip())
    f = column.value_field
    if f is not None and f.help_text:
        parts.append(f.help_text.strip())
    if f is not None and f.placeholder and not _is_sample(f.placeholder):
        parts.append(f.placeholder.strip())  # advice written as a form placeholder
    if f is not None and f.required_note and column.marked_required:
        parts.append(f"Required: {f.required_note}.")
    return " ".join(parts)


def comment_text(column: Column, text: ColumnText) -> str:
    """The header comment: label, requirement, help, format and allowed values."""
    lines = [f"{column.label} ({column.header})", text.required_text.upper()]
    if text.help_text:
        lines.append(text.help_text)
    lines.append(f"Format: {text.format_text}")
    if text.allowed_text:
        lines.append(f"Allowed: {text.allowed_text}")
    if text.requirement is not Requirement.SYSTEM and column.role is Role.FIELD:
        lines.append(f"Blank = not given; {CLEAR_MARKER} = empty it on update")
    return "\n".join(lines)


def example_value(column: Column, layout: Layout, lists: ChoiceLists) -> Any:
    """A plausible valid value for ``column`` (the profile's, else one made from its kind)."""
    profile = layout.profile
    allowed = list_values(column, profile, lists)
    given = profile.example_values.get(field_path(column))
    f = column.value_field
    if column.role is Role.DATASET_LINK:
        given = profile.example_values.get("name", "example-dataset")
    elif is_organization(column, profile):
        known = lists.organization_names
        mine = [name for name in lists.writable if known is None or name in known]
        given = (mine or known or [profile.example_values.get("owner_org", "my-organization")])[0]
    if given is not None and (allowed is None or given in allowed):
        return _typed(given, f.kind if f else FieldKind.TEXT)
    if allowed:
        return YES if is_checkbox(column, profile) else allowed[0]
    return _by_kind(column, profile)


def _typed(text: str, kind: FieldKind) -> Any:
    if kind is FieldKind.DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _by_kind(column: Column, profile: Profile) -> Any:
    f = column.value_field
    if column.role is Role.ID or f is None:
        return ""
    if f.kind is FieldKind.DATE:
        return EXAMPLE_DATE
    if f.kind is FieldKind.SLUG:
        return "example-dataset"
    if f.kind is FieldKind.TAGS:
        return "example, open data"
    if f.kind is FieldKind.JSON:
        return '{"fields": []}'
    if "email" in f.name:
        return profile.example_email
    if "url" in f.name or f.placeholder.startswith("http"):
        return f.placeholder if f.placeholder.startswith("http") else profile.example_url
    return f"Example {column.label.lower()}"


def example_rows(layout: Layout, lists: ChoiceLists) -> dict[Scope, dict[str, Any]]:
    """One valid dataset row and one valid resource row, as ``{header: value}``.

    A column is filled when it is required or the profile gives an example for it, and
    then every required sub-field of the same entry too (an entry is all or nothing).
    Conditional columns stay blank: the example's values do not trigger them.
    """
    out: dict[Scope, dict[str, Any]] = {}
    for scope in Scope:
        columns = layout.columns(scope)
        filled = {c.header for c in columns if _wanted(c, layout.profile)}
        entries = {(c.field.name, c.index) for c in columns
                   if c.header in filled and c.subfield is not None and c.field is not None}
        for c in columns:
            sub_required = c.subfield is not None and c.subfield.required
            if c.field is not None and (c.field.name, c.index) in entries and sub_required:
                filled.add(c.header)
        out[scope] = {c.header: example_value(c, layout, lists)
                      for c in columns if c.header in filled}
    return out


def _wanted(column: Column, profile: Profile) -> bool:
    if column.role is Role.ID:
        return False
    if column.index is not None and column.index > 1:
        return False
    return column.marked_required or field_path(column) in profile.example_values


def example_for_instructions(
    column: Column, layout: Layout, lists: ChoiceLists, rows: Mapping[Scope, Mapping[str, Any]]
) -> Any:
    """The example shown on the instructions sheet: the example row's value if it has one."""
    row = rows.get(column.scope, {})
    if column.header in row:
        return row[column.header]
    return example_value(column, layout, lists)
