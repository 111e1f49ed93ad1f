"""Where the dev catalogue keeps its state, and the persisted state record.

Everything lives under ``$BCDC_DEVCAT_HOME`` (default ``~/.cache/bcdc-importer/devcat``) so a
CKAN venv built once is reused by later runs and by other clones on the same machine.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from importer.devcat.variant import DEFAULT, Variant, running_python

DEFAULT_CKAN_PORT = 5055
DEFAULT_PG_PORT = 54329


def default_home() -> Path:
    """``$BCDC_DEVCAT_HOME`` or ``~/.cache/bcdc-importer/devcat``."""
    env = os.environ.get("BCDC_DEVCAT_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path.home() / ".cache" / "bcdc-importer" / "devcat"


@dataclass(frozen=True)
class Layout:
    """Paths under the state home.

    The default variant (2.12/bc) keeps its state where it always did (``<home>/site``);
    every other variant has its own folder ``<home>/variants/<key>/`` (site, lock, private
    PostgreSQL). CKAN venvs live in ``<home>/venvs/`` for all of them, keyed by build.
    """

    home: Path
    variant: Variant = DEFAULT

    @property
    def root(self) -> Path:
        """This variant's own state folder (the home itself for the default)."""
        if self.variant.is_default:
            return self.home
        return self.home / "variants" / self.variant.key

    @property
    def venv(self) -> Path:
        python = self.variant.build.python or running_python()
        return self.home / "venvs" / self.variant.venv_key(python)

    @property
    def venv_lock(self) -> Path:
        """Held while a venv is built (variants sharing one may start at the same time)."""
        return self.home / "venvs" / f".{self.venv.name}.lock"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def logs(self) -> Path:
        return self.site / "logs"

    @property
    def ini(self) -> Path:
        return self.site / "ckan.ini"

    @property
    def wsgi(self) -> Path:
        return self.site / "wsgi.py"

    @property
    def state_file(self) -> Path:
        return self.site / "state.json"

    @property
    def seed_file(self) -> Path:
        """Tokens and org ids (mode 0600)."""
        return self.site / "seed.json"

    @property
    def solr_data(self) -> Path:
        return self.site / "solr-index.json"

    @property
    def storage(self) -> Path:
        return self.site / "storage"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    def pg_root(self, as_root: bool) -> Path:
        """Private PostgreSQL cluster directory.

        As root the cluster must belong to the ``postgres`` user, who usually cannot enter
        root's home, so it goes under /var/tmp, keyed by the state home.
        """
        if not as_root:
            return self.root / "pg"
        digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"bcdc-importer-devcat-{digest}" / "pg"

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


@dataclass
class State:
    """What ``up`` set up and started, persisted as JSON so ``down`` can stop exactly that."""

    ckan_port: int = 0
    solr_port: int = 0
    secret_key: str = ""
    db_url: str = ""
    db_admin_url: str = ""
    redis_url: str = ""
    pg_port: int = 0
    pg_root: str = ""
    pg_ours: bool = False
    redis_port: int = 0
    redis_ours: bool = False
    pids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            raw: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            return cls()
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, json.dumps(asdict(self), indent=2))


def write_private(path: Path, text: str) -> None:
    """Write a file readable by the owner only (it may hold secrets), atomically."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
