"""Undo without a CKAN: pre-images in the journal, the field rule (restore / nothing to do
/ conflict), dry run, lost answers, refused moves, merged journal lines, and what the
command refuses, against the in-memory site of tests/undo/fakesite.py."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from importer.errors import WorkbookError
from importer.publish.run import ImportOptions, import_records
from importer.undo import UndoOptions, UndoStatus, journal_of, read_import_journal, undo_rows
from importer.undo.plan import Conflict, Restore
from tests.cli.clirun import run_cli
from tests.publish.factory import LAYOUT, make_record, package_body, resource_body
from tests.publish.test_plan import stored_from
from tests.undo.fakesite import FakeSite, client_for, error

OLD_NOTES = "Description of dataset 1."


def _rows() -> tuple[dict[str, Any], list[Any]]:
    """A stored record (id-1) and the workbook rows: row 2 changes it (notes, contact 1's
    e-mail, contact 2 removed, resource 1's url, a third resource), row 3 is new."""
    body = package_body("u", 1, "org-1")
    stored = stored_from(body)
    stored["state"] = "active"
    stored["metadata_modified"] = "2026-12-01T00:00:00"
    changed = copy.deepcopy(body)
    changed["notes"] = "New notes."
    changed["contacts"] = [dict(body["contacts"][0], email="new@gov.bc.ca")]
    changed["_resources"][0]["url"] = "https://example.gov.bc.ca/new.csv"
    changed["_resources"].append(resource_body(3, name="Added"))
    records = [make_record(changed, 2),
               make_record(package_body("u", 2, "org-1"), 3, first_resource_row=5)]
    return stored, records


def _imported(tmp: Path, publish: bool = False) -> tuple[FakeSite, dict[str, Any], Path]:
    stored, records = _rows()
    site = FakeSite([stored])
    journal = tmp / "in-import-report.journal.jsonl"
    result = import_records(records, client_for(site), LAYOUT,
                            ImportOptions(journal_path=journal, publish=publish),
                            workbook_sha256="abc")
    assert [str(o.status) for o in result.outcomes] == ["updated", "created"]
    return site, stored, journal


def _undo(site: FakeSite, journal: Path, dry_run: bool = False) -> list[Any]:
    own = None if dry_run else journal.with_name("undo.jsonl")
    result = undo_rows(read_import_journal(journal), client_for(site), LAYOUT,
                       UndoOptions(dry_run=dry_run, journal_path=own))
    return result.outcomes


def test_import_journals_pre_images_and_no_token(tmp_path: Path) -> None:
    site, stored, journal = _imported(tmp_path, publish=True)
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert lines[0]["pre_images"] == 1
    row = next(e for e in lines if e.get("type") == "row" and e["row"] == 2)
    assert row["before"] == {"notes": OLD_NOTES, "contacts": stored["contacts"]}
    assert row["absent"] == []
    assert row["sent"]["notes"] == "New notes."
    assert sorted(row["sent"]) == ["contacts", "notes"]
    patched, added = row["resources"]
    assert patched == {"id": "r0", "name": "Download CSV 1", "sheet": "resources", "row": 2,
                       "before": {"url": "https://example.gov.bc.ca/data1.csv"},
                       "absent": [], "sent": {"url": "https://example.gov.bc.ca/new.csv"}}
    assert (added["created"], added["name"], added["row"]) == (True, "Added", 4)
    assert added["id"] == site.packages["id-1"]["resources"][-1]["id"]
    assert row["publish"] == {"from": "DRAFT", "to": "PENDING PUBLISH"}
    assert row["metadata_modified"] == site.packages["id-1"]["metadata_modified"]
    new = next(e for e in lines if e.get("type") == "row" and e["row"] == 3)
    assert new["created"] == "new-u-dataset-2"
    assert new["metadata_modified"] == site.packages["new-u-dataset-2"]["metadata_modified"]
    assert "secret-token" not in journal.read_text()


def test_undo_puts_the_site_back_then_has_nothing_to_do(tmp_path: Path) -> None:
    site, stored, journal = _imported(tmp_path, publish=True)
    outcomes = _undo(site, journal)
    assert [o.status for o in outcomes] == [UndoStatus.UNDONE, UndoStatus.UNDONE]
    assert outcomes[0].done == ["moved back to DRAFT", "resource Download CSV 1 restored",
                                "resource Added deleted", "record restored (contacts, notes)"]
    after = {k: v for k, v in site.packages["id-1"].items() if k != "metadata_modified"}
    assert after == {k: v for k, v in stored.items() if k != "metadata_modified"}
    assert site.packages["new-u-dataset-2"]["state"] == "deleted"
    before = len(site.writes())
    again = undo_rows(read_import_journal(journal), client_for(site), LAYOUT,
                      UndoOptions(journal_path=tmp_path / "undo.jsonl"))
    assert [o.status for o in again.outcomes] == [UndoStatus.NOTHING, UndoStatus.NOTHING]
    assert len(site.writes()) == before


def test_dry_run_shows_current_to_restored_and_sends_nothing(tmp_path: Path) -> None:
    site, _stored, journal = _imported(tmp_path)
    writes = len(site.writes())
    outcomes = _undo(site, journal, dry_run=True)
    assert [o.status for o in outcomes] == [UndoStatus.WOULD_UNDO, UndoStatus.WOULD_UNDO]
    assert [r.path for r in outcomes[0].restores] == [
        "contacts", "notes", "resources[Download CSV 1].url", "resources[Added]"]
    assert outcomes[0].restores[1:] == [
        Restore("notes", "New notes.", OLD_NOTES),
        Restore("resources[Download CSV 1].url", "https://example.gov.bc.ca/new.csv",
                "https://example.gov.bc.ca/data1.csv"),
        Restore("resources[Added]", "exists", "deleted")]
    assert outcomes[1].restores == [Restore("record", "exists", "deleted")]
    assert len(site.writes()) == writes
    assert not (tmp_path / "undo.jsonl").exists()


@pytest.mark.parametrize(("notes_now", "status", "conflicts"), [
    ("New notes.", UndoStatus.UNDONE, []),
    (OLD_NOTES, UndoStatus.UNDONE, []),  # notes already back; the rest still restored
    ("Edited by hand.", UndoStatus.CONFLICT, [Conflict(
        "notes", OLD_NOTES, "New notes.", "Edited by hand.",
        "notes was changed after the import; kept as it is now")]),
])
def test_a_field_is_restored_only_while_it_holds_what_the_import_wrote(
        tmp_path: Path, notes_now: str, status: UndoStatus, conflicts: list[Conflict]) -> None:
    site, stored, journal = _imported(tmp_path)
    site.packages["id-1"]["notes"] = notes_now
    outcome = _undo(site, journal)[0]
    assert (outcome.status, outcome.conflicts) == (status, conflicts)
    assert site.packages["id-1"]["notes"] == (OLD_NOTES if not conflicts else notes_now)
    assert site.packages["id-1"]["contacts"] == stored["contacts"]


def test_created_record_edited_since_is_kept(tmp_path: Path) -> None:
    site, _stored, journal = _imported(tmp_path)
    site._package_patch({"id": "new-u-dataset-2", "title": "Retitled"})
    outcome = _undo(site, journal)[1]
    assert outcome.status is UndoStatus.CONFLICT
    assert [c.path for c in outcome.conflicts] == ["record"]
    assert site.packages["new-u-dataset-2"]["state"] == "active"


def test_lost_answer_to_a_delete_is_looked_up_not_resent(tmp_path: Path) -> None:
    site, _stored, journal = _imported(tmp_path)
    site.lose = {"resource_delete", "package_delete"}
    outcomes = _undo(site, journal)
    assert [o.status for o in outcomes] == [UndoStatus.UNDONE, UndoStatus.UNDONE]
    assert (site.counts["resource_delete"], site.counts["package_delete"]) == (1, 1)


def test_a_refused_move_back_is_a_conflict_saying_who_can(tmp_path: Path) -> None:
    site, _stored, journal = _imported(tmp_path, publish=True)
    site.refuse["package_patch"] = lambda data: error(
        409, "Validation Error", publish_state=["Invalid state valid choices are: PUBLISHED"]
    ) if "publish_state" in data else None
    outcome = _undo(site, journal)[0]
    assert outcome.status is UndoStatus.CONFLICT
    assert outcome.conflicts == [Conflict(
        "publish_state", "DRAFT", "PENDING PUBLISH", "PENDING PUBLISH",
        "the catalogue refused to move the record back to DRAFT for this token "
        "(package_patch: publish_state: ['Invalid state valid choices are: PUBLISHED']); "
        "an editor, an organization admin or a sysadmin can move it from PENDING PUBLISH "
        "to DRAFT")]
    assert site.packages["id-1"]["publish_state"] == "PENDING PUBLISH"
    assert site.packages["id-1"]["notes"] == OLD_NOTES


def _lines(path: Path, *entries: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


RUN = {"type": "run", "site": "http://ckan.test", "workbook_sha256": "abc", "pre_images": 1}


def test_lines_of_a_resumed_import_merge(tmp_path: Path) -> None:
    journal = _lines(
        tmp_path / "j.jsonl", RUN,
        {"type": "row", "sheet": "datasets", "row": 2, "id": "id-1", "name": "a",
         "status": "failed", "before": {"notes": "A"}, "absent": [], "sent": {"notes": "B"}},
        {"type": "row", "sheet": "datasets", "row": 3, "id": "id-2", "name": "b",
         "status": "created", "created": "id-2", "metadata_modified": "M1"},
        RUN,
        {"type": "row", "sheet": "datasets", "row": 2, "id": "id-1", "name": "a",
         "status": "updated", "before": {"notes": "B", "title": "T1"}, "absent": ["purpose"],
         "sent": {"notes": "B", "title": "T2", "purpose": "P"}},
        {"type": "row", "sheet": "datasets", "row": 3, "id": "id-2", "name": "b",
         "status": "created", "message": "created by an earlier run; confirmed on the site"},
        {"type": "row", "sheet": "datasets", "row": 4, "id": "id-3", "name": "c",
         "status": "unchanged"},
        '{"type": "row", "sheet": "data')  # type: ignore[arg-type]
    rows = read_import_journal(journal).rows
    assert [(r.row, r.created) for r in rows] == [(2, False), (3, True)]
    assert rows[0].before == {"notes": "A", "title": "T1"}
    assert rows[0].absent == ["purpose"]
    assert rows[0].sent == {"notes": "B", "title": "T2", "purpose": "P"}
    assert rows[1].metadata_modified == "M1"


def test_journal_of_finds_the_journal_a_report_names(tmp_path: Path) -> None:
    journal = _lines(tmp_path / "in-import-report.journal.jsonl", RUN)
    (tmp_path / "r.json").write_text(json.dumps({"tool": "bcdc-importer",
                                                 "journal": str(journal)}))
    book = Workbook()
    book.active.title = "summary"
    book.active.append(["Journal", str(journal)])
    book.save(tmp_path / "in-import-report.xlsx")
    assert journal_of(tmp_path / "r.json") == journal
    assert journal_of(tmp_path / "in-import-report.xlsx") == journal
    assert journal_of(journal) == journal
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(WorkbookError) as err:
        journal_of(tmp_path / "other.json")
    assert str(err.value) == ("other.json is not an import's JSON results naming its journal;"
                              " give the journal (.journal.jsonl) instead")


@pytest.mark.parametrize(("run", "extra", "message"), [
    ({k: v for k, v in RUN.items() if k != "pre_images"}, [],
     "Error: j.jsonl was written by an import from before undo existed (it holds no "
     "pre-images, the values the import replaced): it cannot be undone\n"),
    (RUN, ["--url", "http://127.0.0.1:5999"],
     "Error: j.jsonl is the journal of an import into http://ckan.test, not "
     "http://127.0.0.1:5999; undo runs against the site it names\n"),
    ({"type": "end"}, [], "Error: j.jsonl is not an import journal (no run line)\n"),
])
def test_command_refuses_journals_it_cannot_undo(tmp_path: Path, run: dict[str, Any],
                                                 extra: list[str], message: str) -> None:
    _lines(tmp_path / "j.jsonl", run)
    proc = run_cli("undo", "j.jsonl", *extra, cwd=tmp_path,
                   env={"CKAN_API_TOKEN": "secret-token"})
    assert (proc.returncode, proc.stderr, proc.stdout) == (2, message, "")


STOPPED = ("the journal does not say how the import left this record (the import was "
           "stopped as it created it), so undo cannot tell whether someone edited it since; "
           "it was not deleted: check it and delete it on the site if it should go")
EDITED = ("someone edited this record after the import created it, so it was not deleted; "
          "delete it on the site if it should go")


@pytest.mark.parametrize(("journaled", "current", "steps", "conflict", "note"), [
    ("M1", {"id": "n", "state": "active", "metadata_modified": "M1"},
     ["package_delete"], None, ""),
    ("M1", {"id": "n", "state": "active", "metadata_modified": "M2"}, [], EDITED, ""),
    ("M1", {"id": "n", "state": "deleted", "metadata_modified": "M2"}, [], None,
     "the record it created is already deleted"),
    ("M1", None, [], None, "the record it created is already deleted"),
    (None, {"id": "n", "state": "active", "metadata_modified": "M1"}, [], STOPPED, ""),
])
def test_a_created_record_is_deleted_only_when_untouched(
        journaled: str | None, current: dict[str, Any] | None, steps: list[str],
        conflict: str | None, note: str) -> None:
    from importer.undo.plan import plan_row
    from importer.undo.source import ImportedRow

    row = ImportedRow("datasets", 2, "n", "n")
    row.merge({"status": "created (confirmed)", **({"metadata_modified": journaled}
                                                   if journaled else {})})
    plan = plan_row(row, current, LAYOUT)
    assert [s.action for s in plan.steps] == steps
    assert [c.message for c in plan.conflicts] == ([conflict] if conflict else [])
    assert plan.note == note


def test_a_state_the_sheet_moved_is_moved_back_on_its_own(tmp_path: Path) -> None:
    """The sheet's state column moved the record (DRAFT -> PENDING PUBLISH) with other
    fields: undo moves it back in its own request, so a refused move leaves the other
    fields restored and says who can."""
    from importer.undo.plan import plan_row
    from importer.undo.source import ImportedRow

    row = ImportedRow("datasets", 2, "a", "id-1")
    row.merge({"status": "updated", "before": {"notes": "A", "publish_state": "DRAFT"},
               "absent": [], "sent": {"notes": "B", "publish_state": "PENDING PUBLISH"}})
    current = {"id": "id-1", "state": "active", "notes": "B",
               "publish_state": "PENDING PUBLISH"}
    plan = plan_row(row, current, LAYOUT)
    assert [(s.kind.value, s.body) for s in plan.steps] == [
        ("move", {"id": "id-1", "publish_state": "DRAFT"}),
        ("restore record", {"id": "id-1", "notes": "A"})]
