"""Plain-language pieces for problem messages: "did you mean", allowed values, slugs."""

from __future__ import annotations

import difflib
import re
import unicodedata

from importer.schema import Field

_SQUASH = re.compile(r"[^0-9a-z]+")
_SLUG_BAD = re.compile(r"[^a-z0-9_-]+")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MAX_LISTED = 40


def squash(text: str) -> str:
    return _SQUASH.sub("", text.lower())


def suggest_choice(value: str, f: Field) -> str | None:
    """The choice ``value`` most likely meant: same letters ignoring case, spaces and
    punctuation (``Protected A`` -> ``PROTECTED A``, ``ongoing`` -> ``onGoing``), else
    the closest spelling of a value or label."""
    key = squash(value)
    for c in f.choices:
        if key and key in (squash(c.value), squash(c.label), *map(squash, c.aliases)):
            return c.value
    candidates: dict[str, str] = {}
    for c in f.choices:
        candidates.setdefault(c.value.lower(), c.value)
        candidates.setdefault(c.label.lower(), c.value)
    close = difflib.get_close_matches(value.lower(), list(candidates), n=1, cutoff=0.75)
    return candidates[close[0]] if close else None


def allowed(f: Field) -> str:
    """``Allowed values: a, b, c.`` (labels are accepted too, but values are shorter)."""
    values = list(f.choice_values)
    shown = ", ".join(values[:MAX_LISTED])
    more = f" (and {len(values) - MAX_LISTED} more)" if len(values) > MAX_LISTED else ""
    return f"Allowed values: {shown}{more}."


def slugify(title: str) -> str:
    """A URL name from a title: ASCII lower case, runs of other characters -> ``-``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _SLUG_BAD.sub("-", text.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:100].rstrip("-_")
    return slug if len(slug) >= 2 else ""


def suggest_date(text: str) -> str | None:
    """``YYYY-MM-DD`` for a day-first date that cannot be read another way
    (``31/01/2024``); ``None`` when the order is ambiguous (``05/01/2024``)."""
    m = _DAY_FIRST.match(text.strip())
    if not m:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if a > 12 and 1 <= b <= 12:
        return f"{year:04d}-{b:02d}-{a:02d}"
    if b > 12 and 1 <= a <= 12:
        return f"{year:04d}-{a:02d}-{b:02d}"
    return None
