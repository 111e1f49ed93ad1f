"""Export speed: exporting N records (2 resources each) vs just fetching them.

"A small multiple of fetching": both are measured in the same run, alternating, and the
medians compared. Fetch = paging ``package_search`` for the organization (what every
export must do); export = :func:`importer.export.run.export_records` end to end (fetch,
look-ups, reverse mapping, template workbook, save). The map and write stages are also
timed alone, from the fetched packages, to show where the time goes.

Usage (the dev catalogue, or any CKAN with the BC schema and a sysadmin token)::

    python -m importer.devcat up
    python -m bench.export_bench                      # uses the dev catalogue's seed
    python -m bench.export_bench --url URL --org ORG  # token from CKAN_API_TOKEN

The first run creates ``--records`` records in a dedicated organization (``bench-export``)
with ``--workers`` parallel ``package_create`` calls; later runs reuse them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.measure import machine, timed
from importer.check import run_check
from importer.errors import ImporterError
from importer.export.fetch import Selection, fetch
from importer.export.run import export_records, lookups_for, map_rows
from importer.export.write import build_export_workbook
from importer.map.resolve import OfflineResolver
from importer.map.reverse import required_counts
from importer.schema import build_layout, load_from_site
from importer.site import NotFound, Site
from importer.template.lists import ChoiceLists

BENCH_ORG = "bench-export"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url, token = args.url, os.environ.get("CKAN_API_TOKEN")
    if url is None:
        from importer.devcat.layout import Layout, default_home
        from importer.devcat.seed import Seed

        seed = Seed.load(Layout(default_home()).seed_file)
        if seed is None:
            print("no --url and no dev catalogue seed: run `python -m importer.devcat up`")
            return 2
        url, token = seed.url, seed.sysadmin_token
    site = Site(url, token, pool_size=args.workers)
    org = _ensure_records(site, args.org, args.records, args.workers)
    schema = load_from_site(site, "bcdc_dataset", url)
    lists = ChoiceLists.from_site(site)
    selection = Selection(orgs=(org,))
    times: dict[str, list[float]] = {
        "fetch": [], "export": [], "map": [], "write": [], "check": [], "names_fetch": [],
        "names_export": []}
    out_dir = Path(tempfile.mkdtemp(prefix="export-bench-"))
    packages: list[dict[str, Any]] = []
    for i in range(args.repeat):
        seconds, fetched = timed(lambda: fetch(site, selection, "bcdc_dataset"))
        times["fetch"].append(seconds)
        packages = fetched.packages
        out = out_dir / f"export-{i}.xlsx"
        times["export"].append(timed(
            lambda out=out: export_records(site, selection, out, schema, lists, force=True))[0])
        layout = build_layout(schema, counts=required_counts(packages, schema), include_ids=True)
        seconds, rows = timed(
            lambda layout=layout, packages=packages: map_rows(
                packages, layout, lookups_for(lists, packages)))
        times["map"].append(seconds)
        times["write"].append(timed(lambda layout=layout, rows=rows: build_export_workbook(
            layout, lists, rows.datasets, rows.resources, rows.notes).save(
                out_dir / "write-only.xlsx"))[0])
        times["check"].append(timed(lambda layout=layout: run_check(
            out_dir / "write-only.xlsx", layout, resolver=OfflineResolver()))[0])
        by_name = Selection(names=tuple(p["name"] for p in packages))
        times["names_fetch"].append(timed(lambda s=by_name: fetch(site, s, "bcdc_dataset"))[0])
        times["names_export"].append(timed(lambda s=by_name, out=out: export_records(
            site, s, out, schema, lists, force=True))[0])
    resources = sum(len(p.get("resources") or []) for p in packages)
    _report(args, len(packages), resources, times)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.export_bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="CKAN site (default: the running dev catalogue)")
    p.add_argument("--org", default=BENCH_ORG, help="organization to fill and export")
    p.add_argument("--records", type=int, default=500)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--workers", type=int, default=4)
    return p


def _ensure_records(site: Site, org: str, records: int, workers: int) -> str:
    """The id of ``org`` (created if absent), holding at least ``records`` records."""
    try:
        org_id = str(site.call("organization_show", id=org)["id"])
    except NotFound:
        org_id = str(site.call("organization_create", name=org, title="Export bench")["id"])
    found = site.call("package_search", fq=f'owner_org:"{org_id}"', rows=0,
                      include_private=True, include_drafts=True)["count"]
    todo = range(int(found), records)
    if todo:
        print(f"creating {len(todo)} records in {org} ...", file=sys.stderr)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda i: site.call("package_create", **_record(i, org_id)), todo))
    return org_id


def _record(i: int, org_id: str) -> dict[str, Any]:
    resource = {
        "url": f"https://example.gov.bc.ca/bench/{i}.csv", "bcdc_type": "document",
        "resource_update_cycle": "monthly", "format": "csv",
        "resource_storage_location": "web or ftp site", "resource_type": "data",
        "resource_access_method": "direct access",
        "temporal_extent": [{"beginning_date": "2020-01-01", "end_date": "2023-12-31"}],
    }
    return {
        "type": "bcdc_dataset", "name": f"bench-export-{i:04d}",
        "title": f"Bench export record {i}", "owner_org": org_id, "publish_state": "DRAFT",
        "notes": "A record for the export benchmark.\n\nTwo resources.", "license_id": "2",
        "contacts": [{"name": "Bench Inbox", "email": "bench@example.gov.bc.ca",
                      "org": org_id, "role": "pointOfContact", "displayed": ["displayed"]}],
        "security_class": "PUBLIC", "view_audience": "Public", "download_audience": "Public",
        "metadata_visibility": "Public", "private": False, "tag_string": "bench,export",
        "resource_status": "onGoing",
        "more_info": [{"description": "Program page", "url": "https://www2.gov.bc.ca/"}],
        "dates": [{"type": "Created", "date": "2024-05-01"}],
        "resources": [dict(resource, name="Download CSV"),
                      dict(resource, name="Download CSV (copy)", format="xlsx")],
    }


def _report(args: argparse.Namespace, records: int, resources: int,
            times: dict[str, list[float]]) -> None:
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"machine: {platform.node()}; {machine()}")
    print(f"records={records} resources={resources} repeat={args.repeat} (medians, seconds)")
    print("--org (package_search, 1,000 a page):")
    print(f"  fetch only                         {med['fetch']:7.2f}")
    print(f"  export (fetch+map+write+save)      {med['export']:7.2f}"
          f"   = {med['export'] / med['fetch']:.1f}x fetch")
    print(f"    map only (reverse mapping)       {med['map']:7.2f}")
    print(f"    write only (workbook + save)     {med['write']:7.2f}")
    print(f"    self-check only (read + check)   {med['check']:7.2f}")
    print("--names (package_show each, 8 threads):")
    print(f"  fetch only                         {med['names_fetch']:7.2f}")
    print(f"  export                             {med['names_export']:7.2f}"
          f"   = {med['names_export'] / med['names_fetch']:.1f}x fetch")


def run(argv: list[str] | None = None) -> int:
    """``main`` with run-stopping errors as one line (no traceback), like the CLI."""
    try:
        return main(argv)
    except ImporterError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(run())
