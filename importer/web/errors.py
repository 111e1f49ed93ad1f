"""One error handler per exception type: each renders the error page with its status and
a plain message, never a stack trace."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from importer.errors import ImporterError, OutputError, SiteError, WorkbookError
from importer.read.edits import EditError
from importer.web.jobs import NoSuchJob
from importer.web.state import state


class BadUpload(Exception):
    """The upload cannot be used (no file chosen): 400."""


def _page(title: str, message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


#: exceptions whose message is the page, with the page's title and status (most specific
#: first: Flask picks the handler of the nearest class)
PLAIN: list[tuple[type[Exception], str, int]] = [
    (BadUpload, "Cannot use this upload", 400),
    (EditError, "Cannot save this cell", 400),
    (WorkbookError, "Cannot use this file", 422),
    (SiteError, "The catalogue did not answer as expected", 502),
    (OutputError, "Cannot write the file", 500),
    (ImporterError, "Cannot do this", 400),
]


def _plain(title: str, status: int) -> Callable[[Exception], tuple[str, int]]:
    def handler(err: Exception) -> tuple[str, int]:
        return _page(title, str(err), status)

    return handler


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NoSuchJob)
    def no_such_job(_err: NoSuchJob) -> tuple[str, int]:
        return _page("Not found", "There is no such page or job here.", 404)

    @app.errorhandler(NotFound)
    def not_found(_err: NotFound) -> tuple[str, int]:
        return _page("Not found", "There is no such page or job here.", 404)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_err: RequestEntityTooLarge) -> tuple[str, int]:
        limit = state().settings.max_upload_mb
        return _page("File too large", f"The file is larger than this server accepts "
                     f"({limit} MB). Split it into smaller workbooks and upload each.", 413)

    @app.errorhandler(CSRFError)
    def csrf(_err: CSRFError) -> tuple[str, int]:
        return _page("Form expired", "This form was not sent from this site's page, or the "
                     "page is too old: go back, reload the page and try again.", 400)

    for exc, title, status in PLAIN:
        app.register_error_handler(exc, _plain(title, status))

    @app.errorhandler(HTTPException)
    def http(err: HTTPException) -> tuple[str, int]:
        return _page(err.name, err.description or err.name, err.code or 500)

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> tuple[str, int]:
        return _page("Something went wrong", f"unexpected {type(err).__name__} (a bug: please "
                     "report it with what you did)", 500)
