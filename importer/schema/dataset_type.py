"""Which dataset type a run works with: discovered, never assumed.

One function, :func:`resolve_dataset_type`, answers it for every door (``template``,
``check``, ``import``, ``export``, the web app), in one order:

1. the type the user gave (``--type``, or a ``--site`` config entry's ``type``);
2. the type the workbook was made for (its ``meta`` sheet's ``schema_type``);
3. the site's own list (``scheming_dataset_schema_list``): one type is used; of several,
   the BC Data Catalogue's ``bcdc_dataset`` when the site has it, else the run stops with
   one line listing them, so the user can choose with ``--type``.

Offline (no site), the bundled schema's type is the only one there is.
"""

from __future__ import annotations

from typing import Any, Protocol

from importer.errors import SchemaError
from importer.schema.profile import BCDC

#: the type of the bundled schema, and the one preferred when a site has several.
BC_TYPE: str = BCDC.dataset_type or "bcdc_dataset"
LIST_ACTION = "scheming_dataset_schema_list"


class ActionCaller(Protocol):
    """Anything that can call a CKAN action (``importer.site.Site`` does)."""

    def call(self, action: str, **data: Any) -> Any: ...


def site_dataset_types(site: ActionCaller, label: str) -> tuple[str, ...]:
    """The dataset types ``site`` publishes a scheming schema for, in the site's order.

    :class:`SchemaError` when the site has no ckanext-scheming (the action is unknown) or
    answers something that is not a list of names.
    """
    from importer.site import ActionFailed  # with a site only: offline start-up stays quick

    try:
        raw = site.call(LIST_ACTION)
    except ActionFailed as err:
        raise SchemaError(f"{label} does not publish ckanext-scheming dataset schemas "
                          f"({err})") from err
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise SchemaError(f"{label} answered {LIST_ACTION} with something that is not a "
                          "list of dataset types")
    return tuple(raw)


def resolve_dataset_type(
    site: ActionCaller | None,
    label: str,
    *,
    given: str | None = None,
    workbook: str | None = None,
) -> str:
    """The dataset type to use: ``given``, else ``workbook``'s, else the site's only one
    (or ``bcdc_dataset`` among several); offline, the bundled schema's type.

    Never guesses among several non-BC types: :class:`SchemaError` names them all.
    """
    for chosen in (given, workbook):
        if chosen is not None and chosen.strip():
            return chosen.strip()
    if site is None:
        return BC_TYPE
    return choose_type(site_dataset_types(site, label), label)


def choose_type(types: tuple[str, ...], label: str) -> str:
    """Pick from a site's types by the rule above (a pure function, for tests and docs)."""
    if len(types) == 1:
        return types[0]
    if BC_TYPE in types:
        return BC_TYPE
    if not types:
        raise SchemaError(f"{label} publishes no ckanext-scheming dataset schema")
    listed = ", ".join(types)
    raise SchemaError(f"{label} has several dataset types ({listed}); choose one with "
                      "--type TYPE")


def unknown_type_message(site: ActionCaller, label: str, dataset_type: str,
                         detail: object) -> str:
    """The one line for a type the site has no schema for, naming the types it has
    (``detail``, the site's own answer, when it cannot list them)."""
    try:
        types = site_dataset_types(site, label)
    except SchemaError:
        types = (dataset_type,)
    if dataset_type in types:  # listed, yet not shown: the site's own answer says why
        return f"{label} has no ckanext-scheming schema for {dataset_type!r} ({detail})"
    have = ", ".join(types) or "none"
    return (f"{label} has no ckanext-scheming schema for {dataset_type!r} (its dataset "
            f"types: {have}); choose one with --type TYPE")
