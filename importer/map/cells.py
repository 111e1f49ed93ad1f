"""How values are written in cells: the conventions shared by template, map and export.

Forward mapping (row -> package) and reverse mapping (package -> row) must be exact
inverses, so both read their conventions from here:

* a blank cell means "not given" (the field, or the sub-value of that entry, is left as
  it is on update);
* :data:`CLEAR_MARKER` means "empty this field" (in a repeating entry's sub-cell: empty
  that sub-value of that entry only); :data:`REMOVE_MARKER` in any cell of a repeating
  entry removes that whole stored entry. :data:`MARKERS` is every marker the importer
  reads: export never writes a stored value equal to one of them into a cell;
* the checkbox sub-field ``displayed`` is ``Yes`` / ``No`` -> ``["displayed"]`` / ``[]``;
* keywords (``tag_string``) and multi-select fields are comma-separated in one cell;
* a licence is written as its title (an id is accepted on input);
* an organization is written as its name (an id or title is accepted on input);
* dates are real date cells when written, ``YYYY-MM-DD`` text when sent;
* JSON fields hold JSON text;
* repeating entries are numbered from 1 and matched to the stored entries by position
  (``contacts_2_*`` is the stored second contact); an entry whose sub-cells are all blank
  keeps the stored entry.
"""

from __future__ import annotations

CLEAR_MARKER = "<clear>"
REMOVE_MARKER = "<remove>"
#: every marker the importer reads (compared case-insensitively after trimming).
MARKERS = frozenset({CLEAR_MARKER, REMOVE_MARKER})
YES = "Yes"
NO = "No"
LIST_SEPARATOR = ","

#: spellings read as true / false (compared case-insensitively, after trimming).
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "displayed"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})


def marker_of(text: str) -> str | None:
    """The marker ``text`` spells (``<Clear>`` -> ``<clear>``), or ``None``."""
    word = text.strip().lower()
    return word if word in MARKERS else None


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for a recognised yes/no spelling, ``None`` otherwise."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_list(text: str) -> list[str]:
    """Split a comma-separated cell into trimmed, non-empty items, keeping order."""
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def join_list(items: list[str]) -> str:
    """The cell text for a list of items (inverse of :func:`split_list`)."""
    return f"{LIST_SEPARATOR} ".join(items)
