"""Where the site and the API token come from, and the rules that keep the token secret.

Order: ``CKAN_API_TOKEN`` in the environment; else the named site's ``token`` in the
config file (``~/.config/bcdc-importer/sites.toml``), which is refused when other users
can read the file; else a hidden prompt when stdin is a terminal. The token is never
taken from the command line, never printed, never written anywhere.

Config file::

    [sites.test]
    url = "https://cat.data.gov.bc.ca"
    token = "..."          # optional; the file must then be chmod 600

    [sites.prod]
    url = "https://catalogue.data.gov.bc.ca"

    [sites.open]
    url = "https://ckan.example.org"
    type = "dataset"       # optional: the dataset type (else the site's only one)
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from importer.errors import AuthError, SiteError
from importer.site import LOCAL_HOSTS, TOKEN_ENV


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bcdc-importer" / "sites.toml"


@dataclass(frozen=True)
class SiteConfig:
    name: str
    url: str
    token: str | None = field(default=None, repr=False)
    #: the dataset type to use on this site (``type = "..."``); None: discover it.
    dataset_type: str | None = None


def load_site(path: Path, name: str) -> SiteConfig:
    """The site called ``name`` in the config file ``path``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SiteError(f"no config file {path} (needed for --site {name})") from None
    except OSError as err:
        raise SiteError(f"cannot read {path}: {err.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SiteError(f"{path} is not valid TOML: {str(err).splitlines()[0]}") from None
    sites = data.get("sites")
    entry = sites.get(name) if isinstance(sites, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        known = ", ".join(sorted(sites)) if isinstance(sites, dict) else "none"
        raise SiteError(f"{path} has no site {name!r} with a url (sites: {known})")
    token = entry.get("token")
    if token is not None:
        if not isinstance(token, str):
            raise SiteError(f"{path}: the token of site {name!r} must be a string")
        _refuse_if_readable_by_others(path)
    dataset_type = entry.get("type")
    if dataset_type is not None and (not isinstance(dataset_type, str)
                                     or not dataset_type.strip()):
        raise SiteError(f"{path}: the type of site {name!r} must be a dataset type name "
                        "(a non-empty string)")
    return SiteConfig(name, entry["url"], token or None,
                      dataset_type.strip() if dataset_type else None)


def _refuse_if_readable_by_others(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuthError(
            f"refusing to read the API token from {path}: other users can read it "
            f"(mode {stat.filemode(mode)}); run: chmod 600 {path}")


def resolve_token(env: Mapping[str, str], site: SiteConfig | None,
                  prompt: Callable[[], str] | None) -> str:
    """The token from the environment, the config file, or the prompt (in that order)."""
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return token
    if site is not None and site.token:
        return site.token.strip()
    if prompt is not None:
        token = prompt().strip()
        if token:
            return token
    raise AuthError(f"no API token: set {TOKEN_ENV}, put it in the config file "
                    "(chmod 600), or run in a terminal to be asked for it")


def check_url(url: str, insecure_http: bool) -> str:
    """A usable site URL; plain HTTP only for this machine unless ``insecure_http``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteError(f"{url!r} is not a site URL (expected https://host)")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS and not insecure_http:
        raise SiteError(f"refusing to send the API token over plain HTTP to {parts.hostname}; "
                        "use https:// (or --insecure-http if you really mean it)")
    return url.strip().rstrip("/")
