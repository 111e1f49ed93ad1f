"""Workbooks "made from an older template", generated (never stored): a template of the
current schema whose meta sheet names another schema digest and whose header cells carry
the names an older schema used (``publish_state`` was ``edc_state``), a field that no
longer exists, or a field it did not have yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook

from importer.template.build import make_template

#: the digest an "older" template's meta sheet names (shown shortened: 0123456789ab)
OLD_DIGEST = "0123456789ab" + "0" * 52
#: current header -> the header the older template had in its place (``None``: none, the
#: column is deleted, so the field is new in the current schema)
DATASET_CHANGES: dict[str, str | None] = {
    "publish_state": "edc_state",              # a known rename of the schema's history
    "retention_expiry_date": "retention_expiry",  # spelled like its new name
    "support_url": "iso_topic_string",         # retired (and support_url is new)
}
RESOURCE_CHANGES: dict[str, str | None] = {"url": "download_url"}  # a usual name of url


def older_template(path: Path, datasets: Mapping[str, str | None] = DATASET_CHANGES,
                   resources: Mapping[str, str | None] = RESOURCE_CHANGES,
                   digest: str = OLD_DIGEST) -> Path:
    """The template with its example rows, ``datasets`` / ``resources`` header changes
    applied (``None``: the whole column deleted) and ``digest`` in its meta sheet."""
    make_template(path, example=True, force=True, created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    book = load_workbook(path)
    for sheet, changes in (("datasets", datasets), ("resources", resources)):
        ws = book[sheet]
        for cell in list(ws[1])[::-1]:  # right to left: deleting keeps the rest in place
            if cell.value in changes:
                new = changes[str(cell.value)]
                if new is None:
                    ws.delete_cols(cell.column)
                else:
                    cell.value = new
    for row in book["meta"].iter_rows():
        if row[0].value == "schema_digest":
            row[1].value = digest
    book.save(path)
    return path
