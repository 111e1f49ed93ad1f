"""The connection to a CKAN site: one object, passed in, never global.

:class:`Site` wraps :class:`ckanapi.RemoteCKAN` with a keep-alive ``requests`` session,
a per-request timeout, and translation of every transport or API failure into this
project's exceptions. The API token is held privately: it is never part of ``repr``,
an exception message or a log line.

``ckanapi`` and ``requests`` are imported when a :class:`Site` is made, not with this
module: offline commands import it for :data:`TOKEN_ENV` and need no HTTP stack.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from importer import __version__
from importer.errors import AuthError, SiteError

USER_AGENT = f"bcdc-importer/{__version__}"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: where every command takes the API token from (never from an option: argv is visible)
TOKEN_ENV = "CKAN_API_TOKEN"
#: seconds to wait for a site's FIRST answer (status, schema, rights): a server that
#: accepts connections and never answers fails within this; later requests (and every
#: write) keep the longer ``timeout`` (docs/reliability.md).
FIRST_CONTACT_TIMEOUT = 6.0


def env_token(environ: Mapping[str, str]) -> str | None:
    """The token in ``environ`` (``CKAN_API_TOKEN``), or ``None`` when unset or empty."""
    return environ.get(TOKEN_ENV) or None


class ActionFailed(SiteError):
    """An action answered with ``success: false``. Per-record failures (validation, not
    found) are caught by the caller and turned into problems; they stop nothing."""

    def __init__(self, action: str, message: str, error_dict: dict[str, Any] | None = None):
        super().__init__(f"{action}: {message}")
        self.action = action
        self.error_dict: dict[str, Any] = error_dict or {}


class NotFound(ActionFailed):
    """The record (or organization, ...) does not exist, or the token cannot see it."""


class ValidationFailed(ActionFailed):
    """The server rejected the data; ``error_dict`` is CKAN's field -> messages map."""


class NotAuthorized(ActionFailed):
    """The token may not do this (wrong organization, wrong role)."""


@dataclass
class Site:
    """A CKAN site reached over HTTP. ``token`` may be ``None`` for anonymous reads."""

    url: str
    token: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    pool_size: int = 8
    _ckan: Any = field(default=None, init=False, repr=False)
    #: the site has answered at least once (then ``timeout`` applies, not the first-contact one)
    _answered: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # else requests' MissingSchema / InvalidSchema would be all the user sees
            raise SiteError(f"{self.url!r} is not a site URL (expected https://host)")
        import ckanapi
        import requests
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=self.pool_size, pool_maxsize=self.pool_size)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._ckan = ckanapi.RemoteCKAN(
            self.url, apikey=self.token, user_agent=USER_AGENT, session=session
        )

    @property
    def is_local(self) -> bool:
        """Whether the site is on this machine (plain HTTP is acceptable only then)."""
        return (urlsplit(self.url).hostname or "") in LOCAL_HOSTS

    def call(self, action: str, **data: Any) -> Any:
        """Call ``action`` with ``data`` and return its ``result``."""
        import ckanapi  # already loaded by __post_init__: a dict look-up
        import requests

        # until the site has answered once, wait no longer than FIRST_CONTACT_TIMEOUT: a
        # server that accepts connections and never answers is found out in seconds
        timeout = self.timeout if self._answered else min(self.timeout, FIRST_CONTACT_TIMEOUT)
        try:
            result = self._ckan.call_action(action, data, requests_kwargs={"timeout": timeout})
        except (ckanapi.CKANAPIError, ckanapi.NotFound, ckanapi.ValidationError,
                ckanapi.NotAuthorized) as err:
            self._answered = True  # an error answer is an answer: the site is alive
            raise self._translate(action, err) from None
        except requests.Timeout:
            raise SiteError(f"{self.url} did not answer {action} within {timeout:g} s") from None
        except requests.RequestException as err:
            raise SiteError(f"cannot reach {self.url}: {type(err).__name__}") from None
        except ValueError:
            raise SiteError(f"{self.url} is not a CKAN API (answer was not JSON)") from None
        self._answered = True
        return result

    def _translate(self, action: str, err: Exception) -> Exception:
        """ckanapi's error answer as this project's exception."""
        import ckanapi

        if isinstance(err, ckanapi.NotFound):
            return NotFound(action, _message(err, "not found"))
        if isinstance(err, ckanapi.ValidationError):
            errors = err.error_dict if isinstance(err.error_dict, dict) else {}
            return ValidationFailed(action, _summary(errors), errors)
        if isinstance(err, ckanapi.NotAuthorized):
            if self.token and _looks_like_bad_token(err):
                return AuthError(f"{self.url} rejected the API token (invalid or expired)")
            return NotAuthorized(action, _message(err, "not authorized"))
        return _unrecognised(self.url, action, err)


def _message(err: Exception, default: str) -> str:
    data = err.args[0] if err.args else None
    if isinstance(data, dict):
        return str(data.get("message") or default)
    return str(data or default)


def _looks_like_bad_token(err: Exception) -> bool:
    return "token" in _message(err, "").lower()


def _summary(errors: dict[str, Any]) -> str:
    parts = [f"{k}: {v}" for k, v in errors.items() if k != "__type"]
    return "; ".join(parts)[:500] or "validation error"


def _unrecognised(url: str, action: str, err: Exception) -> SiteError:
    """ckanapi reports an answer it does not recognise as ``repr([url, status, body])``:
    a CKAN error without a known ``__type`` (e.g. 400 "Action name not known") becomes
    :class:`ActionFailed`; a body that is not CKAN's JSON means the URL is not a CKAN API."""
    try:
        _, status, body = ast.literal_eval(str(err))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return SiteError(f"{url} answered {action} with an error: {_short(err)}")
    try:
        message = json.loads(body)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return SiteError(f"{url} is not a CKAN API ({action} answered HTTP {status}, not JSON)")
    return ActionFailed(action, f"{str(message)[:200]} (HTTP {status})")


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__
