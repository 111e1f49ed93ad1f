"""``make_template``: everything the ``template`` command does, as one library call.

The schema and lists come from the bundled files (offline) or from a site; the site client
is imported only then, so the offline command starts quickly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from importer.errors import OutputError, SchemaError, SiteError
from importer.files import is_special, special_output_message
from importer.schema import Layout, Schema, build_layout, load_from_site
from importer.schema.dataset_type import resolve_dataset_type
from importer.schema.load import load_bundled_for
from importer.template.lists import ActionCaller, ChoiceLists
from importer.template.workbook import build_workbook, save


@dataclass(frozen=True, slots=True)
class TemplateResult:
    """What was written, for the command's one-line summary."""

    path: Path
    layout: Layout
    lists: ChoiceLists
    example: bool


def make_template(
    output: Path,
    *,
    site: ActionCaller | None = None,
    site_label: str = "",
    dataset_type: str | None = None,
    counts: Mapping[str, int] | None = None,
    example: bool = False,
    force: bool = False,
    created: datetime | None = None,
) -> TemplateResult:
    """Write the template for ``dataset_type`` to ``output``. With ``site``, the schema,
    licences and organizations come from it (``site_label`` names it in messages and in
    the meta sheet); otherwise the bundled BC schema and licence list are used."""
    output = Path(output)
    # Fail on the output before any network call.
    if is_special(output):
        raise OutputError(special_output_message(output))
    if output.exists() and not force:
        raise OutputError(f"{output} already exists (use --force to replace it)")
    if not output.parent.is_dir():
        raise OutputError(f"cannot write {output}: no directory {output.parent}")
    schema = _schema(site, site_label, dataset_type)
    lists = _site_lists(site, site_label, example) if site is not None else ChoiceLists.offline()
    layout = build_layout(schema, counts=counts)
    wb = build_workbook(layout, lists, example=example, created=created)
    save(wb, output, force=force)
    return TemplateResult(output, layout, lists, example)


def _schema(site: ActionCaller | None, label: str, dataset_type: str | None) -> Schema:
    if site is None:
        return load_bundled_for(dataset_type)
    label = label or "the site"
    wanted = resolve_dataset_type(site, label, given=dataset_type)
    schema = load_from_site(site, wanted, label)
    if not schema.dataset_fields:
        raise SchemaError(f"{label}'s {wanted!r} schema has no dataset fields")
    return schema


def _site_lists(site: ActionCaller, label: str, example: bool) -> ChoiceLists:
    from importer.site import ActionFailed  # only with --url: keeps offline start-up quick

    try:
        return ChoiceLists.from_site(site, writable=example)
    except ActionFailed as err:  # transport errors already name the site
        raise SiteError(f"{label} could not list its licences and organizations ({err})") from err


def counts_from_options(**options: Any) -> dict[str, int]:
    """``--contacts 5 --more-info 1`` -> ``{"contacts": 5, "more_info": 1}`` (given ones)."""
    return {name: int(value) for name, value in options.items() if value is not None}
