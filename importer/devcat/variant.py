"""Which dev catalogue: one spec object (CKAN version + schema flavour) drives everything.

Several variants run at once, each with its own state folder, database, Solr stand-in and
port; CKAN venvs are shared by variants that need the same build (2.12/bc and 2.12/stock).

* ``2.12`` / ``bc``: the default, exactly as before variants existed (state in the home's
  ``site/``, port ``$BCDC_DEVCAT_PORT`` or 5055).
* ``2.9`` / ``bc``: CKAN 2.9.11 on Python 3.9 with ckanext-scheming 3.0, the BC schema and
  the test plugin: the version the BC Data Catalogue runs.
* ``2.12`` / ``stock``: ckanext-scheming's own ``ckan_dataset.yaml`` (dataset type
  ``dataset``), no test plugin: a generic CKAN site.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from importer.devcat.errors import DevCatalogueError, MissingPrerequisite

CKAN_VERSIONS = ("2.12", "2.9")
SCHEMA_FLAVOURS = ("bc", "stock")
GUNICORN_SPEC = "gunicorn>=21"


@dataclass(frozen=True)
class Build:
    """How to build the CKAN venv of one CKAN version."""

    ckan_spec: str
    scheming_spec: str
    #: ``major.minor`` of the Python the venv needs; ``None``: the one running this code.
    python: str | None
    #: pip packages pinned in the venv before CKAN goes in (``setuptools`` 44 for 2.9).
    base_packages: tuple[str, ...]
    #: pip constraints, also applied inside build-isolation envs (old sdists need them).
    constraints: tuple[str, ...]
    scheming_tag: str


BUILDS = {
    "2.12": Build(
        ckan_spec="ckan[requirements]==2.12.*",
        scheming_spec="ckanext-scheming>=3.1,<3.2",
        python=None,
        base_packages=("pip", "setuptools", "wheel"),
        constraints=(),
        scheming_tag="3.1",
    ),
    "2.9": Build(
        ckan_spec="ckan[requirements]==2.9.11",
        scheming_spec="ckanext-scheming>=3.0,<3.1",
        python="3.9",
        # CKAN 2.9's setup.py imports pkg_resources and its pinned sdists (pyyaml 5.4,
        # psycopg2 2.9.3, zope.interface 4.3) build only with old setuptools and Cython 2.
        base_packages=("pip<24", "setuptools>=44,<45", "wheel<0.38"),
        constraints=("cython<3", "setuptools<45"),
        scheming_tag="3.0",
    ),
}

#: port = the default variant's port + this offset (5105 → 5115 for 2.9, 5125 for stock).
PORT_OFFSETS = {("2.12", "bc"): 0, ("2.9", "bc"): 10, ("2.12", "stock"): 20, ("2.9", "stock"): 30}


@dataclass(frozen=True)
class Variant:
    """A dev catalogue variant: CKAN version and schema flavour."""

    ckan: str = "2.12"
    schema: str = "bc"

    def __post_init__(self) -> None:
        if self.ckan not in CKAN_VERSIONS:
            raise DevCatalogueError(
                f"unknown CKAN version {self.ckan!r}: use one of {', '.join(CKAN_VERSIONS)}"
            )
        if self.schema not in SCHEMA_FLAVOURS:
            raise DevCatalogueError(
                f"unknown schema flavour {self.schema!r}: use one of {', '.join(SCHEMA_FLAVOURS)}"
            )

    @property
    def is_default(self) -> bool:
        return (self.ckan, self.schema) == ("2.12", "bc")

    @property
    def key(self) -> str:
        """Folder and database suffix, e.g. ``ckan2.9-bc``."""
        return f"ckan{self.ckan}-{self.schema}"

    @property
    def label(self) -> str:
        """For messages: ``CKAN 2.9 (BC schema)``."""
        flavour = "BC schema" if self.schema == "bc" else "stock scheming schema"
        return f"CKAN {self.ckan} ({flavour})"

    @property
    def build(self) -> Build:
        return BUILDS[self.ckan]

    @property
    def port_offset(self) -> int:
        return PORT_OFFSETS[(self.ckan, self.schema)]

    @property
    def dataset_type(self) -> str:
        return "bcdc_dataset" if self.schema == "bc" else "dataset"

    @property
    def with_test_plugin(self) -> bool:
        """The BC test plugin runs with the BC schema only (a stock site has no BC rules)."""
        return self.schema == "bc"

    def venv_key(self, python: str) -> str:
        """Venv folder name: CKAN version, scheming version and Python (``3.11``)."""
        return f"ckan{self.ckan}-scheming{self.build.scheming_tag}-py{python}"


DEFAULT = Variant()
CKAN29 = Variant("2.9", "bc")
STOCK = Variant("2.12", "stock")
STOCK29 = Variant("2.9", "stock")


def running_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _version_of(binary: str) -> str | None:
    try:
        out = subprocess.run([binary, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _pyenv_roots() -> list[Path]:
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(Path(os.environ["PYENV_ROOT"]))
    pyenv = shutil.which("pyenv")
    if pyenv:
        out = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            roots.append(Path(out.stdout.strip()))
    roots.append(Path.home() / ".pyenv")
    return roots


def find_python(version: str) -> str:
    """An interpreter of ``version`` (``3.9``), found without a hard-coded path.

    Tried in order: ``$BCDC_DEVCAT_PYTHON39`` (for 3.9), ``python3.9`` on PATH, pyenv's
    versions (``$PYENV_ROOT``, ``pyenv root``, ``~/.pyenv``), the newest patch release first.
    Each candidate is run to confirm its version (a pyenv shim may point nowhere).
    """
    env_name = "BCDC_DEVCAT_PYTHON" + version.replace(".", "")
    candidates: list[str] = []
    if os.environ.get(env_name):
        candidates.append(os.environ[env_name])
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    for root in _pyenv_roots():
        found = glob.glob(str(root / "versions" / f"{version}.*" / "bin" / f"python{version}"))
        candidates.extend(sorted(found, key=_patch_number, reverse=True))
    for candidate in candidates:
        if _version_of(candidate) == version:
            return candidate
    raise MissingPrerequisite(
        f"CKAN {'2.9' if version == '3.9' else version} needs Python {version}, and none was "
        f"found (tried ${env_name}, python{version} on PATH, pyenv's versions). Install one, "
        f"e.g. `pyenv install {version}` or `apt-get install python{version} "
        f"python{version}-venv python{version}-dev`, or set {env_name} to its path."
    )


def _patch_number(path: str) -> int:
    part = Path(path).parent.parent.name.split(".")
    return int(part[2]) if len(part) > 2 and part[2].isdigit() else -1
