"""The ``check`` benchmark of two versions side by side (before/after a change).

    python -m bench.check_compare --before 4312755          # that commit vs this checkout
    python -m bench.check_compare --before main --datasets 2000 --repeat 3
    python -m bench.check_compare --before main --mistakes 7   # a workbook with errors

With ``--mistakes N`` about one row in N has a wrong or odd value (``bench.workbook``),
and the problems found by both versions (every field of every problem) and the report
workbooks they write (every part) are compared.

The ``--before`` revision is exported with ``git archive`` into a temporary folder; each
measurement runs in a fresh interpreter (as ``bcdc-import check`` does), alternating
before, after, before, after, ... on the same workbook, so machine noise hits both alike.
Each run times, in that process: (a) the raw read with calamine, (b) the full check with
its report, as ``bench.check_bench`` does, and the phases of (b). Medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from bench.check_bench import machine
from bench.workbook import build, size_options

#: one measurement, run with PYTHONPATH pointing at the version measured; only uses API
#: present in every version since the report writer was merged.
_ONCE = r"""
import json, sys, time
from pathlib import Path
from python_calamine import CalamineWorkbook
import importer
from importer.check import run_check
from importer.report.outputs import Outputs, write_check_outputs
from importer.schema import build_layout, load_bundled

path, out = Path(sys.argv[1]), Path(sys.argv[2])
t0 = time.perf_counter()
book = CalamineWorkbook.from_path(str(path))
for name in book.sheet_names:
    for row in book.get_sheet_by_name(name).iter_rows():
        pass
t1 = time.perf_counter()
layout = build_layout(load_bundled())
t2 = time.perf_counter()
result = run_check(path, layout)
t3 = time.perf_counter()
summary = write_check_outputs(result, Outputs(path, out, None, force=True), created="bench")
t4 = time.perf_counter()
if len(sys.argv) > 3:
    Path(sys.argv[3]).write_text(json.dumps([p.to_dict() for p in result.problems], default=str))
print(json.dumps({"raw": t1 - t0, "full": t4 - t1, "schema": t2 - t1, "run_check": t3 - t2,
                  "report": t4 - t3, "valid": summary.valid, "problems": len(result.problems),
                  "module": importer.__file__}))
"""

_KEYS = ("raw", "full", "schema", "run_check", "report")


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (this repository) as files under ``into``."""
    archive = into / "before.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", "--format=tar", rev], stdout=fh, check=True)
    tree = into / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def once(tree: Path, workbook: Path, out: Path, problems: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.run([sys.executable, "-c", _ONCE, str(workbook), str(out), str(problems)],
                          capture_output=True, text=True, env=env, check=False, cwd=tree)
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed in {tree}:\n{proc.stderr[-3000:]}")
    data: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    module = str(data.pop("module"))
    if not module.startswith(str(tree)):
        raise SystemExit(f"measured {module}, not the version in {tree}")
    return data


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision to compare with")
    size_options(parser)
    parser.add_argument("--mistakes", type=int, default=0,
                        help="spoil about one row in N (0: a valid workbook)")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parent.parent
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="check-compare-") as tmp:
        work = Path(tmp)
        trees = {"before": export(args.before, work), "after": here}
        path = build(work / "bench.xlsx", args.datasets, args.resources_per,
                     mistakes=args.mistakes)
        print(f"workbook: {args.datasets} datasets x (1 + {args.resources_per}) rows, "
              f"{path.stat().st_size / 1e6:.1f} MB; before = {args.before}, after = {here}")
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                runs[name].append(once(tree, path, work / f"report-{name}.xlsx",
                                       work / f"problems-{name}.json"))
        for name in trees:
            found = {(r["valid"], r["problems"]) for r in runs[name]}
            print(f"{name}: valid, problems = {sorted(found)}")
        same = ((work / "problems-before.json").read_text()
                == (work / "problems-after.json").read_text())
        print(f"problems identical (code, message, cell, value, ...): {same}")
        print("report workbooks identical (every part): "
              f"{_parts(work / 'report-before.xlsx') == _parts(work / 'report-after.xlsx')}")
        print(f"medians of {args.repeat} runs each, alternating (seconds):")
        print("| measure | before | after |")
        print("|---|---:|---:|")
        med = {n: {k: statistics.median(r[k] for r in runs[n]) for k in _KEYS} for n in trees}
        labels = {"raw": "(a) raw read, calamine", "full": "(b) full check + report",
                  "schema": "(b) of which schema load + layout",
                  "run_check": "(b) of which run_check (read, map, validate)",
                  "report": "(b) of which the report"}
        for key in _KEYS:
            print(f"| {labels[key]} | {med['before'][key]:.3f} | {med['after'][key]:.3f} |")
        ratios = {n: statistics.median(r["full"] / r["raw"] for r in runs[n]) for n in trees}
        print(f"| (b)/(a), median of per-run ratios | {ratios['before']:.2f} | "
              f"{ratios['after']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
