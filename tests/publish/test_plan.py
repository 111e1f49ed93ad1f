"""Plan and diff in the API's normal form (no server: stored records are dicts)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from importer.publish.normal import normalise_package, normalise_value
from importer.publish.plan import Action, Existing, PlanOptions, build_plan, patch_body
from tests.publish.factory import LAYOUT, make_record, package_body

ORG = "org-1"


def stored_from(body: dict[str, Any], pkg_id: str = "id-1") -> dict[str, Any]:
    """What package_show returns for a created body (server spellings)."""
    pkg = copy.deepcopy(body)
    resources = pkg.pop("_resources", [])
    pkg["id"] = pkg_id
    pkg["tags"] = [{"name": t["name"], "id": "x", "state": "active"} for t in pkg["tags"]]
    pkg["resources"] = [{**r, "id": f"r{i}", "package_id": pkg_id, "spatial_datatype": "",
                         "iso_topic_category": []} for i, r in enumerate(resources)]
    pkg["record_last_modified"] = "2026-11-29"
    pkg["dates"] = [{"type": "Created", "date": "2024-05-01"}]
    pkg["replacement_record"] = ""
    return pkg


@pytest.mark.parametrize(("kind_field", "a", "b"), [
    ("publish_state", "DRAFT", " DRAFT "),
    ("purpose", "", None),
    ("record_create_date", None, None),
])
def test_normal_equal(kind_field: str, a: Any, b: Any) -> None:
    f = LAYOUT.schema.dataset_field(kind_field)
    assert normalise_value(f, a) == normalise_value(f, b)


@pytest.mark.parametrize(("value", "normal"), [
    ([{"name": "A", "displayed": "displayed"}], [{"name": "A", "displayed": ["displayed"]}]),
    ([{"name": "A", "displayed": []}], [{"name": "A"}]),
    ([{}, {"name": ""}], None),
    ('[{"name": "A"}]', [{"name": "A"}]),
])
def test_normal_contacts(value: Any, normal: Any) -> None:
    assert normalise_value(LAYOUT.schema.dataset_field("contacts"), value) == normal


def test_normal_dates_tags_and_empty() -> None:
    pkg = {"tag_string": "b, a", "tags": [{"name": "a"}], "dates": [
        {"type": "Created", "date": "2024-5-1T10:00:00"}], "purpose": "", "name": "n"}
    assert normalise_package(pkg, LAYOUT) == {
        "tags": ["a", "b"], "dates": [{"type": "Created", "date": "2024-05-01"}], "name": "n"}


def test_stored_record_equals_its_row() -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    record = make_record(body, 2)
    plans = build_plan([record], _existing(stored), LAYOUT)
    assert (plans[0].action, plans[0].body, plans[0].changes) == (Action.UNCHANGED, {}, [])


def _existing(*pkgs: dict[str, Any]) -> Existing:
    found = Existing()
    for p in pkgs:
        found.add(p)
    return found


@pytest.mark.parametrize(("edit", "patch"), [
    (lambda p: p.update(notes="new"), {"notes": "new"}),
    (lambda p: p.update(tags=[{"name": "roads"}]), {"tags": [{"name": "roads"}]}),
    (lambda p: p.pop("more_info"), {}),  # blank cells leave the stored value
    (lambda p: p.update(metadata_visibility="IDIR", private=True),
     {"metadata_visibility": "IDIR", "private": True}),
])
def test_patch_holds_only_what_changed(edit: Any, patch: dict[str, Any]) -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    edited = copy.deepcopy(body)
    edit(edited)
    got, _ = patch_body(make_record(edited, 2), stored, LAYOUT)
    assert got == patch


def test_clear_marker_empties() -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    stored["purpose"] = "old purpose"
    edited = copy.deepcopy(body)
    edited.pop("more_info")
    record = make_record(edited, 2, cleared={"purpose", "more_info"})
    got, changes = patch_body(record, stored, LAYOUT)
    assert got == {"purpose": "", "more_info": []}
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("purpose", "old purpose", None),
        ("more_info", [{"description": "Program page", "url": "https://www2.gov.bc.ca/p1"}],
         None)]


def test_contacts_row_gives_only_contact_1_keeps_the_others() -> None:
    """Decision 1: entries the row leaves blank keep the stored entries (it used to
    remove contacts 2..n)."""
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    edited = copy.deepcopy(body)
    edited["contacts"] = edited["contacts"][:1]
    got, _ = patch_body(make_record(edited, 2), stored, LAYOUT)
    assert got == {}


def test_contact_entry_blank_subcells_keep_stored_values() -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    edited = copy.deepcopy(body)
    edited["contacts"] = [{"email": "new@gov.bc.ca"}, dict(body["contacts"][1])]
    got, _ = patch_body(make_record(edited, 2), stored, LAYOUT)
    want = [dict(body["contacts"][0], email="new@gov.bc.ca"), body["contacts"][1]]
    assert got == {"contacts": want}


def test_create_body() -> None:
    body = package_body("p", 1, ORG)
    body.pop("private")
    body["metadata_visibility"] = "IDIR"
    plan = build_plan([make_record(body, 2)], Existing(), LAYOUT)[0]
    assert plan.action is Action.CREATE
    assert plan.body["type"] == "bcdc_dataset"
    assert plan.body["publish_state"] == "DRAFT"
    assert plan.body["private"] is True
    assert "tag_string" not in plan.body
    assert [r["name"] for r in plan.body["resources"]] == ["Download CSV 1", "Download CSV 2"]


def test_resources_matched_by_name_and_id() -> None:
    body = package_body("p", 1, ORG, resources=3)
    stored = stored_from(body)
    edited = copy.deepcopy(body)
    edited["_resources"][0]["format"] = "xlsx"            # patch r0 (by name)
    edited["_resources"][1] = {**edited["_resources"][1], "id": "r1", "name": "Renamed"}
    edited["_resources"].append({**edited["_resources"][2], "name": "Brand new"})
    plan = build_plan([make_record(edited, 2)], _existing(stored), LAYOUT)[0]
    steps = [(s.action, s.resource_id, s.body) for s in plan.resources]
    assert steps == [
        (Action.UPDATE, "r0", {"format": "xlsx"}),
        (Action.UPDATE, "r1", {"name": "Renamed"}),
        (Action.UNCHANGED, "r2", {}),
        (Action.CREATE, None, {**edited["_resources"][3]}),
    ]
    assert plan.action is Action.UPDATE and plan.body == {}


@pytest.mark.parametrize(("opts", "exists", "action"), [
    (PlanOptions(create_only=True), True, Action.SKIP),
    (PlanOptions(update_only=True), False, Action.SKIP),
    (PlanOptions(create_only=True), False, Action.CREATE),
    (PlanOptions(update_only=True), True, Action.UNCHANGED),
])
def test_create_only_update_only(opts: PlanOptions, exists: bool, action: Action) -> None:
    body = package_body("p", 1, ORG)
    found = _existing(stored_from(body)) if exists else Existing()
    assert build_plan([make_record(body, 2)], found, LAYOUT, opts)[0].action is action


def test_two_rows_same_record_are_both_invalid() -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    by_id = copy.deepcopy(body)
    by_id["name"] = "other-name"
    by_id["id"] = "id-1"
    plans = build_plan([make_record(body, 2), make_record(by_id, 3)], _existing(stored),
                       LAYOUT)
    assert [p.action for p in plans] == [Action.INVALID, Action.INVALID]
    assert plans[0].problems[0].code == "duplicate-record"
    assert "Rows 2, 3 all refer to the same record" in plans[0].problems[0].message


def test_unknown_id_is_invalid() -> None:
    body = package_body("p", 1, ORG)
    body["id"] = "nope"
    plan = build_plan([make_record(body, 2)], Existing(), LAYOUT)[0]
    assert (plan.action, plan.problems[0].code) == (Action.INVALID, "unknown-id")


def test_publish_adds_transition() -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    plan = build_plan([make_record(body, 2)], _existing(stored), LAYOUT,
                      PlanOptions(publish=True))[0]
    assert (plan.action, plan.publish_to, plan.body) == (Action.UPDATE, "PENDING PUBLISH", {})


@pytest.mark.parametrize(("stored_state", "row_state", "patch"), [
    ("PUBLISHED", "DRAFT", {}),
    ("PENDING PUBLISH", "DRAFT", {}),
    ("DRAFT", "PENDING PUBLISH", {"publish_state": "PENDING PUBLISH"}),
    ("PUBLISHED", "PENDING ARCHIVE", {"publish_state": "PENDING ARCHIVE"}),
])
def test_state_column_on_update(stored_state: str, row_state: str,
                                patch: dict[str, Any]) -> None:
    body = package_body("p", 1, ORG)
    stored = stored_from(body)
    stored["publish_state"] = stored_state
    body["publish_state"] = row_state
    got, _ = patch_body(make_record(body, 2), stored, LAYOUT)
    assert got == patch


def test_fetch_existing_searches_in_chunks_then_shows_the_rest() -> None:
    from importer.publish.plan import fetch_existing
    records = [make_record(package_body("p", i, ORG), i + 1) for i in range(1, 121)]
    hidden = {"p-dataset-7", "p-dataset-100"}  # e.g. another org's drafts, for an editor
    calls: list[tuple[str, Any]] = []

    class Missing(Exception):
        pass

    def call(action: str, data: dict[str, Any]) -> Any:
        calls.append((action, data.get("fq") or data.get("id")))
        if action == "package_search":
            names = [n.strip('"') for n in data["fq"][len("name:("):-1].split(" OR ")]
            assert data["include_private"] and data["include_drafts"]
            return {"results": [{"id": f"id-{n}", "name": n} for n in names
                                if n not in hidden and n != "p-dataset-5"]}
        if data["id"] in hidden:
            return {"id": f"id-{data['id']}", "name": data["id"]}
        raise Missing(data["id"])

    found = fetch_existing(call, records, is_not_found=lambda e: isinstance(e, Missing))
    assert [a for a, _ in calls].count("package_search") == 2  # 120 names, chunks of 100
    assert sorted(i for a, i in calls if a == "package_show") == [
        "p-dataset-100", "p-dataset-5", "p-dataset-7"]
    assert len(found.by_name) == 119 and "p-dataset-5" not in found.by_name


def test_progress_line_rate_and_eta() -> None:
    import io

    from importer.publish.progress import Progress
    now = [0.0]
    stream = io.StringIO()
    bar = Progress(stream, enabled=True, clock=lambda: now[0], interval=0)
    bar.start(10)
    now[0] = 2.0
    for _ in range(4):
        bar.advance()
    assert bar.line() == "[############..................] 4/10 rows  2.0 rows/s  ETA 3s"
    quiet = io.StringIO()
    silent = Progress(quiet)  # not a TTY
    silent.start(3)
    silent.advance()
    silent.finish()
    assert quiet.getvalue() == ""


def test_fetch_existing_skips_show_where_search_is_complete() -> None:
    from importer.publish.plan import fetch_existing
    records = [make_record(package_body("p", i, f"org-{i % 2}"), i + 1) for i in range(1, 5)]
    shown: list[str] = []

    class Missing(Exception):
        pass

    def call(action: str, data: dict[str, Any]) -> Any:
        if action == "package_search":
            return {"results": []}
        shown.append(data["id"])
        raise Missing()

    fetch_existing(call, records, is_not_found=lambda e: isinstance(e, Missing),
                   search_complete=lambda r: r.package["owner_org"] == "org-0")
    assert shown == ["p-dataset-1", "p-dataset-3"]  # only rows of org-1 (not editable)
