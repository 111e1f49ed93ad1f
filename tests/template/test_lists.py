"""Choice lists from a site: licences and organizations (paging), without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from importer.template import ChoiceLists, License, Organization
from importer.template.lists import parse_licenses, parse_organizations


class PagedSite:
    """Answers organization_list like CKAN: pages capped at ``cap``; ``ignore_offset``
    imitates a site that always returns the first page."""

    def __init__(self, count: int, cap: int, ignore_offset: bool = False) -> None:
        self.orgs = [{"name": f"org-{i:03d}", "title": f"Org {i}", "id": f"id-{i}"}
                     for i in range(count, 0, -1)]
        self.cap = cap
        self.ignore_offset = ignore_offset
        self.offsets: list[int] = []

    def call(self, action: str, **data: Any) -> Any:
        if action == "license_list":
            return [{"id": "2", "title": "OGL-BC"}, {"id": "x"}, {"title": "no id"}]
        assert action == "organization_list" and data["all_fields"] is True
        offset = 0 if self.ignore_offset else data["offset"]
        self.offsets.append(data["offset"])
        return self.orgs[offset:offset + min(self.cap, data["limit"])]


@pytest.mark.parametrize(
    ("count", "cap", "ignore_offset", "offsets"),
    [
        (30, 25, False, [0, 25]),
        (25, 25, False, [0, 25]),
        (0, 25, False, [0]),
        (30, 10, False, [0, 10, 20, 30]),  # a site capping pages below what we ask
        (25, 10, False, [0, 10, 20]),
        (30, 25, True, [0, 25]),  # a site ignoring offset: stop when nothing is new
    ],
)
def test_organizations_are_paged_to_the_end(count, cap, ignore_offset, offsets) -> None:
    site = PagedSite(count, cap, ignore_offset)
    lists = ChoiceLists.from_site(site)
    assert site.offsets == offsets
    first = 1 if not ignore_offset else count - cap + 1  # only the first page is seen
    assert lists.organization_names == tuple(f"org-{i:03d}" for i in range(first, count + 1))
    if count:
        assert lists.organizations[0] == Organization(f"org-{first:03d}", f"Org {first}",
                                                      f"id-{first}")
    assert lists.licenses == (License("2", "OGL-BC"), License("x", "x"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ({"not": "a list"}, []),
        (["plain-name"], [Organization("plain-name", "plain-name")]),
        ([{"name": "n", "display_name": "Shown"}], [Organization("n", "Shown")]),
        ([{"title": "no name"}, 7], []),
    ],
)
def test_parse_organizations(raw, expected) -> None:
    assert parse_organizations(raw) == expected


def test_offline_lists_have_the_bundled_licences_and_no_organizations() -> None:
    lists = ChoiceLists.offline()
    assert lists.organizations is None and lists.organization_names is None
    assert lists.licenses[0] == License("2", "Open Government Licence - British Columbia")
    assert [lic.id for lic in lists.licenses][-1] == "53"
    assert parse_licenses("nonsense") == ()
