"""Build small workbooks and CSVs for reader, mapper and validator tests (no templates:
the tests must not depend on the template engineer's code)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from importer.schema import Layout, build_layout, load_bundled

LAYOUT = build_layout(load_bundled())


def valid_dataset(i: int = 1, **overrides: Any) -> dict[str, Any]:
    """A dataset row (header -> value) that passes every check."""
    row: dict[str, Any] = {
        "title": f"Groundwater Wells {i}",
        "name": f"groundwater-wells-{i}",
        "owner_org": "databc",
        "publish_state": "DRAFT",
        "notes": "Locations of groundwater wells in British Columbia.",
        "license_id": "Open Government Licence - British Columbia",
        "contacts_1_name": "DataBC Operations",
        "contacts_1_email": "data@gov.bc.ca",
        "contacts_1_role": "pointOfContact",
        "contacts_1_displayed": "Yes",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "tag_string": "water, wells",
        "resource_status": "onGoing",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def valid_resource(dataset: int = 1, name: str = "Download CSV", **overrides: Any
                   ) -> dict[str, Any]:
    row: dict[str, Any] = {
        "dataset_name": f"groundwater-wells-{dataset}",
        "name": name,
        "url": "https://pub.data.gov.bc.ca/wells.csv",
        "bcdc_type": "document",
        "resource_update_cycle": "monthly",
        "format": "csv",
        "resource_storage_location": "web or ftp site",
        "resource_type": "data",
        "resource_access_method": "direct access",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def headers_for(rows: Sequence[Mapping[str, Any]], base: Sequence[str]) -> list[str]:
    out = list(base)
    for row in rows:
        out.extend(h for h in row if h not in out)
    return out


def datasets_book(path: Path, *rows: Sequence[Any]) -> Path:
    """A workbook whose only sheet, ``datasets``, holds ``rows`` exactly as given (the first
    is the header): for layouts :func:`write_xlsx` would tidy away (gaps, stray cells)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "datasets"
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_xlsx(
    path: Path,
    datasets: Sequence[Mapping[str, Any]] = (),
    resources: Sequence[Mapping[str, Any]] | None = None,
    *,
    layout: Layout = LAYOUT,
    dataset_headers: Sequence[str] | None = None,
    resource_headers: Sequence[str] | None = None,
    meta: Mapping[str, str] | None = None,
    above: Sequence[Sequence[Any]] = (),
) -> Path:
    """A workbook with a ``datasets`` sheet (and ``resources`` unless ``None``); headers
    default to the layout's machine names; ``above`` rows go before the header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "datasets"
    d_headers = list(dataset_headers) if dataset_headers is not None else \
        headers_for(datasets, [c.header for c in layout.dataset_columns])
    for row in above:
        ws.append(list(row))
    ws.append(d_headers)
    for row in datasets:
        ws.append([row.get(h) for h in d_headers])
    if resources is not None:
        rs = wb.create_sheet("resources")
        r_headers = list(resource_headers) if resource_headers is not None else \
            headers_for(resources, [c.header for c in layout.resource_columns])
        rs.append(r_headers)
        for row in resources:
            rs.append([row.get(h) for h in r_headers])
    if meta is not None:
        ms = wb.create_sheet("meta")
        ms.sheet_state = "hidden"
        for key, value in meta.items():
            ms.append([key, value])
    wb.save(path)
    return path


def meta_for(of: Layout = LAYOUT, **overrides: str) -> dict[str, str]:
    meta = {
        "tool": "bcdc-importer",
        "tool_version": "0.1.0",
        "schema_type": of.schema.dataset_type,
        "schema_digest": of.schema.digest,
        "schema_source": "bundled",
        "layout": json.dumps(dict(of.counts)),
        "created": dt.datetime(2026, 1, 1).isoformat(),
        "header_rows": "1",
    }
    meta.update(overrides)
    return meta


def set_cached_values(path: Path, sheet_part: str, values: Mapping[str, str]) -> None:
    """Give formula cells a cached value (openpyxl never writes one), as Excel would."""
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    xml = parts[sheet_part].decode()
    for ref, value in values.items():
        xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/>', rf"\1\2<v>{value}</v>", xml)
    parts[sheet_part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
