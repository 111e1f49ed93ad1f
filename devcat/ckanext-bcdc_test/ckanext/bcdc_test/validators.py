"""Validators the BC schema names, written from FIELDS.md §1.6 and §7 (test use only).

Each keeps the catalogue's documented quirks on purpose, because the importer must work
against the catalogue as it is, not as it should be.
"""

from __future__ import annotations

import json
from typing import Any

import ckan.authz as authz
import ckan.model as model
from ckan.lib.navl.dictization_functions import Invalid, missing
from ckanext.scheming.validation import scheming_validator

TITLE_MIN = 2
TITLE_MAX = 100

Key = tuple[Any, ...]
Data = dict[Key, Any]
Errors = dict[Key, list[str]]


def _is_empty(value: Any) -> bool:
    return value is missing or value is None or value == ""


def _package_id(data: Data, context: dict[str, Any]) -> str | None:
    """Id of the package being updated (package_update puts it in the context), or None."""
    package = context.get("package")
    if package is not None:
        return str(package.id)
    value = data.get(("id",))
    if _is_empty(value):
        return None
    existing = model.Package.get(str(value))
    return str(existing.id) if existing is not None else None


def title_validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """Title: 2-100 characters and unique among ALL packages except this one.

    Quirk kept from the catalogue (FIELDS.md §7): its check compares the state against
    'DELETED' while CKAN writes 'deleted', so soft-deleted packages still hold their title.
    Here that means no state filter at all.
    """
    value = data.get(key)
    title = "" if _is_empty(value) else str(value)
    if len(title) < TITLE_MIN:
        errors[key].append(f"Must be at least {TITLE_MIN} characters long")
        return
    if len(title) > TITLE_MAX:
        errors[key].append(f"Title must be a maximum of {TITLE_MAX} characters long")
        return
    query = model.Session.query(model.Package.id).filter(model.Package.title == title)
    own_id = _package_id(data, context)
    if own_id:
        query = query.filter(model.Package.id != own_id)
    if query.first() is not None:
        errors[key].append("That Title is already in use.")


def _user_roles(user_name: str | None, org_id: str | None) -> set[str]:
    """The roles named in the schema's ``by:`` lists that this user holds for the org."""
    if not user_name:
        return set()
    roles: set[str] = set()
    if authz.is_sysadmin(user_name):
        roles.add("sysadmin")
    if org_id:
        if authz.has_user_permission_for_group_or_org(org_id, user_name, "admin"):
            roles.add("admin")
        if authz.has_user_permission_for_group_or_org(org_id, user_name, "update_dataset"):
            roles.add("editor")
    return roles


def _allowed_targets(field: dict[str, Any], current: str, roles: set[str]) -> list[str]:
    """States reachable in one step from ``current`` by someone holding ``roles``."""
    for choice in field.get("choices", []):
        if choice.get("value") == current:
            return [
                target["state"]
                for target in choice.get("validTo") or []
                if roles & set(target.get("by", []))
            ]
    return []


@scheming_validator
def valid_next_state(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """publish_state machine (FIELDS.md §1.6): start state on create, one step per update."""
    start = (field.get("startState") or {}).get("state", "DRAFT")

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        if errors.get(key):
            return
        value = data.get(key)
        package_id = _package_id(data, context)
        package = model.Package.get(package_id) if package_id else None
        if package is None:
            if value != start:
                errors[key].append(f"Invalid state valid choices are: {start}")
            return
        current = (package.extras or {}).get("publish_state") or start
        if value == current:
            return
        org_id = data.get(("owner_org",))
        org_id = package.owner_org if _is_empty(org_id) else org_id
        roles = _user_roles(context.get("user"), org_id)
        allowed = _allowed_targets(field, current, roles)
        if value not in allowed:
            errors[key].append("Invalid state valid choices are: " + ", ".join(allowed))

    return validator


@scheming_validator
def conditional_required(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Required when another field has one of some values (FIELDS.md §1.8, §6).

    Quirks kept: the condition is read from the TOP level of the data, so it only ever
    fires for dataset fields (a resource's ``bcdc_type`` lives at
    ``('resources', n, 'bcdc_type')``); and an absent value is written back as ``""``.
    """
    condition_key = (field.get("conditional_field"),)
    condition_values = field.get("conditional_values") or []

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        value = data.get(key)
        value = "" if _is_empty(value) else value
        data[key] = value
        condition = data.get(condition_key)
        if condition in condition_values and value == "":
            errors[key].append(f"Required when {condition_key} is set to {condition}")

    return validator


def _as_choice_list(value: Any) -> list[Any]:
    """A list, a JSON list in a string, or one bare string -> a list of values."""
    if _is_empty(value):
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [value]
    if isinstance(value, list):
        return value
    raise Invalid("expecting list of strings")


@scheming_validator
def iso_topic_category(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Multiple choice that tolerates ``""``; stores a JSON list string (FIELDS.md §7)."""
    choices = [c["value"] for c in field.get("choices", [])]

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        try:
            values = _as_choice_list(data.get(key))
        except Invalid as exc:
            errors[key].append(str(exc.error))
            return
        selected = [v for v in values if v not in ("", None)]
        for value in selected:
            if value not in choices:
                errors[key].append(f'unexpected choice "{value}"')
        if not errors[key]:
            data[key] = json.dumps(selected)

    return validator


def single_value_subfield(value: Any, context: dict[str, Any]) -> Any:
    """At most one entry. Registered because the schema names it; scheming never runs it."""
    if isinstance(value, list) and len(value) > 1:
        raise Invalid("only one entry is allowed")
    return value


def _bounded_float(value: Any, limit: float, label: str) -> Any:
    if _is_empty(value):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(f"{label} must be a number") from None
    if not -limit <= number <= limit:
        raise Invalid(f"{label} must be between {-limit:g} and {limit:g}")
    return value


def latitude_validator(value: Any, context: dict[str, Any]) -> Any:
    """A latitude in [-90, 90]. Registered, unused by the schema (FIELDS.md §7)."""
    return _bounded_float(value, 90.0, "Latitude")


def longitude_validator(value: Any, context: dict[str, Any]) -> Any:
    """A longitude in [-180, 180]. Registered, unused by the schema (FIELDS.md §7)."""
    return _bounded_float(value, 180.0, "Longitude")


def all_validators() -> dict[str, Any]:
    """The IValidators mapping."""
    return {
        "title_validator": title_validator,
        "valid_next_state": valid_next_state,
        "conditional_required": conditional_required,
        "iso_topic_category": iso_topic_category,
        "single_value_subfield": single_value_subfield,
        "latitude_validator": latitude_validator,
        "longitude_validator": longitude_validator,
    }
