"""Generate a JSON Schema (Draft 2020-12) for packages and resources from the field model.

The schema says what every field accepts: required fields, choice lists (``enum``), dates,
e-mail and URL formats, slug and keyword patterns, JSON objects, repeating fields as arrays
of sub-field objects (``maxItems: 1`` where the catalogue wants one entry), and
``conditional_required`` fields as ``if``/``then`` on their condition. It is built once per
schema and checked with :mod:`jsonschema`, which reports every error, not the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from importer.map.forward import package_key
from importer.schema import Field, FieldKind, Profile, Schema
from importer.validate.fastcheck import Predicate, compile_predicate

SLUG_PATTERN = r"^[a-z0-9_-]{2,100}$"
RESERVED_SLUGS = ("new", "edit", "search")
KEYWORD_PATTERN = r"^[\w .-]{2,100}$"
TITLE_LENGTH = (2, 100)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")
URL_SCHEMES = ("http", "https", "ftp", "ftps")
_SPACE = re.compile(r"\s")
#: the common shape, ``https://host.domain/path``: when it matches, the full test below
#: (``urlsplit`` + host pattern) is certainly true, so it is skipped (3x faster).
_PLAIN_URL = re.compile(r"(?:https?|ftps?)://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
                        r"[A-Za-z]{2,}(?:[/?#]\S*)?\Z")


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def is_url(value: object) -> bool:
    """An absolute web or FTP address with a host and a top-level domain (what the
    catalogue's form requires), or a local host name."""
    if not isinstance(value, str):
        return True
    if _PLAIN_URL.match(value):
        return True
    if _SPACE.search(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme.lower() not in URL_SCHEMES:
        return False
    return bool(_HOST.match(host)) or host == "localhost"


#: the format functions, by name: registered with jsonschema and used by the fast checks.
FORMATS: dict[str, Predicate] = {"date": is_date, "email": is_email, "url": is_url}


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, func in FORMATS.items():
        checker.checks(name)(func)
    return checker


def is_url_field(f: Field) -> bool:
    return f.name == "url" or f.name.endswith("_url")


def is_email_field(f: Field) -> bool:
    return f.name == "email" or f.name.endswith("_email")


def property_schema(f: Field, profile: Profile, *, whole: bool = True) -> dict[str, Any]:
    """The JSON Schema of one field's value as the mapper produces it. ``whole=False``
    (an update): an entry may give only some sub-values (the others are the stored
    entry's), so required sub-fields are left to the check of the merged record."""
    kind = f.kind
    if kind is FieldKind.REPEATING:
        entry: dict[str, Any] = {
            "type": "object",
            "properties": {s.name: property_schema(s, profile) for s in f.subfields},
        }
        required = [s.name for s in f.subfields if s.required]
        if required and whole:
            entry["required"] = required
        out: dict[str, Any] = {"type": "array", "items": entry}
        if f.single_entry:
            out["maxItems"] = 1
        return out
    if kind is FieldKind.TAGS:
        return {"type": "array", "items": {
            "type": "object", "properties": {"name": {"type": "string",
                                                      "pattern": KEYWORD_PATTERN}},
            "required": ["name"]}}
    if kind is FieldKind.MULTI_SELECT:
        items: dict[str, Any] = {"type": "string"}
        if f.choices:
            items = {"enum": list(f.choice_values)}
        return {"type": "array", "items": items}
    if kind is FieldKind.SELECT and f.choices:
        return {"enum": list(f.choice_values)}
    if kind is FieldKind.DATE:
        return {"type": "string", "format": "date"}
    if kind is FieldKind.JSON:
        return {"type": "object"}
    if kind is FieldKind.SLUG:
        return {"type": "string", "pattern": SLUG_PATTERN, "not": {"enum": list(RESERVED_SLUGS)}}
    out = {"type": "string"}
    if "title_validator" in f.validators:
        out |= {"minLength": TITLE_LENGTH[0], "maxLength": TITLE_LENGTH[1]}
    if is_url_field(f):
        out["format"] = "url"
    elif is_email_field(f):
        out["format"] = "email"
    return out


def object_schema(fields: tuple[Field, ...], profile: Profile, *, required: bool) -> dict[
        str, Any]:
    """The schema of a package (dataset fields) or a resource (resource fields)."""
    used = [f for f in fields if not f.system]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {package_key(f): property_schema(f, profile, whole=required)
                       for f in used},
    }
    if required:
        # (contacts are not ``required`` in the schema; the no-contact rule checks them)
        names = [package_key(f) for f in used
                 if f.required and not f.conditionally_required]
        schema["required"] = names
        for name in names:
            prop = schema["properties"][name]
            if prop.get("type") == "array":
                prop["minItems"] = 1
    conditions = []
    for f in used:
        if f.condition is None or not f.conditionally_required:
            continue
        key = package_key(f)
        then: dict[str, Any] = {"required": [key]}
        if schema["properties"][key].get("type") == "array":
            then["properties"] = {key: {"minItems": 1}}
        conditions.append({
            "if": {"properties": {f.condition.field: {"enum": list(f.condition.values)}},
                   "required": [f.condition.field]},
            "then": then,
        })
    if conditions:
        schema["allOf"] = conditions
    return schema


@dataclass
class Compiled:
    """The validators for one schema: datasets and resources, with and without the
    "required" rules (an update sends only what it changes)."""

    schema: Schema
    profile: Profile
    dataset: Checker
    dataset_update: Checker
    resource: Checker
    resource_update: Checker
    dataset_fields: dict[str, Field] = field(default_factory=dict)
    resource_fields: dict[str, Field] = field(default_factory=dict)


_CACHE: dict[tuple[str, str, str], Compiled] = {}


def compiled(schema: Schema, profile: Profile) -> Compiled:
    """The validators for ``schema`` (built once per schema and profile, then reused)."""
    key = (schema.digest, schema.source, profile.name)
    if key not in _CACHE:
        checker = format_checker()

        def make(fields: tuple[Field, ...], required: bool) -> Checker:
            return Checker(object_schema(fields, profile, required=required), checker)

        _CACHE[key] = Compiled(
            schema, profile,
            make(schema.dataset_fields, True), make(schema.dataset_fields, False),
            make(schema.resource_fields, True), make(schema.resource_fields, False),
            {package_key(f): f for f in schema.dataset_fields},
            {package_key(f): f for f in schema.resource_fields},
        )
    return _CACHE[key]


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    """One JSON Schema error, reduced to what the problem builder needs. ``path`` is the
    absolute, 0-based path in the package (``("contacts", 0, "email")``)."""

    path: tuple[str | int, ...]
    validator: str
    validator_value: Any
    instance: Any
    in_condition: bool


class Checker:
    """Check objects against an object schema with :mod:`jsonschema`, fast.

    The same errors as one ``iter_errors`` over the whole object, computed as: the
    object-level keywords (``required``, the ``if``/``then`` conditions) by one validator
    on the object, and each property by its own validator. Before any validator, a plain
    predicate compiled from the same schema (:mod:`.fastcheck`) says whether the value is
    certainly valid (most are), in which case the validator is not run. A value that
    fails it goes to its validator, memoised on ``(key, value)`` so
    a value repeated across rows (choices, e-mails, URLs, contacts) is checked once, and
    plain text (``{"type": "string"}``) is not re-checked at all. Non-text values are
    memoised on their ``repr`` (exact for JSON values: it tells ``1``, ``1.0``, ``True``
    and ``"1"`` apart; the mapper builds dicts in a fixed key order).
    """

    _MEMO_CAP = 500_000

    def __init__(self, schema: dict[str, Any], checker: FormatChecker) -> None:
        # (no ``check_schema`` here: the schema is generated by ``object_schema``, whose
        # output is checked against the meta-schema by the tests; checking it on every run
        # cost ~0.04 s)
        props: dict[str, Any] = schema.get("properties", {})
        top = {k: v for k, v in schema.items() if k not in ("properties", "allOf")}
        self._top = Draft202012Validator(top, format_checker=checker)
        #: when the object-level part is only ``type: object`` + ``required``, an object
        #: holding every required key cannot fail it: skip the validator call then.
        self._required: frozenset[str] | None = None
        if set(top) <= {"$schema", "type", "required"} and top.get("type") == "object":
            self._required = frozenset(top.get("required", ()))
        #: (condition field, its values, validator of the ``then`` part); the ``if`` part
        #: (field present with one of the values) is tested directly, being that simple.
        self._conditions = [
            (next(iter(c["if"]["properties"])),
             frozenset(next(iter(c["if"]["properties"].values()))["enum"]),
             Draft202012Validator(c["then"], format_checker=checker),
             compile_predicate(c["then"], FORMATS))
            for c in schema.get("allOf", [])
        ]
        self._props = {k: Draft202012Validator(v, format_checker=checker)
                       for k, v in props.items()}
        fast = {k: compile_predicate(v, FORMATS) for k, v in props.items()}
        self._fast: dict[str, Predicate] = {k: f for k, f in fast.items() if f is not None}
        self._plain = frozenset(k for k, v in props.items() if v == {"type": "string"})
        self._memo: dict[tuple[str, str], list[SchemaViolation]] = {}
        self.reset()

    def reset(self) -> None:
        """Forget memoised results (called at the start of each ``validate``)."""
        self._memo.clear()
        self._lookups: dict[str, int] = {}
        self._hits: dict[str, int] = {}
        self._unique: set[str] = set()
        self._decided: set[str] = set()

    def errors(self, instance: dict[str, Any]) -> list[SchemaViolation]:
        required = self._required
        if required is not None and instance.__class__ is dict and required <= instance.keys():
            out: list[SchemaViolation] = []
        else:
            out = [_violation(e, ()) for e in self._top.iter_errors(instance)]
        for cond_field, values, then, then_ok in self._conditions:
            value = instance.get(cond_field)
            if value.__class__ is str and value in values and not (
                    then_ok is not None and then_ok(instance)):
                out.extend(_violation(e, (), True) for e in then.iter_errors(instance))
        memo = self._memo
        plain = self._plain
        fast = self._fast
        props = self._props
        unique = self._unique
        decided = self._decided
        for key, value in instance.items():
            if key in plain and value.__class__ is str:
                continue
            ok = fast.get(key)
            if ok is not None and ok(value):
                continue
            validator = props.get(key)
            if validator is None:
                continue
            if key in unique:
                out.extend(_violation(e, (key,)) for e in validator.iter_errors(value))
                continue
            mkey = (key, value if value.__class__ is str else repr(value))
            found = memo.get(mkey)
            if found is None:
                found = [_violation(e, (key,)) for e in validator.iter_errors(value)]
                if len(memo) >= self._MEMO_CAP:
                    memo.clear()
                memo[mkey] = found
                if key not in decided:
                    self._count(key, hit=False)
            elif key not in decided:
                self._count(key, hit=True)
            if found:
                out.extend(found)
        return out

    def _count(self, key: str, hit: bool) -> None:
        """Stop memoising a property whose values are mostly different (titles, URLs):
        the memo would only hold memory."""
        n = self._lookups[key] = self._lookups.get(key, 0) + 1
        if hit:
            self._hits[key] = self._hits.get(key, 0) + 1
        if n >= _MEMO_PROBE:
            self._decided.add(key)
            if self._hits.get(key, 0) * 2 < n:
                self._unique.add(key)


_MEMO_PROBE = 5000


def _violation(error: Any, prefix: tuple[str, ...], in_condition: bool = False
               ) -> SchemaViolation:
    return SchemaViolation(
        path=prefix + tuple(error.absolute_path),
        validator=str(error.validator),
        validator_value=error.validator_value,
        instance=error.instance,
        in_condition=in_condition,
    )
