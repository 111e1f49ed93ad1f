"""The benchmarks that need no import still run (tiny sizes, one round; the web one
against the dev catalogue): a bench that rots unnoticed gives no figure when one is
needed. Nothing here is timed."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import check_bench, check_floor, edit_bench, read_bench, web_bench


@pytest.mark.parametrize(("main", "argv", "rows"), [
    (check_floor.main, ["--datasets", "12", "--repeat", "1"], [
        r"\| \(a\) raw read, calamine \| \d+\.\d{3} \| 1\.00 \|",
        r"\| \(f\) floor: read \+ trim \+ row dicts \+ sheet XML \| \d+\.\d{3} \| \d+\.\d{2} \|",
        r"\| \(b\) full check \+ report \| \d+\.\d{3} \| \d+\.\d{2} \|",
    ]),
    (check_bench.main, ["--datasets", "12", "--repeat", "1"], [
        r"valid: True; medians of 1:",
        r"\(b\)/\(a\) = \d+\.\d \(target <= 2\); \(b\) = \d+\.\d s \(target < 10 s\)",
    ]),
    (read_bench.main, ["--datasets", "12", "--repeat", "1"], [
        r"\| raw values: python-calamine iter_rows \| \d+\.\d{3} \| 1\.00 \|",
        r"\| read \+ map \+ validate \| \d+\.\d{3} \| \d+\.\d{2} \|",
    ]),
    # the web app checks against its site: this one runs against the dev catalogue
    pytest.param(web_bench.main, ["--datasets", "12", "--repeat", "1", "--concurrent", "2"], [
        r"\(a\) 36 rows .*: CLI check \d+\.\d\d s, web upload -> check page \d+\.\d\d s",
        r"2 at once: 0 failed, p50 \d+\.\d\d s, p95 \d+\.\d\d s",
    ], marks=pytest.mark.ckan),
    (edit_bench.main, ["--datasets", "12", "--repeat", "4"], [
        r"4 edits on 12 datasets x 2 resources \(0 errors, 0 warnings before the edits\):",
        r"POST edit \(save \+ row re-check\): median \d+\.\d{3} s, p95 \d+\.\d{3} s",
        r"POST by kind \(median\): title \d+\.\d{3} s, e-mail \d+\.\d{3} s, name made a "
        r"duplicate \d+\.\d{3} s, name back \d+\.\d{3} s",
    ]),
], ids=["check_floor", "check_bench", "read_bench", "web_bench", "edit_bench"])
def test_bench_runs(main: Callable[[list[str]], int], argv: list[str], rows: list[str],
                    capsys: pytest.CaptureFixture[str], tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("ckan"):
        request.getfixturevalue("ckan_site")  # started (and seeded) as every CKAN test has it
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # read_bench keeps its file
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("machine: ")
    for pattern in rows:
        assert re.search(pattern, out), (pattern, out)
