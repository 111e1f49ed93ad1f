"""Time the whole ``template`` command, start-up included, as a user runs it.

    python -m bench.template_bench [--runs N]
    python -m bench.template_bench --python .venv/bin/python --python /tmp/bare/bin/python

Runs ``python -m importer template -o <tmp>/t.xlsx --force`` (and the ``--example``
variant) N times each, interleaved, and prints the median, min and max wall time, plus the
bare interpreter start-up measured in the same loop for comparison. Target: < 2 s.
With ``--python`` given more than once, every case runs under each interpreter (each a
virtualenv with the project installed), interleaved, to compare installs side by side.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import machine, timed


def _time(cmd: list[str]) -> float:
    return timed(lambda: subprocess.run(cmd, check=True, capture_output=True))[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="interpreter to run the cases with (repeatable; default: this one)")
    args = parser.parse_args(argv)
    pythons: list[str] = args.python or [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "t.xlsx")
        cases: dict[str, list[str]] = {}
        for python in pythons:
            label = f"[{python}] " if len(pythons) > 1 else ""
            cases |= {
                f"{label}python -c pass (interpreter start-up)": [python, "-c", "pass"],
                f"{label}python -m importer --version": [python, "-m", "importer", "--version"],
                f"{label}python -m importer template -o t.xlsx --force":
                    [python, "-m", "importer", "template", "-o", out, "--force"],
                f"{label}python -m importer template -o t.xlsx --force --example":
                    [python, "-m", "importer", "template", "-o", out, "--force",
                     "--example"],
            }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for cmd in cases.values():  # warm the file cache once
            _time(cmd)
        for _ in range(args.runs):
            for name, cmd in cases.items():  # interleaved: noise hits every case alike
                times[name].append(_time(cmd))
    print(f"machine: {machine()}")
    print(f"runs per case: {args.runs} (interleaved)")
    width = max(len(name) for name in times)
    print(f"{'case':{width}} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(f"{name:{width}} {statistics.median(values):8.3f} {min(values):8.3f} "
              f"{max(values):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
