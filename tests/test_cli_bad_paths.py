"""Nasty invocations of every command through ``python -m importer``: a missing file, a
folder or a named pipe where a file belongs, an output in a folder that does not exist, a
site where nothing listens, a web server that is not CKAN, a URL that is not one. Each must
end as exactly one ``Error: ...`` line on stderr and exit 2: no traceback, no hang, nothing
on stdout, nothing written over (a named pipe stays a pipe, even with --force)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.fakeckan import serve_handler

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "tok-nasty-0123456789"
DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens there
SPECIAL_IN = ("{tmp}/fifo is not a regular file (a named pipe or a device): save it as a "
              "file and give that file")
SPECIAL_OUT = ("cannot write {tmp}/fifo: it is a named pipe or a device, not a file; choose a "
               "file name")
OK = "{tmp}/ok.xlsx"
ORG = ["--org", "x"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A plain web server (Python's own file server): answers GET, 501 to POST, no CKAN."""
    folder = tmp_path_factory.mktemp("www")
    (folder / "index.html").write_text("<html>Welcome</html>")
    with serve_handler(lambda *a: _Quiet(*a, directory=str(folder))) as url:
        yield url


@pytest.fixture()
def tmp(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "samples" / "datasets.xlsx", tmp_path / "ok.xlsx")
    (tmp_path / "adir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    return tmp_path


CASES = [
    # template
    (["template", "-o", "{tmp}/adir"],
     "Invalid value for '-o' / '--output': File '{tmp}/adir' is a directory."),
    (["template", "-o", "{tmp}/fifo", "--force"], SPECIAL_OUT),
    (["template", "-o", "{tmp}/t.xlsx", "--url", DEAD], f"cannot reach {DEAD}: ConnectionError"),
    (["template", "-o", "{tmp}/t.xlsx", "--url", "{web}"],  # (first asks for its types)
     "{web} is not a CKAN API (scheming_dataset_schema_list answered HTTP 501, not JSON)"),
    # check
    (["check", "{tmp}/missing.xlsx"], "{tmp}/missing.xlsx: no such file"),
    (["check", "{tmp}/adir"], "{tmp}/adir is a directory, not a workbook"),
    (["check", "{tmp}/fifo"], SPECIAL_IN),
    (["check", OK, "--report", "{tmp}/nodir/r.xlsx"],
     "cannot write {tmp}/nodir/r.xlsx: no such folder {tmp}/nodir"),
    (["check", OK, "--report", "{tmp}/adir"],
     "Invalid value for '--report': File '{tmp}/adir' is a directory."),
    (["check", OK, "--no-report", "--json", "{tmp}/fifo", "--force"], SPECIAL_OUT),
    (["check", OK, "--no-report", "--url", DEAD], f"cannot reach {DEAD}: ConnectionError"),
    (["check", OK, "--no-report", "--url", "{web}"],
     "{web} is not a CKAN API (scheming_dataset_schema_show answered HTTP 501, not JSON)"),
    (["check", OK, "--no-report", "--url", "ftp://x"],
     "'ftp://x' is not a site URL (expected https://host)"),
    # import
    (["import", "{tmp}/missing.xlsx", "--url", DEAD], "{tmp}/missing.xlsx: no such file"),
    (["import", "{tmp}/adir", "--url", DEAD],
     "Invalid value for 'FILE': File '{tmp}/adir' is a directory."),
    (["import", "{tmp}/fifo", "--url", DEAD], SPECIAL_IN),
    (["import", OK, "--url", DEAD, "--report", "{tmp}/nodir/r.xlsx"],
     "cannot write {tmp}/nodir/r.xlsx: no such folder {tmp}/nodir"),
    (["import", OK, "--url", DEAD, "--report", "{tmp}/fifo", "--force"], SPECIAL_OUT),
    (["import", OK, "--url", DEAD],
     f"cannot reach {DEAD} (connection refused, unknown host or no answer to connect; "
     "2 attempts)"),
    (["import", OK, "--url", "{web}"],
     "{web} answered status_show with HTTP 501 and no CKAN error (is this a CKAN API?)"),
    # export
    (["export", "--url", DEAD, *ORG, "-o", "{tmp}/nodir/e.xlsx"],
     "cannot write {tmp}/nodir/e.xlsx: the folder {tmp}/nodir does not exist"),
    (["export", "--url", DEAD, *ORG, "-o", "{tmp}/adir", "--force"], "{tmp}/adir is a directory"),
    (["export", "--url", DEAD, *ORG, "-o", "{tmp}/fifo", "--force"], SPECIAL_OUT),
    (["export", "--url", DEAD, *ORG, "-o", "{tmp}/e.xlsx"],
     f"cannot reach {DEAD}: ConnectionError"),
    (["export", "--url", "{web}", *ORG, "-o", "{tmp}/e.xlsx"],
     "{web} is not a CKAN API (license_list answered HTTP 501, not JSON)"),
    (["export", "--url", "not-a-url", *ORG, "-o", "{tmp}/e.xlsx"],
     "'not-a-url' is not a site URL (expected https://host)"),
    (["export", "--url", DEAD, "--names", "{tmp}/missing.txt", "-o", "{tmp}/e.xlsx"],
     "cannot read the names file {tmp}/missing.txt: No such file or directory"),
    (["export", "--url", DEAD, "--names", "{tmp}/adir", "-o", "{tmp}/e.xlsx"],
     "cannot read the names file {tmp}/adir: Is a directory"),
    (["export", "--url", DEAD, "--names", "{tmp}/fifo", "-o", "{tmp}/e.xlsx"],
     "cannot read the names file: " + SPECIAL_IN),
    (["export", "--url", DEAD, "--names", OK, "-o", "{tmp}/e.xlsx"],
     "cannot read the names file {tmp}/ok.xlsx: it is not UTF-8 text (one name or id a line)"),
    # demo (refused before the dev catalogue is started)
    (["demo", "--file", "{tmp}/missing.xlsx"],
     "{tmp}/missing.xlsx: no such file (run the demo from the project folder)"),
    (["demo", "--file", "{tmp}/adir"],
     "Invalid value for '--file': File '{tmp}/adir' is a directory."),
    (["demo", "--file", "{tmp}/fifo"], SPECIAL_IN),
]


@pytest.mark.parametrize(("args", "message"), CASES,
                         ids=[" ".join(a)[:60] for a, _ in CASES])
def test_one_line_and_exit_2(tmp: Path, web: str, args: list[str], message: str) -> None:
    names = {"tmp": str(tmp), "web": web}
    proc = subprocess.run(
        [sys.executable, "-m", "importer", *[a.format(**names) for a in args]],
        cwd=tmp, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, "CKAN_API_TOKEN": TOKEN}, check=False)
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    assert proc.stderr == f"Error: {message.format(**names)}\n"
    assert TOKEN not in proc.stderr
    assert stat.S_ISFIFO((tmp / "fifo").stat().st_mode)  # never replaced, never read
    assert sorted(p.name for p in tmp.iterdir()) == ["adir", "fifo", "ok.xlsx"]
