"""Dev catalogue variants: each has its own state folder, database and port; the default
(2.12/bc) keeps exactly the paths it had before variants existed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from importer.cli import cli
from importer.devcat import manager, services, variant
from importer.devcat.errors import DevCatalogueError, MissingPrerequisite
from importer.devcat.layout import Layout
from importer.devcat.variant import CKAN29, DEFAULT, STOCK, Variant

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.mark.parametrize(
    ("spec", "site", "venv", "db", "lock"),
    [
        (DEFAULT, "site", f"venvs/ckan2.12-scheming3.1-py{PY}", "ckan_devcat", ".lock"),
        (CKAN29, "variants/ckan2.9-bc/site", "venvs/ckan2.9-scheming3.0-py3.9",
         "ckan_devcat_ckan2_9_bc", "variants/ckan2.9-bc/.lock"),
        (STOCK, "variants/ckan2.12-stock/site", f"venvs/ckan2.12-scheming3.1-py{PY}",
         "ckan_devcat_ckan2_12_stock", "variants/ckan2.12-stock/.lock"),
    ],
)
def test_each_variant_has_its_own_site_db_and_lock(
    tmp_path: Path, spec: Variant, site: str, venv: str, db: str, lock: str
) -> None:
    layout = Layout(tmp_path, spec)
    assert layout.site == tmp_path / site
    assert layout.venv == tmp_path / venv
    assert services.db_name(layout) == db
    assert layout.lock == tmp_path / lock


@pytest.mark.parametrize(
    ("env", "spec", "port"),
    [
        ("5105", DEFAULT, 5105), ("5105", CKAN29, 5115), ("5105", STOCK, 5125),
        ("", DEFAULT, 5055), ("", CKAN29, 5065), ("", STOCK, 5075),
    ],
)
def test_port_is_the_default_port_plus_the_variant_offset(
    monkeypatch: pytest.MonkeyPatch, env: str, spec: Variant, port: int
) -> None:
    monkeypatch.setenv("BCDC_DEVCAT_PORT", env)
    assert manager._requested_port(spec) == port


@pytest.mark.parametrize(
    ("ckan", "schema", "message"),
    [
        ("2.10", "bc", "unknown CKAN version '2.10': use one of 2.12, 2.9"),
        ("2.9", "dcat", "unknown schema flavour 'dcat': use one of bc, stock"),
    ],
)
def test_unknown_variant_is_a_one_line_error(ckan: str, schema: str, message: str) -> None:
    with pytest.raises(DevCatalogueError) as caught:
        Variant(ckan, schema)
    assert str(caught.value) == message


def test_cli_refuses_an_unknown_version() -> None:
    """Through the project's root command (invoking the sub-group as a root would make
    click cache a ``--help``-only help option on it, and docs/cli.md would differ)."""
    result = CliRunner().invoke(cli, ["dev-catalogue", "status", "--ckan", "2.10"])
    assert result.exit_code == 2
    assert "Invalid value for '--ckan': '2.10' is not one of '2.12', '2.9'." in result.output


def test_no_python39_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BCDC_DEVCAT_PYTHON39", raising=False)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setattr(variant.shutil, "which", lambda name: None)
    monkeypatch.setattr(variant.Path, "home", lambda: tmp_path)
    with pytest.raises(MissingPrerequisite) as caught:
        variant.find_python("3.9")
    assert str(caught.value) == (
        "CKAN 2.9 needs Python 3.9, and none was found (tried $BCDC_DEVCAT_PYTHON39, "
        "python3.9 on PATH, pyenv's versions). Install one, e.g. `pyenv install 3.9` or "
        "`apt-get install python3.9 python3.9-venv python3.9-dev`, or set "
        "BCDC_DEVCAT_PYTHON39 to its path."
    )


def test_python39_override_must_really_be_39(monkeypatch: pytest.MonkeyPatch) -> None:
    """``$BCDC_DEVCAT_PYTHON39`` pointing at another version is not taken on trust."""
    monkeypatch.setenv("BCDC_DEVCAT_PYTHON39", sys.executable)
    monkeypatch.setattr(variant.shutil, "which", lambda name: None)
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    monkeypatch.setattr(variant.Path, "home", lambda: Path("/nonexistent"))
    if PY == "3.9":
        pytest.skip("the running interpreter is 3.9")
    with pytest.raises(MissingPrerequisite):
        variant.find_python("3.9")
