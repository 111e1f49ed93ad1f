"""Nothing lost: the stored values an export cannot show, as located notes.

The reverse mapping leaves a field blank when no cell can hold its stored value exactly
(:class:`importer.map.reverse.Leftover`); a blank cell is "not given", so importing the file
back never sends that field and the stored value stays. This module turns each leftover
into a :class:`Note`: a warning :class:`~importer.problems.Problem` located at the cell of
the exported workbook where the value would have been, with the record it belongs to, for
the ``export-notes`` sheet and the console.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from importer.map.reverse import Leftover, Reason
from importer.problems import Problem, Severity
from importer.schema.columns import Column

NOT_FOUND = "not-found"
DELETED = "deleted"
OTHER_TYPE = "other-type"

KEPT = "Left blank in this file, so importing it keeps the stored value."
NO_COLUMN = "The file has no column for it; importing the file keeps it."


@dataclass(frozen=True, slots=True)
class Note:
    """One stored value the file does not show: which record (and resource), where, why."""

    record: str
    resource: str | None
    problem: Problem

    def line(self) -> str:
        """One console line: ``record [resource] cell field: message``."""
        p = self.problem
        where = f"{p.sheet}!{p.cell}" if p.cell else f"{p.sheet or ''} row {p.row or ''}"
        if not p.sheet:
            where = ""
        who = self.record + (f" / resource {self.resource}" if self.resource else "")
        return f"{who}: {where} {p.field or ''}: {p.message}".replace("  ", " ")


def grouped_lines(notes: Sequence[Note], limit: int) -> list[str]:
    """Console lines for ``notes``: notes that say the same thing (same code, field and
    message) about several records are one line naming how many and the first few, so
    a note that applies to every record is read once, not once per record. At most
    ``limit`` lines; the sheet keeps one row per note."""
    groups: dict[tuple[str, str | None, str], list[Note]] = {}
    for note in notes:
        p = note.problem
        groups.setdefault((p.code, p.field, p.message), []).append(note)
    lines = []
    for (_code, fld, message), members in groups.items():
        if len(members) == 1:
            lines.append(members[0].line())
            continue
        who = sorted(dict.fromkeys(n.record for n in members))
        shown = ", ".join(who[:3]) + (f" and {len(who) - 3} more" if len(who) > 3 else "")
        lines.append(f"{len(members)} notes ({shown}): {fld or ''}: {message}")
    if len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], f"... and {rest} more in the sheet."]
    return lines


def hidden_private_line(org: str, has_token: bool) -> str:
    """The line saying that ``org``'s private records are not in the file (every door
    shows it: a partial export must say it is partial)."""
    who = "this token is not a member of it" if has_token else "CKAN_API_TOKEN is not set"
    return (f"Organization {org}: its private records are hidden from this export ({who}), "
            "so they are not in the file; the catalogue does not tell how many there are.")


def notes_for_row(
    leftovers: Sequence[Leftover],
    columns: Sequence[Column],
    sheet: str,
    row: int,
    record: str,
    resource: str | None = None,
) -> list[Note]:
    """Notes for one exported row, each located at the first column of its field."""
    letters = {col.header: get_column_letter(i) for i, col in enumerate(columns, start=1)}
    out = []
    for left in leftovers:
        header = _header_for(left.path, columns)
        tail = NO_COLUMN if left.reason == Reason.UNKNOWN_KEY else KEPT
        message = f"{left.detail}. {tail}"
        out.append(Note(record, resource, Problem(
            code=left.reason,
            message=message[0].upper() + message[1:],
            severity=Severity.WARNING,
            sheet=sheet,
            row=row,
            column=letters.get(header) if header else None,
            header=header,
            field=left.path,
            value=_shown(left.value),
        )))
    return out


def missing_notes(names: Sequence[str]) -> list[Note]:
    """Notes for names in a ``--names`` file that the site does not have (or hides)."""
    return _name_notes(names, NOT_FOUND,
                       "No record by this name on the site, or this token cannot read it.")


def deleted_notes(names: Sequence[str]) -> list[Note]:
    """Notes for names in a ``--names`` file whose records the site has deleted: left out
    of the file, as ``--org`` leaves them out, so a re-import never touches them."""
    return _name_notes(names, DELETED, "This record is deleted on the site: not exported.")


def _name_notes(names: Sequence[str], code: str, message: str) -> list[Note]:
    """One note per name of a ``--names`` file that is not in the file, saying why."""
    return [Note(name, None, Problem(code=code, message=message, severity=Severity.WARNING,
                                     field="name", value=name))
            for name in names]


def other_type_notes(packages: Sequence[Mapping[str, Any]], dataset_type: str) -> list[Note]:
    """Notes for records of another dataset type (a ``--names`` file can name any record):
    their fields follow another schema, so they are not exported."""
    return [
        Note(str(p.get("name") or p.get("id")), None, Problem(
            code=OTHER_TYPE,
            message=f"This record is of type {p.get('type')!r}, not {dataset_type!r}: "
                    "not exported.",
            severity=Severity.WARNING,
            field="type",
            value=p.get("type"),
        ))
        for p in packages
    ]


def _header_for(path: str, columns: Sequence[Column]) -> str | None:
    """The header of the column holding ``path``: the field's own column, or the first
    column of the entry (``contacts[2].role`` -> ``contacts_2_role``; ``contacts`` ->
    ``contacts_1_name``)."""
    for col in columns:
        if col.path == path:
            return col.header
    field = path.split("[", 1)[0]
    for col in columns:
        if col.field is not None and col.field.name == field:
            return col.header
    return None


def _shown(value: Any) -> Any:
    """Values as a note shows them: text as is, structures as compact JSON-ish text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
