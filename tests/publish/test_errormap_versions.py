"""The server-error-to-cell mapping places each CKAN version's bad-tag message (the exact
error bodies seen on the dev catalogues, tests/contract/test_titles_tags_keys.py) at the
keyword cell."""

from __future__ import annotations

from typing import Any

import pytest

from importer.publish.errormap import map_error_dict
from tests.contract.test_titles_tags_keys import BAD_TAG
from tests.publish.factory import COLUMNS, DATASET_COLS, make_record, package_body


@pytest.mark.parametrize("version", sorted(BAD_TAG))
@pytest.mark.parametrize("key", ["tags", "tag_string"])
def test_bad_tag_message_of_each_version_lands_on_the_keyword_cell(
    version: str, key: str
) -> None:
    """2.9: ``{"tags": ['Tag "GBA+" must be alphanumeric characters or symbols: -_.']}``
    (the importer sends keywords as ``tags``); 2.12 words it differently; both flat
    lists under the key the tags were sent under."""
    record = make_record(package_body("p", 1, "org"), 7)
    errors: dict[str, Any] = {"__type": "Validation Error", key: [BAD_TAG[version]]}
    problems = map_error_dict(errors, record, columns=COLUMNS)
    assert [(p.sheet, p.cell, p.code, p.message) for p in problems] == [
        ("datasets", f"{DATASET_COLS['tag_string'][0]}7", "server-rejected",
         f"The catalogue rejected this value: {BAD_TAG[version]}"),
    ]
