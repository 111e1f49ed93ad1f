"""The API's own normal form of a package: what "unchanged" means.

A row and a stored record are compared in one shape, so that an unchanged row is
recognised as unchanged whatever spelling the server or the sheet used:

* only the schema's fields (plus ``id``, ``name``, ``private``), system fields left out;
* repeating fields are lists of objects holding only their sub-field keys, each sub-value
  normalised in turn; an entry whose values are all empty is dropped;
* a checkbox sub-field (``displayed``) is a sorted list: ``"displayed"`` == ``["displayed"]``;
* keywords are ``tags``: a sorted list of unique names (``tag_string`` or ``tags``);
* dates are ``YYYY-MM-DD`` (a time part is dropped, as the server does);
* JSON fields are parsed objects;
* empty string, ``None``, ``[]`` and ``{}`` are the same as absent for every field;
* text is compared as a cell gives it back (:func:`same_text`): in Unicode NFC (the
  reader gives NFC), line endings folded to LF (XML and LibreOffice turn CR LF into LF),
  no-break spaces as spaces (the reader does so), trimmed of spaces and zero-width
  spaces; so an untouched export of any stored text is unchanged;
* resources are a list of normalised resources (matched later by id or name).

:func:`normalise_package` is public: export uses it to prove "export then import = all
unchanged".
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from typing import Any

from importer.schema import Field, FieldKind, Layout

#: the key keywords are compared under (the ``tags`` core field, not ``tag_string``).
TAGS_KEY = "tags"
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_EXTRA_KEYS = ("id", "name", "private")
_LINE_ENDING = re.compile(r"\r\n?")
#: spaces the reader turns into a plain space (importer.read.values).
_NO_BREAK_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u202f", " "))
#: what the reader trims from a cell's ends: whitespace and zero-width spaces.
_EDGES = re.compile(r"^[\s\u200b\u200c\u200d\ufeff]+|[\s\u200b\u200c\u200d\ufeff]+$")


def fold_line_endings(text: str) -> str:
    """CR LF and a lone CR as LF: XML reading folds CR LF to LF, LibreOffice re-saves it so."""
    return _LINE_ENDING.sub("\n", text) if "\r" in text else text


def fold_no_break_spaces(text: str) -> str:
    """No-break spaces as plain spaces, as the reader reads them."""
    return text.translate(_NO_BREAK_SPACES)


def trim_edges(text: str) -> str:
    """Without surrounding whitespace or zero-width spaces, as the reader trims cells."""
    return _EDGES.sub("", text)


def is_empty(value: Any) -> bool:
    """Empty string, ``None``, empty list or dict: the same as absent."""
    return value is None or value == "" or value == [] or value == {}


def normalise_date(value: Any) -> Any:
    """``YYYY-MM-DD`` for anything date-like (``2024-5-1``, ``2024-05-01T00:00:00``)."""
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def tag_names(pkg: dict[str, Any]) -> list[str]:
    """The keyword names of a package, from ``tags`` or ``tag_string``, sorted, unique."""
    names: set[str] = set()
    tags = pkg.get("tags")
    if isinstance(tags, list):
        for tag in tags:
            name = tag.get("name") if isinstance(tag, dict) else tag
            if isinstance(name, str) and name.strip():
                names.add(same_text(name) or "")
    text = pkg.get("tag_string")
    if isinstance(text, str):
        names.update(same_text(t) or "" for t in text.split(",") if t.strip())
    return sorted(names)


def normalise_value(f: Field, value: Any) -> Any:
    """The normal form of one field's value; ``None`` when it is empty."""
    if is_empty(value):
        return None
    kind = f.kind
    if kind is FieldKind.REPEATING:
        return _normalise_entries(f, value)
    if kind is FieldKind.MULTI_SELECT:
        items = [value] if isinstance(value, str) else list(value)
        if len(items) == 1 and isinstance(items[0], str) and items[0].startswith("["):
            with contextlib.suppress(ValueError):
                items = list(json.loads(items[0]))
        out = sorted({str(i).strip() for i in items if not is_empty(i) and str(i).strip()})
        return out or None
    if kind is FieldKind.DATE:
        return normalise_date(value)
    if kind is FieldKind.JSON:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value.strip() or None
        return None if is_empty(value) else value
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return same_text(value)
    return value


def to_nfc(text: str) -> str:
    """Unicode NFC: the reader gives NFC, so a stored decomposed ``é`` read back from an
    untouched export is unchanged (decision 3)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def same_text(value: str) -> str | None:
    """Text as compared, the form a cell gives it back in (each rule a function above and
    below); ``None`` when nothing is left."""
    return trim_edges(fold_no_break_spaces(fold_line_endings(to_nfc(value)))) or None


def _normalise_entries(f: Field, value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return None
    entries: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        entry = {}
        for sub in f.subfields:
            v = normalise_value(sub, item.get(sub.name))
            if v is not None:
                entry[sub.name] = v
        if entry:
            entries.append(entry)
    return entries or None


def _fields(layout: Layout, resource: bool) -> tuple[Field, ...]:
    fields = layout.schema.resource_fields if resource else layout.schema.dataset_fields
    return tuple(f for f in fields if not f.system)


def normalise_resource(res: dict[str, Any], layout: Layout) -> dict[str, Any]:
    """A resource's normal form: schema fields (and ``id``), empty values dropped."""
    out: dict[str, Any] = {}
    for f in _fields(layout, resource=True):
        v = normalise_value(f, res.get(f.name))
        if v is not None:
            out[f.name] = v
    if not is_empty(res.get("id")):
        out["id"] = res["id"]
    return out


def normalise_package(pkg: dict[str, Any], layout: Layout) -> dict[str, Any]:
    """The API's normal form of ``pkg`` (a ``package_show`` result or a row's package).

    Keys with empty values are absent, so two packages are equal exactly when they hold
    the same information.
    """
    out: dict[str, Any] = {}
    for f in _fields(layout, resource=False):
        if f.kind is FieldKind.TAGS:
            names = tag_names(pkg)
            if names:
                out[TAGS_KEY] = names
            continue
        v = normalise_value(f, pkg.get(f.name))
        if v is not None:
            out[f.name] = v
    for key in _EXTRA_KEYS:
        value = pkg.get(key)
        keep = isinstance(value, bool) if key == "private" else not is_empty(value)
        if keep:
            out[key] = value
    resources = pkg.get("resources")
    if isinstance(resources, list) and resources:
        out["resources"] = [normalise_resource(r, layout) for r in resources if isinstance(r, dict)]
    return out


def field_for_key(layout: Layout, key: str, resource: bool = False) -> Field | None:
    """The schema field a package (or resource) key belongs to; ``tags`` -> the TAGS field."""
    for f in _fields(layout, resource):
        if f.name == key or (key == TAGS_KEY and f.kind is FieldKind.TAGS):
            return f
    return None


def empty_for(f: Field | None) -> Any:
    """What to send to empty a field (``<clear>``): ``[]`` for lists, ``""`` otherwise."""
    if f is not None and f.kind in (FieldKind.REPEATING, FieldKind.MULTI_SELECT, FieldKind.TAGS):
        return []
    if f is not None and f.kind is FieldKind.JSON:
        return {}
    return ""
