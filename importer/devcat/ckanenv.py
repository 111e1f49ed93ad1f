"""The CKAN side: its own virtualenv, the generated ckan.ini and wsgi.py, ``ckan`` CLI calls."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import importer
from importer.devcat import procs, services
from importer.devcat.errors import DevCatalogueError
from importer.devcat.layout import Layout, State
from importer.devcat.variant import GUNICORN_SPEC, find_python

SCHEMA_FILES = ("bcdc_dataset.yaml", "bcdc_presets.json", "bcdc_licenses.json")


def repo_root() -> Path:
    """The checkout this package runs from (the test plugin lives beside the package)."""
    return Path(importer.__file__).resolve().parent.parent


def plugin_source() -> Path:
    path = repo_root() / "devcat" / "ckanext-bcdc_test"
    if not (path / "pyproject.toml").exists():
        raise DevCatalogueError(
            f"the test plugin is not at {path}: run from a checkout of bcdc-importer"
        )
    return path


def schema_dir() -> Path:
    """Directory holding the BC schema, presets and licences.

    The project bundles them in ``importer/schema/data``; ``$BCDC_DEVCAT_SCHEMA_DIR`` may
    point elsewhere (to try another copy of the schema on the dev catalogue).
    """
    override = os.environ.get("BCDC_DEVCAT_SCHEMA_DIR")
    candidates = [Path(override)] if override else []
    candidates.append(Path(importer.__file__).resolve().parent / "schema" / "data")
    for candidate in candidates:
        if all((candidate / name).exists() for name in SCHEMA_FILES):
            return candidate
    raise DevCatalogueError(f"BC schema files ({', '.join(SCHEMA_FILES)}) not found")


# --------------------------------------------------------------------------- venv


def _venv_marker(layout: Layout) -> Path:
    return layout.venv / "devcat-ready.json"


def ensure_venv(layout: Layout) -> bool:
    """Build the CKAN venv once (keyed by CKAN/scheming/Python version). Returns True if built.

    The venv may be shared by several checkouts (CI in another folder, other worktrees) and
    by variants of the same CKAN version: the test plugin is installed once for its entry
    point, and every process we start puts *this* checkout's plugin first on ``PYTHONPATH``
    (:func:`process_env`), so each checkout runs its own plugin code without reinstalling.
    """
    marker = _venv_marker(layout)
    plugin = plugin_source()
    if marker.exists():
        return False
    layout.venv.parent.mkdir(parents=True, exist_ok=True)
    with procs.file_lock(layout.venv_lock):
        if marker.exists():  # built by another variant while we waited
            return False
        _build_venv(layout, plugin)
    return True


def _build_venv(layout: Layout, plugin: Path) -> None:
    build = layout.variant.build
    python = find_python(build.python) if build.python else sys.executable
    services.apt_install(services.missing_build_packages(), layout.logs / "setup.log")
    log = layout.logs / "setup.log"
    procs.run([python, "-m", "venv", "--clear", str(layout.venv)], "creating the CKAN venv",
              log_path=log)
    env = None
    if build.constraints:
        constraints = layout.venv / "devcat-constraints.txt"
        constraints.write_text("".join(f"{line}\n" for line in build.constraints))
        env = {**os.environ, "PIP_CONSTRAINT": str(constraints)}
    pip = [str(layout.bin("python")), "-m", "pip", "--disable-pip-version-check"]
    procs.run([*pip, "install", "-q", "-U", *build.base_packages], "upgrading pip",
              env=env, log_path=log)
    procs.run([*pip, "install", "-q", build.ckan_spec, build.scheming_spec, GUNICORN_SPEC],
              f"pip install {build.ckan_spec} {build.scheming_spec}", env=env, log_path=log)
    _install_plugin(layout, plugin)
    _venv_marker(layout).write_text(json.dumps({"ckan": build.ckan_spec,
                                                "scheming": build.scheming_spec,
                                                "plugin_mode": "compat"}))


def _install_plugin(layout: Layout, plugin: Path) -> None:
    """Register the ``bcdc_test`` entry point; the code itself is found first on
    ``PYTHONPATH`` (:func:`process_env`).

    On a current toolchain: an editable install ("compat" mode: a plain path entry). CKAN
    2.9's venv has setuptools 44, which cannot build a ``pyproject.toml`` project, so there a
    minimal ``.dist-info`` holding just the entry point is written into site-packages
    (``pkg_resources`` finds plugins through it; nothing is imported from it).
    """
    if layout.variant.build.python is not None:
        _write_entry_point(layout)
        return
    procs.run(
        [str(layout.bin("python")), "-m", "pip", "install", "-q", "--no-deps",
         "--no-build-isolation", "--config-settings", "editable_mode=compat", "-e", str(plugin)],
        "installing the bcdc_test plugin",
        log_path=layout.logs / "setup.log",
    )


PLUGIN_DIST = "ckanext_bcdc_test-0.1.0.dist-info"
PLUGIN_ENTRY_POINT = "[ckan.plugins]\nbcdc_test = ckanext.bcdc_test.plugin:BcdcTestPlugin\n"


def _write_entry_point(layout: Layout) -> None:
    site_packages = sorted((layout.venv / "lib").glob("python*/site-packages"))
    if not site_packages:
        raise DevCatalogueError(f"no site-packages in the CKAN venv {layout.venv}")
    dist = site_packages[0] / PLUGIN_DIST
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: ckanext-bcdc_test\nVersion: 0.1.0\n"
    )
    (dist / "entry_points.txt").write_text(PLUGIN_ENTRY_POINT)
    (dist / "INSTALLER").write_text("bcdc-importer devcat\n")
    (dist / "RECORD").write_text("")


def process_env(layout: Layout) -> dict[str, str]:
    """Environment for CKAN processes: the dev ini, and this checkout's test plugin first."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = str(plugin_source())
    env["CKAN_INI"] = str(layout.ini)
    return env


# --------------------------------------------------------------------------- config


def site_url(state: State) -> str:
    return f"http://127.0.0.1:{state.ckan_port}"


def ensure_secret(state: State) -> None:
    if not state.secret_key:
        state.secret_key = secrets.token_urlsafe(32)


def _site_id(layout: Layout) -> str:
    if layout.variant.is_default:
        return "bcdc_devcat"
    return "bcdc_devcat_" + "".join(c if c.isalnum() else "_" for c in layout.variant.key)


def _schema_lines(layout: Layout) -> str:
    """Plugins and scheming settings: the BC files through file:// URLs (with the test
    plugin), or scheming's own stock ``ckan_dataset.yaml`` (type ``dataset``, no plugin)."""
    if layout.variant.schema == "stock":
        return """\
ckan.plugins = scheming_datasets
scheming.dataset_schemas = ckanext.scheming:ckan_dataset.yaml
scheming.presets = ckanext.scheming:presets.json
scheming.dataset_fallback = false"""
    schemas = schema_dir()
    uri = {name: (schemas / name).resolve().as_uri() for name in SCHEMA_FILES}
    return f"""\
ckan.plugins = scheming_datasets bcdc_test
scheming.dataset_schemas = {uri["bcdc_dataset.yaml"]}
scheming.presets = ckanext.scheming:presets.json {uri["bcdc_presets.json"]}
scheming.dataset_fallback = false
licenses_group_url = {uri["bcdc_licenses.json"]}"""


def _version_lines(layout: Layout, state: State) -> str:
    """Settings CKAN 2.9 needs and 2.12 does not: the beaker secret (2.9 signs sessions and
    API tokens with it) and repoze.who's config file (shipped inside the ckan package)."""
    if layout.variant.ckan != "2.9":
        return ""
    who = sorted((layout.venv / "lib").glob("python*/site-packages/ckan/config/who.ini"))
    if not who:
        raise DevCatalogueError(f"CKAN's who.ini is missing from the venv {layout.venv}")
    return f"beaker.session.secret = {state.secret_key}\nwho.config_file = {who[0]}\n"


def render_ini(layout: Layout, state: State) -> str:
    """The ckan.ini for the dev site: the variant's schema, no dataset fallback."""
    return f"""\
# Generated by bcdc-importer's dev catalogue (importer/devcat). Do not edit: `up` rewrites it.
[DEFAULT]
debug = false

[app:main]
use = egg:ckan
SECRET_KEY = {state.secret_key}
ckan.site_id = {_site_id(layout)}
ckan.site_url = {site_url(state)}
ckan.site_title = BCDC dev catalogue
sqlalchemy.url = {state.db_url}
solr_url = http://127.0.0.1:{state.solr_port}/solr/ckan
ckan.redis.url = {state.redis_url}
ckan.storage_path = {layout.storage}
{_version_lines(layout, state)}
{_schema_lines(layout)}
ckan.views.default_views =

ckan.auth.anon_create_dataset = false
ckan.auth.create_unowned_dataset = false
ckan.auth.create_dataset_if_not_in_organization = false
ckan.auth.user_create_groups = false
ckan.auth.user_create_organizations = false
ckan.auth.create_user_via_api = false
ckan.auth.roles_that_cascade_to_sub_groups = admin
ckan.auth.public_user_details = true
ckan.search.solr_commit = true
ckan.search.remove_deleted_packages = true
smtp.server = 127.0.0.1:1

[loggers]
keys = root, ckan, ckanext

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[logger_ckan]
level = WARNING
handlers = console
qualname = ckan
propagate = 0

[logger_ckanext]
level = WARNING
handlers = console
qualname = ckanext
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


WSGI = '''\
"""WSGI entry point for gunicorn (generated by bcdc-importer's dev catalogue)."""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

application = make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
'''


def write_site_files(layout: Layout, state: State) -> None:
    layout.storage.mkdir(parents=True, exist_ok=True)
    layout.ini.write_text(render_ini(layout, state))
    os.chmod(layout.ini, 0o600)
    layout.wsgi.write_text(WSGI)


def ckan(layout: Layout, *args: str, what: str, log: bool = True) -> str:
    """Run the ``ckan`` CLI of the CKAN venv against the dev ini.

    ``log=False`` for calls whose arguments or output hold secrets (passwords, tokens).
    """
    return procs.run(
        [str(layout.bin("ckan")), "-c", str(layout.ini), *args],
        what,
        env=process_env(layout),
        log_path=layout.logs / "setup.log" if log else None,
    )
