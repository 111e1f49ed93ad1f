"""Fetch the records to export: by organization, by search query, or by a list of names.

Organizations and queries page through ``package_search`` (1,000 rows a page, private and
draft records included: an editor exports what they maintain). Search results are the
same validated dicts ``package_show`` returns, so one call brings a thousand records.
A list of names calls ``package_show`` per name on a small bounded thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from importer.errors import ImporterError
from importer.files import is_special, special_input_message
from importer.site import ActionFailed, NotAuthorized, NotFound

PAGE_SIZE = 1000
#: the state of a record deleted on the site (``package_show`` still answers for it).
DELETED = "deleted"
WORKERS = 8

#: ``progress(done, total)``; ``total`` is ``None`` while unknown.
Progress = Callable[[int, int | None], None]


class ActionCaller(Protocol):
    """Anything that can call a CKAN action (``importer.site.Site`` does)."""

    def call(self, action: str, **data: Any) -> Any: ...


class SelectionError(ImporterError):
    """The records asked for cannot be selected (unknown organization, unreadable list)."""


@dataclass(frozen=True)
class Selection:
    """Which records to export: exactly one of ``orgs``, ``query``, ``names`` is given."""

    orgs: tuple[str, ...] = ()
    query: str | None = None
    names: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.orgs:
            return "organization " + ", ".join(self.orgs)
        if self.query is not None:
            return f"query {self.query!r}"
        return f"{len(self.names)} names"


@dataclass
class Fetched:
    """The packages found, in a stable order, and the names that were not found."""

    packages: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: names (``--names``) of records the site has deleted: left out, as search leaves
    #: them out of ``--org`` and ``--query``.
    deleted: list[str] = field(default_factory=list)
    #: the organizations searched (``--org``): id -> the name or id given.
    orgs: dict[str, str] = field(default_factory=dict)


def read_names(path: Path) -> tuple[str, ...]:
    """Names from a file, one a line; blank lines and ``#`` comments are skipped."""
    if is_special(path):
        raise SelectionError(f"cannot read the names file: {special_input_message(path)}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SelectionError(f"cannot read the names file {path}: it is not UTF-8 text "
                             "(one name or id a line)") from None
    except OSError as err:
        raise SelectionError(
            f"cannot read the names file {path}: {err.strerror or err}") from None
    names = [line.strip() for line in text.splitlines()]
    return tuple(dict.fromkeys(n for n in names if n and not n.startswith("#")))


def fetch(
    site: ActionCaller,
    selection: Selection,
    dataset_type: str | None = None,
    progress: Progress | None = None,
    workers: int = WORKERS,
) -> Fetched:
    """The packages ``selection`` names, in their full ``package_show`` form."""
    tick = progress or _quiet
    if selection.names:
        return _by_names(site, selection.names, tick, workers)
    type_filter = f"dataset_type:{dataset_type}" if dataset_type else ""
    if selection.orgs:
        out = Fetched()
        for org in selection.orgs:
            out.orgs.setdefault(resolve_org(site, org), org)
        for org_id in out.orgs:
            fq = f'owner_org:"{org_id}"' + (f" +{type_filter}" if type_filter else "")
            out.packages.extend(search(site, "*:*", fq, tick, done=len(out.packages)))
        return out
    return Fetched(search(site, selection.query or "*:*", type_filter, tick))


def resolve_org(site: ActionCaller, org: str) -> str:
    """The id of the organization named ``org`` (name, id or title as CKAN accepts)."""
    try:
        result = site.call("organization_show", id=org, include_datasets=False,
                           include_users=False, include_extras=False)
    except (NotFound, NotAuthorized):
        raise SelectionError(
            f"organization {org!r} does not exist on this site or this token cannot read it"
        ) from None
    if not isinstance(result, dict) or not result.get("id"):
        raise SelectionError(f"organization {org!r}: the site gave no id")
    return str(result["id"])


def hidden_private(site: ActionCaller, org_ids: Sequence[str], has_token: bool) -> list[str]:
    """The organizations (of ``org_ids``) whose private records this token cannot see:
    every one without a token; else those it is not a member of (members, and sysadmins,
    see private records). CKAN does not tell a non-member how many records are hidden:
    ``organization_show`` counts only what the caller may see."""
    if not has_token:
        return list(org_ids)
    try:
        mine = site.call("organization_list_for_user", permission="read",
                         include_dataset_count=False)
    except ActionFailed:
        return list(org_ids)
    member = {str(o.get("id")) for o in mine or [] if isinstance(o, dict)}
    return [org for org in org_ids if org not in member]


def search(
    site: ActionCaller, q: str, fq: str, tick: Progress, done: int = 0
) -> list[dict[str, Any]]:
    """Every package matching ``q`` / ``fq``, paging ``package_search`` by ``start``."""
    found: list[dict[str, Any]] = []
    start = 0
    total: int | None = None
    while total is None or start < total:
        try:
            page = site.call(
                "package_search", q=q, fq=fq, rows=PAGE_SIZE, start=start,
                include_private=True, include_drafts=True, sort="name asc",
            )
        except ActionFailed as err:
            raise SelectionError(f"the site refused the search: {err}") from None
        if not isinstance(page, dict):
            raise SelectionError("the site answered package_search with something else")
        results = page.get("results") or []
        total = int(page.get("count") or 0)
        found.extend(r for r in results if isinstance(r, dict))
        tick(done + len(found), done + total)
        if not results:
            break
        start += len(results)
    return found


def _by_names(
    site: ActionCaller, names: Sequence[str], tick: Progress, workers: int
) -> Fetched:
    def show(name: str) -> dict[str, Any] | None:
        try:
            result = site.call("package_show", id=name)
        except (NotFound, NotAuthorized):
            return None
        return result if isinstance(result, dict) else None

    out = Fetched()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for i, (name, pkg) in enumerate(zip(names, pool.map(show, names), strict=True), 1):
            if pkg is None:
                out.missing.append(name)
            elif pkg.get("state") == DELETED:
                out.deleted.append(name)
            else:
                out.packages.append(pkg)
            tick(i, len(names))
    return out


def _quiet(done: int, total: int | None) -> None:
    """The default progress callback: nothing to show."""

