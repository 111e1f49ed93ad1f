"""One stored value at a time (issue 18 items 1-4 and 8, and what the property found),
offline: the export writes it so that it reads back as stored, or withholds it with
exactly one note; either way the untouched file plans ``unchanged``. Each case failed on
its own before the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from importer.export.fetch import Selection
from importer.export.run import export_records
from importer.template.lists import ChoiceLists
from tests.export.fakesite import FakeSite
from tests.export.test_export_hypothesis import (
    LICENCES,
    ORGS,
    SCHEMA,
    NamesResolver,
    assert_untouched_round_trip,
)

CASES = [
    # item 1: a control character: withheld, and the note shows it (no crash)
    pytest.param("notes", "a bell \x07 here", [("notes", "control-character",
                                                 "a bell [U+0007] here")], id="bell"),
    pytest.param("notes", "tab\x0bvertical", [("notes", "control-character",
                                                "tab[U+000B]vertical")], id="vertical-tab"),
    # item 2: a stored marker: withheld
    pytest.param("purpose", "<clear>", [("purpose", "marker", "<clear>")], id="marker"),
    pytest.param("purpose", "\u200b<CLEAR>\u00a0", [("purpose", "marker",
                                                      "\u200b<CLEAR>\u00a0")], id="marker-case"),
    pytest.param("purpose", "<Remove>", [("purpose", "marker", "<Remove>")], id="remove"),
    # item 3: text that looks like an OOXML escape: in the cell, read back as stored
    pytest.param("notes", "literal _x000D_ and _x0041_", [], id="ooxml-escape"),
    pytest.param("notes", "_x0041_x0042_", [("notes", "escape-like", "_x0041_x0042_")],
                 id="shared-underscore"),
    # item 4: line endings and no-break spaces: compared as a cell gives them back
    pytest.param("notes", "a\r\nb\rc\nd", [], id="crlf-cr-lf"),
    pytest.param("title", "no-break\u00a0space\u202f ", [], id="nbsp"),
    pytest.param("title", "\u200b zero-width edges \ufeff", [], id="zero-width"),
    # item 8: a date before 1900: ISO text in the cell
    pytest.param("dates", [{"type": "Created", "date": "1850-06-01"}], [], id="date-1850"),
    pytest.param("dates", [{"type": "Created", "date": "0001-01-01"}], [], id="date-0001"),
    pytest.param("dates", [{"type": "Created", "date": "1900-02-28"}], [], id="date-1900"),
    # found by the property: a stored contact without an organization stays without one
    # (the dataset's organization is the default for a new contact only)
    pytest.param("contacts", [{"name": "Ann Lee", "displayed": ["displayed"]}, {},
                              {"displayed": []}], [], id="contact-without-org"),
]


@pytest.mark.parametrize(("field", "value", "notes"), CASES)
def test_one_stored_value(field: str, value: Any, notes: list[tuple[str, str, str]],
                          tmp_path: Path) -> None:
    org = ORGS[0]
    stored = [{"id": "id-0", "name": "record-0", "type": SCHEMA.dataset_type,
               "title": "A title", "owner_org": org["id"], "organization": dict(org),
               field: value, "resources": []}]
    site = FakeSite(stored, ORGS, licenses=LICENCES)
    out = tmp_path / "export.xlsx"
    result = export_records(site, Selection(orgs=(org["name"],)), out, SCHEMA,
                            ChoiceLists.from_site(site))
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("export-notes").to_python()
    assert [(r[4], r[5], r[6]) for r in rows[1:] if r[5]] == notes
    assert result.layout is not None
    assert_untouched_round_trip(out, stored, result.layout, NamesResolver(LICENCES))
