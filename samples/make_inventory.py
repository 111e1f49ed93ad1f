"""Write ``samples/inventory.xlsx``: an editor's own inventory sheet, and its mapping.

    python samples/make_inventory.py          # rewrites the three inventory files
    python samples/make_inventory.py --out DIR  # writes them elsewhere (the tests compare)

Twenty of the sample datasets (``sample_data.py``) as an editor keeps them: one sheet
named ``Inventory``, headers of their own ("Dataset Title", "Branch", "Contact e-mail"),
an internal column the catalogue has no field for, no meta sheet, and the mistakes in
:data:`MISTAKES`. ``inventory-columns.json`` is the reviewed column mapping (what a
person confirms in the matching step); ``inventory.expected.json`` lists the
``[sheet, cell, code]`` each mistake must produce with that mapping, computed from the
table below (the spec, not the checker's output). Deterministic, like make_samples.py.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import sample_data as data  # noqa: E402
from make_samples import save_fixed, style_sheet  # noqa: E402

from importer.read.mapping import ColumnMapping, SheetMapping  # noqa: E402
from importer.schema.columns import Scope  # noqa: E402

SHEET = "Inventory"
ROWS = 20
#: the editor's header -> the template column it is (None: no catalogue field).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Dataset Title", "title"),
    ("Short Name", "name"),
    ("Branch", "owner_org"),
    ("State", "publish_state"),
    ("Description", "notes"),
    ("Licence", "license_id"),
    ("Contact", "contacts_1_name"),
    ("Contact e-mail", "contacts_1_email"),
    ("Contact Role", "contacts_1_role"),
    ("Show contact?", "contacts_1_displayed"),
    ("Security", "security_class"),
    ("Who can view", "view_audience"),
    ("Who can download", "download_audience"),
    ("Record visible to", "metadata_visibility"),
    ("Keywords", "tag_string"),
    ("Date type", "dates_1_type"),
    ("Date", "dates_1_date"),
    ("Resource status", "resource_status"),
    ("Replaced by", "replacement_record"),
    ("Internal ref", None),
)
#: (row index 0..19, header, wrong value, expected code); None empties the cell.
MISTAKES: tuple[tuple[int, str, Any, str], ...] = (
    (2, "Contact e-mail", "forest.inventory(at)example.gov.bc.ca", "bad-email"),
    (5, "Licence", "Creative Commons Attribution 4.0", "unknown-licence"),
    (9, "Dataset Title", None, "required"),
    (14, "Who can view", "Publc", "not-a-choice"),
)


def mapping() -> ColumnMapping:
    return ColumnMapping({Scope.DATASET: SheetMapping(dict(COLUMNS), SHEET)},
                         "inventory-columns.json")


def rows() -> list[list[Any]]:
    out = []
    for i, record in enumerate(copy.deepcopy(data.DATASETS[:ROWS])):
        values = {h: record.get(c) if c else f"INV-{i + 1:04d}" for h, c in COLUMNS}
        out.append([values[h] for h, _ in COLUMNS])
    headers = [h for h, _ in COLUMNS]
    for index, header, value, _ in MISTAKES:
        out[index][headers.index(header)] = value
    return out


def expected() -> list[list[str]]:
    headers = [h for h, _ in COLUMNS]
    return [[SHEET, f"{get_column_letter(headers.index(h) + 1)}{i + 2}", code]
            for i, h, _, code in MISTAKES]


def write_all(out: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.append([h for h, _ in COLUMNS])
    for row in rows():
        ws.append(row)
    style_sheet(ws, [h for h, _ in COLUMNS])
    save_fixed(book, out / "inventory.xlsx")
    (out / "inventory-columns.json").write_text(mapping().dumps())
    (out / "inventory.expected.json").write_text(json.dumps(expected(), indent=1) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the inventory sample.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder (default: samples/)")
    args = parser.parse_args(argv)
    write_all(args.out)
    print(f"wrote inventory sample: {ROWS} datasets, {len(MISTAKES)} mistakes")


if __name__ == "__main__":
    main()
