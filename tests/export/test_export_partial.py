"""Records an export cannot or should not carry, on the real dev catalogue (issue 18):
records deleted on the site (``--names``, and deleted between export and re-import),
organizations whose private records the token cannot see, and messages that name an
organization the token may not edit.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from importer.devcat.testsite import CkanSite
from importer.site import Site
from tests.export.records import base
from tests.export.test_export_roundtrip import TOKEN_ENV, Catalogue, edit, import_, run, statuses

pytestmark = pytest.mark.ckan


@pytest.fixture
def as_token() -> Iterator[object]:
    """``as_token(token)`` sets (or with ``None`` unsets) CKAN_API_TOKEN for the test."""
    old = os.environ.get(TOKEN_ENV)

    def use(token: str | None) -> None:
        if token is None:
            os.environ.pop(TOKEN_ENV, None)
        else:
            os.environ[TOKEN_ENV] = token

    yield use
    use(old)


def two_records(ckan_site: CkanSite, org_id: str | None = None) -> Catalogue:
    site = Site(ckan_site.url, ckan_site.sysadmin_token)
    prefix = f"rt-p-{uuid.uuid4().hex[:8]}"
    if org_id is None:
        org_id = site.call("organization_create", name=prefix, title=f"Partial {prefix}")["id"]
    names = [site.call("package_create", **base(f"{prefix}-{k}", org_id))["name"]
             for k in ("kept", "gone")]
    return Catalogue(site, ckan_site.url, ckan_site.sysadmin_token, prefix, names)


def sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_names_leaves_out_a_deleted_record_with_a_note(ckan_site, as_token, tmp_path,
                                                       capsys) -> None:
    cat = two_records(ckan_site)
    kept, gone = cat.names
    cat.site.call("package_delete", id=gone)
    listing = tmp_path / "names.txt"
    listing.write_text(f"{kept}\n{gone}\n")
    out = tmp_path / "export.xlsx"
    as_token(cat.token)
    assert run(["export", "--url", cat.url, "--names", str(listing), "-o", str(out)]) == 1
    assert [r[1] for r in sheet(out, "datasets")[1:]] == [kept]
    assert [(r[0], r[5]) for r in sheet(out, "export-notes")[1:]] == [(gone, "deleted")]
    printed = capsys.readouterr().out
    assert f"{gone}: name: This record is deleted on the site: not exported." in printed


def test_reimport_skips_a_record_deleted_since_the_export(ckan_site, as_token,
                                                          tmp_path) -> None:
    cat = two_records(ckan_site)
    kept, gone = cat.names
    out = tmp_path / "export.xlsx"
    as_token(cat.token)
    assert run(["export", "--url", cat.url, "--org", cat.org, "-o", str(out)]) == 0
    cat.site.call("package_delete", id=gone)
    results, writes = import_(cat, out)
    assert statuses(results) == {kept: "unchanged", gone: "skipped"}
    assert not writes
    assert cat.site.call("package_show", id=gone)["state"] == "deleted"


@pytest.mark.parametrize("who", ["no-token", "editor-elsewhere", "sysadmin"])
def test_partial_export_says_which_private_records_are_hidden(
    ckan_site, as_token, tmp_path, capsys, who: str
) -> None:
    site = Site(ckan_site.url, ckan_site.sysadmin_token)
    prefix = f"rt-v-{uuid.uuid4().hex[:8]}"
    org = site.call("organization_create", name=prefix, title=f"Visibility {prefix}")
    for k, private in (("public", False), ("private", True)):
        made = site.call("package_create", **base(
            f"{prefix}-{k}", org["id"], private=private,
            metadata_visibility="IDIR" if private else "Public"))
        for state in ("PENDING PUBLISH", "PUBLISHED"):
            site.call("package_patch", id=made["id"], publish_state=state)
    token = {"no-token": None, "editor-elsewhere": ckan_site.editor_token,
             "sysadmin": ckan_site.sysadmin_token}[who]
    as_token(token)
    out = tmp_path / "export.xlsx"
    assert run(["export", "--url", ckan_site.url, "--org", prefix, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    reason = {"no-token": "CKAN_API_TOKEN is not set",
              "editor-elsewhere": "this token is not a member of it"}.get(who)
    hidden = (f"Organization {prefix}: its private records are hidden from this export "
              f"({reason}), so they are not in the file; the catalogue does not tell how "
              "many there are.")
    exported = 2 if who == "sysadmin" else 1
    assert f"{exported} records exported (" in printed
    assert (hidden in printed) is (reason is not None)
    assert "private records are hidden" not in printed or reason is not None


def test_notes_saying_the_same_thing_are_one_console_line(ckan_site, as_token, tmp_path,
                                                         capsys) -> None:
    site = Site(ckan_site.url, ckan_site.sysadmin_token)
    prefix = f"rt-g-{uuid.uuid4().hex[:8]}"
    org = site.call("organization_create", name=prefix, title=f"Grouped {prefix}")
    names = [site.call("package_create", **base(f"{prefix}-{i}", org["id"],
                                                purpose="<clear>"))["name"]
             for i in range(5)]
    as_token(ckan_site.sysadmin_token)
    out = tmp_path / "export.xlsx"
    assert run(["export", "--url", ckan_site.url, "--org", prefix, "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:] == [
        "5 notes (also in the export-notes sheet); stored values the file does not show are "
        "kept when it is imported:",
        f"  5 notes ({names[0]}, {names[1]}, {names[2]} and 2 more): purpose: The text is "
        "'<clear>', which import reads as an instruction, not a value. Left blank in this "
        "file, so importing it keeps the stored value.",
    ]
    assert len(sheet(out, "export-notes")) == 6  # the sheet keeps one row per note


def test_message_names_the_organization_by_name_and_title(ckan_site, as_token,
                                                          tmp_path) -> None:
    """An editor's file holds a record of an organization the editor may not edit: the
    refusal names that organization as people know it, not by its id."""
    parent = ckan_site.parent_org
    cat = two_records(ckan_site, org_id=parent.id)
    kept = cat.names[0]
    out = tmp_path / "export.xlsx"
    listing = tmp_path / "names.txt"
    listing.write_text(kept + "\n")
    as_token(ckan_site.sysadmin_token)
    assert run(["export", "--url", cat.url, "--names", str(listing), "-o", str(out)]) == 0
    edit(out, {("datasets", kept, "purpose"): "An edit the editor may not make"})
    as_token(ckan_site.editor_token)
    results = out.with_suffix(".json")
    assert run(["import", str(out), "--url", cat.url, "--json", str(results)]) == 1
    row = json.loads(results.read_text())["rows"][0]
    title = cat.site.call("organization_show", id=parent.id)["title"]
    assert row["status"] == "failed"
    assert row["message"] == (
        f"This API token may not edit records in organization {parent.name} ({title!r}): "
        "ask an admin of that organization to make you an editor, or use another token.")
