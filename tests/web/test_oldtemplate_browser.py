"""A workbook made from an older template in the browser (Playwright, Debian's Chromium)
against ``bcdc-import serve``: the matching step explains the change and marks each line
in text, axe finds no serious or critical violation on it, the proposal is confirmed by
keyboard and the check names the retired column at its header (issue 15, item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.read.oldbooks import older_template
from tests.web.browser import marked_cells
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    browser,
    confirm_matching,
    no_serious,
    page,
    pytestmark,
    server,
)


def test_older_template_matched_by_keyboard_then_checked(
        server: str, page: Any, tmp_path: Path) -> None:  # noqa: F811
    book = older_template(tmp_path / "old.xlsx")
    page.goto(server)
    page.set_input_files("#file", str(book))
    page.click("text=Upload and check")
    page.wait_for_selector("h1:has-text('Match the columns')", timeout=120_000)
    no_serious(page)
    assert page.inner_text("#h-older") == "This workbook was made from an older template"
    assert page.inner_text("#older-summary").endswith(
        "3 column(s) renamed, 1 retired, 1 new.")
    assert page.inner_text("tr[data-header='edc_state'] td.change") == "renamed"
    assert page.inner_text("tr[data-header='iso_topic_string'] td.change") == "retired"
    assert page.inner_text("tr[data-header='title'] td.change") == "unchanged"
    assert page.input_value("tr[data-header='edc_state'] select") == "publish_state"
    assert page.input_value("tr[data-header='iso_topic_string'] select") == ""
    assert "support_url" in page.inner_text("#new-datasets")
    confirm_matching(page, "web-older-template.png", 900)
    assert ("datasets", "G1", "retired-column") in marked_cells(page)
    assert "old-columns.json: 82 column(s) mapped, 1 ignored" in \
        page.inner_text("#mapping-applied")
