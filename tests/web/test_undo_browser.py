"""Undo a finished import in the browser (Playwright, Debian's Chromium) against
``bcdc-import serve`` and the dev catalogue: the import page's "Undo this import", the dry
run, "Undo now", the records back as they were; axe on the new pages; by keyboard only."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from importer.devcat.testsite import CkanSite
from tests.publish.factory import package_body, write_workbook
from tests.publish.test_cli_import import run_cli
from tests.undo.test_undo_ckan import comparable, edited, show
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    DOCS,
    SHOTS,
    browser,
    no_serious,
    page,
    pytestmark,
    saved,
    server,
    upload,
)


def keyboard_to(tab: Any, selector_js: str, limit: int = 80) -> None:
    """Tab until the focused element matches (``selector_js`` is a JS test of ``el``)."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"(el => {selector_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {selector_js}")


def keyboard_submit(tab: Any, field_id: str, token: str, button: str) -> None:
    """By keyboard only: Tab to the token field, type the token, Tab to the form's button
    (it must be the next stop), press Enter."""
    keyboard_to(tab, f"el.id === '{field_id}'")
    tab.keyboard.type(token)
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == button
    tab.keyboard.press("Enter")


def test_undo_this_import_dry_run_then_undo_now_by_keyboard(
        server: str, page: Any, ckan_site: CkanSite, tmp_path: Path) -> None:  # noqa: F811
    prefix = "u" + uuid.uuid4().hex[:8]
    org, token = ckan_site.child_org.name, ckan_site.sysadmin_token
    first = package_body(prefix, 1, org)
    write_workbook([first], tmp_path / "first.xlsx")
    proc = run_cli(["import", "first.xlsx", "--url", ckan_site.url], token, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    before = show(ckan_site, first["name"])
    path = tmp_path / "undo-me.xlsx"
    write_workbook([edited(first, 1)] + [package_body(prefix, i, org) for i in (2, 3)], path)
    # import it in the page
    upload(page, server, path)
    page.fill("#token-plan", token)
    page.click("text=Show the plan")
    page.wait_for_selector("#plan-text", timeout=180_000)
    page.fill("#token-import", token)
    page.click("text=Import now")
    page.wait_for_selector("h1:has-text('Import of')", timeout=300_000)
    assert page.eval_on_selector_all("#result-rows tr[data-status]",
                                     "els => els.map(e => e.dataset.status)") == \
        ["updated", "created", "created"]
    import_url = page.url
    imported = show(ckan_site, first["name"])
    assert imported["notes"] == "New description 1."
    # Undo this import, by keyboard: type the token, Tab to the button, Enter
    keyboard_submit(page, "token-undo", token, "Undo this import")
    page.wait_for_selector("h1:has-text('Undo plan for the import of undo-me.xlsx')",
                           timeout=180_000)
    no_serious(page)
    rows = page.eval_on_selector_all("#undo-rows tr[data-status]",
                                     "els => els.map(e => [e.dataset.row, e.dataset.status])")
    assert rows == [["datasets!2", "would undo"], ["datasets!3", "would undo"],
                    ["datasets!4", "would undo"]]
    notes = page.inner_text("tr[data-row='datasets!2'] li[data-field=notes]")
    assert notes == "notes: 'New description 1.' → 'Description of dataset 1.'"
    assert page.inner_text("tr[data-row='datasets!3'] li[data-field=record]") == \
        "record deleted (state deleted, recoverable by a sysadmin)"
    if SHOTS:
        page.screenshot(path=str(DOCS / "web-undo-plan.png"), full_page=False)
    # the dry run sent nothing
    assert show(ckan_site, first["name"])["metadata_modified"] == imported["metadata_modified"]
    keyboard_submit(page, "token-undo-now", token, "Undo now")
    page.wait_for_selector("h1:has-text('Undo of the import of undo-me.xlsx: done')",
                           timeout=300_000)
    no_serious(page)
    bar = page.locator("[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == bar.get_attribute("aria-valuemax") == "3"
    assert page.eval_on_selector_all("#undo-rows tr[data-status]",
                                     "els => els.map(e => e.dataset.status)") == \
        ["undone"] * 3
    assert page.get_attribute("tr[data-row='datasets!2'] a", "href") == \
        f"{ckan_site.url}/dataset/{first['name']}"
    # the catalogue is back as it was: field by field for the patched record
    after = comparable(show(ckan_site, first["name"]))
    wanted = comparable(before)
    assert sorted(after) == sorted(wanted)
    for key in wanted:
        assert after[key] == wanted[key], key
    for i in (2, 3):
        assert show(ckan_site, f"{prefix}-dataset-{i}")["state"] == "deleted"
    with page.expect_download() as info:
        page.click("text=Download the undo results (JSON)")
    report = json.loads(saved(info.value, tmp_path / "web").read_text())
    assert report["kind"] == "undo-results"
    assert report["statuses"] == {"undone": 3}
    assert info.value.suggested_filename == "undo-me-undo-report.json"
    for name in tmp_path.joinpath("web").iterdir():
        assert token not in name.read_text(errors="replace")
    # a second undo has nothing to do
    page.goto(import_url)
    page.fill("#token-undo", token)
    page.click("button:has-text('Undo this import')")
    page.wait_for_selector("#undo-summary", timeout=180_000)
    assert page.inner_text("#undo-summary") == "3 rows written by the import: 3 nothing to do."
    assert page.locator("button:has-text('Undo now')").count() == 0
