"""Load a ckanext-scheming dataset schema into the field model.

Three sources, one result: the copy bundled with this package (offline default), a YAML or
JSON file (presets expanded the way scheming does it), or a live site's
``scheming_dataset_schema_show`` action (already expanded by the server). Every source
goes through :func:`parse_schema`, so a schema is understood the same way whatever its
origin.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from importer.errors import SchemaError
from importer.schema.dataset_type import unknown_type_message
from importer.schema.model import Choice, Condition, Field, FieldKind, Schema
from importer.schema.profile import Profile, profile_for

BUNDLED_SCHEMA = "bcdc_dataset.yaml"
#: the same schema with its presets expanded (derived; see data/SOURCE.txt).
BUNDLED_EXPANDED = "bcdc_dataset.expanded.json"
BUNDLED_PRESETS = ("scheming_presets.json", "bcdc_presets.json")

#: validators that reject a missing value when the field is required.
_ENFORCING = frozenset(
    {"not_empty", "scheming_required", "title_validator", "owner_org_validator"}
)
#: validators that check a value against the field's choices.
_CHOICE_CHECKING = frozenset({"scheming_choices", "scheming_multiple_choice", "iso_topic_category"})


class ActionCaller(Protocol):
    """Anything that can call a CKAN action (``importer.site.Site`` does)."""

    def call(self, action: str, **data: Any) -> Any: ...


def data_path(name: str) -> Path:
    """Path of a data file bundled with the package (schema, presets, licences)."""
    return Path(str(resources.files("importer.schema").joinpath("data", name)))


def load_bundled() -> Schema:
    """The BC Data Catalogue schema shipped with this package (see data/SOURCE.txt).

    Its ``source`` is ``bundled:<file>``, not a path: it is written into workbooks, which
    must not depend on where the package happens to be installed.

    Read from :data:`BUNDLED_EXPANDED`, the YAML with its presets already expanded
    (tests/test_schema.py checks the two are the same schema): parsing the YAML with
    presets costs ~0.1 s on every command, the JSON ~3 ms.
    """
    raw = _read_structured(data_path(BUNDLED_EXPANDED))
    return parse_schema(raw, source=f"bundled:{BUNDLED_SCHEMA}")


def load_bundled_for(dataset_type: str | None) -> Schema:
    """The bundled schema, when ``dataset_type`` is its type (or not given); the bundled
    schema is the BC one, so another type can only come from a site (``--url``)."""
    schema = load_bundled()
    if dataset_type not in (None, schema.dataset_type):
        raise SchemaError(
            f"the bundled schema is {schema.dataset_type!r}; give --url to use the "
            f"{dataset_type!r} schema of a site"
        )
    return schema


def load_file(path: Path, presets: Sequence[Path] | None = None) -> Schema:
    """Load a YAML or JSON schema file, expanding presets from ``presets`` (default: the
    bundled scheming and BC preset files)."""
    raw = _read_structured(path)
    preset_paths = presets if presets is not None else [data_path(p) for p in BUNDLED_PRESETS]
    table = load_presets(preset_paths)
    return parse_schema(expand_presets(raw, table), source=str(path))


def load_from_site(site: ActionCaller, dataset_type: str, source: str) -> Schema:
    """Fetch the expanded schema from a live site (``scheming_dataset_schema_show``)."""
    from importer.site import ActionFailed

    try:
        raw = site.call("scheming_dataset_schema_show", type=dataset_type, expanded=True)
    except ActionFailed as err:  # the site answered: no scheming, or no such type
        raise SchemaError(unknown_type_message(site, source, dataset_type, err)) from err
    # any other SiteError (no answer, not a CKAN API) already names its cause.
    if not isinstance(raw, dict):
        raise SchemaError(f"{source} returned a schema this tool does not understand")
    return parse_schema(raw, source=source)


def load_presets(paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Preset name -> values, later files overriding earlier ones (as scheming does)."""
    table: dict[str, dict[str, Any]] = {}
    for path in paths:
        data = _read_structured(path)
        for preset in data.get("presets", []):
            table[preset["preset_name"]] = preset["values"]
    return table


def expand_presets(raw: Mapping[str, Any], presets: Mapping[str, Any]) -> dict[str, Any]:
    """Merge each field's preset into it with scheming's rule ``dict(preset, **field)``."""

    def expand(field: Mapping[str, Any]) -> dict[str, Any]:
        name = field.get("preset")
        if name is not None and name not in presets:
            raise SchemaError(f"field {field.get('field_name')!r} uses unknown preset {name!r}")
        merged = dict(presets.get(name, {}) if name else {}, **field)
        if "repeating_subfields" in merged:
            merged["repeating_subfields"] = [expand(s) for s in merged["repeating_subfields"]]
        return merged

    out = dict(raw)
    for key in ("dataset_fields", "resource_fields"):
        if isinstance(raw.get(key), list):
            out[key] = [expand(f) for f in raw[key]]
    return out


def schema_digest(raw: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an expanded schema."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_schema(raw: Mapping[str, Any], source: str, profile: Profile | None = None) -> Schema:
    """Turn an expanded scheming schema dict into a :class:`Schema`."""
    dataset_type = raw.get("dataset_type")
    if not isinstance(dataset_type, str) or not isinstance(raw.get("dataset_fields"), list):
        raise SchemaError(f"{source} is not a ckanext-scheming dataset schema")
    prof = profile or profile_for(dataset_type)
    try:
        dataset_fields = tuple(_field(f, "", prof) for f in raw["dataset_fields"])
        resource_fields = tuple(
            _field(f, "resources.", prof) for f in raw.get("resource_fields") or []
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise SchemaError(f"{source} has a field this tool does not understand: {err}") from err
    return Schema(
        dataset_type=dataset_type,
        dataset_fields=dataset_fields,
        resource_fields=resource_fields,
        digest=schema_digest(raw),
        source=source,
        about=str(raw.get("about", "")),
    )


def _field(raw: Mapping[str, Any], prefix: str, profile: Profile) -> Field:
    name = raw["field_name"]
    if not isinstance(name, str):
        raise TypeError(f"field_name must be text, not {name!r}")
    path = prefix + name
    validators = tuple(str(raw.get("validators") or "").split())
    required, note = _required(raw, validators)
    subfields = tuple(_field(s, path + ".", profile) for s in raw.get("repeating_subfields", []))
    condition = None
    if raw.get("conditional_field"):
        condition = Condition(str(raw["conditional_field"]), tuple(raw["conditional_values"]))
    return Field(
        name=name,
        label=_text(raw.get("label")) or name.replace("_", " ").title(),
        kind=_kind(raw),
        required=required,
        server_required=required and (not validators or bool(_ENFORCING & set(validators))),
        required_note=note,
        choices=_choices(raw.get("choices") or [], profile.choice_fixes.get(path, {})),
        choices_helper=raw.get("choices_helper"),
        help_text=_text(raw.get("help_text")),
        placeholder=_text(raw.get("form_placeholder")),
        preset=raw.get("preset"),
        validators=validators,
        condition=condition,
        conditionally_required="conditional_required" in validators,
        subfields=subfields,
        single_entry=("single_value_subfield" in validators
                      and path not in profile.multi_entry_fields),
        system=path in profile.system_fields,
        server_checks_choices=bool(_CHOICE_CHECKING & set(validators)),
        raw=raw,
    )


def _required(raw: Mapping[str, Any], validators: tuple[str, ...]) -> tuple[bool, str]:
    """Whether the server refuses a record without this field, and why when the schema's
    ``required`` key does not say so (the template's header comment shows the reason).

    ``required: true`` is what the schema declares (``scheming_required`` enforces exactly
    that, no more). Some fields are required by their validators alone: ``not_empty``
    (the stock ``dataset_slug`` preset of ``name`` uses it), and ``owner_org_validator``,
    which refuses a dataset without an organization unless the site sets
    ``ckan.auth.create_unowned_dataset`` (CKAN's default is false). A site does not publish
    that setting over the API, so it is taken to be the default, and the note says so.
    """
    if raw.get("required"):
        return True, ""
    if "not_empty" in validators:
        return True, "the site's validators refuse an empty value"
    if raw.get("preset") == "dataset_slug":
        return True, "every dataset needs a URL name"
    if "owner_org_validator" in validators:
        return True, UNOWNED_NOTE
    return False, ""


#: why an organization is required on a site whose schema does not say so (the template's
#: header comment). A site does not publish the setting: ``status_show`` does not list it
#: and ``config_option_show`` refuses it even to a sysadmin (tests/contract pins both).
UNOWNED_NOTE = ("CKAN refuses a dataset without an organization unless the site allows "
                "unowned datasets (ckan.auth.create_unowned_dataset); a site does not "
                "publish that setting, so the importer treats the organization as required")
#: the same, after ``check``'s "is required: fill in this cell."
UNOWNED_HINT = ("CKAN refuses a dataset without an organization unless the site allows "
                "unowned datasets, a setting sites do not reveal.")


def _kind(raw: Mapping[str, Any]) -> FieldKind:
    preset = raw.get("preset") or ""
    name = raw.get("field_name")
    outputs = str(raw.get("output_validators") or "")
    checks: list[tuple[bool, FieldKind]] = [
        ("repeating_subfields" in raw, FieldKind.REPEATING),
        (preset == "dataset_organization" or name == "owner_org", FieldKind.ORGANIZATION),
        (preset == "dataset_slug", FieldKind.SLUG),
        (raw.get("form_snippet") == "license.html" or name == "license_id", FieldKind.LICENSE),
        (preset.startswith("tag_string") or name == "tag_string", FieldKind.TAGS),
        (preset in ("date", "datetime"), FieldKind.DATE),
        (preset == "json_object", FieldKind.JSON),
        ("multiple_choice" in outputs or preset.startswith("multiple_"), FieldKind.MULTI_SELECT),
        (bool(raw.get("choices") or raw.get("choices_helper")), FieldKind.SELECT),
        (raw.get("form_snippet") == "markdown.html", FieldKind.MARKDOWN),
    ]
    return next((kind for hit, kind in checks if hit), FieldKind.TEXT)


def _choices(raw: Sequence[Mapping[str, Any]], fixes: Mapping[str, str]) -> tuple[Choice, ...]:
    out = []
    for c in raw:
        value = str(c["value"])
        fixed = fixes.get(value)
        label = _text(c.get("label")) or value
        out.append(Choice(fixed, label, (value,)) if fixed else Choice(value, label))
    return tuple(out)


def _text(value: Any) -> str:
    """Scheming labels may be ``{"en": ...}`` dicts; take English, else any language."""
    if isinstance(value, Mapping):
        return str(value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _read_structured(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SchemaError(f"cannot read schema file {path}: {err.strerror}") from err
    if str(path).endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as err:
            raise SchemaError(f"{path} is not valid JSON or YAML: {err}") from err
    else:
        data = _read_yaml(path, text)
    if not isinstance(data, dict):
        raise SchemaError(f"{path} does not hold a schema (expected a mapping)")
    return data


def _read_yaml(path: Path, text: str) -> Any:
    import yaml  # only for YAML schema files (the bundled schema is read as JSON)

    try:
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        raise SchemaError(f"{path} is not valid JSON or YAML: {err}") from err
