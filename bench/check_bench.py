"""Benchmark of ``bcdc-import check`` (issue 3): raw read vs full check with report.

    python -m bench.check_bench                 # 10,000 datasets x 2 resources, median of 5
    python -m bench.check_bench --datasets 2000 --repeat 3
    python -m bench.check_bench --memory        # also peak RSS of the CLI on ~100,000 rows

Measured side by side in one run, interleaved (a, b, a, b, ...) so machine noise hits
both alike:

(a) the raw cell values alone, with the fastest reader available (python-calamine
    iterating every row of both sheets);
(b) the full check as ``check`` does it: read, map, validate, write the report workbook;
    its phases (run_check, report) timed apart to show where time goes.

Targets (issue 3): (b) / (a) <= 2; (b) < 10 s; peak memory on 100,000 rows < 300 MB,
measured with ``/usr/bin/time -v python -m importer check big.xlsx``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from bench.measure import machine, timed
from bench.workbook import build, size_options
from importer.check import run_check
from importer.report.outputs import Outputs, write_check_outputs
from importer.schema import build_layout, load_bundled


def read_raw(path: Path) -> int:
    """(a): every cell value of every sheet, with calamine; returns the cell count."""
    book = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    return cells


def full_check(path: Path, out: Path, phases: dict[str, list[float]]) -> bool:
    """(b): the library calls ``check`` makes, timing run_check and the report apart."""
    layout = build_layout(load_bundled())
    start = time.perf_counter()
    result = run_check(path, layout)
    middle = time.perf_counter()
    summary = write_check_outputs(result, Outputs(path, out, None, force=True),
                                  created="bench")
    end = time.perf_counter()
    phases["run_check"].append(middle - start)
    phases["report"].append(end - middle)
    return summary.valid


def peak_memory(path: Path, out: Path) -> tuple[int, float, int]:
    """(peak RSS in MB, wall seconds, exit code) of the CLI, via /usr/bin/time -v."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "importer", "check", str(path),
           "--report", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if not match:
        raise SystemExit(f"/usr/bin/time gave no peak memory:\n{proc.stderr[-2000:]}")
    return int(match.group(1)) // 1024, wall, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_options(parser)
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak memory of the CLI on --memory-rows rows")
    parser.add_argument("--memory-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        work = Path(tmp)
        path = build(work / "bench.xlsx", args.datasets, args.resources_per)
        rows = args.datasets * (1 + args.resources_per)
        print(f"workbook: {args.datasets} datasets + {args.datasets * args.resources_per} "
              f"resources = {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
        raw: list[float] = []
        full: list[float] = []
        phases: dict[str, list[float]] = {"run_check": [], "report": []}
        valid = True
        for _ in range(args.repeat):
            raw.append(timed(lambda: read_raw(path))[0])
            start = time.perf_counter()
            valid = full_check(path, work / "report.xlsx", phases)
            full.append(time.perf_counter() - start)
        a, b = statistics.median(raw), statistics.median(full)
        print(f"valid: {valid}; medians of {args.repeat}:")
        print("| measure | median s | all runs |")
        print("|---|---|---|")
        print(f"| (a) raw read, calamine | {a:.2f} | {' '.join(f'{x:.2f}' for x in raw)} |")
        print(f"| (b) full check + report | {b:.2f} | {' '.join(f'{x:.2f}' for x in full)} |")
        for name, values in phases.items():
            print(f"| (b) of which {name} | {statistics.median(values):.2f} | "
                  f"{' '.join(f'{x:.2f}' for x in values)} |")
        print(f"(b)/(a) = {b / a:.1f} (target <= 2); (b) = {b:.1f} s (target < 10 s)")
        if args.memory:
            datasets = -(-args.memory_rows // (1 + args.resources_per))
            big = build(work / "big.xlsx", datasets, args.resources_per)
            peak, wall, code = peak_memory(big, work / "big-report.xlsx")
            print(f"memory: {datasets} datasets x {1 + args.resources_per} rows = "
                  f"{datasets * (1 + args.resources_per)} rows: peak RSS {peak} MB "
                  f"(target < 300 MB), wall {wall:.1f} s, exit {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
