"""Build a large, valid, realistic filled workbook for benchmarks (openpyxl write-only).

Every dataset row fills its required columns plus typical optional ones (two contacts, a
related link, a lifecycle date); each dataset gets ``resources_per`` resource rows cycling
through the four ``bcdc_type`` values with their conditional fields filled.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from importer.schema import Layout, build_layout, load_bundled
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET

ORGS = ("databc", "bc-stats", "forests-lands")
TYPES = ("document", "geographic", "webservice", "application")


def dataset_values(i: int, orgs: tuple[str, ...] = ORGS) -> dict[str, Any]:
    """Header -> cell value for dataset number ``i`` (organizations taken in turn)."""
    org = orgs[i % len(orgs)]
    return {
        "title": f"Benchmark Dataset {i:06d} - Water Quality Monitoring Sites",
        "name": f"benchmark-dataset-{i:06d}",
        "owner_org": org,
        "publish_state": "DRAFT",
        "notes": "Locations and results of water quality sampling across British Columbia "
                 f"collected by the provincial monitoring network (series {i}).",
        "license_id": "Open Government Licence - British Columbia",
        "contacts_1_name": "DataBC Operations",
        "contacts_1_email": "data@gov.bc.ca",
        "contacts_1_role": "pointOfContact",
        "contacts_1_displayed": "Yes",
        "contacts_2_name": f"Analyst {i % 97}",
        "contacts_2_email": f"analyst{i % 97}@gov.bc.ca",
        "contacts_2_role": "dataSteward",
        "contacts_2_displayed": "No",
        "purpose": "Supports environmental reporting.",
        "more_info_1_description": "Program page",
        "more_info_1_url": "https://www2.gov.bc.ca/gov/content/environment",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "tag_string": "water, environment, monitoring",
        "dates_1_type": "Created",
        "dates_1_date": dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500),
        "resource_status": "onGoing",
    }


def resource_values(i: int, j: int) -> dict[str, Any]:
    """Header -> cell value for resource ``j`` of dataset ``i``."""
    kind = TYPES[(i + j) % len(TYPES)]
    row: dict[str, Any] = {
        "dataset_name": f"benchmark-dataset-{i:06d}",
        "name": f"Download {j + 1} ({kind})",
        "url": f"https://pub.data.gov.bc.ca/datasets/{i}/{j}.csv",
        "bcdc_type": kind,
        "resource_update_cycle": "monthly",
        "temporal_extent_1_beginning_date": dt.date(2019, 1, 1),
        "format": "csv",
        "resource_storage_location": "web or ftp site",
        "resource_type": "data",
        "resource_access_method": "direct access",
    }
    if kind in ("geographic", "webservice"):
        row["projection_name"] = "epsg3005"
    if kind == "geographic":
        row["spatial_datatype"] = "SDO_GEOMETRY"
        row["iso_topic_category"] = "environment, inlandWaters"
    return row


#: values written over cells by ``build(..., mistakes=N)``: each a mistake or an oddity the
#: check must handle (blank, <clear>, bad e-mail/date/choice/slug, numbers, NBSP, ...).
MISTAKES: tuple[Any, ...] = (
    "", " ", "<clear>", "<CLEAR>", "not-an-email", "2024/13/45", "05/01/2024", "2024/1/5",
    "Nope", "Bad Name!", "new", 12, 3.5, 45000, True, dt.date(2024, 2, 3),
    dt.datetime(2024, 2, 3, 10, 0), "a\u00a0b", "x", "=1+1", "https://intranet", "public",
    "Public ", "ftp://ftp.example.org/x", "{\"fields\": [}", "[1]", "yes", "maybe",
    "water, a+, b", "no-such-dataset", "\u00e9t\u00e9",
)


def _spoil(values: dict[str, Any], headers: list[str], n: int, mistakes: int) -> dict[str, Any]:
    """Every ``mistakes``-th row (by a fixed stride), one cell gets a value from MISTAKES."""
    if not mistakes or (n * 7919) % mistakes:
        return values
    header = headers[(n * 31) % len(headers)]
    return {**values, header: MISTAKES[(n * 17) % len(MISTAKES)]}


def build(path: Path, datasets: int, resources_per: int = 2, layout: Layout | None = None,
          mistakes: int = 0, orgs: tuple[str, ...] = ORGS) -> Path:
    """Write the workbook to ``path`` and return it; with ``mistakes`` = N, about one row
    in N has a cell overwritten with a mistake (deterministic); ``orgs``: the
    organizations the rows name (a site's own, for a check against that site)."""
    lay = layout or build_layout(load_bundled())
    wb = Workbook(write_only=True)
    for sheet, columns, rows in (
        (DATASETS_SHEET, lay.dataset_columns,
         (dataset_values(i, orgs) for i in range(datasets))),
        (RESOURCES_SHEET, lay.resource_columns,
         (resource_values(i, j) for i in range(datasets) for j in range(resources_per))),
    ):
        ws = wb.create_sheet(sheet)
        headers = [c.header for c in columns]
        ws.append(headers)
        for n, values in enumerate(rows):
            values = _spoil(values, headers, n, mistakes)
            ws.append([values.get(h) for h in headers])
    wb.save(path)
    return path


def size_options(parser: argparse.ArgumentParser, repeat: int = 5) -> None:
    """The options every workbook benchmark takes: its size and how many rounds."""
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--resources-per", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=repeat)
