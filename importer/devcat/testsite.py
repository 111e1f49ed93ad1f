"""The test-site description the pytest fixture ``ckan_site`` yields (importable for typing)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgRef:
    """An organization of the test site."""

    id: str
    name: str
    title: str


@dataclass(frozen=True)
class CkanSite:
    """A CKAN with the BC schema: a sysadmin, an admin of both orgs, an editor of the child.

    The tokens are left out of ``repr`` so they never reach a test report.
    """

    url: str
    sysadmin_token: str = field(repr=False)
    admin_token: str = field(repr=False)
    editor_token: str = field(repr=False)
    parent_org: OrgRef
    child_org: OrgRef
