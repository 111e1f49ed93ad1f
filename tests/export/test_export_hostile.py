"""Stored values a cell cannot hold as they are, on the real dev catalogue (issue 18):
control characters, a stored marker, text that looks like an OOXML escape, CR/LF/CRLF,
no-break spaces, a date before 1900, a URL a spreadsheet would run as a formula.

Each must export without failing, be either in its cell or withheld with a note, and
re-import untouched (also after LibreOffice re-saves the file) with zero writes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from importer.devcat.testsite import CkanSite
from importer.export.run import site_schema
from importer.map.resolve import SiteResolver
from importer.schema import build_layout
from tests.export.records import CSV, base, varied
from tests.export.test_export_hypothesis import assert_untouched_round_trip
from tests.export.test_export_roundtrip import (
    THROUGH,
    Catalogue,
    Copy,
    export,
    import_,
    modified,
    new_catalogue,
    statuses,
    token_env,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.ckan

#: field -> a stored value that a plain write/read of the cell would lose or misread.
HOSTILE: dict[str, Any] = {
    "notes": "Bell \x07 and vertical tab \x0b in the description.",
    "purpose": "<clear>",
    "lineage_statement": "_x0041_x0042_: two escapes sharing an underscore",
    "data_quality": "Windows\r\nline endings\rand a lone CR\nand LF",
    "title": "No-break\u00a0space, figure\u2007space, narrow\u202fspace {prefix}\u00a0",
    "dates": [{"type": "Created", "date": "1850-06-01"},
              {"type": "Modified", "date": "0001-01-01"}],
}

#: text that looks like OOXML escapes, each of which a cell carries exactly.
ESCAPES = "literal _x000D_ and _x0041_, _x005f_ alone, _X0041_, _x0041__x0042_, _xD800_"


def hostile_records(prefix: str, org: str) -> list[dict[str, Any]]:
    odd_url = dict(CSV, url="@http://x", name="Odd URL")
    lead_space = dict(CSV, name="C1 and separators", description="next line \x85 and \u2028")
    return [
        base(f"{prefix}-hostile", org, **dict(HOSTILE, title=HOSTILE["title"].format(
            prefix=prefix)), resources=[odd_url, lead_space]),
        base(f"{prefix}-marker-case", org, purpose=" <CLEAR> ", lineage_statement=ESCAPES,
             more_info=[{"description": "<clear>", "url": "https://example.gov.bc.ca"}]),
    ]


@pytest.fixture
def catalogue(ckan_site: CkanSite) -> Catalogue:
    return new_catalogue(ckan_site, "rt-h", "Hostile", lambda prefix, org: [
        *hostile_records(prefix, org), *varied(prefix, org, ckan_site.parent_org.id)])


def notes_of(path: Any) -> list[tuple[str, str, str, Any]]:
    """(record, field, code, stored value) of each note, read as the importer reads cells
    (calamine decodes OOXML escapes; openpyxl does not for inline strings)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("export-notes").to_python()
    return [(r[0], r[4], r[5], r[6]) for r in rows[1:]]


@pytest.mark.parametrize("through", THROUGH)
def test_hostile_values_export_and_reimport_with_zero_writes(
    catalogue, token_env, tmp_path, through: Copy  # noqa: F811
) -> None:
    hostile, marker = catalogue.names[:2]
    before = catalogue.snapshot()
    assert before[hostile]["data_quality"] == HOSTILE["data_quality"]  # stored as given
    out = tmp_path / "export.xlsx"
    export(catalogue, out)
    assert [n for n in notes_of(out) if n[0] in (hostile, marker)] == [
        (hostile, "notes", "control-character",
         "Bell [U+0007] and vertical tab [U+000B] in the description."),
        (hostile, "purpose", "marker", "<clear>"),
        (hostile, "lineage_statement", "escape-like", HOSTILE["lineage_statement"]),
        (marker, "purpose", "marker", " <CLEAR> "),
        (marker, "more_info[1].description", "marker", "<clear>"),
        # CKAN itself stores "@http://x" as "http://@http://x": the note quotes what
        # package_show returns, the value a re-import keeps
        (hostile, "url", "check-refuses", "http://@http://x"),
    ]
    assert before[hostile]["resources"][0]["url"] == "http://@http://x"
    copy = through(out, tmp_path)
    wb = openpyxl.load_workbook(copy)
    ws = wb["datasets"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ws.iter_rows(2)]
    cell = next(r for r in rows if r["name"] == hostile)
    assert cell["dates_1_date"] == "1850-06-01"  # pre-1900: ISO text, not a date cell
    assert cell["notes"] is None and cell["purpose"] is None

    results, writes = import_(catalogue, copy)
    assert statuses(results) == {n: "unchanged" for n in catalogue.names}
    assert writes == Counter()
    after = catalogue.snapshot()
    assert modified(after) == modified(before)
    assert after[hostile]["purpose"] == "<clear>"
    assert after[marker]["lineage_statement"] == ESCAPES
    assert after[hostile]["data_quality"] == HOSTILE["data_quality"]
    assert after == before



@pytest.mark.parametrize("through", THROUGH)
def test_round_trip_property_holds_for_real_records(
    catalogue, token_env, tmp_path, through: Copy  # noqa: F811
) -> None:
    """The hypothesis property (tests/export/test_export_hypothesis.py) once against the
    dev catalogue: its records as package_show gives them, exported by the command."""
    stored = list(catalogue.snapshot().values())
    out = tmp_path / "export.xlsx"
    export(catalogue, out)
    schema, _ = site_schema(catalogue.site, "bcdc_dataset", catalogue.url)
    assert_untouched_round_trip(through(out, tmp_path), stored,
                                build_layout(schema, include_ids=True),
                                SiteResolver(catalogue.site))
