"""docs/reliability.md names, for every failure, the tests that prove it: each must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"


def _references() -> list[tuple[str, str]]:
    """(file, test name) for every ``file::name`` and every ``::name`` after it in a cell."""
    refs = []
    for row in DOC.read_text(encoding="utf-8").splitlines():
        if not row.startswith("| "):
            continue
        current = None
        for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(\w+)`", row):
            current = path or current
            assert current, row
            refs.append((current, name))
    return refs


def test_every_test_the_table_names_exists() -> None:
    refs = _references()
    assert len(refs) >= 40
    missing = [f"{p}::{n}" for p, n in refs
               if not re.search(rf"^def {n}\(", (ROOT / p).read_text(encoding="utf-8"), re.M)]
    assert missing == []
