"""Turn what a person writes for a licence or an organization into what the API wants.

Offline (:class:`OfflineResolver`) licences come from the bundled licence register and
organizations are kept as written (the site resolves names itself for ``owner_org``);
with a site (:class:`SiteResolver`) both come from the site, once, cached, so an unknown
organization is reported at its cell before anything is sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from importer.schema import data_path

if TYPE_CHECKING:  # the site client (and its HTTP stack) is only loaded to talk to a site
    from importer.site import Site
    from importer.template.lists import ChoiceLists, Organization

BUNDLED_LICENCES = "bcdc_licenses.json"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def lenient(text: str) -> str:
    """Compare names ignoring case, dash style (– vs -), spacing and curly quotes."""
    text = _DASHES.sub("-", text).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip().casefold()


class Resolver(Protocol):
    """Looks up licences and organizations for the mapper."""

    #: whether organizations are checked against a site (else kept as written).
    checks_organizations: bool

    def licence(self, text: str) -> str | None:
        """The licence id for an id or title, or ``None`` if unknown."""

    def licence_titles(self) -> list[str]:
        """Known licence titles, for "did you mean" and the list of allowed values."""

    def organization(self, text: str) -> str | None:
        """The value to send for an organization id, name or title; ``None`` if unknown."""

    def unknown_organization(self, text: str) -> str:
        """A sentence saying why ``text`` is not a usable organization."""


class LicenceTable:
    """Licence ids and titles, matched leniently."""

    def __init__(self, licences: Iterable[Mapping[str, Any]]) -> None:
        self._by_key: dict[str, str] = {}
        self.titles: list[str] = []
        for lic in licences:
            lid = str(lic.get("id", ""))
            title = str(lic.get("title") or lid)
            if not lid:
                continue
            self.titles.append(title)
            self._by_key.setdefault(lenient(lid), lid)
            self._by_key.setdefault(lenient(title), lid)

    def find(self, text: str) -> str | None:
        return self._by_key.get(lenient(text))


def bundled_licences(path: Path | None = None) -> list[dict[str, Any]]:
    data = json.loads((path or data_path(BUNDLED_LICENCES)).read_text(encoding="utf-8"))
    return [d for d in data if isinstance(d, dict)]


class OfflineResolver:
    """No site: the bundled licence list; organizations kept as written."""

    checks_organizations = False

    def __init__(self, licences: Iterable[Mapping[str, Any]] | None = None) -> None:
        self._licences = LicenceTable(licences if licences is not None else bundled_licences())

    def licence(self, text: str) -> str | None:
        return self._licences.find(text)

    def licence_titles(self) -> list[str]:
        return list(self._licences.titles)

    def organization(self, text: str) -> str | None:
        return text

    def unknown_organization(self, text: str) -> str:  # pragma: no cover - never unknown
        return f"{text!r} is not a known organization."


def no_such_organization(text: str, url: str) -> str:
    """The sentence for an organization the site does not have."""
    return (f"There is no organization {text!r} on {url}. Use the organization's name or "
            "title as shown on the site.")


class SiteResolver:
    """Licences and organizations from ``site``, fetched once and cached.

    Organizations are those the token may create datasets in
    (``organization_list_for_user``, permission ``create_dataset``), matched by id, name or
    title; any other is looked up with ``organization_show`` only to say why it is refused.
    """

    checks_organizations = True

    def __init__(self, site: Site) -> None:
        self.site = site
        self._licences: LicenceTable | None = None
        self._licence_answer: list[Any] = []
        self._orgs: dict[str, str] | None = None
        self._shown: dict[str, Any] = {}

    def _licence_table(self) -> LicenceTable:
        if self._licences is None:
            result = self.site.call("license_list")
            self._licence_answer = result if isinstance(result, list) else []
            self._licences = LicenceTable(self._licence_answer)
        return self._licences

    def licence(self, text: str) -> str | None:
        return self._licence_table().find(text)

    def licence_titles(self) -> list[str]:
        return list(self._licence_table().titles)

    def _org_table(self) -> dict[str, str]:
        if self._orgs is None:
            orgs = self.site.call("organization_list_for_user", permission="create_dataset")
            table: dict[str, str] = {}
            for org in orgs if isinstance(orgs, list) else []:
                oid = str(org.get("id", ""))
                for key in ("id", "name", "title", "display_name"):
                    if org.get(key):
                        table.setdefault(lenient(str(org[key])), oid)
            self._orgs = table
        return self._orgs

    def organization(self, text: str) -> str | None:
        return self._org_table().get(lenient(text))

    def unknown_organization(self, text: str) -> str:
        from importer.site import ActionFailed, NotFound

        if text not in self._shown:
            try:
                self._shown[text] = self.site.call("organization_show", id=text)
            except (NotFound, ActionFailed):
                self._shown[text] = None
        org = self._shown[text]
        if isinstance(org, dict):
            title = org.get("title") or org.get("name") or text
            return (f"The organization {title!r} exists on {self.site.url}, but your API token "
                    "may not create datasets in it: ask its admin to make you an editor.")
        return no_such_organization(text, self.site.url)


class ListedResolver(SiteResolver):
    """Licences from ``site`` as :class:`SiteResolver`; organizations are those the site
    lists (``organization_list``, public on CKAN), whoever may write to them.

    For a check made before any token is given (the web app's: the editor gives a token
    only to plan or import), where the token's rights cannot be known yet: an
    organization that does not exist is reported at its cell now, one the token may not
    create datasets in at the plan, which checks again with the token.
    """

    _listed: tuple[Organization, ...] = ()

    def _org_table(self) -> dict[str, str]:
        if self._orgs is None:
            from importer.template.lists import fetch_organizations

            self._listed = fetch_organizations(self.site)
            table: dict[str, str] = {}
            for org in self._listed:
                for key in (org.id, org.name, org.title):
                    if key:
                        table.setdefault(lenient(key), org.id or org.name)
            self._orgs = table
        return self._orgs

    def choice_lists(self) -> ChoiceLists:
        """The site's licences and organizations as the template's drop-downs have them,
        from the answers the check already had (asked now if it needed neither)."""
        from importer.template.lists import ChoiceLists, parse_licenses

        self._licence_table()
        self._org_table()
        return ChoiceLists(licenses=parse_licenses(self._licence_answer),
                           organizations=self._listed)

    def unknown_organization(self, text: str) -> str:
        return no_such_organization(text, self.site.url)

    def kept(self) -> KeptResolver:
        """Its answers without the site, for the check state (:func:`kept_resolver`):
        both tables fetched now if the check did not need them."""
        return KeptResolver(self._licence_table(), self._org_table(), self.site.url)


class KeptResolver:
    """A site resolver's answers kept without the site (no client, no token), for
    re-checking rows after cell edits (:mod:`importer.recheck`) as the check did: the
    site's licences and organizations (the tables the check used), an unknown
    organization reported as a site resolver that lists the site's organizations says
    it (no look-up per name)."""

    checks_organizations = True

    def __init__(self, licences: LicenceTable, organizations: Mapping[str, str],
                 url: str) -> None:
        self._licences = licences
        self._orgs = dict(organizations)
        self.url = url

    def licence(self, text: str) -> str | None:
        return self._licences.find(text)

    def licence_titles(self) -> list[str]:
        return list(self._licences.titles)

    def organization(self, text: str) -> str | None:
        return self._orgs.get(lenient(text))

    def unknown_organization(self, text: str) -> str:
        return no_such_organization(text, self.url)


def kept_resolver(resolver: Resolver) -> Resolver | None:
    """A resolver that answers exactly as ``resolver`` and can be saved (no site client,
    no token): the offline one as it is, a site resolver's ``kept()`` if it has one;
    ``None`` when its answers cannot be kept (a resolver that asks the site about each
    unknown organization)."""
    if isinstance(resolver, OfflineResolver | KeptResolver):
        return resolver
    kept = getattr(resolver, "kept", None)
    return kept() if callable(kept) else None
