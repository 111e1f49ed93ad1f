"""The web app: the editor's whole workflow (template, check, plan, import, export) in a
browser, on the same library as the CLI.

:func:`create_app` builds a Flask app from :class:`Settings` (nothing is read from a
global), registers the blueprint :data:`importer.web.views.bp`, one error handler per
exception type and the security headers. A CKAN plugin can instead register the blueprint
in its own app and put a :class:`WebState` (with its own identity and job runner) in
``app.extensions[STATE_KEY]``. See docs/web.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from importer.web.jobs import JobStore
from importer.web.settings import Settings
from importer.web.state import STATE_KEY, WebState, session_identity

__all__ = ["STATE_KEY", "Settings", "WebState", "create_app"]


def create_app(settings: Settings,
               make_runner: Callable[[JobStore], Any] | None = None) -> Flask:
    """The app for ``settings``. Jobs run in the in-process pool, or on RQ when
    ``settings.redis_url`` is set, or in what ``make_runner(store)`` returns (tests)."""
    from flask_wtf.csrf import CSRFProtect

    from importer.web.errors import register_error_handlers
    from importer.web.runners import RQRunner, ThreadRunner, redis_connection
    from importer.web.security import add_security_headers
    from importer.web.views import bp

    store = JobStore(settings.jobs_dir)
    runner = make_runner(store) if make_runner else None
    if runner is None:
        runner = (RQRunner(store, redis_connection(settings.redis_url)) if settings.redis_url
                  else ThreadRunner(store, settings.workers))
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or _secret_key(settings.jobs_dir),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    CSRFProtect(app)
    state = WebState(settings, store, runner, session_identity)
    app.extensions[STATE_KEY] = state
    state.after_restart()
    app.register_blueprint(bp)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    return app


def _secret_key(jobs_dir: Path) -> bytes:
    """The key that signs session cookies, kept (owner-only) in the jobs folder so a
    restarted server still knows its sessions, and so their jobs."""
    path = Path(jobs_dir) / ".secret-key"
    Path(jobs_dir).mkdir(parents=True, exist_ok=True)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        key = secrets.token_bytes(32)
        path.touch(mode=0o600)
        path.write_bytes(key)
        return key
