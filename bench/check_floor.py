"""How low can ``check`` go in Python? A lower bound for issue 3's "(b) <= 2 x (a)".

    python -m bench.check_floor                  # 10,000 datasets x 2 resources, 7 rounds
    python -m bench.check_floor --repeat 11

Three measures, interleaved in one process (a, f, b, a, f, b, ...) so machine noise hits
all alike; medians, and the median of the per-round ratios:

(a) the raw read of ``check_bench``: python-calamine, every row of both sheets;
(f) the *floor*: the same read, then only the work no check can skip, each step in the
    cheapest form CPython offers and none of the real rules:
    - trim every text cell and turn every other value into text, once per distinct value
      of a column (a dict memo: a column's repeats cost one lookup);
    - one dict per row (the record a mapper hands to a validator), blanks dropped;
    - the report's copy of the sheet: one ``<row>`` of ``<c>`` elements per row, each
      distinct value of a column escaped once, joined and deflated (level 1);
    no header matching, no field model, no validation, no problems, no styles, no zip;
(b) the real ``check`` (``check_bench.full_check``): read, map, validate, report.

If (f)/(a) is already near or above 2, no pure-Python ``check`` can meet (b) <= 2 (a)
on this machine: (b) does everything (f) does and more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from python_calamine import CalamineWorkbook

from bench.check_bench import full_check, read_raw
from bench.measure import machine
from bench.workbook import build, size_options


def _normaliser(memo: dict[Any, str | None]) -> Callable[[Any], str | None]:
    def norm(value: Any) -> str | None:
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: never from calamine, kept for safety
            return str(value)
        text = value.strip() or None if isinstance(value, str) else str(value)
        memo[value] = text
        return text
    return norm


def _fragmenter(memo: dict[str | None, str]) -> Callable[[str | None], str]:
    def frag(value: str | None) -> str:
        try:
            return memo[value]
        except KeyError:
            text = memo[value] = f'<c t="inlineStr"><is><t>{escape(value or "")}</t></is></c>'
            return text
    return frag


def floor(path: Path) -> int:
    """(f): the unavoidable minimum; returns the compressed size (so nothing is skipped)."""
    book = CalamineWorkbook.from_path(str(path))
    size = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        if len(rows) < 2:
            continue
        header, data = rows[0], rows[1:]
        columns = [list(map(_normaliser({}), col)) for col in zip(*data, strict=True)]
        records = [{k: v for k, v in zip(header, values, strict=True) if v is not None}
                   for values in zip(*columns, strict=True)]
        cells = [list(map(_fragmenter({None: "<c/>"}), col)) for col in columns]
        xml = "".join(f'<row r="{i}">{"".join(row)}</row>'
                      for i, row in enumerate(zip(*cells, strict=True), start=2))
        assert len(records) == len(data)
        size += len(zlib.compress(xml.encode(), 1))
    book.close()
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_options(parser, repeat=7)
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="check-floor-") as tmp:
        work = Path(tmp)
        path = build(work / "bench.xlsx", args.datasets, args.resources_per)
        print(f"workbook: {args.datasets} datasets x (1 + {args.resources_per}) rows, "
              f"{path.stat().st_size / 1e6:.1f} MB")
        times: dict[str, list[float]] = {"a": [], "f": [], "b": []}
        phases: dict[str, list[float]] = {"run_check": [], "report": []}
        steps: dict[str, Callable[[], object]] = {
            "a": lambda: read_raw(path),
            "f": lambda: floor(path),
            "b": lambda: full_check(path, work / "report.xlsx", phases),
        }
        for _ in range(args.repeat):
            for key, step in steps.items():
                start = time.perf_counter()
                step()
                times[key].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        ratio_f = statistics.median(f / a for f, a in zip(times["f"], times["a"], strict=True))
        ratio_b = statistics.median(b / a for b, a in zip(times["b"], times["a"], strict=True))
        print(f"medians of {args.repeat} interleaved rounds:")
        print("| measure | median s | ÷ (a), median of rounds |")
        print("|---|---:|---:|")
        print(f"| (a) raw read, calamine | {med['a']:.3f} | 1.00 |")
        print(f"| (f) floor: read + trim + row dicts + sheet XML | {med['f']:.3f} | "
              f"{ratio_f:.2f} |")
        print(f"| (b) full check + report | {med['b']:.3f} | {ratio_b:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
