"""The choice lists behind the template's drop-downs, and which column uses which list.

Most lists come from the schema (a field's ``choices``, in schema order, values not labels:
the value is what the API wants and what ``check`` compares). Three come from elsewhere:

* licences, written as their **titles** (cell convention, ``importer.map.cells``), from the
  licence register bundled with the package or the site's ``license_list``;
* organizations, written as their **names**, known only when a site is given
  (``organization_list``); offline these columns stay free text;
* the checkbox sub-field ``displayed``, written ``Yes`` / ``No``.

:class:`ChoiceLists` holds the lists that do not come from the schema; it is a plain value
so ``template`` and ``export`` build the same drop-downs, offline or from a site.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from importer.map.cells import NO, YES
from importer.schema.columns import Column, Layout, Role
from importer.schema.load import data_path
from importer.schema.model import FieldKind
from importer.schema.profile import Profile

BUNDLED_LICENSES = "bcdc_licenses.json"
#: ``organization_list`` page size; CKAN caps ``all_fields`` pages at 25 by default.
ORG_PAGE = 25
#: a safety stop for sites that ignore ``offset`` (25 x 400 = 10,000 organizations).
MAX_ORG_PAGES = 400


class ActionCaller(Protocol):
    """Anything that can call a CKAN action (``importer.site.Site`` does)."""

    def call(self, action: str, **data: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class License:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    title: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class ChoiceLists:
    """Lists that the schema does not hold. ``organizations`` is ``None`` when unknown
    (offline): organization columns are then free text rather than a drop-down."""

    licenses: tuple[License, ...]
    organizations: tuple[Organization, ...] | None = None
    #: names of the organizations the token may create datasets in, when asked for (the
    #: ``--example`` row takes one, so the example passes ``check`` with that token).
    writable: tuple[str, ...] = ()

    @classmethod
    def offline(cls, licenses_file: Path | None = None) -> ChoiceLists:
        """Licences from the bundled register (or ``licenses_file``); organizations unknown."""
        path = licenses_file or data_path(BUNDLED_LICENSES)
        return cls(licenses=parse_licenses(json.loads(path.read_text(encoding="utf-8"))))

    @classmethod
    def from_site(cls, site: ActionCaller, writable: bool = False) -> ChoiceLists:
        """Licences from ``license_list`` and organizations from ``organization_list``;
        with ``writable``, also those the token may create datasets in."""
        return cls(
            licenses=parse_licenses(site.call("license_list")),
            organizations=fetch_organizations(site),
            writable=fetch_writable(site) if writable else (),
        )

    @property
    def license_titles(self) -> tuple[str, ...]:
        return tuple(lic.title for lic in self.licenses)

    @property
    def organization_names(self) -> tuple[str, ...] | None:
        if self.organizations is None:
            return None
        return tuple(org.name for org in self.organizations)


def parse_licenses(raw: Any) -> tuple[License, ...]:
    """Licences from a ``license_list`` answer or a licence register file, in its order.
    Entries without an id are skipped; a missing title falls back to the id (as CKAN does)."""
    if not isinstance(raw, list):
        return ()
    out: list[License] = []
    for item in raw:
        if isinstance(item, Mapping) and item.get("id"):
            out.append(License(str(item["id"]), str(item.get("title") or item["id"])))
    return tuple(out)


def fetch_organizations(site: ActionCaller) -> tuple[Organization, ...]:
    """Every organization of the site, sorted by name, paging ``organization_list``."""
    found: dict[str, Organization] = {}
    offset = 0
    page_size = 0  # the site may cap pages below ORG_PAGE: learn its size from the answers
    for _ in range(MAX_ORG_PAGES):
        page = site.call(
            "organization_list", all_fields=True, limit=ORG_PAGE, offset=offset
        )
        orgs = parse_organizations(page)
        fresh = [org for org in orgs if org.name not in found]
        for org in fresh:
            found[org.name] = org
        page_size = max(page_size, len(orgs))
        if not fresh or len(orgs) < page_size:  # the end, or a site ignoring offset
            break
        offset += len(orgs)
    return tuple(sorted(found.values(), key=lambda org: org.name))


def fetch_writable(site: ActionCaller) -> tuple[str, ...]:
    """Names of the organizations the caller may create datasets in (none when anonymous,
    or when the site cannot say: the example then takes the first organization)."""
    from importer.site import ActionFailed  # with a site only

    try:
        raw = site.call("organization_list_for_user", permission="create_dataset")
    except ActionFailed:
        return ()
    return tuple(sorted(org.name for org in parse_organizations(raw)))


def parse_organizations(raw: Any) -> list[Organization]:
    """Organizations from an ``organization_list`` answer (dicts, or bare names)."""
    if not isinstance(raw, list):
        return []
    out: list[Organization] = []
    for item in raw:
        if isinstance(item, str):
            out.append(Organization(item, item))
        elif isinstance(item, Mapping) and item.get("name"):
            name = str(item["name"])
            title = str(item.get("title") or item.get("display_name") or name)
            out.append(Organization(name, title, str(item.get("id") or "")))
    return out


class ListStyle(StrEnum):
    """How strictly a drop-down column refuses other values.

    ``STRICT``: only list values (required single-choice columns). ``LENIENT``: a list value
    is offered but anything may be kept after a warning, so ``<clear>`` can be typed into an
    optional column and a multi-select column can hold several values separated by commas.
    """

    STRICT = "stop"
    LENIENT = "warning"


@dataclass(frozen=True, slots=True)
class ChoiceList:
    """One column of the hidden ``lists`` sheet: its key (row 1) and values (rows 2..)."""

    key: str
    values: tuple[str, ...]


def is_checkbox(column: Column, profile: Profile) -> bool:
    """The contacts' ``displayed`` sub-field: a one-box checkbox, written Yes / No."""
    return (
        column.field is not None
        and column.subfield is not None
        and column.field.name == profile.contacts_field
        and column.subfield.name == profile.contact_displayed_subfield
    )


def is_organization(column: Column, profile: Profile) -> bool:
    """``owner_org`` and the contacts' ``org`` sub-field: organizations, written as names."""
    f = column.value_field
    if f is None:
        return False
    if f.kind is FieldKind.ORGANIZATION:
        return True
    return (
        column.field is not None
        and column.subfield is not None
        and column.field.name == profile.contacts_field
        and column.subfield.name == profile.contact_org_subfield
    )


def list_key(column: Column, profile: Profile) -> str | None:
    """The ``lists`` sheet key of the list this column draws from, or ``None`` (free text).
    Columns sharing a list (every ``contacts_<n>_role``) share a key: the field path."""
    f = column.value_field
    if column.role is not Role.FIELD or f is None:
        return None
    if is_organization(column, profile):
        return "organizations"
    if is_checkbox(column, profile):
        return "yes_no"
    if f.kind is FieldKind.LICENSE:
        return "licenses"
    if f.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT) and f.choices:
        if column.subfield is not None and column.field is not None:
            return f"{column.field.name}.{column.subfield.name}"
        return f.name
    return None


def list_values(column: Column, profile: Profile, lists: ChoiceLists) -> tuple[str, ...] | None:
    """The values a column's drop-down offers, or ``None`` when it has no drop-down."""
    key = list_key(column, profile)
    f = column.value_field
    if key is None or f is None:
        return None
    if key == "organizations":
        return lists.organization_names or None
    if key == "yes_no":
        return (YES, NO)
    if key == "licenses":
        return lists.license_titles or None
    return f.choice_values


def takes_several(column: Column, profile: Profile) -> bool:
    """A multi-select column (several list values, comma-separated, in one cell); the
    ``displayed`` checkbox is multi-select in the schema but takes one Yes / No."""
    f = column.value_field
    return f is not None and f.kind is FieldKind.MULTI_SELECT and not is_checkbox(column, profile)


def list_style(column: Column, profile: Profile) -> ListStyle:
    """Strict for required single-choice columns, lenient otherwise (see :class:`ListStyle`)."""
    if column.marked_required and not takes_several(column, profile):
        return ListStyle.STRICT
    return ListStyle.LENIENT


def choice_lists_for(layout: Layout, lists: ChoiceLists) -> list[ChoiceList]:
    """The distinct lists both sheets need, in first-use order (datasets, then resources)."""
    out: dict[str, ChoiceList] = {}
    for column in _all_columns(layout):
        key = list_key(column, layout.profile)
        values = list_values(column, layout.profile, lists)
        if key is not None and values and key not in out:
            out[key] = ChoiceList(key, values)
    return list(out.values())


def _all_columns(layout: Layout) -> Iterable[Column]:
    yield from layout.dataset_columns
    yield from layout.resource_columns


def labelled_choices(column: Column, profile: Profile) -> Sequence[tuple[str, str]]:
    """``(value, label)`` pairs of a schema choice column (for comments and instructions)."""
    f = column.value_field
    if f is None or list_key(column, profile) in (None, "organizations", "yes_no", "licenses"):
        return ()
    return [(c.value, c.label) for c in f.choices]
