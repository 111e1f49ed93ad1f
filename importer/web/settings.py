"""What a web app is built from: passed to :func:`importer.web.create_app`, never read
from a global, so the tests, ``bcdc-import serve`` and a later CKAN plugin each build
their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """The site the app works with, where jobs live, and the limits.

    ``site_token`` is the server's own token (from the usual env/config sources), used when
    the editor gives none; it stays in this object, in memory. ``redis_url`` sends jobs to
    RQ workers instead of the in-process pool. ``secret_key`` signs the session cookie;
    ``None`` means one kept in the jobs folder (so sessions survive a restart).
    """

    site_url: str
    jobs_dir: Path
    site_token: str | None = None
    token_source: str | None = None
    #: ``None``: discovered like every command (importer.schema.dataset_type).
    dataset_type: str | None = None
    max_upload_mb: int = 20
    redis_url: str | None = None
    keep_hours: float = 24.0 * 7
    workers: int = 2
    import_workers: int = 3
    secret_key: bytes | None = None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
