"""One error handler per exception type: each renders the error page with its status and
a plain message, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from importer.errors import ImporterError, OutputError, SiteError, WorkbookError
from importer.web.state import state


class BadUpload(Exception):
    """The upload cannot be used (no file chosen): 400."""


def _page(title: str, message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KeyError)
    def no_such_job(_err: KeyError) -> tuple[str, int]:
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

    @app.errorhandler(BadUpload)
    def bad_upload(err: BadUpload) -> tuple[str, int]:
        return _page("Cannot use this upload", str(err), 400)

    @app.errorhandler(WorkbookError)
    def bad_workbook(err: WorkbookError) -> tuple[str, int]:
        return _page("Cannot use this file", str(err), 422)

    @app.errorhandler(SiteError)
    def site(err: SiteError) -> tuple[str, int]:
        return _page("The catalogue did not answer as expected", str(err), 502)

    @app.errorhandler(OutputError)
    def output(err: OutputError) -> tuple[str, int]:
        return _page("Cannot write the file", str(err), 500)

    @app.errorhandler(ImporterError)
    def importer_error(err: ImporterError) -> tuple[str, int]:
        return _page("Cannot do this", str(err), 400)

    @app.errorhandler(HTTPException)
    def http(err: HTTPException) -> tuple[str, int]:
        return _page(err.name, err.description or err.name, err.code or 500)

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> tuple[str, int]:
        return _page("Something went wrong", f"unexpected {type(err).__name__} (a bug: please "
                     "report it with what you did)", 500)
