"""Serve the app with waitress, and run RQ workers: what ``bcdc-import serve`` and
``bcdc-import worker`` call."""

from __future__ import annotations

from collections.abc import Callable

from importer.web import create_app
from importer.web.settings import Settings

#: request threads of the server (jobs run in their own pool)
THREADS = 8


def serve(settings: Settings, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Serve until stopped; ``echo`` gets the address once the socket is bound."""
    from waitress import create_server

    app = create_app(settings)
    # waitress buffers the body up to its own limit; ours is lower, so Flask answers 413
    # with the page that says the limit
    server = create_server(app, host=host, port=port, threads=THREADS,
                           max_request_body_size=settings.max_upload_bytes * 2 + 1024 * 1024,
                           ident="bcdc-import")
    shown = f"[{host}]" if ":" in host else host
    echo(f"bcdc-import web: serving {settings.site_url} on "
         f"http://{shown}:{server.effective_port}/ (jobs in {settings.jobs_dir}; Ctrl-C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def work(redis_url: str, burst: bool = False) -> None:
    """Run RQ jobs of the web app's queue until stopped (or, ``burst``, until empty); each
    job names its jobs folder, which this process must see. Jobs run in this process
    (RQ's SimpleWorker): an import starts threads, and forking a work horse per job made
    the worker take a minute to exit after a job here (measured)."""
    from rq import Queue, SimpleWorker

    from importer.web.runners import QUEUE, redis_connection

    connection = redis_connection(redis_url)
    SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
