"""Contract: date formats (FIELDS.md §1.4)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.ckan


@pytest.mark.parametrize("value", ["2024-01-15", "2024/01/15", "2024-01-15T10:30:00",
                                   "2024-01-15 10:30:00"])
def test_date_formats_accepted_and_stored_as_iso_date(api: Any, body: Any, value: str) -> None:
    """§1.4: year-month-day with any separators, optional time; stored as YYYY-MM-DD."""
    payload = body(api.site.child_org.id, dates=[{"type": "Created", "date": value}])
    result = api.call("package_create", "editor", **payload).result
    assert result["dates"] == [{"type": "Created", "date": "2024-01-15"}]


@pytest.mark.parametrize("value", ["15/01/2024", "Jan 15 2024"])
def test_day_first_and_text_dates_rejected(api: Any, body: Any, value: str) -> None:
    """§1.4: day-first and month-name dates fail with "Date format incorrect"."""
    payload = body(api.site.child_org.id, dates=[{"type": "Created", "date": value}])
    reply = api.call("package_create", "editor", **payload)
    assert reply.status == 409
    assert reply.error["dates"] == [{"date": ["Date format incorrect"]}]


def test_retention_expiry_date_accepts_any_string(api: Any, body: Any) -> None:
    """§1.4: ``retention_expiry_date``'s own validators replace the date checks."""
    payload = body(api.site.child_org.id, resource_status="historicalArchive",
                   retention_expiry_date="not a date", source_data_path="/archive/x")
    result = api.call("package_create", "editor", **payload).result
    assert result["retention_expiry_date"] == "not a date"
