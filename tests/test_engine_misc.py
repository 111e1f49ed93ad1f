"""Issue 16: NFC on read (item 8) and in the plan's comparison (decision 3); the dev
catalogue names all three organizations it seeds (minor)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from importer.check import run_check
from importer.devcat import cli as devcat_cli
from importer.devcat.manager import UpResult
from importer.devcat.seed import Seed
from importer.devcat.testsite import OrgRef
from importer.publish.normal import normalise_value, same_text
from tests.workbooks import LAYOUT, valid_dataset, write_xlsx

DECOMPOSED = "caf" + "e\u0301"  # what some keyboards and PDFs give: e + combining acute
COMPOSED = "caf\u00e9"


def test_keyword_with_a_combining_accent_is_accepted_and_read_as_nfc(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [valid_dataset(
        tag_string=f"water, {DECOMPOSED}", title=f"Wells {DECOMPOSED}")])
    result = run_check(path, LAYOUT)
    assert [p.code for p in result.problems if p.severity.value == "error"] == []
    pkg = result.records[0].package
    assert pkg["tags"] == [{"name": "water"}, {"name": COMPOSED}]
    assert pkg["title"] == f"Wells {COMPOSED}"
    assert unicodedata.is_normalized("NFC", pkg["title"])


@pytest.mark.parametrize(("stored", "read"), [
    (DECOMPOSED, COMPOSED), (COMPOSED, COMPOSED), (f"  {DECOMPOSED} ", COMPOSED)])
def test_plan_compares_text_in_nfc(stored: str, read: str) -> None:
    f = LAYOUT.schema.dataset_field("notes")
    assert normalise_value(f, stored) == normalise_value(f, read) == same_text(read)


def test_dev_catalogue_names_its_three_organizations() -> None:
    org = OrgRef  # the fields the message reads
    site = Seed(url="http://127.0.0.1:5101", sysadmin_token="s", admin_token="a",
                editor_token="e", parent_org=org("p-id", "devcat-ministry", "Ministry"),
                child_org=org("c-id", "devcat-branch", "Branch"))
    text = devcat_cli._describe(UpResult(site, True, False, 1.0))
    assert text.splitlines()[1] == ("organizations: devcat-ministry (parent), devcat-branch "
                                    "(child), devcat-agency (independent)")
