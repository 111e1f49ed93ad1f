"""``run_import`` against the dev catalogue: the workbook changing under the import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from importer.devcat.testsite import CkanSite
from importer.errors import WorkbookError
from importer.publish import run as run_mod
from importer.publish.run import ImportOptions, connect, run_import
from tests.publish.factory import package_body, write_workbook

pytestmark = pytest.mark.ckan


def test_workbook_changed_during_the_check_sends_nothing(
    ckan_site: CkanSite, tmp_path: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "in.xlsx"
    write_workbook([package_body(prefix, 1, ckan_site.child_org.name)], book)
    original = run_mod.check_for_import

    def editing_check(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with book.open("ab") as fh:  # someone saves the file meanwhile
            fh.write(b"\0")
        return result

    monkeypatch.setattr(run_mod, "check_for_import", editing_check)
    conn = connect(ckan_site.url, ckan_site.sysadmin_token, 30, 3, None)
    with pytest.raises(WorkbookError, match=r"in\.xlsx changed while it was being checked"):
        run_import(book, conn, ImportOptions(journal_path=tmp_path / "j.jsonl"))
    assert conn.client.transport.write_count == 0


def test_resume_with_a_changed_workbook_replans(
    ckan_site: CkanSite, tmp_path: Path, prefix: str
) -> None:
    book = tmp_path / "in.xlsx"
    journal = tmp_path / "j.jsonl"
    write_workbook([package_body(prefix, i, ckan_site.child_org.name) for i in (1, 2)], book)
    journal.write_text(json.dumps({"type": "run", "workbook_sha256": "another-version",
                                   "site": ckan_site.url}) + "\n"
                       + json.dumps({"type": "row", "sheet": "datasets", "row": 2,
                                     "status": "created"}) + "\n")
    conn = connect(ckan_site.url, ckan_site.sysadmin_token, 30, 3, None)
    result = run_import(book, conn, ImportOptions(journal_path=journal))
    assert [str(o.status) for o in result.outcomes] == ["created", "created"]
    assert not any(o.confirmed for o in result.outcomes)
    assert result.notices == [
        "The workbook changed since the journal j.jsonl was written; it was set aside "
        "(.prev) and every row was planned afresh against the site."]
    assert (tmp_path / "j.jsonl.prev").read_text().startswith('{"type": "run"')
