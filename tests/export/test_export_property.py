"""Round-trip property: stored package -> row (reverse) -> workbook -> reader -> forward ->
the same package (in the importer's normal form) and the same row again.

Runs for the sample package and for records generated from the schema (seeded, so a
failure is reproducible: the seed is in the test id). No field is listed by hand: values
are drawn per field kind and from each field's choices.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from importer.export.run import map_rows as export_rows
from importer.export.write import build_export_workbook
from importer.map.forward import map_rows
from importer.map.resolve import OfflineResolver, bundled_licences
from importer.map.reverse import Lookups, required_counts, reverse_package, reverse_resource
from importer.publish.normal import normalise_package
from importer.read import read_workbook
from importer.schema import Field, FieldKind, Schema, build_layout, load_bundled
from importer.template.lists import ChoiceLists
from tests.export.fakesite import sample_package

ORGS = {"0a6d7b2e-1111-4c8d-9e0f-aaaaaaaaaaaa": "roads-branch",
        "0b000000-2222-4c8d-9e0f-bbbbbbbbbbbb": "data-office"}
LICENCES = {str(lic["id"]): str(lic["title"]) for lic in bundled_licences()}
WORDS = ["roads", "Mental health", "Crème brûlée", "北京", "a, b; c", "x=1", "50%", "O'Neil",
         '"quoted"', "tab\there", "10", "007", "1e5", "TRUE", "-3.5", "=SUM(A1)", "+1 250",
         "@home", "<clear it>", "https://www2.gov.bc.ca/gov?id=1&x=2"]


class Generator:
    """Random stored packages shaped by the schema (``package_show`` form)."""

    def __init__(self, schema: Schema, seed: int) -> None:
        self.schema = schema
        self.rnd = random.Random(seed)

    def text(self, multiline: bool = False) -> str:
        words = self.rnd.sample(WORDS, self.rnd.randint(1, 4))
        sep = "\n\n" if multiline and self.rnd.random() < 0.3 else " "
        return sep.join(words).strip()

    def value(self, f: Field, parent: str = "") -> Any:
        r = self.rnd
        if parent == "contacts" and f.name == "org":
            return r.choice(list(ORGS))
        if parent == "contacts" and f.name == "displayed":
            return r.choice([["displayed"], []])
        kind = f.kind
        if kind is FieldKind.ORGANIZATION:
            return r.choice(list(ORGS))
        if kind is FieldKind.LICENSE:
            return r.choice(list(LICENCES))
        if kind is FieldKind.SELECT:
            return r.choice(f.choice_values)
        if kind is FieldKind.MULTI_SELECT:
            return r.sample(list(f.choice_values), r.randint(1, min(3, len(f.choices))))
        if kind is FieldKind.DATE:
            return (dt.date(2000, 1, 1) + dt.timedelta(days=r.randint(0, 9000))).isoformat()
        if kind is FieldKind.JSON:
            return {"fields": [{"name": r.choice(WORDS), "type": "string"}],
                    "n": r.randint(0, 9) / 4, "ok": r.random() < 0.5}
        if kind is FieldKind.TAGS:
            pool = ["roads", "mental health", "v1.2", "first-nations", "x_y", "Économie"]
            return [{"name": t} for t in r.sample(pool, r.randint(1, 3))]
        return self.text(multiline=kind is FieldKind.MARKDOWN)

    def entries(self, f: Field, room: int) -> list[dict[str, Any]]:
        out = []
        for _ in range(self.rnd.randint(0, room)):
            subs = [s for s in f.subfields
                    if f.name == "contacts" or self.rnd.random() < 0.6] or [f.subfields[0]]
            out.append({s.name: self.value(s, f.name) for s in subs})
        return out

    def fields(self, fields: tuple[Field, ...], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields:
            if f.system or self.rnd.random() < 0.25:
                continue
            if f.is_repeating:
                room = 1 if f.single_entry else 5
                out[f.name] = self.entries(f, room)
            elif f.kind is FieldKind.TAGS:
                out["tags"] = self.value(f)
            else:
                out[f.name] = self.value(f)
        return out

    def package(self, i: int) -> dict[str, Any]:
        pkg = self.fields(self.schema.dataset_fields, "")
        pkg.update(id=f"id-{i}", name=f"record-{i:03d}", type=self.schema.dataset_type)
        pkg["resources"] = [
            dict(self.fields(self.schema.resource_fields, "resources."), id=f"res-{i}-{k}",
                 name=f"Resource {k}")
            for k in range(self.rnd.randint(0, 3))
        ]
        return pkg


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_bundled()


def lists() -> ChoiceLists:
    return ChoiceLists.offline()


def _roundtrip(packages: list[dict[str, Any]], schema: Schema, tmp_path: Path) -> None:
    layout = build_layout(schema, counts=required_counts(packages, schema), include_ids=True)
    lookups = Lookups(LICENCES, ORGS)
    rows = export_rows(packages, layout, lookups)
    assert rows.notes == []  # every generated value fits a cell
    path = tmp_path / "roundtrip.xlsx"
    build_export_workbook(layout, lists(), rows.datasets, rows.resources, []).save(path)

    read = read_workbook(path, layout)
    assert read.problems == []
    mapped = map_rows(read, read.layout, OfflineResolver())
    assert mapped.problems == []
    assert [r.name for r in mapped.records] == [p["name"] for p in packages]
    for pkg, record, row in zip(packages, mapped.records, rows.datasets, strict=True):
        # the package read back is the stored one, in the importer's normal form
        back = dict(record.package, resources=[r.resource for r in record.resources])
        back["owner_org"] = _org_id(back.get("owner_org"))
        for contact in back.get("contacts") or []:
            contact["org"] = _org_id(contact.get("org"))
        assert normalise_package(back, layout) == normalise_package(pkg, layout)
        # and reverse of it is the same row again
        assert reverse_package(back, layout, lookups).values == row
    resource_rows = [reverse_resource(r.resource, rec.name or "", layout, lookups).values
                     for rec in mapped.records for r in rec.resources]
    assert resource_rows == rows.resources


def _org_id(value: Any) -> Any:
    """Offline the reader keeps an organization as written (its name); the site would send
    the id, so map names back to ids to compare with the stored package."""
    by_name = {name: oid for oid, name in ORGS.items()}
    return by_name.get(value, value)


def test_sample_package_round_trips(schema, tmp_path) -> None:
    pkg = sample_package()
    pkg["private"] = pkg["metadata_visibility"] == "IDIR"
    _roundtrip([pkg], schema, tmp_path)


@pytest.mark.parametrize("seed", range(12))
def test_generated_packages_round_trip(schema, tmp_path, seed: int) -> None:
    gen = Generator(schema, seed)
    packages = [gen.package(i) for i in range(8)]
    for pkg in packages:
        if "metadata_visibility" in pkg:
            pkg["private"] = pkg["metadata_visibility"] == "IDIR"
    _roundtrip(packages, schema, tmp_path)


def test_generator_covers_every_kind(schema) -> None:
    gen = Generator(schema, 0)
    seen: set[FieldKind] = set()
    for i in range(30):
        pkg = gen.package(i)
        holders = [(schema.dataset_fields, pkg), *((schema.resource_fields, r)
                                                   for r in pkg["resources"])]
        for fields, holder in holders:
            seen.update(f.kind for f in fields
                        if holder.get("tags" if f.kind is FieldKind.TAGS else f.name))
    assert seen == set(FieldKind)
