"""Write the sample workbooks from the Python data in ``sample_data.py``.

    python samples/make_samples.py          # rewrites samples/*.xlsx and the golden file
    python samples/make_samples.py --out DIR  # writes them elsewhere (the tests compare)

Re-runnable and deterministic: the same data gives byte-identical files (fixed document
dates and zip timestamps), so a regenerated sample shows no diff unless its content
changed. Columns come from the foundation's layout (``build_layout``), so a sample has
exactly the template's columns, and a key in the data that is no column is an error here.

``datasets-with-mistakes.xlsx`` is the valid sample with the mistakes listed in
:data:`MISTAKES` put in; ``datasets-with-mistakes.expected.json`` is the list of
``[sheet, cell, code]`` each mistake must produce, computed from that same table (the
spec, not the checker's output).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import json
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import sample_data as data  # noqa: E402

from importer import __version__  # noqa: E402
from importer.schema import Layout, build_layout, load_bundled  # noqa: E402
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET  # noqa: E402

FIXED_TIME = dt.datetime(2024, 6, 1, 12, 0, 0)
ZIP_TIME = (2024, 6, 1, 12, 0, 0)
UNKNOWN_HEADER = "internal_notes"


@dataclass(frozen=True)
class Mistake:
    """One mistake put into the valid data, and the problem it must produce.

    ``where`` picks the row: ``("datasets", name)`` or ``("resources", dataset, name)``
    of the valid data (or a row added by ``add``); ``header`` is the column; ``value`` the
    wrong value (``None`` empties the cell); ``code`` the problem code expected at that
    cell, or at the row (``at_row``), or at the header cell (``at_header``).
    """

    what: str
    where: tuple[str, ...]
    header: str
    value: Any
    code: str
    at_row: bool = False
    at_header: bool = False


MISTAKES: tuple[Mistake, ...] = (
    Mistake("missing required field", ("datasets", "vri-forest-vegetation-composite-layer-1"),
            "notes", None, "required"),
    Mistake("not a choice, near miss", ("datasets", "vri-forest-cover-depletions"),
            "view_audience", "Publc", "not-a-choice"),
    Mistake("bad e-mail", ("datasets", "fish-passage-assessed-crossings"),
            "contacts_1_email", "fish.passage(at)example.gov.bc.ca", "bad-email"),
    Mistake("bad URL", ("datasets", "fish-passage-habitat-confirmations"),
            "more_info_1_url", "the habitat page on our intranet", "bad-url"),
    Mistake("bad date", ("datasets", "groundwater-wells"), "dates_1_date", "15/01/2024",
            "bad-date"),
    Mistake("bad keyword", ("datasets", "groundwater-observation-well-levels"), "tag_string",
            "groundwater, water levels, GBA+", "bad-keyword"),
    Mistake("bad URL name (slug)", ("datasets", "aquifers-mapped"), "name",
            "Mapped Aquifers!", "bad-slug"),
    Mistake("no displayed contact", ("datasets", "road-closures-and-events"),
            "contacts_1_displayed", "No", "no-displayed-contact"),
    Mistake("licence not in the list", ("datasets", "highway-webcams"), "license_id",
            "Creative Commons Attribution 4.0", "unknown-licence"),
    Mistake("publish_state not DRAFT", ("datasets", "traffic-volumes-permanent-counters"),
            "publish_state", "PUBLISHED", "must-be-draft"),
    Mistake("a formula with no cached value", ("datasets", "wildfire-fire-perimeters-current"),
            "purpose", '=CONCATENATE("Emergency ","response")', "formula-no-value"),
    Mistake("obsolete without replacement record",
            ("datasets", "forest-tenure-cutblocks-2009"), "replacement_record", None,
            "conditional-required"),
    Mistake("unknown column", ("datasets", "school-locations"), UNKNOWN_HEADER,
            "ask Sam before publishing", "unknown-column", at_header=True),
    Mistake("duplicate title", ("datasets", "school-district-boundaries"), "title",
            "School Locations - K-12", "duplicate-title"),
    Mistake("duplicate name", ("datasets", "park-campground-occupancy"), "name",
            "provincial-parks-boundaries", "duplicate-name"),
    Mistake("geographic resource without projection",
            ("resources", "aquifers-mapped", "Mapped aquifers - BCGW layer"),
            "projection_name", None, "conditional-required"),
    Mistake("resource type not a choice",
            ("resources", "traffic-volumes-permanent-counters", "Hourly volumes 2023 (CSV)"),
            "bcdc_type", "dataset", "not-a-choice"),
    Mistake("orphan resource",
            ("resources", "groundwater-wells", "Groundwater wells search"),
            "dataset_name", "groundwater-well", "orphan-resource"),
    Mistake("duplicate resource name",
            ("resources", "wildfire-fire-perimeters-current", "Current perimeters - KMZ"),
            "name", "Current fire perimeters - BCGW layer", "duplicate-resource-name"),
    Mistake("JSON that is not an object",
            ("resources", "school-enrolment-by-grade", "Enrolment by grade 2014-2024 (CSV)"),
            "json_table_schema", '["school_year", "district"]', "bad-json"),
)


def headers_of(layout: Layout, sheet: str) -> list[str]:
    cols = layout.dataset_columns if sheet == DATASETS_SHEET else layout.resource_columns
    return [c.header for c in cols]


def check_keys(rows: Sequence[dict[str, Any]], headers: Sequence[str], sheet: str) -> None:
    """Fail loudly on a key that is no column: a typo would silently drop data."""
    known = set(headers) | {UNKNOWN_HEADER}
    for row in rows:
        extra = set(row) - known
        if extra:
            raise SystemExit(f"{sheet}: not a column of the layout: {sorted(extra)}")


def write_workbook(path: Path, layout: Layout, datasets: list[dict[str, Any]],
                   resources: list[dict[str, Any]], extra_headers: Sequence[str] = ()) -> None:
    schema = layout.schema
    book = Workbook()
    book.remove(book.active)
    for sheet, rows, more in ((DATASETS_SHEET, datasets, extra_headers),
                              (RESOURCES_SHEET, resources, ())):
        headers = headers_of(layout, sheet) + list(more)
        check_keys(rows, headers, sheet)
        ws = book.create_sheet(sheet)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
        style_sheet(ws, headers)
        ws.freeze_panes = "B2"
    meta = book.create_sheet("meta")
    for key, value in (
        ("tool", "bcdc-importer"),
        ("tool_version", __version__),
        ("schema_type", schema.dataset_type),
        ("schema_digest", schema.digest),
        ("schema_source", schema.source),
        ("layout", json.dumps(dict(layout.counts), sort_keys=True)),
        ("created", FIXED_TIME.isoformat()),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    save_fixed(book, path)


def style_sheet(ws: Any, headers: Sequence[str]) -> None:
    """Column widths from the headers; date cells shown as YYYY-MM-DD."""
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(len(header) + 2, 12), 40)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def save_fixed(book: Workbook, path: Path) -> None:
    """Save with fixed document dates and zip timestamps (byte-identical re-runs)."""
    book.properties.creator = "bcdc-importer samples"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(freeze_zip(buffer.getvalue()))


def freeze_zip(content: bytes) -> bytes:
    """The same zip with fixed member timestamps and document dates (deterministic)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), body)
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body)
    return out.getvalue()


def find_row(rows: list[dict[str, Any]], where: tuple[str, ...]) -> int:
    """Index of the row a mistake targets (by dataset name, or dataset + resource name)."""
    for i, row in enumerate(rows):
        if where[0] == DATASETS_SHEET and row["name"] == where[1]:
            return i
        if where[0] == RESOURCES_SHEET and (row["dataset_name"], row["name"]) == where[1:]:
            return i
    raise SystemExit(f"no row {where}")


def with_mistakes(layout: Layout) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                             list[list[Any]]]:
    """The valid data with every mistake put in, and the expected [sheet, cell, code]."""
    sheets = {DATASETS_SHEET: copy.deepcopy(data.DATASETS),
              RESOURCES_SHEET: copy.deepcopy(data.RESOURCES)}
    targets = [(m, find_row(sheets[m.where[0]], m.where)) for m in MISTAKES]
    expected: list[list[Any]] = []
    for mistake, index in targets:
        sheet = mistake.where[0]
        if sheet == DATASETS_SHEET and mistake.header == "name":
            # the editor renamed the dataset: its resource rows follow the new name
            for res in sheets[RESOURCES_SHEET]:
                if res["dataset_name"] == mistake.where[1]:
                    res["dataset_name"] = mistake.value
        sheets[sheet][index][mistake.header] = mistake.value
        headers = headers_of(layout, sheet) + ([UNKNOWN_HEADER] if sheet == DATASETS_SHEET
                                               else [])
        column = get_column_letter(headers.index(mistake.header) + 1)
        row = index + 2
        cell = f"{column}1" if mistake.at_header else None if mistake.at_row else f"{column}{row}"
        expected.append([sheet, cell if cell else f"row {row}", mistake.code])
    expected.sort(key=_expected_key)
    return sheets[DATASETS_SHEET], sheets[RESOURCES_SHEET], expected


def _expected_key(item: list[Any]) -> tuple[str, int, int, str, str]:
    sheet, cell, code = item
    match = re.fullmatch(r"(?:row )?([A-Z]*)(\d+)", cell)
    assert match is not None
    return (sheet, int(match.group(2)), len(match.group(1)), match.group(1), code)


def write_all(out: Path) -> list[list[Any]]:
    """Write the three sample files into ``out``; return the expected problems."""
    layout = build_layout(load_bundled())
    write_workbook(out / "datasets.xlsx", layout, data.DATASETS, data.RESOURCES)
    datasets, resources, expected = with_mistakes(layout)
    write_workbook(out / "datasets-with-mistakes.xlsx", layout, datasets, resources,
                   extra_headers=[UNKNOWN_HEADER])
    (out / "datasets-with-mistakes.expected.json").write_text(
        json.dumps(expected, indent=1) + "\n")
    return expected


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample workbooks.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder (default: samples/)")
    args = parser.parse_args(argv)
    expected = write_all(args.out)
    kinds = len({m.what for m in MISTAKES})
    print(f"wrote samples: {len(data.DATASETS)} datasets, {len(data.RESOURCES)} resources; "
          f"{kinds} kinds of mistake, {len(expected)} expected problems")


if __name__ == "__main__":
    main()
