"""``bcdc-import serve`` and ``bcdc-import worker``: the web app (docs/web.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from importer.site import TOKEN_ENV


def default_jobs_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "bcdc-importer" / "jobs"


@click.command("serve")
@click.option("--url", metavar="URL", help="The CKAN site the page works with.")
@click.option("--site", "site_name", metavar="NAME", help="A named site from the config file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file of named sites (default ~/.config/bcdc-importer/sites.toml).")
@click.option("--dev-catalogue", "dev", is_flag=True,
              help="Use the local dev catalogue (started if needed) and its sysadmin token.")
@click.option("--type", "dataset_type", default=None, metavar="TYPE",
              help="Dataset type of the site's schema [default: the site config's type, "
                   "else the one each upload was made for, else the site's only type, or "
                   "bcdc_dataset among several].")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (another address exposes the page to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed).")
@click.option("--jobs", "jobs_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the job folders [default: ~/.local/state/bcdc-importer/jobs].")
@click.option("--redis", "redis_url", metavar="URL",
              help="Send jobs to RQ workers (`bcdc-import worker --redis URL`).")
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=20, show_default=True,
              help="Largest upload accepted.")
@click.option("--keep-hours", type=click.FloatRange(min=0.1), default=168.0, show_default=True,
              help="Finished jobs older than this are removed.")
@click.option("--insecure-http", is_flag=True,
              help="Allow plain http:// to a site that is not on this machine.")
def serve_command(url: str | None, site_name: str | None, config_path: Path | None, dev: bool,
                  dataset_type: str | None, host: str,
                  port: int, jobs_dir: Path | None, redis_url: str | None, max_upload_mb: int,
                  keep_hours: float, insecure_http: bool) -> int:
    """Serve the web page: template, upload and check, plan, import, export in a browser.

    Uploads are checked against the site's schema, licences and organizations. Editors
    give their API token on the page; with the site's token in ${TOKEN_ENV} or the config
    file, that one is used when they give none (the page says so).
    """
    from importer.publish.config import check_url, default_config_path, load_site
    from importer.web.serve import serve
    from importer.web.settings import Settings

    if sum([bool(url), bool(site_name), dev]) != 1:
        raise click.UsageError("give the site with one of --url URL, --site NAME or "
                               "--dev-catalogue")
    token: str | None
    source: str | None
    site_cfg = None
    if dev:
        site_url, token, source = _dev_catalogue()
    else:
        site_cfg = load_site(config_path or default_config_path(),
                             site_name) if site_name else None
        site_url = check_url(site_cfg.url if site_cfg else str(url), insecure_http)
        token = os.environ.get(TOKEN_ENV, "").strip() or None
        source = f"from ${TOKEN_ENV}" if token else None
        if token is None and site_cfg is not None and site_cfg.token:
            token, source = site_cfg.token.strip(), f"from the config file's site {site_name}"
    settings = Settings(site_url=site_url, jobs_dir=jobs_dir or default_jobs_dir(),
                        site_token=token, token_source=source,
                        dataset_type=dataset_type or (site_cfg.dataset_type
                                                      if site_cfg else None),
                        max_upload_mb=max_upload_mb,
                        redis_url=redis_url, keep_hours=keep_hours)
    serve(settings, host, port, click.echo)
    return 0


def _dev_catalogue() -> tuple[str, str, str]:
    """The dev catalogue's address and sysadmin token (started if needed), as `demo` does."""
    import sys

    from importer.devcat import manager
    from importer.devcat.errors import DevCatalogueError
    from importer.errors import SiteError

    try:
        up = manager.up(out=sys.stderr)
    except DevCatalogueError as err:
        raise SiteError(f"the dev catalogue did not start: {err}") from None
    return up.site.url, up.site.sysadmin_token, "the local dev catalogue's sysadmin"


@click.command("worker")
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The Redis the server sends jobs to.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(redis_url: str, burst: bool) -> int:
    """Run the web app's jobs from RQ (for `serve --redis URL`; same jobs folder)."""
    from importer.web.serve import work

    work(redis_url, burst=burst)
    return 0
