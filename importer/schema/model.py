"""The typed field model: one description of every field, used by every stage.

A ckanext-scheming schema is a loose dict; this module turns it into frozen dataclasses so
the template, reader, mapper, validator and exporter all ask the same questions of the
same objects (is it required? what are its choices? is it a date? which sub-fields?).
Nothing else in the project lists fields by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FieldKind(StrEnum):
    """How a value is entered in a cell and sent to CKAN."""

    TEXT = "text"
    MARKDOWN = "markdown"
    SLUG = "slug"  # the package ``name``: a URL slug
    ORGANIZATION = "organization"  # ``owner_org``: id or name, resolved on the site
    LICENSE = "license"  # ``license_id``: an id from the site's licence register
    SELECT = "select"  # one value from ``choices`` (or a ``choices_helper``)
    MULTI_SELECT = "multi_select"  # a list of values from ``choices``
    TAGS = "tags"  # comma-separated keywords -> ``tags``
    DATE = "date"  # ``YYYY-MM-DD``
    JSON = "json"  # a JSON object (``json_object`` preset)
    REPEATING = "repeating"  # a list of objects with ``subfields``


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value. ``aliases`` are other spellings accepted on input (e.g. typos
    in the published schema that the server stores) and mapped to ``value``."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """``conditional_field`` / ``conditional_values``: this field matters (is required, or
    is shown) only when ``field`` holds one of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """One dataset field, resource field, or sub-field of a repeating field.

    ``required`` is what the schema declares (what the catalogue's own form enforces);
    ``server_required`` is whether the validators that really run reject a missing value.
    They differ for fields such as ``tag_string``: the importer must enforce ``required``.
    """

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    server_required: bool = False
    #: why the field is required when the schema's ``required`` key does not say so
    #: (a validator such as ``not_empty``, or the site's organization rule); else "".
    required_note: str = ""
    choices: tuple[Choice, ...] = ()
    choices_helper: str | None = None
    help_text: str = ""
    placeholder: str = ""
    preset: str | None = None
    validators: tuple[str, ...] = ()
    condition: Condition | None = None
    #: ``required`` applies only when ``condition`` holds (``conditional_required``).
    conditionally_required: bool = False
    subfields: tuple[Field, ...] = ()
    #: at most one entry (``single_value_subfield``), which the server does not enforce.
    single_entry: bool = False
    #: filled by the system, never by a person (not in templates).
    system: bool = False
    #: the server checks values against ``choices`` (False where validators were replaced).
    server_checks_choices: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def choice_values(self) -> tuple[str, ...]:
        """The values a cell may hold, in schema order."""
        return tuple(c.value for c in self.choices)

    def subfield(self, name: str) -> Field:
        """The sub-field called ``name``; KeyError if this field has none by that name."""
        for sub in self.subfields:
            if sub.name == name:
                return sub
        raise KeyError(f"{self.name} has no sub-field {name!r}")

    @property
    def is_repeating(self) -> bool:
        return self.kind is FieldKind.REPEATING


@dataclass(frozen=True, slots=True)
class Schema:
    """A dataset type's schema: dataset fields and resource fields, in form order.

    ``digest`` is the SHA-256 of the canonical JSON of the expanded schema, so a workbook
    can record which schema it was made from and be checked against it later.
    """

    dataset_type: str
    dataset_fields: tuple[Field, ...]
    resource_fields: tuple[Field, ...]
    digest: str
    source: str
    about: str = ""

    def dataset_field(self, name: str) -> Field:
        """The dataset field called ``name`` (KeyError if absent)."""
        return _find(self.dataset_fields, name, "dataset")

    def resource_field(self, name: str) -> Field:
        """The resource field called ``name`` (KeyError if absent)."""
        return _find(self.resource_fields, name, "resource")

    def has_dataset_field(self, name: str) -> bool:
        return any(f.name == name for f in self.dataset_fields)

    def has_resource_field(self, name: str) -> bool:
        return any(f.name == name for f in self.resource_fields)


def _find(fields: tuple[Field, ...], name: str, where: str) -> Field:
    for f in fields:
        if f.name == name:
            return f
    raise KeyError(f"the schema has no {where} field {name!r}")
