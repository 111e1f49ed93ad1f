"""``validate``: every problem in mapped records, located at its cell.

Two sources of problems, both reported in full (never just the first):

1. the JSON Schema generated from the field model (:mod:`.jsonschema_model`), checked
   with :mod:`jsonschema`; each error's path is mapped back to the cell it came from;
2. the rules the catalogue requires but its server does not enforce (FIELDS.md §1.8,
   §9), and rules across rows (duplicate names and titles, duplicate resource names).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal

from importer.gcpause import gc_paused
from importer.map.forward import ID_KEY, TAGS_KEY
from importer.problems import Problem, Severity
from importer.records import CellRef, DatasetRecord, ResourceRecord
from importer.schema import Field, FieldKind, Layout, Profile, normalise_header
from importer.schema.load import UNOWNED_HINT, UNOWNED_NOTE
from importer.validate.jsonschema_model import (
    RESERVED_SLUGS,
    TITLE_LENGTH,
    Checker,
    SchemaViolation,
    compiled,
)
from importer.validate.messages import allowed, slugify, suggest_choice, suggest_date

Mode = Literal["check", "create", "update"]
Record = DatasetRecord | ResourceRecord


def validate(records: Sequence[DatasetRecord], layout: Layout, *,
             mode: Mode = "check") -> list[Problem]:
    """All problems in ``records`` (datasets and their resources).

    ``mode``: ``create`` (every record will be created: required fields and
    ``publish_state = DRAFT`` are errors), ``update`` (records patch existing ones: only
    what is given is checked), ``check`` (no site: a row with an ``id`` is an update, any
    other row is checked as a create, except that a non-DRAFT state is only a warning,
    since the row may update a record found by its name).
    """
    with gc_paused():
        return _validate(records, layout, mode)


def _validate(records: Sequence[DatasetRecord], layout: Layout, mode: Mode) -> list[Problem]:
    comp = compiled(layout.schema, layout.profile)
    for checker in (comp.dataset, comp.dataset_update, comp.resource, comp.resource_update):
        checker.reset()
    problems: list[Problem] = []
    ctx = _Context(layout, mode)
    for rec in records:
        update = mode == "update" or (mode == "check" and ID_KEY in rec.package)
        checker = comp.dataset_update if update else comp.dataset
        ctx.schema_problems(rec, rec.package, checker, comp.dataset_fields, problems)
        if not update:
            ctx.contact_rules(rec, problems)
        ctx.state_rule(rec, update, problems)
        ctx.clear_rule(rec, rec.cleared, comp.dataset_fields, problems)
        for res in rec.resources:
            res_update = mode == "update" or ID_KEY in res.resource
            rchecker = comp.resource_update if res_update else comp.resource
            ctx.schema_problems(res, res.resource, rchecker, comp.resource_fields, problems)
            ctx.clear_rule(res, res.cleared, comp.resource_fields, problems)
            resource_id_rule(res, problems)
    problems.extend(cross_row(records))
    return problems


def validate_resources(resources: Sequence[ResourceRecord], layout: Layout, *,
                       mode: Mode = "check") -> list[Problem]:
    """Problems in resource rows on their own (rows whose dataset is missing are still
    checked, so every mistake is shown at once)."""
    comp = compiled(layout.schema, layout.profile)
    ctx = _Context(layout, mode)
    problems: list[Problem] = []
    for res in resources:
        update = mode == "update" or ID_KEY in res.resource
        checker = comp.resource_update if update else comp.resource
        ctx.schema_problems(res, res.resource, checker, comp.resource_fields, problems)
        ctx.clear_rule(res, res.cleared, comp.resource_fields, problems)
        resource_id_rule(res, problems)
    return problems


class _Context:
    def __init__(self, layout: Layout, mode: Mode) -> None:
        self.layout = layout
        self.profile = layout.profile
        self.mode = mode
        self.labels = {(c.scope.value, c.path): c.label
                       for c in (*layout.dataset_columns, *layout.resource_columns)}

    # -- JSON Schema ---------------------------------------------------------------

    def schema_problems(self, rec: Record, instance: dict[str, Any], checker: Checker,
                        fields: dict[str, Field], out: list[Problem]) -> None:
        done: set[tuple[str | int, ...]] = set()  # one "required" error per missing property
        for v in checker.errors(instance):
            if v.validator == "required":
                out.extend(self._missing(rec, v, fields, done))
            else:
                out.append(self._violation(rec, v, fields))

    def _missing(self, rec: Record, v: SchemaViolation, fields: dict[str, Field],
                 done: set[tuple[str | int, ...]]) -> Iterable[Problem]:
        inst = v.instance if isinstance(v.instance, dict) else {}
        for name in v.validator_value:
            if name in inst or (*v.path, name) in done:
                continue
            done.add((*v.path, name))
            path = _join((*v.path, name), rec)
            f = _field_at(fields, (*v.path, name))
            label = _label(self.labels, rec, path, f)
            if v.in_condition and f is not None and f.condition is not None:
                code = "conditional-required"
                msg = (f"{label} is required when {_cond_label(fields, f)} is "
                       f"{inst.get(f.condition.field)!r}: fill in this cell.")
            else:
                code = "required"
                msg = f"{label} is required: fill in this cell.{_hint(f)}"
            yield _at(rec, path, code, msg, None)

    def _violation(self, rec: Record, v: SchemaViolation, fields: dict[str, Field]) -> Problem:
        path = _join(v.path, rec)
        f = _field_at(fields, v.path)
        label = _label(self.labels, rec, path, f)
        value = v.instance
        kind = v.validator
        if kind == "enum" and f is not None and f.choices:
            hint = suggest_choice(str(value), f) if isinstance(value, str) else None
            mean = f" Did you mean {hint!r}?" if hint else ""
            return _at(rec, path, "not-a-choice",
                       f"{value!r} is not an allowed value for {label}.{mean} {allowed(f)}",
                       value)
        if kind in ("pattern", "not") and f is not None and f.kind is FieldKind.SLUG:
            return _at(rec, path, "bad-slug", _slug_message(rec, value), value)
        if kind == "pattern" and v.path[:1] == (TAGS_KEY,):
            return _at(rec, path, "bad-keyword", _keyword_message(value), value)
        if kind == "format":
            return _format_problem(rec, path, label, str(v.validator_value), value,
                                   self.profile)
        if kind in ("minLength", "maxLength"):
            n = len(value) if isinstance(value, str) else 0
            return _at(rec, path, "bad-length",
                       f"{label} must be {TITLE_LENGTH[0]} to {TITLE_LENGTH[1]} characters long "
                       f"(this one has {n}).", value)
        if kind == "maxItems":
            return _at(rec, path, "single-entry",
                       f"{label} takes only one entry; remove the others.", None)
        if kind == "minItems":
            if v.in_condition and f is not None and f.condition is not None:
                inst = rec.resource if isinstance(rec, ResourceRecord) else rec.package
                return _at(rec, path, "conditional-required",
                           f"{label} is required when {_cond_label(fields, f)} is "
                           f"{inst.get(f.condition.field)!r}: fill in this cell.", None)
            return _at(rec, path, "required",
                       f"{label} is required: give at least one.{_hint(f)}", None)
        if kind == "type" and f is not None and f.kind is FieldKind.JSON:
            return _at(rec, path, "bad-json",
                       f"{label} must be a JSON object, written between {{ and }} "
                       '(for example {"fields": []}), not a list or a single value.', value)
        return _at(rec, path, "bad-value", f"{label}: this value is not accepted ({kind}).",
                   value)

    # -- rules the server does not enforce -------------------------------------------

    def contact_rules(self, rec: DatasetRecord, out: list[Problem]) -> None:
        prof = self.profile
        name = prof.contacts_field
        if not name or not self.layout.schema.has_dataset_field(name):
            return
        if name in rec.cleared:
            return  # emptying the contacts of an existing record is the user's call
        contacts = rec.package.get(name)
        if not contacts:
            out.append(_at(rec, f"{name}[1].name", "no-contact",
                           "Give at least one contact (name, e-mail, role), ideally a "
                           "generic inbox as Point of Contact.", None))
            return
        sub = prof.contact_displayed_subfield
        if sub and not any(c.get(sub) for c in contacts if isinstance(c, dict)):
            first = (rec.positions.get(name) or (1,))[0]
            out.append(_at(rec, f"{name}[{first}].{sub}", "no-displayed-contact",
                           "At least one contact must be displayed publicly: write Yes in "
                           "the Displayed column of one contact.", None))

    def state_rule(self, rec: DatasetRecord, update: bool, out: list[Problem]) -> None:
        prof = self.profile
        state = prof.state_field
        if not state or state not in prof.create_values or update:
            return
        want = prof.create_values[state]
        given = rec.package.get(state)
        if given is None or given == want:
            return
        if self.mode == "create":
            out.append(_at(rec, state, "must-be-draft",
                           f"A new record must be created as {want!r}, not {given!r}: write "
                           f"{want} here (publish it after it is created).", given))
        else:
            out.append(_at(rec, state, "must-be-draft",
                           f"If this row creates a new record, it must be {want!r}, not "
                           f"{given!r} (new records start as {want}). Rows updating an "
                           "existing record may keep another state.", given,
                           Severity.WARNING))

    def clear_rule(self, rec: Record, cleared: AbstractSet[str], fields: dict[str, Field],
                   out: list[Problem]) -> None:
        for key in sorted(cleared):
            f = _field_at(fields, _split(key))
            if f is not None and f.required and not f.conditionally_required:
                out.append(_at(rec, key, "cannot-clear",
                               f"{_label(self.labels, rec, key, f)} is required, so it cannot be "
                               "emptied with <clear>; write a value or leave the cell blank "
                               "to keep the current one.", None))


#: a resource id as CKAN makes them (uuid4, canonical lower-case form).
_RESOURCE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def resource_id_rule(res: ResourceRecord, out: list[Problem]) -> None:
    """A resource ``id`` typed in the sheet must be a CKAN resource id.

    CKAN 2.12 refuses any other id ("Invalid id provided") but CKAN 2.9 stores it as the new
    resource's id, and neither would match a stored resource: so any other text is an
    error here, before anything is sent, on every version. Only the canonical lower-case
    form passes: 2.12 would store another spelling of the same uuid in that form, and the
    next import would no longer match the cell.
    """
    value = res.resource.get(ID_KEY)
    if value is None or value == "":
        return
    if isinstance(value, str) and _RESOURCE_ID.fullmatch(value):
        return
    out.append(_at(res, ID_KEY, "bad-resource-id",
                   f"{value!r} is not a resource id: the id column holds the catalogue's own "
                   "ids (like 0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70, lower case), copied from "
                   "an export. Leave it blank for a new resource.", value))


def cross_row(records: Sequence[DatasetRecord]) -> list[Problem]:
    """Duplicate dataset names and titles; resources of one dataset sharing a name."""
    out: list[Problem] = []
    seen_name: dict[str, DatasetRecord] = {}
    seen_title: dict[str, DatasetRecord] = {}
    for rec in records:
        for key, seen, code, what in (
            ("name", seen_name, "duplicate-name", "URL name"),
            ("title", seen_title, "duplicate-title", "title"),
        ):
            value = rec.package.get(key)
            if not isinstance(value, str):
                continue
            first = seen.setdefault(value, rec)
            if first is not rec:
                out.append(_at(rec, key, code,
                               f"The {what} {value!r} is already used in row {first.row}; "
                               f"every dataset needs its own {what}.", value))
        names: dict[str, ResourceRecord] = {}
        for res in rec.resources:
            rname = res.resource.get("name")
            if not isinstance(rname, str):
                continue
            first_r = names.setdefault(rname, res)
            if first_r is not res:
                out.append(_at(res, "name", "duplicate-resource-name",
                               f"This dataset already has a resource named {rname!r} (row "
                               f"{first_r.row}); give each resource of a dataset its own name "
                               "so updates can find it.", rname))
    return out


# -- helpers ---------------------------------------------------------------------------

def _join(path: tuple[str | int, ...], rec: Record | None = None) -> str:
    """``("contacts", 0, "email")`` -> ``contacts[1].email`` (1-based, like the columns).
    An entry index is turned into the entry's position (its column number) when the row
    left earlier entries blank: ``contacts_2_*`` alone is ``contacts[2]``."""
    out = ""
    positions = rec.positions if rec is not None else {}
    for n, part in enumerate(path):
        if isinstance(part, int):
            given = positions.get(str(path[0])) if n == 1 else None
            number = given[part] if given and part < len(given) else part + 1
            out += f"[{number}]"
        else:
            out += f".{part}" if out else part
    return out


def _split(path: str) -> tuple[str | int, ...]:
    """``contacts[2].email`` -> ``("contacts", 1, "email")`` (the inverse of ``_join``)."""
    out: list[str | int] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        out.append(int(part) - 1 if part.isdigit() else part)
    return tuple(out)


def _field_at(fields: dict[str, Field], path: tuple[str | int, ...]) -> Field | None:
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return None
    f = fields.get(names[0])
    for name in names[1:]:
        if f is None or not f.subfields:
            return f
        try:
            f = f.subfield(name)
        except KeyError:
            return f
    return f


def _locate(rec: Record, path: str) -> CellRef | None:
    """The cell of ``path``, else of its nearest parent (``tags[2].name`` -> ``tags``)."""
    while path:
        cell = rec.locate(path)
        if cell is not None:
            return cell
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _at(rec: Record, path: str, code: str, message: str, value: Any,
        severity: Severity = Severity.ERROR) -> Problem:
    cell = _locate(rec, path)
    if cell is not None:
        return cell.problem(code, message, path, severity, value)
    return Problem(code, message, severity, rec.sheet, rec.row, None, None, path, value)


def _label(labels: dict[tuple[str, str], str], rec: Record, path: str, f: Field | None) -> str:
    """What the person sees: the column's label, with its header when that differs
    (``Description (notes)``)."""
    scope = "resource" if isinstance(rec, ResourceRecord) else "dataset"
    label = labels.get((scope, path)) or (f.label if f is not None else path)
    cell = rec.cells.get(path)  # (a sibling's cell would name another column)
    header = cell.header if cell is not None else ""
    if header and normalise_header(header) != normalise_header(label):
        return f"{label} ({header})"
    return label


def _hint(f: Field | None) -> str:
    if f is None:
        return ""
    if f.kind is FieldKind.TAGS:
        return " Write at least one keyword; separate keywords with commas."
    if f.required_note == UNOWNED_NOTE:  # required by CKAN's default, not by the schema
        return " " + UNOWNED_HINT
    if f.choices and f.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
        return " " + allowed(f)
    return ""


def _cond_label(fields: dict[str, Field], f: Field) -> str:
    assert f.condition is not None
    src = fields.get(f.condition.field)
    return src.label if src is not None else f.condition.field


def _slug_message(rec: Record, value: Any) -> str:
    text = str(value)
    why = ("is a reserved word" if text in RESERVED_SLUGS else
           "must be 2 to 100 characters of lower-case letters a-z, digits, - and _ "
           "(no spaces or capitals)")
    # the name's own slug when it gives one (``P1-Upper`` -> ``p1-upper``), else the title's
    slug = slugify(text)
    if not slug or slug in RESERVED_SLUGS:
        title = rec.package.get("title") if isinstance(rec, DatasetRecord) else None
        slug = slugify(title) if isinstance(title, str) else ""
    hint = f" Suggested: {slug!r}." if slug and slug != text else ""
    return f"The URL name {text!r} {why}.{hint}"


def _keyword_message(value: Any) -> str:
    return (f"The keyword {value!r} is not accepted: keywords are 2 to 100 characters of "
            "letters, digits, spaces, _ - and . only (no + / & ' ( ) inside a keyword). "
            "Separate keywords with commas.")


def _format_problem(rec: Record, path: str, label: str, fmt: str, value: Any,
                    profile: Profile) -> Problem:
    if fmt == "date":
        hint = suggest_date(str(value))
        if hint:
            try:
                dt.date.fromisoformat(hint)
            except ValueError:
                hint = None
        mean = f" Did you mean {hint!r}?" if hint else ""
        return _at(rec, path, "bad-date",
                   f"{value!r} is not a date the catalogue accepts.{mean} Write dates as "
                   "YYYY-MM-DD (for example 2024-01-31), or use a date cell.", value)
    if fmt == "email":
        return _at(rec, path, "bad-email",
                   f"{value!r} is not an e-mail address (expected {profile.example_email}).",
                   value)
    return _at(rec, path, "bad-url",
               f"{value!r} is not a web address: write the full address, starting with "
               f"https:// (for example {profile.example_url}).", value)


# -- the record a patch would leave ------------------------------------------------------

AFTER_PREFIX = "After this update the record would not be valid: "


def validate_result(rec: Record, stored: dict[str, Any], result: dict[str, Any],
                    positions: dict[str, tuple[int, ...]], layout: Layout) -> list[Problem]:
    """The problems the record (or resource) that a patch would leave has and the stored
    one has not: the whole record is checked (every required field and sub-field, at
    least one displayed contact), whatever the sheet gave, so a patch can never make a
    valid record invalid; problems it already had are not the row's doing and are left
    alone. ``positions`` gives each merged entry's position in the row, so a problem
    lands on that entry's cells."""
    comp = compiled(layout.schema, layout.profile)
    resource = isinstance(rec, ResourceRecord)
    fields = comp.resource_fields if resource else comp.dataset_fields
    checker = comp.resource if resource else comp.dataset
    ctx = _Context(layout, "create")

    def problems_of(pkg: dict[str, Any], where: Record) -> list[Problem]:
        out: list[Problem] = []
        ctx.schema_problems(where, _as_row(pkg, fields), checker, fields, out)
        if isinstance(where, DatasetRecord):
            ctx.contact_rules(where, out)
        return out

    before = problems_of(stored, _shell(rec, _as_row(stored, fields), {}, fields))
    seen = {(p.code, p.field) for p in before}
    after = problems_of(result, _shell(rec, _as_row(result, fields), positions, fields))
    out = []
    for p in after:
        if (p.code, p.field) in seen:
            continue
        out.append(dataclasses.replace(p, message=AFTER_PREFIX + p.message))
    return out


def _as_row(pkg: dict[str, Any], fields: dict[str, Field]) -> dict[str, Any]:
    """A stored (``package_show``) or merged package in the mapper's shape: only schema
    fields, empty values absent, inside repeating entries too."""
    out: dict[str, Any] = {}
    for key, value in pkg.items():
        f = fields.get(key)
        if f is None or f.system or _empty(value):
            continue
        if f.kind is FieldKind.REPEATING and isinstance(value, list):
            value = [{k: v for k, v in e.items() if not _empty(v)} if isinstance(e, dict)
                     else e for e in value]
        out[key] = value
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _shell(rec: Record, pkg: dict[str, Any], positions: dict[str, tuple[int, ...]],
           fields: dict[str, Field]) -> Record:
    """A record holding ``pkg`` with the row's cells, for locating problems."""
    if isinstance(rec, ResourceRecord):
        return ResourceRecord(rec.sheet, rec.row, rec.dataset_name, pkg, rec.cells,
                              positions=positions)
    return DatasetRecord(rec.sheet, rec.row, pkg, rec.cells, positions=positions)
