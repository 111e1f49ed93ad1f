"""Site profiles: the few facts about a catalogue that its schema file does not say.

The field model is generic (any ckanext-scheming site). What is specific to the BC Data
Catalogue lives here, in one small named object, so it is visible and testable: the
dataset type, the state a new record must be created in, which fields the system fills,
the known bad choice values in the published schema (FIELDS.md §5, §9), which
"single value" fields are really lists, and how contacts and visibility work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Profile:
    """Catalogue-specific behaviour layered on the schema. Field paths are ``name`` for a
    dataset field, ``resources.name`` for a resource field and ``parent.sub`` for a
    sub-field (``contacts.org``, ``resources.temporal_extent.end_date``)."""

    name: str
    dataset_type: str | None = None
    #: fields a person never fills (set by the server or a pipeline); not in templates.
    system_fields: frozenset[str] = frozenset()
    #: values a new record must be created with (``publish_state: DRAFT``).
    create_values: Mapping[str, str] = field(default_factory=dict)
    #: path -> {published value: value to send}; the published value stays an alias.
    choice_fixes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: repeating fields tagged ``single_value_subfield`` that really hold a list.
    multi_entry_fields: frozenset[str] = frozenset()
    #: how many entries of each repeating field a blank template offers.
    entry_counts: Mapping[str, int] = field(default_factory=dict)
    #: the repeating field holding contacts, and its sub-fields with special meaning.
    contacts_field: str | None = None
    contact_org_subfield: str | None = None
    contact_displayed_subfield: str | None = None
    #: the field whose value ``private_value`` makes the record private.
    visibility_field: str | None = None
    private_value: str | None = None
    #: the publication-state field, and the state a record moves to with ``--publish``.
    state_field: str | None = None
    publish_request_state: str | None = None
    #: singular labels for repeating fields, used in column labels ("Contact 1 Email").
    entry_labels: Mapping[str, str] = field(default_factory=dict)
    #: plausible values for the template's ``--example`` row, by field path (a choice value
    #: that is no longer in the schema is ignored; other columns get a value by kind).
    example_values: Mapping[str, str] = field(default_factory=dict)
    #: the e-mail address and web address used in examples and messages.
    example_email: str = "name@example.org"
    example_url: str = "https://example.org/"


#: any other site: neutral examples, no publication state, no contact rules.
GENERIC = Profile(
    name="generic",
    example_values=MappingProxyType(
        {
            "title": "Example Dataset Title",
            "name": "example-dataset-title",
            "notes": "What the data is, how it was collected and what it is used for.",
            "tag_string": "example, open data",
            "resources.name": "Download CSV",
            "resources.url": "https://example.org/data.csv",
            "resources.format": "CSV",
        }
    ),
)

BCDC = Profile(
    name="bcdc",
    dataset_type="bcdc_dataset",
    system_fields=frozenset(
        {
            "record_publish_date",
            "record_create_date",
            "record_archive_date",
            "record_last_modified",
            "resources.last_modified",
        }
    ),
    create_values=MappingProxyType({"publish_state": "DRAFT"}),
    choice_fixes=MappingProxyType(
        {"resources.projection_name": MappingProxyType({"epsg26710,": "epsg26710"})}
    ),
    multi_entry_fields=frozenset({"resources.details"}),
    entry_counts=MappingProxyType({"contacts": 3, "more_info": 2, "dates": 2}),
    contacts_field="contacts",
    contact_org_subfield="org",
    contact_displayed_subfield="displayed",
    visibility_field="metadata_visibility",
    private_value="IDIR",
    state_field="publish_state",
    publish_request_state="PENDING PUBLISH",
    entry_labels=MappingProxyType(
        {
            "contacts": "Contact",
            "more_info": "Related Link",
            "dates": "Lifecycle Event",
            "resources.temporal_extent": "Data Collection Period",
            "resources.details": "Details Column",
            "resources.preview_info": "Preview",
            "resources.geographic_extent": "Geographic Extent",
        }
    ),
    example_values=MappingProxyType(
        {
            "title": "Example Dataset Title",
            "name": "example-dataset-title",
            "owner_org": "databc",
            "notes": "What the data is, how it was collected and what it is used for.",
            "support_url": "https://www2.gov.bc.ca/gov/content/home",
            "contacts.name": "DataBC Generic Inbox",
            "contacts.email": "data@gov.bc.ca",
            "contacts.role": "pointOfContact",
            "contacts.displayed": "Yes",
            "more_info.description": "Program page",
            "more_info.url": "https://www2.gov.bc.ca/gov/content/home",
            "security_class": "PUBLIC",
            "view_audience": "Public",
            "download_audience": "Public",
            "metadata_visibility": "Public",
            "tag_string": "economy, mental health",
            "dates.type": "Created",
            "dates.date": "2024-05-01",
            "resource_status": "onGoing",
            "resources.name": "Download CSV",
            "resources.url": "https://example.gov.bc.ca/data.csv",
            "resources.bcdc_type": "document",
            "resources.description": "Monthly extract of the program's records, one row per case.",
            "resources.resource_update_cycle": "monthly",
            "resources.temporal_extent.beginning_date": "2020-01-01",
            "resources.temporal_extent.end_date": "2023-12-31",
            "resources.format": "csv",
            "resources.resource_storage_location": "web or ftp site",
            "resources.resource_type": "data",
            "resources.resource_access_method": "direct access",
        }
    ),
    example_email="name@example.gov.bc.ca",
    example_url="https://www2.gov.bc.ca/gov/content/home",
)

PROFILES: tuple[Profile, ...] = (BCDC,)


def profile_for(dataset_type: str) -> Profile:
    """The profile for a dataset type: BC's for ``bcdc_dataset``, else the generic one."""
    for profile in PROFILES:
        if profile.dataset_type == dataset_type:
            return profile
    return GENERIC
