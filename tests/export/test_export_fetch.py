"""Fetching records: paging, organization resolution, names files, bad selections."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.export import fetch as fetch_mod
from importer.export.fetch import Selection, SelectionError, fetch, read_names
from tests.export.fakesite import FakeSite, make_packages

ORG = {"id": "org-a-id", "name": "roads-branch", "title": "Roads Branch"}
OTHER = {"id": "org-b-id", "name": "data-office", "title": "Data Office"}


@pytest.fixture
def site() -> FakeSite:
    packages = make_packages(5, ORG["id"]) + make_packages(2, OTHER["id"])
    for i, pkg in enumerate(packages[5:]):
        pkg["name"] = f"other-{i}"
        pkg["id"] = f"other-id-{i}"
    return FakeSite(packages, [ORG, OTHER], hidden_orgs=("secret-org",))


def test_org_pages_through_search(site, monkeypatch) -> None:
    monkeypatch.setattr(fetch_mod, "PAGE_SIZE", 2)
    seen: list[tuple[int, int | None]] = []
    got = fetch(site, Selection(orgs=("roads-branch",)), "bcdc_dataset",
                progress=lambda d, t: seen.append((d, t)))
    assert [p["name"] for p in got.packages] == [f"dataset-{i:04d}" for i in range(5)]
    searches = [d for a, d in site.calls if a == "package_search"]
    assert [(d["start"], d["rows"]) for d in searches] == [(0, 2), (2, 2), (4, 2)]
    assert searches[0]["fq"] == 'owner_org:"org-a-id" +dataset_type:bcdc_dataset'
    assert searches[0]["include_private"] is True and searches[0]["include_drafts"] is True
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_two_orgs_in_order_and_the_same_org_once(site) -> None:
    got = fetch(site, Selection(orgs=("data-office", "roads-branch", "org-b-id")))
    assert [p["name"] for p in got.packages] == ["other-0", "other-1"] + [
        f"dataset-{i:04d}" for i in range(5)
    ]


@pytest.mark.parametrize(
    ("org", "message"),
    [
        ("no-such-org",
         "organization 'no-such-org' does not exist on this site or this token cannot read it"),
        ("secret-org",
         "organization 'secret-org' does not exist on this site or this token cannot read it"),
    ],
)
def test_bad_org_stops_with_one_line(site, org, message) -> None:
    with pytest.raises(SelectionError) as err:
        fetch(site, Selection(orgs=(org,)))
    assert str(err.value) == message
    assert err.value.exit_code == 2


def test_query_with_no_match_gives_nothing(site) -> None:
    assert fetch(site, Selection(query="nothing like this")).packages == []


def test_names_keep_file_order_and_report_missing(site, tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("# wanted\ndataset-0003\n\nnope\ndataset-0001\ndataset-0003\n")
    names = read_names(path)
    assert names == ("dataset-0003", "nope", "dataset-0001")
    got = fetch(site, Selection(names=names), workers=3)
    assert [p["name"] for p in got.packages] == ["dataset-0003", "dataset-0001"]
    assert got.missing == ["nope"]


def test_unreadable_names_file(tmp_path: Path) -> None:
    with pytest.raises(SelectionError, match="cannot read the names file"):
        read_names(tmp_path / "absent.txt")
