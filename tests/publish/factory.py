"""Records built in code, shaped exactly as the mapper makes them (package in the API's
shape, every value tied to the cell it came from), for publish tests.

Column letters follow the layout's column order, so a problem mapped back to a cell can be
compared with the header the template would have.
"""

from __future__ import annotations

import copy
from typing import Any

from openpyxl.utils import get_column_letter

from importer.records import CellRef, DatasetRecord, ResourceRecord
from importer.schema import Layout, build_layout, load_bundled
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET, Scope

LAYOUT: Layout = build_layout(load_bundled(), include_ids=True)


def _letters(scope: Scope) -> dict[str, tuple[str, str]]:
    """path -> (column letter, header)."""
    out = {}
    for i, col in enumerate(LAYOUT.columns(scope), start=1):
        out[col.path] = (get_column_letter(i), col.header)
    return out


DATASET_COLS = _letters(Scope.DATASET)
RESOURCE_COLS = _letters(Scope.RESOURCE)
COLUMNS = {DATASETS_SHEET: DATASET_COLS, RESOURCES_SHEET: RESOURCE_COLS}


def _cells(values: dict[str, Any], cols: dict[str, tuple[str, str]], sheet: str,
           row: int) -> dict[str, CellRef]:
    cells: dict[str, CellRef] = {}
    for key, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i, entry in enumerate(value, start=1):
                for sub, v in entry.items():
                    path = f"{key}[{i}].{sub}"
                    if path in cols:
                        letter, header = cols[path]
                        cells[path] = CellRef(sheet, row, letter, header, v)
            continue
        path = "tag_string" if key == "tags" else key
        if path in cols:
            letter, header = cols[path]
            cells[path] = CellRef(sheet, row, letter, header, value)
    return cells


def resource_body(n: int, name: str | None = None) -> dict[str, Any]:
    return {
        "name": name or f"Download CSV {n}", "url": f"https://example.gov.bc.ca/data{n}.csv",
        "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
        "resource_storage_location": "web or ftp site", "resource_type": "data",
        "resource_access_method": "direct access",
        "temporal_extent": [{"beginning_date": "2020-01-01", "end_date": "2023-12-31"}],
    }


def package_body(prefix: str, n: int, org_id: str, resources: int = 2) -> dict[str, Any]:
    """A valid package as the mapper gives it for row ``n``."""
    return {
        "title": f"{prefix} Dataset {n}", "name": f"{prefix}-dataset-{n}",
        "owner_org": org_id, "publish_state": "DRAFT",
        "notes": f"Description of dataset {n}.", "license_id": "2",
        "contacts": [
            {"name": "Generic Inbox", "email": f"inbox{n}@gov.bc.ca", "org": org_id,
             "role": "pointOfContact", "displayed": ["displayed"]},
            {"name": "Data Steward", "email": f"steward{n}@gov.bc.ca", "org": org_id,
             "role": "dataSteward", "displayed": []},
        ],
        "security_class": "PUBLIC", "view_audience": "Public",
        "download_audience": "Public", "metadata_visibility": "Public", "private": False,
        "tags": [{"name": "economy"}, {"name": f"topic {n % 7}"}],
        "resource_status": "onGoing",
        "more_info": [{"description": "Program page", "url": f"https://www2.gov.bc.ca/p{n}"}],
        "dates": [{"type": "Created", "date": "2024-05-01"}],
        "_resources": [resource_body(k) for k in range(1, resources + 1)],
    }


def make_record(package: dict[str, Any], row: int, first_resource_row: int = 2,
                cleared: set[str] | None = None) -> DatasetRecord:
    pkg = copy.deepcopy(package)
    resources = pkg.pop("_resources", [])
    record = DatasetRecord(DATASETS_SHEET, row, pkg, _cells(pkg, DATASET_COLS,
                                                           DATASETS_SHEET, row),
                           set(cleared or ()))
    for i, res in enumerate(resources):
        r_row = first_resource_row + i
        record.resources.append(ResourceRecord(
            RESOURCES_SHEET, r_row, pkg.get("name", ""), dict(res),
            _cells(res, RESOURCE_COLS, RESOURCES_SHEET, r_row)))
    return record


def make_records(prefix: str, count: int, org_id: str, resources: int = 2,
                 start_row: int = 2) -> list[DatasetRecord]:
    out = []
    for i in range(count):
        row = start_row + i
        out.append(make_record(package_body(prefix, i + 1, org_id, resources), row,
                               first_resource_row=2 + i * resources))
    return out


def _cell_text(key: str, value: Any) -> Any:
    if key == "displayed":
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def write_workbook(packages: list[dict[str, Any]], path: Any) -> None:
    """A workbook the way a person fills the template: machine-name headers on row 1, one
    row per dataset, resources on their own sheet linked by ``dataset_name``."""
    from openpyxl import Workbook

    book = Workbook()
    ds = book.active
    ds.title = DATASETS_SHEET
    res_sheet = book.create_sheet(RESOURCES_SHEET)
    d_cols = [c for c in LAYOUT.dataset_columns]
    r_cols = [c for c in LAYOUT.resource_columns]
    ds.append([c.header for c in d_cols])
    res_sheet.append([c.header for c in r_cols])
    for pkg in packages:
        flat: dict[str, Any] = {}
        for key, value in pkg.items():
            if key == "tags":
                flat["tag_string"] = ", ".join(t["name"] for t in value)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, entry in enumerate(value, start=1):
                    for sub, v in entry.items():
                        flat[f"{key}[{i}].{sub}"] = _cell_text(sub, v)
            elif key not in ("_resources", "private"):
                flat[key] = value
        ds.append([flat.get(c.path) for c in d_cols])
        for res in pkg.get("_resources", []):
            rflat: dict[str, Any] = {"dataset_name": pkg["name"]}
            for key, value in res.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    for i, entry in enumerate(value, start=1):
                        for sub, v in entry.items():
                            rflat[f"{key}[{i}].{sub}"] = v
                else:
                    rflat[key] = value
            res_sheet.append([rflat.get(c.path) for c in r_cols])
    book.save(path)
