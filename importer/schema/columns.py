"""The workbook layout implied by a schema: which columns, in which order, named how.

One row of the ``datasets`` sheet is one package; one row of the ``resources`` sheet is
one resource, linked to its package by ``dataset_name``. Repeating fields are flattened
into numbered sub-columns ``<field>_<n>_<subfield>`` (``contacts_1_email``). Row 1 holds
these machine names so a filled workbook maps back without guessing; the human label
("Contact 1 Email") is accepted too, see :meth:`Layout.match`.

The template writer, the reader, the mapper, the validator and the exporter all take
their columns from here; no other module lists fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from importer.schema.model import Field, Schema
from importer.schema.profile import Profile, profile_for

DATASETS_SHEET = "datasets"
RESOURCES_SHEET = "resources"
DATASET_LINK = "dataset_name"
ID_HEADER = "id"
DEFAULT_ENTRIES = 2


class Scope(StrEnum):
    DATASET = "dataset"
    RESOURCE = "resource"


class Role(StrEnum):
    """What a column holds: a schema field, the record id, or a resource's dataset link."""

    FIELD = "field"
    ID = "id"
    DATASET_LINK = "dataset_link"


@dataclass(frozen=True, slots=True)
class Column:
    """One workbook column. For a flattened repeating field, ``field`` is the repeating
    field, ``subfield`` the sub-field and ``index`` the 1-based entry number."""

    header: str
    label: str
    scope: Scope
    role: Role = Role.FIELD
    field: Field | None = None
    subfield: Field | None = None
    index: int | None = None
    #: shown as required in the template (a person must fill it for a valid row).
    marked_required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def value_field(self) -> Field | None:
        """The field whose value the cell holds (the sub-field, for flattened columns)."""
        return self.subfield or self.field

    @property
    def path(self) -> str:
        """Field path inside the package or resource, 1-based: ``contacts[1].email``."""
        if self.field is None:
            return self.header
        if self.subfield is None:
            return self.field.name
        return f"{self.field.name}[{self.index}].{self.subfield.name}"


@dataclass(frozen=True)
class Layout:
    """The columns of both sheets, for one schema, profile and entry counts."""

    schema: Schema
    profile: Profile
    dataset_columns: tuple[Column, ...]
    resource_columns: tuple[Column, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    def columns(self, scope: Scope) -> tuple[Column, ...]:
        return self.dataset_columns if scope is Scope.DATASET else self.resource_columns

    @cached_property
    def _index(self) -> dict[Scope, dict[str, Column]]:
        out: dict[Scope, dict[str, Column]] = {}
        for scope in Scope:
            table: dict[str, Column] = {}
            cols = self.columns(scope)
            for col in cols:  # machine names win over labels
                table.setdefault(normalise_header(col.header), col)
            for col in cols:
                for alias in (col.label, *col.aliases):
                    table.setdefault(normalise_header(alias), col)
            out[scope] = table
        return out

    def match(self, scope: Scope, header: str) -> Column | None:
        """The column a header cell names: by machine name or label, ignoring case,
        spaces and punctuation (``Contact 1 Email`` = ``contacts_1_email``)."""
        return self._index[scope].get(normalise_header(header))


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """Lower-case, drop everything but letters and digits (incl. NBSP and punctuation)."""
    return _NON_ALNUM.sub("", str(text).lower())


def build_layout(
    schema: Schema,
    profile: Profile | None = None,
    counts: Mapping[str, int] | None = None,
    include_ids: bool = False,
) -> Layout:
    """Columns for ``schema``. ``counts`` maps a repeating field path (``contacts``,
    ``resources.temporal_extent``) to its number of sub-column groups; missing paths take
    the profile's count, else 2; single-entry fields always get 1."""
    prof = profile or profile_for(schema.dataset_type)
    wanted = dict(prof.entry_counts) | dict(counts or {})
    used: dict[str, int] = {}
    datasets = _columns(schema.dataset_fields, Scope.DATASET, "", prof, wanted, used)
    resources = _columns(schema.resource_fields, Scope.RESOURCE, "resources.", prof, wanted, used)
    link = Column(
        DATASET_LINK, "Dataset URL name", Scope.RESOURCE, Role.DATASET_LINK,
        marked_required=True, aliases=("dataset", "package", "package_name"),
    )
    resources = [link, *resources]
    if include_ids:
        datasets.append(Column(ID_HEADER, "ID", Scope.DATASET, Role.ID))
        resources.append(Column(ID_HEADER, "ID", Scope.RESOURCE, Role.ID))
    return Layout(schema, prof, tuple(datasets), tuple(resources), used)


def _columns(
    fields: tuple[Field, ...],
    scope: Scope,
    prefix: str,
    profile: Profile,
    wanted: Mapping[str, int],
    used: dict[str, int],
) -> list[Column]:
    cols: list[Column] = []
    for f in fields:
        if f.system:
            continue
        if not f.is_repeating:
            required = f.required and not f.conditionally_required
            cols.append(Column(f.name, f.label, scope, field=f, marked_required=required))
            continue
        path = prefix + f.name
        n = 1 if f.single_entry else max(1, wanted.get(path, DEFAULT_ENTRIES))
        used[path] = n
        cols.extend(_flattened(f, scope, path, n, profile))
    return cols


def _flattened(f: Field, scope: Scope, path: str, n: int, profile: Profile) -> list[Column]:
    entry = profile.entry_labels.get(path, f.label)
    first_required = f.required or path == profile.contacts_field
    cols: list[Column] = []
    for i in range(1, n + 1):
        for sub in f.subfields:
            sub_label = sub.label or sub.name.replace("_", " ").title()
            number = f" {i}" if n > 1 or not f.single_entry else ""
            label = f"{entry}{number} {sub_label}"
            if not number and sub_label.lower().startswith(entry.lower()):
                label = sub_label  # "Preview Latitude", not "Preview Preview Latitude"
            cols.append(Column(
                header=f"{f.name}_{i}_{sub.name}",
                label=label,
                scope=scope,
                field=f,
                subfield=sub,
                index=i,
                marked_required=i == 1 and first_required and sub.required,
                aliases=(f"{f.label} {i} {sub_label}", f"{entry} {i} {sub_label}"),
            ))
    return cols
