"""Undo against the import it takes back, side by side on the same dev catalogue (issue 14).

    python -m bench.undo_bench [--rows 100] [--rounds 3] [--workers 3]

Each round, with fresh names: ``rows`` records are created (setup, not timed); then (a)
one import, journal on, patches those ``rows`` records (notes, contacts, keywords, one
resource changed, one resource added) and creates ``rows`` new ones with 2 resources;
(b) ``undo`` of that import's journal puts everything back (patches restored, added
resources and created records deleted); (c) ``undo`` again, with nothing to do. Medians of
the wall times, the ratios undo/import, and the journal's bytes per row (the pre-images'
cost on disk). The dev catalogue is started if needed (``importer.devcat``).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

from bench.import_bench import LAYOUT, records
from bench.measure import machine, timed
from importer.devcat import manager
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client, Transport
from importer.records import DatasetRecord, ResourceRecord
from importer.undo import UndoOptions, read_import_journal, undo_rows


def _changed(recs: list[DatasetRecord]) -> list[DatasetRecord]:
    out = []
    for rec in recs:
        pkg = copy.deepcopy(rec.package)
        pkg["notes"] = f"{pkg['notes']} Changed."
        pkg["contacts"] = [dict(pkg["contacts"][0], email="changed@gov.bc.ca")]
        pkg["tags"] = [{"name": "bench"}, {"name": "changed"}]
        new = DatasetRecord(rec.sheet, rec.row, pkg)
        new.resources = [ResourceRecord(r.sheet, r.row, r.dataset_name, dict(r.resource))
                         for r in rec.resources]
        new.resources[0].resource["url"] += "?v=2"
        new.resources.append(ResourceRecord("resources", 10_000 + rec.row, pkg["name"],
                                            {**new.resources[1].resource, "name": "Added"}))
        out.append(new)
    return out


def one_round(url: str, token: str, org: str, n: int, w: int,
              folder: Path) -> tuple[float, float, float, float]:
    """(import s, undo s, undo-again s, journal bytes per row) of one round, checked."""
    prefix = "u" + uuid.uuid4().hex[:8]
    client = Client(Transport(url, token, pool_size=w + 2))
    try:
        first = records(prefix, 2 * n, org)
        import_records(first[:n], client, LAYOUT, ImportOptions(workers=w))
        journal = folder / f"{prefix}.journal.jsonl"
        batch = _changed(first[:n]) + first[n:]
        opts = ImportOptions(workers=w, journal_path=journal)
        t_import, imported = timed(lambda: import_records(batch, client, LAYOUT, opts,
                                                          workbook_sha256=prefix))
        assert imported.counts == {"updated": n, "created": n}, imported.counts
        own = UndoOptions(workers=w, journal_path=folder / f"{prefix}.undo.jsonl")
        t_undo, undone = timed(lambda: undo_rows(read_import_journal(journal), client,
                                                 LAYOUT, own))
        assert undone.counts == {"undone": 2 * n}, undone.counts
        t_again, again = timed(lambda: undo_rows(read_import_journal(journal), client,
                                                 LAYOUT, own))
        assert again.counts == {"nothing to do": 2 * n}, again.counts
        return t_import, t_undo, t_again, journal.stat().st_size / (2 * n)
    finally:
        client.transport.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args(argv)
    site = manager.up(out=sys.stderr).site
    print(machine())
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            runs.append(one_round(site.url, site.sysadmin_token, site.child_org.id,
                                  args.rows, args.workers, Path(tmp)))
            t_import, t_undo, t_again, _size = runs[-1]
            print(f"  round: import {t_import:.2f} s, undo {t_undo:.2f} s, "
                  f"again {t_again:.2f} s", file=sys.stderr)
    imp, und, again, size = (statistics.median(col) for col in zip(*runs, strict=True))
    print(f"rows: {args.rows} patched + {args.rows} created, workers {args.workers}, "
          f"{args.rounds} rounds (medians)")
    print(f"(a) import (journal on)        {imp:7.2f} s")
    print(f"(b) undo of it                 {und:7.2f} s  = {und / imp:.2f}x the import")
    print(f"(c) undo again, nothing to do  {again:7.2f} s  = {again / imp:.2f}x the import")
    print(f"journal bytes per row          {size:7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
