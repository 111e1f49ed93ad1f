"""Varied records for the round-trip tests: everything the template holds, and values it
cannot hold (which the export must keep), created through the API like any client."""

from __future__ import annotations

import copy
from typing import Any

CSV = {
    "name": "Download CSV", "url": "https://example.gov.bc.ca/data.csv",
    "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
    "resource_storage_location": "web or ftp site", "resource_type": "data",
    "resource_access_method": "direct access",
    "temporal_extent": [{"beginning_date": "2020-01-01", "end_date": "2023-12-31"}],
}
GEO = {
    "name": "Roads (BCGW)", "url": "https://maps.gov.bc.ca/roads", "bcdc_type": "geographic",
    "description": "The roads layer.\n\n* from BCGW", "resource_update_cycle": "weekly",
    "format": "wms", "resource_storage_location": "bc geographic warehouse",
    "resource_type": "data", "resource_access_method": "service",
    "spatial_datatype": "SDO_GEOMETRY", "projection_name": "epsg3005",
    "object_name": "WHSE_BASEMAPPING.ROADS", "object_short_name": "ROADS",
    "iso_topic_category": ["transportation", "boundaries"],
    "json_table_schema": {"fields": [{"name": "id", "type": "integer"}]},
    "details": [
        {"column_name": "ID", "data_type": "NUMBER", "data_precision": "10"},
        {"column_name": "NAME", "data_type": "VARCHAR2", "column_comments": "Road name"},
        {"column_name": "CLASS", "data_type": "VARCHAR2", "short_name": "CLS"},
    ],
    "preview_info": [{"layer_name": "roads", "preview_latitude": "49.5",
                      "preview_longitude": "-123.1", "preview_zoom_level": "10"}],
    "geographic_extent": [{"north_bound_latitude": "60.0", "south_bound_latitude": "48.0",
                           "east_bound_longitude": "-113.5",
                           "west_bound_longitude": "-139.5"}],
}


def contact(name: str, org: str, role: str = "pointOfContact", shown: bool = True
            ) -> dict[str, Any]:
    return {"name": name, "email": f"{name.split()[0].lower()}@gov.bc.ca", "org": org,
            "role": role, "displayed": ["displayed"] if shown else []}


def base(name: str, org: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "bcdc_dataset", "name": name, "title": f"Round trip {name}",
        "owner_org": org, "publish_state": "DRAFT",
        "notes": "Made by the export round-trip tests.", "license_id": "2",
        "contacts": [contact("Generic Inbox", org)],
        "security_class": "PUBLIC", "view_audience": "Public", "download_audience": "Public",
        "metadata_visibility": "Public", "private": False, "tag_string": "roads,export",
        "resource_status": "onGoing", "resources": [copy.deepcopy(CSV)],
    }
    body.update(overrides)
    return body


def varied(prefix: str, org: str, other_org: str) -> list[dict[str, Any]]:
    """package_create bodies: full, minimal, odd (values a cell cannot hold), formula-like."""
    full = base(
        f"{prefix}-full", org,
        contacts=[contact("Generic Inbox", org), contact("Ann Lee", other_org, "dataSteward"),
                  contact("Bo Chan", org, "custodian", shown=False),
                  contact("Cy Diaz", org, "AccessApprover")],
        purpose="Planning.", data_quality="Good.", lineage_statement="From the field.",
        support_url="https://support.example.gov.bc.ca",
        more_info=[{"description": f"Link {i}", "url": f"https://www2.gov.bc.ca/{i}"}
                   for i in range(1, 4)],
        dates=[{"type": "Created", "date": "2024-05-01"},
               {"type": "Modified", "date": "2025-01-02"}],
        tag_string="roads,mental health,export",
        metadata_visibility="IDIR", private=True, download_audience="Government",
        resource_status="obsolete", replacement_record="https://example.gov.bc.ca/new",
        resources=[copy.deepcopy(CSV), copy.deepcopy(GEO)],
    )
    minimal = base(f"{prefix}-min", org)
    odd_geo = copy.deepcopy(GEO)
    odd_geo.update(projection_name="epsg26710,", spatial_datatype="WEIRD",
                   pipeline_id="abc-123")
    odd_csv = copy.deepcopy(CSV)
    odd_csv["temporal_extent"] = [{"beginning_date": "2020-01-01"},
                                  {"beginning_date": "2021-01-01"}]
    odd = base(f"{prefix}-odd", org, license_id="99", resources=[odd_csv, odd_geo],
               notes="Trailing spaces are kept.   ")
    formula = base(f"{prefix}-formula", org, title=f"=1+2 is not a formula {prefix}",
                   purpose="+1 250 555 0100", data_quality="-not a minus",
                   lineage_statement="@mention")
    return [full, minimal, odd, formula]
