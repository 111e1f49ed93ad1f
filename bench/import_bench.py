"""Import throughput, side by side, against the same dev catalogue (issue 5, bench).

    python -m bench.import_bench [--rows 500] [--rounds 3] [--workers 3] [--importer-only]

(a) ``rows`` new datasets with 2 resources each, created by: this importer (plan + send,
    ``import_records``), ``ckanapi load datasets`` (the same create bodies as JSON lines,
    at its best ``-p`` among 1-4), and a bare loop of the same ``package_create`` calls
    on one keep-alive session at the same concurrency as the importer;
(b) the importer re-importing the same rows, all unchanged;
(c) the importer's own CPU time per row (process CPU during its runs / rows).

``--importer-only`` runs (b) and (c) alone (the importer's create, then its re-import),
with the requests the re-import made: the reliability work (issue 13) confirms rows about
to be updated with ``package_show``; rows found unchanged trust search and cost nothing.

Contenders alternate in rounds (importer, bare loop, ckanapi) so drift of the shared
machine hits them alike; medians are reported. Every run uses its own name prefix, so
nothing collides. The dev catalogue is started if needed (``importer.devcat``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from bench.measure import machine
from importer.devcat import manager
from importer.publish.plan import create_body
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client, Transport
from importer.records import DatasetRecord, ResourceRecord
from importer.schema import build_layout, load_bundled

LAYOUT = build_layout(load_bundled(), include_ids=True)


def records(prefix: str, n: int, org: str) -> list[DatasetRecord]:
    """``n`` valid records as the mapper makes them, 2 resources each."""
    out = []
    for i in range(1, n + 1):
        pkg = {
            "title": f"{prefix} Bench Dataset {i}", "name": f"{prefix}-bench-{i}",
            "owner_org": org, "publish_state": "DRAFT", "notes": f"Bench dataset {i}.",
            "license_id": "2",
            "contacts": [{"name": "Inbox", "email": "inbox@gov.bc.ca", "org": org,
                          "role": "pointOfContact", "displayed": ["displayed"]}],
            "security_class": "PUBLIC", "view_audience": "Public",
            "download_audience": "Public", "metadata_visibility": "Public",
            "private": False, "tags": [{"name": "bench"}, {"name": f"t{i % 9}"}],
            "resource_status": "onGoing",
            "dates": [{"type": "Created", "date": "2024-05-01"}],
        }
        rec = DatasetRecord("datasets", i + 1, pkg)
        for k in (1, 2):
            rec.resources.append(ResourceRecord("resources", 2 * i + k - 1, pkg["name"], {
                "name": f"Resource {k}", "url": f"https://example.gov.bc.ca/{i}/{k}.csv",
                "bcdc_type": "document", "resource_update_cycle": "monthly",
                "format": "csv", "resource_storage_location": "web or ftp site",
                "resource_type": "data", "resource_access_method": "direct access"}))
        out.append(rec)
    return out


def run_importer(url: str, token: str, recs: list[DatasetRecord], workers: int,
                 expect: str, requests_made: dict[str, int] | None = None
                 ) -> tuple[float, float]:
    client = Client(Transport(url, token, pool_size=workers + 2))
    cpu0, t0 = time.process_time(), time.perf_counter()
    result = import_records(recs, client, LAYOUT, ImportOptions(workers=workers))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    client.transport.close()
    if requests_made is not None:
        requests_made.update(client.transport.counts)
    bad = [o for o in result.outcomes if o.status.value != expect]
    if bad:
        raise SystemExit(f"importer: {len(bad)} rows not {expect}: {bad[0].message}")
    return wall, cpu


def run_bare(url: str, token: str, bodies: list[dict[str, Any]], workers: int) -> float:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=workers + 2)
    session.mount("http://", adapter)
    headers = {"Authorization": token, "Content-Type": "application/json"}

    def create(body: dict[str, Any]) -> None:
        r = session.post(f"{url}/api/3/action/package_create", data=json.dumps(body),
                         headers=headers, timeout=120)
        if r.status_code != 200:
            raise SystemExit(f"bare loop: HTTP {r.status_code} {r.text[:200]}")

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create, bodies))
    return time.perf_counter() - t0


def run_ckanapi(url: str, token: str, bodies: list[dict[str, Any]], processes: int,
                tmp: Path) -> float:
    jsonl = tmp / f"load-{uuid.uuid4().hex[:6]}.jsonl"
    jsonl.write_text("".join(json.dumps(b) + "\n" for b in bodies))
    exe = Path(sys.executable).with_name("ckanapi")
    cmd = [str(exe), "load", "datasets", "-I", str(jsonl), "-p", str(processes), "-q",
           "-r", url, "-a", token]
    t0 = time.perf_counter()
    env = dict(os.environ, PATH=f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"ckanapi load failed ({proc.returncode}): {proc.stderr[-300:]}")
    return wall


def count(url: str, token: str, prefix: str) -> int:
    r = requests.post(f"{url}/api/3/action/package_search", json={
        "q": f"name:{prefix}*", "rows": 0, "include_private": True, "include_drafts": True},
        headers={"Authorization": token}, timeout=60)
    return int(r.json()["result"]["count"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--reset", action="store_true",
                    help="empty the dev catalogue first (its search stand-in slows as it grows)")
    ap.add_argument("--importer-only", action="store_true",
                    help="only the importer's create and re-import (b, c)")
    args = ap.parse_args(argv)
    site = (manager.reset(out=sys.stderr) if args.reset else manager.up(out=sys.stderr)).site
    url, token, org = site.url, site.sysadmin_token, site.child_org.id
    n, w = args.rows, args.workers
    print(f"machine: {machine()}; site {url}; {n} datasets x 2 resources; workers {w}")
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))

    def fresh(tag: str) -> tuple[str, list[DatasetRecord]]:
        prefix = f"b{tag}{uuid.uuid4().hex[:6]}"
        return prefix, records(prefix, n, org)

    if args.importer_only:
        return importer_only(url, token, org, n, w, args.rounds)
    # ckanapi: find its best -p first (one run each)
    p_times = {}
    for p in (1, 2, 3, 4):
        prefix, recs = fresh("c")
        p_times[p] = run_ckanapi(url, token, [create_body(r, LAYOUT) for r in recs], p, tmp)
        assert count(url, token, prefix) == n, "ckanapi did not create every dataset"
        print(f"  ckanapi load -p {p}: {p_times[p]:.2f} s ({n / p_times[p]:.1f} datasets/s)")
    best_p = min(p_times, key=lambda p: p_times[p])
    imp, imp_cpu, again, again_cpu, bare, ck = [], [], [], [], [], [p_times[best_p]]
    for rnd in range(args.rounds):
        prefix, recs = fresh("i")
        wall, cpu = run_importer(url, token, recs, w, "created")
        imp.append(wall)
        imp_cpu.append(cpu)
        wall2, cpu2 = run_importer(url, token, recs, w, "unchanged")
        again.append(wall2)
        again_cpu.append(cpu2)
        assert count(url, token, prefix) == n
        prefix, recs = fresh("l")
        bare.append(run_bare(url, token, [create_body(r, LAYOUT) for r in recs], w))
        if rnd:  # round 0's ckanapi figure is the -p search above
            prefix, recs = fresh("c")
            ck.append(run_ckanapi(url, token, [create_body(r, LAYOUT) for r in recs],
                                  best_p, tmp))
        print(f"  round {rnd + 1}: importer {imp[-1]:.2f} s, re-import {again[-1]:.2f} s, "
              f"bare loop {bare[-1]:.2f} s, ckanapi -p {best_p} {ck[-1]:.2f} s")
    m_imp, m_again, m_bare, m_ck = (statistics.median(x) for x in (imp, again, bare, ck))
    print(f"(a) create {n} datasets x 2 resources (median of {args.rounds}):")
    print(f"    importer           {m_imp:7.2f} s  {n / m_imp:6.1f} datasets/s")
    print(f"    bare package_create{m_bare:7.2f} s  {n / m_bare:6.1f} datasets/s "
          f"(importer = {m_bare / m_imp:.2f}x its throughput; target >= 0.9)")
    print(f"    ckanapi load -p {best_p}  {m_ck:7.2f} s  {n / m_ck:6.1f} datasets/s "
          f"(importer = {m_ck / m_imp:.2f}x its throughput; target >= 1)")
    print(f"(b) re-import, all unchanged: {m_again:.2f} s = {100 * m_again / m_imp:.1f}% "
          "of the first import (target <= 10%)")
    per_row = statistics.median(imp_cpu) / n * 1000
    per_row2 = statistics.median(again_cpu) / n * 1000
    print(f"(c) importer CPU per row: {per_row:.2f} ms creating, {per_row2:.2f} ms re-import")
    return 0


def importer_only(url: str, token: str, org: str, n: int, w: int, rounds: int) -> int:
    imp, again, made = [], [], {}
    for rnd in range(rounds):
        prefix = f"bi{uuid.uuid4().hex[:6]}"
        recs = records(prefix, n, org)
        imp.append(run_importer(url, token, recs, w, "created")[0])
        again.append(run_importer(url, token, recs, w, "unchanged", made)[0])
        assert count(url, token, prefix) == n
        print(f"  round {rnd + 1}: importer {imp[-1]:.2f} s, re-import {again[-1]:.2f} s")
    m_imp, m_again = statistics.median(imp), statistics.median(again)
    print(f"(b) create {n}: {m_imp:.2f} s; re-import, all unchanged: {m_again:.2f} s = "
          f"{100 * m_again / m_imp:.1f}% of the first import (target <= 10%); "
          f"re-import requests: {dict(sorted(made.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
