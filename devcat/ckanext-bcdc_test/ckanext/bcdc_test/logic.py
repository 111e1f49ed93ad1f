"""Hooks, actions and helpers the catalogue's ckanext-bcgov adds (FIELDS.md §1.3, §1.7),
aligned behaviour by behaviour with its ``plugin.py`` and ``logic/action.py`` (read, not
copied). For the dev catalogue only; runs on CKAN 2.9 and 2.12.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as toolkit

RESOURCE_REPEATING_FIELDS = ("temporal_extent", "details", "preview_info", "geographic_extent")


def _today() -> str:
    return datetime.date.today().isoformat()


def _current_user_name() -> str | None:
    """Name of the user of the current request, or None when anonymous / no request.

    CKAN 2.10+ has flask-login's ``current_user``; 2.9 keeps the user name in ``c.user``.
    """
    try:
        user = toolkit.current_user
    except AttributeError:
        try:
            return str(toolkit.c.user) or None
        except (AttributeError, RuntimeError, TypeError):
            return None
    except RuntimeError:
        return None
    try:
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
    """The catalogue's package_update side effects (FIELDS.md §1.7), in its order.

    ``name``, ``publish_state``, ``metadata_visibility`` and ``id`` are looked up without
    defaults on purpose: the catalogue's hook fails the same way (a server error) on
    hand-built bodies. It also reads the stored record (``package_show``) before the update,
    for its state-change e-mails; the read is kept (a missing id fails there too), the
    e-mails are not reproduced.
    """
    data_dict["name"]
    today = _today()
    data_dict["record_last_modified"] = today
    state = data_dict["publish_state"]
    date_field = {
        "DRAFT": "record_create_date",
        "PUBLISHED": "record_publish_date",
        "ARCHIVED": "record_archive_date",
    }.get(state)
    if date_field and not data_dict.get(date_field):
        data_dict[date_field] = today
    data_dict["private"] = data_dict["metadata_visibility"] == "IDIR"
    toolkit.get_action("package_show")(context, {"id": data_dict["id"]})
    return original_action(context, data_dict)


def parse_repeating_fields(resource: dict[str, Any]) -> None:
    """Resource forms send repeating fields as JSON text; the catalogue parses a string
    value of the four fields with ``json.loads`` and keeps whatever it gives (a list, but
    also an object or a number); text that is not JSON becomes ``[]``."""
    for name in RESOURCE_REPEATING_FIELDS:
        value = resource.get(name)
        if not isinstance(value, str):
            continue
        try:
            resource[name] = json.loads(value)
        except ValueError:
            resource[name] = []


def lowercase_format(resource: dict[str, Any]) -> None:
    """``resource_create`` lowercases ``format``; an absent format is stored as ``""``
    (the catalogue's ``resource.get('format', '').lower()``; a ``null`` format is a server
    error there, and here)."""
    resource["format"] = resource.get("format", "").lower()


def editable_org_ids(user_name: str) -> list[str]:
    """Ids of organizations in which the user may create datasets (the catalogue asks
    ``organization_list_for_user`` with ``create_dataset``)."""
    orgs = toolkit.get_action("organization_list_for_user")(
        {"user": user_name, "ignore_auth": True},
        {"id": user_name, "permission": "create_dataset"},
    )
    return [org["id"] for org in orgs]


def restrict_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's ``before_search``: ``defType`` edismax when none is given; sysadmins
    see everything; everyone else gets ``fq_list`` REPLACED by one filter:
    ``(publish_state:("PUBLISHED" OR "PENDING ARCHIVE") OR owner_org:(<id>) OR …)`` over the
    orgs they can create datasets in (none for anonymous callers)."""
    if not search_params.get("defType", ""):
        search_params["defType"] = "edismax"
    user_name = _current_user_name()
    if user_name and authz.is_sysadmin(user_name):
        return search_params
    parts = ['publish_state:("PUBLISHED" OR "PENDING ARCHIVE")']
    parts += [f"owner_org:({org_id})" for org_id in (editable_org_ids(user_name) if user_name
                                                     else [])]
    search_params["fq_list"] = ["(" + " OR ".join(parts) + ")"]
    return search_params
