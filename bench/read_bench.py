"""Reader benchmark: which library reads a filled workbook fastest, and what the core
check (read + map + validate) costs on top.

    python -m bench.read_bench                  # 10,000 datasets, 2 resources each
    python -m bench.read_bench --datasets 2000 --repeat 3
    /usr/bin/time -v python -m bench.read_bench --datasets 33334 --core-only --repeat 1

Each measurement is the median of ``--repeat`` runs, all in one process, side by side, so
ratios are meaningful on a shared, noisy machine. The workbook is written once with
openpyxl's write-only mode (``bench/workbook.py``) and cached in the temp directory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.measure import machine
from bench.workbook import build, size_options
from importer.map.forward import map_rows
from importer.map.resolve import OfflineResolver
from importer.read import read_workbook
from importer.schema import build_layout, load_bundled
from importer.schema.columns import DATASETS_SHEET, RESOURCES_SHEET
from importer.validate import validate

SHEETS = (DATASETS_SHEET, RESOURCES_SHEET)


def raw_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    n = 0
    with CalamineWorkbook.from_path(str(path)) as wb:
        for sheet in SHEETS:
            for row in wb.get_sheet_by_name(sheet).iter_rows():
                n += len(row)
    return n


def raw_pandas(path: Path) -> int:
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=list(SHEETS), engine="calamine", header=None,
                           dtype=object)
    return sum(f.size for f in frames.values())


def raw_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for sheet in SHEETS:
        for row in wb[sheet].iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def median_time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time of this process (the machine is shared: CPU
    time is less disturbed by other processes)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_options(parser)
    parser.add_argument("--core-only", action="store_true",
                        help="only read + map + validate (for /usr/bin/time -v)")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}; median of {args.repeat}")
    layout = build_layout(load_bundled())
    path = Path(tempfile.gettempdir()) / (
        f"bcdc-bench-read-{args.datasets}x{args.resources_per}.xlsx")
    if not path.exists():
        start = time.perf_counter()
        build(path, args.datasets, args.resources_per, layout)
        print(f"built {path} in {time.perf_counter() - start:.1f} s")
    rows = args.datasets * (1 + args.resources_per)
    print(f"workbook: {args.datasets} datasets + {args.datasets * args.resources_per} "
          f"resources = {rows} rows, {path.stat().st_size / 1e6:.1f} MB")

    def core() -> int:
        read = read_workbook(path, layout)
        mapped = map_rows(read, read.layout, OfflineResolver())
        problems = validate(mapped.records, read.layout)
        assert not problems, problems[:3]
        return len(mapped.records)

    results: list[tuple[str, tuple[float, float]]] = []
    if not args.core_only:
        results += [
            ("raw values: python-calamine iter_rows", median_time(lambda: raw_calamine(path),
                                                                  args.repeat)),
            ("raw values: pandas read_excel (calamine)", median_time(lambda: raw_pandas(path),
                                                                     args.repeat)),
            ("raw values: openpyxl read_only", median_time(lambda: raw_openpyxl(path),
                                                           args.repeat)),
        ]
        read = read_workbook(path, layout)
        mapped = map_rows(read, read.layout, OfflineResolver())
        results += [
            ("read_workbook (normalised rows)", median_time(
                lambda: read_workbook(path, layout), args.repeat)),
            ("map_rows", median_time(
                lambda: map_rows(read, read.layout, OfflineResolver()), args.repeat)),
            ("validate", median_time(lambda: validate(mapped.records, read.layout),
                                     args.repeat)),
        ]
        del read, mapped
    results.append(("read + map + validate", median_time(core, args.repeat)))
    raw = [t for name, t in results if name.startswith("raw")]
    fastest = min(raw) if raw else None
    print()
    print("| step | wall s (median) | x fastest raw | CPU s (median) | x fastest raw |")
    print("|---|---:|---:|---:|---:|")
    for name, (wall, cpu) in results:
        rw = f"{wall / fastest[0]:.2f}" if fastest else "-"
        rc = f"{cpu / fastest[1]:.2f}" if fastest else "-"
        print(f"| {name} | {wall:.3f} | {rw} | {cpu:.3f} | {rc} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
