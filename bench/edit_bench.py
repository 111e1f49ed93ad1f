"""Benchmark of one cell edit in the web grid (issue 15, item 2): the server time of
``POST /jobs/<id>/edits`` on the 10,000-row benchmark upload, i.e. saving the edit and
checking the file again with every edit applied, then the check page.

    python -m bench.edit_bench                  # 10,000 datasets x 2 resources, 7 edits
    python -m bench.edit_bench --datasets 2000 --repeat 5

The app runs in this process (Flask's test client, jobs run in the request, as in
tests/web), so the time is the server's own (no browser, no network); median and p95.
"""

from __future__ import annotations

import argparse
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

    def submit(self, job_id: str, token: str | None) -> None:
        run_job(self.store, job_id, token)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    size_options(parser, repeat=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp) / "bench.xlsx", args.datasets, args.resources_per)
        app = create_app(Settings(site_url="http://127.0.0.1:9", jobs_dir=Path(tmp) / "jobs",
                                  secret_key=b"b" * 32), make_runner=SyncRunner)
        client = app.test_client()
        token = _csrf(client.get("/").get_data(as_text=True))
        with path.open("rb") as fh:
            first = client.post("/upload", data={"csrf_token": token, "file": (fh, path.name)},
                                content_type="multipart/form-data", follow_redirects=True)
        job = first.request.path
        times = []
        for i in range(args.repeat):
            started = time.perf_counter()
            answer = client.post(f"{job}/edits", data={"csrf_token": token,
                                                       "cell": "datasets!A2",
                                                       "value": f"Edited title {i}"})
            assert answer.status_code == 303, answer.status_code
            page = client.get(answer.headers["Location"])
            assert page.status_code == 200
            times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"machine: {machine()}")
    print(f"one edit on {args.datasets} datasets x {args.resources_per} resources "
          f"(save + full re-check + page), {args.repeat} edits: "
          f"median {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
          f"min {times[0]:.2f} s")


if __name__ == "__main__":
    main()
