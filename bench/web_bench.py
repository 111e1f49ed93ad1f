"""Benchmark of the web app (issue 11): upload -> check page vs the CLI ``check``, and 20
uploads at once.

    python -m bench.web_bench                   # 10,000 datasets x 2 resources, median of 3
    python -m bench.web_bench --datasets 2000 --repeat 3 --concurrent 20

Starts ``bcdc-import serve`` (in-process job pool, loopback only) on a free port, against
the dev catalogue (started if needed: the web app checks against its site), and:

(a) times ``python -m importer check FILE --url SITE`` (a fresh process, as an editor runs it) and
    the web flow (POST the file, wait for the check job, GET the result page), interleaved
    (a, b, a, b, ...) so machine noise hits both alike; goal: web <= 1.5 x CLI;
(b) sends ``--concurrent`` uploads of samples/datasets.xlsx at once (one thread and one
    browser session each, started together; bounded: one request each, 300 s timeout),
    against the same upload alone: failures, p50/p95, and the server's peak memory.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.measure import machine
from bench.workbook import build, size_options
from importer.devcat import manager
from importer.site import TOKEN_ENV

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "datasets.xlsx"
TIMEOUT = 300.0


class Server:
    """``bcdc-import serve`` in a subprocess (the real entry point)."""

    def __init__(self, jobs: Path, site_url: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "importer", "serve", "--url", site_url,
             "--port", "0", "--jobs", str(jobs), "--max-upload-mb", "200"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not found:
            raise SystemExit(f"serve did not start: {line!r}")
        self.url = found.group(1)

    def memory_mb(self, field: str) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        found = re.search(rf"{field}:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def web_check(url: str, path: Path) -> tuple[float, bool]:
    """Seconds from sending the file to the check page shown; whether it all worked."""
    session = requests.Session()
    page = session.get(url, timeout=TIMEOUT).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    start = time.perf_counter()
    with path.open("rb") as fh:
        answer = session.post(url + "upload", data={"csrf_token": token.group(1)},
                              files={"file": (path.name, fh)}, allow_redirects=False,
                              timeout=TIMEOUT)
    if answer.status_code != 303:
        return time.perf_counter() - start, False
    job = url.rstrip("/") + answer.headers["Location"]
    while time.perf_counter() - start < TIMEOUT:
        state = session.get(job + "/status", timeout=TIMEOUT).json()["state"]
        if state not in ("queued", "running"):
            break
        time.sleep(0.05)
    shown = session.get(job, timeout=TIMEOUT)
    ok = shown.status_code == 200 and "Check of" in shown.text
    return time.perf_counter() - start, ok


def cli_check(path: Path, out: Path, site_url: str, token: str) -> float:
    """``bcdc-import check FILE --url SITE``: what the web app's check does (against the
    same site; the token from the environment, as an editor gives it)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "importer", "check", str(path), "--url", site_url,
                    "--report", str(out)], capture_output=True, check=False,
                   timeout=TIMEOUT, env={**os.environ, TOKEN_ENV: token})
    return time.perf_counter() - start


def concurrent(url: str, n: int) -> tuple[list[float], int]:
    times: list[float] = []
    failed = [0]
    barrier = threading.Barrier(n)
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        try:
            seconds, ok = web_check(url, SAMPLE)
        except requests.RequestException:
            seconds, ok = TIMEOUT, False
        with lock:
            times.append(seconds)
            failed[0] += 0 if ok else 1

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 30)
    return times, failed[0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_options(parser, repeat=3)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args(argv)
    # both check against the dev catalogue (the web app checks against its site)
    site = manager.up(out=sys.stderr).site
    print(f"machine: {machine()}; site {site.url}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = build(folder / "bench.xlsx", args.datasets, args.resources_per,
                     orgs=(site.parent_org.name, site.child_org.name))
        rows = args.datasets * (1 + args.resources_per)
        server = Server(folder / "jobs", site.url)
        try:
            web_check(server.url, SAMPLE)  # warm: first page, first imports
            cli_times, web_times = [], []
            for _ in range(args.repeat):
                cli_times.append(cli_check(book, folder / "cli-report.xlsx", site.url,
                                           site.sysadmin_token))
                seconds, ok = web_check(server.url, book)
                if not ok:
                    raise SystemExit("the web check of the benchmark workbook failed")
                web_times.append(seconds)
            cli, web = statistics.median(cli_times), statistics.median(web_times)
            print(f"(a) {rows:,} rows ({book.stat().st_size / 1e6:.1f} MB), median of "
                  f"{args.repeat}: CLI check {cli:.2f} s, web upload -> check page "
                  f"{web:.2f} s, ratio {web / cli:.2f} (goal <= 1.5)")
            alone = [web_check(server.url, SAMPLE)[0] for _ in range(5)]
            times, failed = concurrent(server.url, args.concurrent)
            print(f"(b) {SAMPLE.name} alone: median {statistics.median(alone):.2f} s (5 runs)")
            print(f"    {args.concurrent} at once: {failed} failed, p50 {pct(times, 0.5):.2f} s, "
                  f"p95 {pct(times, 0.95):.2f} s, slowest {max(times):.2f} s")
            print(f"    server memory: peak {server.memory_mb('VmHWM'):.0f} MB, "
                  f"now {server.memory_mb('VmRSS'):.0f} MB")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
