"""The dev catalogue's seed keeps its tokens out of every repr (they would otherwise reach
a test report or a log through the ``ckan_site`` fixture or ``manager.up()``'s result)."""

from __future__ import annotations

from pathlib import Path

from importer.devcat.manager import UpResult
from importer.devcat.seed import Seed
from importer.devcat.testsite import CkanSite, OrgRef

TOKENS = ("sys-tok-111", "adm-tok-222", "edi-tok-333")
PARENT = OrgRef("id-1", "devcat-ministry", "Dev Catalogue Ministry")
CHILD = OrgRef("id-2", "devcat-branch", "Dev Catalogue Branch")


def test_seed_is_a_ckan_site_whose_repr_holds_no_token() -> None:
    seed = Seed("http://127.0.0.1:5000", *TOKENS, PARENT, CHILD)
    assert isinstance(seed, CkanSite)
    for text in (repr(seed), repr(UpResult(seed, True, False, 1.0))):
        assert "http://127.0.0.1:5000" in text and "devcat-branch" in text
        assert [t for t in TOKENS if t in text] == []


def test_seed_saves_and_loads(tmp_path: Path) -> None:
    seed = Seed("http://127.0.0.1:5000", *TOKENS, PARENT, CHILD)
    seed.save(tmp_path / "seed.json")
    assert Seed.load(tmp_path / "seed.json") == seed
    assert (tmp_path / "seed.json").stat().st_mode & 0o777 == 0o600
