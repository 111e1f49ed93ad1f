"""Hooks, actions and helpers the catalogue's ckanext-bcgov adds (FIELDS.md §1.3, §1.7).

Written from the documented behaviour for the dev catalogue only.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as toolkit

RESOURCE_REPEATING_FIELDS = ("temporal_extent", "details", "preview_info", "geographic_extent")
VISIBLE_STATES = ("PUBLISHED", "PENDING ARCHIVE")


def _today() -> str:
    return datetime.date.today().isoformat()


def _current_user_name() -> str | None:
    """Name of the user of the current request, or None when anonymous / no request."""
    try:
        user = toolkit.current_user
        return None if user.is_anonymous else str(user.name)
    except (AttributeError, RuntimeError):
        return None


def edc_orgs_form(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices for ``contacts[].org``: orgs the caller may create datasets in (ids, not names).

    Sysadmins get every organization (``organization_list_for_user`` already does that).
    """
    orgs = toolkit.h.organizations_available("create_dataset")
    return [{"value": org["id"], "label": org["display_name"]} for org in orgs]


@toolkit.chained_action
def package_update(
    original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]
) -> Any:
    """The catalogue's package_update side effects (FIELDS.md §1.7).

    The look-ups of ``name``, ``publish_state``, ``metadata_visibility`` and ``id`` have no
    defaults on purpose: the catalogue's hook fails the same way on hand-built bodies.
    E-mails to org admins on state changes are not reproduced.
    """
    data_dict["name"]
    data_dict["id"]
    state = data_dict["publish_state"]
    today = _today()
    data_dict["record_last_modified"] = today
    date_field = {
        "DRAFT": "record_create_date",
        "PUBLISHED": "record_publish_date",
        "ARCHIVED": "record_archive_date",
    }.get(state)
    if date_field and not data_dict.get(date_field):
        data_dict[date_field] = today
    data_dict["private"] = data_dict["metadata_visibility"] == "IDIR"
    return original_action(context, data_dict)


def parse_repeating_fields(resource: dict[str, Any]) -> None:
    """Resource forms send repeating fields as JSON text; turn them into lists (§1.1).

    Text that does not parse to a list becomes ``[]``.
    """
    for name in RESOURCE_REPEATING_FIELDS:
        value = resource.get(name)
        if not isinstance(value, str):
            continue
        try:
            parsed = json.loads(value) if value.strip() else []
        except ValueError:
            parsed = []
        resource[name] = parsed if isinstance(parsed, list) else []


def lowercase_format(resource: dict[str, Any]) -> None:
    """``resource_create`` lowercases ``format`` (§1.7)."""
    value = resource.get("format")
    if isinstance(value, str):
        resource["format"] = value.lower()


def editable_org_ids(user_name: str) -> list[str]:
    """Ids of organizations in which the user may edit datasets."""
    orgs = toolkit.get_action("organization_list_for_user")(
        {"user": user_name, "ignore_auth": True},
        {"id": user_name, "permission": "update_dataset"},
    )
    return [org["id"] for org in orgs]


def restrict_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """Non-sysadmins see PUBLISHED / PENDING ARCHIVE, plus any record of orgs they can edit."""
    user_name = _current_user_name()
    if user_name and authz.is_sysadmin(user_name):
        return search_params
    states = " OR ".join(f'"{state}"' for state in VISIBLE_STATES)
    visible = f"publish_state:({states})"
    org_ids = editable_org_ids(user_name) if user_name else []
    if org_ids:
        quoted = " OR ".join(f'"{org_id}"' for org_id in org_ids)
        visible = f"({visible} OR owner_org:({quoted}))"
    search_params["fq"] = f"{search_params.get('fq', '')} +{visible}".strip()
    return search_params
