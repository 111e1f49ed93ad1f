"""Benchmark of one cell edit in the web grid (issue 15, item 2): the server time of
``POST /jobs/<id>/edits`` on the 10,000-row benchmark upload (the edit saved and its row
re-checked, :mod:`importer.recheck`), and of the check page that follows (``GET``).

    python -m bench.edit_bench --repeat 20          # 10,000 datasets x 2 resources
    python -m bench.edit_bench --repeat 20 --mistakes 7   # a workbook with ~4,000 problems
    python -m bench.edit_bench --datasets 2000 --repeat 5

The edits cycle through kinds that cost differently: a title (checked across rows for
duplicates), an e-mail (its row only), a URL name made a duplicate of another row's and
back (the resource rows of the dataset lose and find their dataset again). The app runs in
this process (Flask's test client; jobs run in the request, as in tests/web), so the time
is the server's own (no browser, no network); median and p95 of each.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.measure import machine
from bench.workbook import build, size_options
from importer.web import Settings, create_app
from importer.web.jobs import JobStore
from importer.web.tasks import run_job


class SyncRunner:
    def __init__(self, store: JobStore):
        self.store = store
        self.jobs = 0

    def submit(self, job_id: str, token: str | None) -> None:
        self.jobs += 1
        run_job(self.store, job_id, token)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


#: (kind, cell, value) of the edits, cycled through
KINDS = [("title", "datasets!A{row}", "Edited title {i}"),
         ("e-mail", "datasets!I{row}", "someone{i}@gov.bc.ca"),
         ("name made a duplicate", "datasets!B{row}", "benchmark-dataset-000000"),
         ("name back", "datasets!B{row}", "benchmark-dataset-{d:06d}")]


def edits(n: int) -> list[tuple[str, str, str]]:
    """``n`` edits (kind, cell, value) cycling through :data:`KINDS`, each round on
    another row."""
    out = []
    for i in range(n):
        kind, cell, value = KINDS[i % len(KINDS)]
        row = 3 + (i // len(KINDS)) % 50
        out.append((kind, cell.format(row=row), value.format(i=i, d=row - 2)))
    return out


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    size_options(parser, repeat=20)
    parser.add_argument("--mistakes", type=int, default=0,
                        help="about one row in N gets a wrong value (bench.workbook)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp) / "bench.xlsx", args.datasets, args.resources_per,
                     mistakes=args.mistakes)
        # no site: the check uses the bundled schema, offline (a check against a site keeps
        # its answers with the check state: an edit asks the site nothing either way)
        app = create_app(Settings(site_url="", jobs_dir=Path(tmp) / "jobs",
                                  secret_key=b"b" * 32), make_runner=SyncRunner)
        client = app.test_client()
        token = _csrf(client.get("/").get_data(as_text=True))
        with path.open("rb") as fh:
            first = client.post("/upload", data={"csrf_token": token, "file": (fh, path.name)},
                                content_type="multipart/form-data", follow_redirects=True)
        job = first.request.path
        problems = re.search(r"(\d+) errors?,\s+(\d+) warnings?", first.get_data(as_text=True))
        posts, gets, full_pages = [], [], []
        by_kind: dict[str, list[float]] = {}
        for kind, cell, value in edits(args.repeat):
            started = time.perf_counter()
            answer = client.post(f"{job}/edits", data={"csrf_token": token, "cell": cell,
                                                       "value": value})
            posts.append(time.perf_counter() - started)
            by_kind.setdefault(kind, []).append(posts[-1])
            assert answer.status_code == 303, answer.status_code
            started = time.perf_counter()
            page = client.get(answer.headers["Location"])
            gets.append(time.perf_counter() - started)
            assert page.status_code == 200
            assert "Check of" in page.get_data(as_text=True)
            started = time.perf_counter()  # a page of 50 rows, whatever their problems
            page = client.get(f"{job}?sheet=datasets&show=all&page=2")
            full_pages.append(time.perf_counter() - started)
            assert page.status_code == 200
        runner = app.extensions["bcdc_importer"].runner
        assert runner.jobs == 1, "an edit ran a job: the row was not re-checked in the request"
    both = [p + g for p, g in zip(posts, gets, strict=True)]
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{args.repeat} edits on {args.datasets} datasets x {args.resources_per} resources"
          f" ({' '.join(problems.group(0).split()) if problems else '?'} before the edits):")
    for name, times in (("POST edit (save + row re-check)", posts),
                        ("GET check page after it", gets), ("both", both),
                        ("GET a page of 50 rows (show=all)", full_pages)):
        print(f"  {name}: median {statistics.median(times):.3f} s, p95 {_p95(times):.3f} s,"
              f" max {max(times):.3f} s")
    status = Path("/proc/self/status")
    if status.is_file():  # Linux: the peak and current memory of this (server) process
        mem = dict(line.split(":", 1) for line in status.read_text().splitlines())
        print(f"  memory: peak {mem['VmHWM'].strip()}, now {mem['VmRSS'].strip()}")
    print("  POST by kind (median): " + ", ".join(
        f"{kind} {statistics.median(times):.3f} s" for kind, times in by_kind.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
