"""Damaged files never end in a traceback: random byte flips in the zip and random edits of
the XML inside give a WorkbookError or a result, nothing else (fixed seeds: reproducible)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from importer.check import run_check
from importer.errors import WorkbookError
from tests.workbooks import LAYOUT, meta_for, valid_dataset, valid_resource, write_xlsx

INSERTS = [b'<c r="ZZ9">', b"</row>", b"<f>1</f>", b't="e"', b"&amp;", b"<v>1e308</v>",
           b'<row r="0">', b"<!DOCTYPE x>", b"\x00"]


def _base(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "base.xlsx",
                      [valid_dataset(1), valid_dataset(2, name='=LOWER("X")')],
                      [valid_resource(1)], meta=meta_for())


def _survives(path: Path) -> None:
    try:
        run_check(path, LAYOUT)
    except WorkbookError as err:
        assert "\n" not in str(err)


@pytest.mark.parametrize("seed", range(3))
def test_flipped_bytes(tmp_path: Path, seed: int) -> None:
    data = _base(tmp_path).read_bytes()
    rng = random.Random(seed)
    for i in range(40):
        b = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        path = tmp_path / f"flip{i}.xlsx"
        path.write_bytes(bytes(b))
        _survives(path)


@pytest.mark.parametrize("seed", range(3))
def test_edited_xml(tmp_path: Path, seed: int) -> None:
    with zipfile.ZipFile(_base(tmp_path)) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    rng = random.Random(seed)
    for i in range(40):
        name = rng.choice(sorted(n for n in parts if n.endswith(".xml")))
        b = bytearray(parts[name])
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(b))
            op = rng.random()
            if op < 0.4:
                b[pos] = rng.choice(b'<>/="&x0 \x00\xff')
            elif op < 0.7:
                del b[pos:pos + rng.randint(1, 40)]
            else:
                b[pos:pos] = rng.choice(INSERTS)
        path = tmp_path / f"edit{i}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for part, data in parts.items():
                zout.writestr(part, bytes(b) if part == name else data)
        _survives(path)
