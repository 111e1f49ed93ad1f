"""Validators the BC schema names, aligned behaviour by behaviour with the catalogue's
ckanext-bcgov-schema ``validators.py`` (read, not copied; test use only).

Each keeps the catalogue's quirks on purpose, because the importer must work against the
catalogue as it is, not as it should be. Runs on CKAN 2.9 (Python 3.9) and 2.12.
"""

from __future__ import annotations

import json
from typing import Any

import ckan.authz as authz
import ckan.model as model
from ckan.lib.navl.dictization_functions import Invalid, missing
from ckanext.scheming.validation import scheming_validator

#: CKAN's PACKAGE_NAME_MIN_LENGTH / PACKAGE_NAME_MAX_LENGTH, which the catalogue reuses.
TITLE_MIN = 2
TITLE_MAX = 100

Key = tuple[Any, ...]
Data = dict[Key, Any]
Errors = dict[Key, list[str]]


def _is_empty(value: Any) -> bool:
    return value is missing or value is None or value == ""


@scheming_validator
def title_validator(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Title: unique among ALL packages except this one, then 2-100 characters.

    As the catalogue: the uniqueness error is appended first, then a length error is raised
    (both can show); the own package is the context's ``package`` (update) or the body's
    ``id`` as given (create); its state test compares with ``'DELETED'`` while CKAN writes
    ``deleted``, so soft-deleted packages still hold their title (no state filter here).
    """

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        if errors[key]:
            return
        value = data.get(key)
        title = "" if _is_empty(value) else str(value)
        query = model.Session.query(model.Package.id).filter(model.Package.title == title)
        package = context.get("package")
        own_id = package.id if package is not None else data.get((*key[:-1], "id"))
        if own_id and own_id is not missing:
            query = query.filter(model.Package.id != own_id)
        if query.first() is not None:
            errors[key].append("That Title is already in use.")
        if len(title) < TITLE_MIN:
            raise Invalid(f'Title "{title}" length is less than minimum {TITLE_MIN}')
        if len(title) > TITLE_MAX:
            raise Invalid(f'Title "{title}" length is more than maximum {TITLE_MAX}')

    return validator


def _roles(user_name: str | None, org_id: Any) -> set[str]:
    """The roles of the schema's ``by:`` lists this user holds: ``sysadmin`` (the user's
    flag), ``admin`` and ``editor`` (``update_dataset``) of ``org_id`` (a sysadmin has both)."""
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return set()
    roles = {"sysadmin"} if user.sysadmin else set()
    if org_id and org_id is not missing:
        if authz.has_user_permission_for_group_or_org(org_id, user.name, "admin"):
            roles.add("admin")
        if authz.has_user_permission_for_group_or_org(org_id, user.name, "update_dataset"):
            roles.add("editor")
    return roles


def _listed(prefix: str, items: list[str]) -> str:
    """The catalogue builds its messages as ``prefix + " a," + " b,"`` and cuts the last
    character, so an empty list cuts the prefix's own last letter ("...one o")."""
    text = prefix + "".join(f" {item}," for item in items)
    return text[:-1]


@scheming_validator
def valid_next_state(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """publish_state machine (FIELDS.md §1.6), as the catalogue runs it.

    * the stored state is the package's ``publish_state`` extra (only on update: the
      context's ``package``); equal to the new value: accepted, no permission check;
    * otherwise the targets are the stored state's ``validTo`` (or ``startState`` when
      nothing is stored); a value not among them gets "Invalid state valid choices are:
      A, B" listing every target, whoever asks;
    * then, separately, the user must hold one of the ``by:`` roles of the target they
      asked for (none when it is not a target): "You lack permission to move to this
      state, you must be one of admin, sysadmin". Roles are checked on the stored
      package's org on update, on the body's ``owner_org`` on create.
    """
    start = field.get("startState") or {"state": "DRAFT", "by": []}
    next_states = {c["value"]: c.get("validTo") or [] for c in field.get("choices", [])}

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        if errors[key]:
            return
        value = data.get(key)
        package = context.get("package")
        stored = (package.extras or {}).get(key[-1]) if package is not None else None
        if stored is not None:
            if stored == value:
                return
            targets = next_states.get(stored, [])
        else:
            targets = [start]
        states = [target["state"] for target in targets]
        who: list[str] = next(
            (list(target.get("by", [])) for target in targets if target["state"] == value), []
        )
        if value not in states:
            errors[key].append(_listed("Invalid state valid choices are:", states))
        org_id = package.owner_org if package is not None else data.get(("owner_org",))
        if not set(who) & _roles(context.get("user"), org_id):
            errors[key].append(
                _listed("You lack permission to move to this state, you must be one of", who)
            )

    return validator


@scheming_validator
def conditional_required(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Required when another field has one of some values (FIELDS.md §1.8, §6).

    Quirks kept: the condition is read from the TOP level of the data, so it only ever
    fires for dataset fields (a resource's ``bcdc_type`` lives at
    ``('resources', n, 'bcdc_type')``); and any falsy value (absent, ``None``, ``[]``) is
    written back as ``""`` (the catalogue's ``data[key] or ''``).
    """
    condition_key = (field.get("conditional_field"),)
    condition_values = field.get("conditional_values") or []

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        value = data.get(key) or ""
        data[key] = value
        condition = data.get(condition_key)
        if condition and condition in condition_values and not value:
            errors[key].append(f"Required when {condition_key} is set to {condition}")

    return validator


@scheming_validator
def iso_topic_category(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Multiple choice that tolerates ``""`` (FIELDS.md §7), as the catalogue runs it.

    A string is parsed as JSON, or taken as one value when it is not JSON; the parsed value
    is iterated as it is (a JSON string yields its characters). Each non-empty element must
    be a choice ('unexpected choice "x"'); the stored value is a JSON list in the schema's
    choice order, duplicates dropped; ``required`` adds "Select at least one".
    """
    order = [c["value"] for c in field.get("choices", [])]

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        if errors[key]:
            return
        value = data.get(key, missing)
        if value is missing:
            value = []
        elif isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        elif not isinstance(value, list):
            errors[key].append("expecting list of strings")
            return
        selected = set()
        for element in value:
            if element in order:
                selected.add(element)
            elif element != "":
                errors[key].append(f'unexpected choice "{element}"')
        if not errors[key]:
            data[key] = json.dumps([choice for choice in order if choice in selected])
            if field.get("required") and not selected:
                errors[key].append("Select at least one")

    return validator


@scheming_validator
def single_value_subfield(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """At most one entry. Registered because the schema names it; scheming never runs it."""

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        value = data.get(key)
        if isinstance(value, list) and len(value) > 1:
            raise Invalid(f"Field {key} can only have a single entry")

    return validator


def _float_or_none(value: Any) -> float | None:
    """The catalogue's reading of a coordinate: a number, or None for anything else."""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return None if value.strip() == "" else float(value)
    except (AttributeError, ValueError):
        return None


def latitude_validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """A positive number (BC's latitudes); the message says "Longitude", as the catalogue's
    does. Registered, unused by the schema (FIELDS.md §7)."""
    value = _float_or_none(data.get(key, 0.0))
    if not value or value < 0.0:
        raise Invalid(f'Longitude requires a positive number. Found "{value}"')


def longitude_validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """A negative number (BC's longitudes). Registered, unused by the schema."""
    value = _float_or_none(data.get(key, 0.0))
    if not value or value > 0.0:
        raise Invalid(f'Longitude requires a negative number. Found "{value}"')


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
