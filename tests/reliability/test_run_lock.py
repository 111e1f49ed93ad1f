"""Two runs on one workbook (or one journal): the second does not start.

The first run is stood in for by a process that holds the import's locks (as a running
import does) and sleeps; the second is the real CLI. Killing the holder with SIGKILL
frees the lock at once (the kernel drops it), so a later run is never blocked by a
crashed one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from importer.runlock import Busy, hold, hold_import, lock_file_for
from tests.cli.clirun import run_cli

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "datasets.xlsx"
HOLDER = """
import sys, time
from pathlib import Path
from importer.runlock import hold_import
with hold_import(Path(sys.argv[1]), Path(sys.argv[2]) if sys.argv[2] else None):
    print("held", flush=True)
    time.sleep(120)
"""
#: a port nothing listens on: a run that gets past the lock fails fast on connecting.
CLOSED = "http://127.0.0.1:9"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "datasets.xlsx"
    shutil.copy(SAMPLE, target)
    return target


def _holder(workbook: Path, journal: Path | None) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(workbook), str(journal or "")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


@pytest.fixture
def kill_after() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


def _journal_of(book: Path) -> Path:
    return book.with_name(f"{book.stem}-import-report.journal.jsonl")


def test_journal_path_is_the_one_import_writes(book: Path) -> None:
    from importer.publish.results import default_report_path, journal_path

    assert journal_path(default_report_path(book)) == _journal_of(book)


@pytest.mark.parametrize("which", ["workbook", "journal"])
def test_second_import_of_a_running_workbook_exits_2_with_one_line(
        book: Path, tmp_path: Path, which: str,
        kill_after: list[subprocess.Popen[str]]) -> None:
    # "workbook": the other run has the same file but its own report (another journal);
    # "journal": the other run writes the same journal from a copy of the file
    other = book if which == "workbook" else tmp_path / "copy" / book.name
    if which == "journal":
        other.parent.mkdir()
        shutil.copy(book, other)
    holder = _holder(other, _journal_of(book) if which == "journal" else
                     tmp_path / "elsewhere.journal.jsonl")
    kill_after.append(holder)
    started = time.monotonic()
    result = run_cli("import", book, "--url", CLOSED, env={"CKAN_API_TOKEN": "tok"})
    assert result.returncode == 2, result.stderr
    assert time.monotonic() - started < 30
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        rf"Error: another import of {re.escape(str(other))} is running "
        rf"\(pid {holder.pid}, since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)", lines[0]), lines[0]
    assert not _journal_of(book).exists() or which == "journal"
    assert not book.with_name(f"{book.stem}-import-report.xlsx").exists()


def test_kill_9_of_the_running_import_frees_the_lock(
        book: Path, kill_after: list[subprocess.Popen[str]]) -> None:
    holder = _holder(book, _journal_of(book))
    kill_after.append(holder)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    result = run_cli("import", book, "--url", CLOSED, env={"CKAN_API_TOKEN": "tok"})
    assert result.returncode == 2
    assert "another import" not in result.stderr
    assert result.stderr.startswith(f"Error: cannot reach {CLOSED}")


def test_a_job_folder_is_held_by_one_process_and_the_lock_is_reentrant_after(
        tmp_path: Path) -> None:
    folder = tmp_path / "job-1"
    folder.mkdir()
    assert lock_file_for(folder) == folder / ".lock"
    proc = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from importer.runlock import hold\n"
        "with hold(Path(sys.argv[1]), 'job in ' + sys.argv[2]):\n"
        "    print('held', flush=True); time.sleep(120)\n"), str(folder / ".lock"),
        str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        with pytest.raises(Busy) as caught, hold(lock_file_for(folder), f"job in {folder}"):
            pass
        assert str(caught.value).startswith(f"another job in {folder} is running (pid {proc.pid}")
    finally:
        proc.kill()
        proc.wait()
    with hold(lock_file_for(folder), "job"):  # free again once the holder died
        pass


def test_the_same_process_cannot_run_two_imports_of_one_workbook_at_once(book: Path) -> None:
    with hold_import(book, None), pytest.raises(Busy), hold_import(book, None):
        pass
