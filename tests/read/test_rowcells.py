"""The lazy cell map behaves as a plain dict of CellRefs, before and after freezing."""

from __future__ import annotations

import pytest

from importer.read.model import Row, RowCells, SheetInfo
from importer.records import CellRef
from importer.schema.columns import Scope

INFO = SheetInfo("datasets", Scope.DATASET, 1, (None, None, None), ("title", "name", "x"),
                 ("A", "B", "C"))


@pytest.mark.parametrize("frozen", [False, True])
def test_rowcells_is_a_mapping_of_cellrefs(frozen: bool) -> None:
    row = Row(INFO, 7, ("Roads", None, "z"))
    cells = RowCells(row)
    cells.put("title", 0)
    cells.put("name", 1)
    cells.alias("private", "title")
    if frozen:
        cells.freeze({})
    assert cells["title"] == CellRef("datasets", 7, "A", "title", "Roads")
    assert cells["name"] == CellRef("datasets", 7, "B", "name", None)
    assert cells["private"] == cells["title"]
    assert "title" in cells and "nothing" not in cells and len(cells) == 3
    assert list(cells) == ["title", "name", "private"]
    extra = CellRef("datasets", 7, "Z", "z", "v")
    cells["name"] = extra
    assert cells["name"] is extra and len(cells) == 3
    del cells["title"]
    assert "title" not in cells and dict(cells) == {"private": cells["private"],
                                                    "name": extra}
    with pytest.raises(KeyError):
        cells["title"]
    cells.put("x", 2)
    assert cells["x"].value == "z"


def test_frozen_maps_share_their_tuples() -> None:
    shared: dict = {}
    a, b = RowCells(Row(INFO, 2, ("A",))), RowCells(Row(INFO, 3, ("B",)))
    for cells in (a, b):
        cells.put("title", 0)
        cells.freeze(shared)
    assert a._keys is b._keys and a._positions is b._positions
    assert (a["title"].value, b["title"].value) == ("A", "B")
