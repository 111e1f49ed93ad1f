"""The search index and the database share one lifetime.

The Solr stand-in keeps its index under the state home; PostgreSQL may keep its data
elsewhere (as root, under /var/tmp, which a reboot may clear). A database that is new,
or that lost records the index still lists, with the old index beside it, made
``package_search`` answer with records (and organizations) that no longer exist. So:

* a database created by ``up`` starts with an empty index (:func:`clear_index_file`,
  before the stand-in starts and loads it);
* every ``up`` compares the dataset ids in the database with those in the index (as
  ``ckan search-index rebuild`` would make them) and, when they differ, mends the index
  (:func:`mend`).
"""

from __future__ import annotations

import json
import urllib.request
from typing import TextIO
from xml.sax.saxutils import escape

from importer.devcat import ckanenv, procs
from importer.devcat.layout import Layout, State

#: the ids ``ckan search-index rebuild`` indexes: every dataset not deleted.
_DB_IDS = (
    "import sys, json, psycopg2\n"
    "c = psycopg2.connect(sys.argv[1], connect_timeout=10); cur = c.cursor()\n"
    "cur.execute(\"select id from package where state <> 'deleted'\")\n"
    "print(json.dumps(sorted(r[0] for r in cur.fetchall())))\n"
)


def clear_index_file(layout: Layout) -> None:
    """A new database starts with an empty index (call before the stand-in starts)."""
    layout.solr_data.unlink(missing_ok=True)


def database_ids(layout: Layout, state: State) -> set[str]:
    out = procs.run([str(layout.bin("python")), "-c", _DB_IDS, state.db_url],
                    "listing the database's datasets")
    return set(json.loads(out.strip().splitlines()[-1]))


def index_ids(state: State) -> set[str]:
    url = (f"http://127.0.0.1:{state.solr_port}/solr/ckan/select?q=*:*&fl=id"
           "&rows=10000000&wt=json")
    body = procs.http_json(url)
    return {str(d["id"]) for d in body["response"]["docs"] if d.get("id")}


def agrees(layout: Layout, state: State) -> bool:
    """The index lists exactly the database's datasets."""
    return database_ids(layout, state) == index_ids(state)


def mend(layout: Layout, state: State, out: TextIO | None) -> bool:
    """Make the index list exactly the database's datasets; True if it had to change.

    Entries for datasets the database lacks are deleted from the stand-in (CKAN's own
    orphan clearing finds only public records, and a stale index is mostly drafts);
    datasets the index lacks are indexed by ``ckan search-index rebuild --only-missing``.
    """
    in_db, in_index = database_ids(layout, state), index_ids(state)
    if in_db == in_index:
        return False
    stale, missing = sorted(in_index - in_db), in_db - in_index
    for start in range(0, len(stale), 200):
        query = "id:(" + " OR ".join(f'"{i}"' for i in stale[start:start + 200]) + ")"
        _update(state, f"<delete><query>{escape(query)}</query></delete>")
    if stale:
        _update(state, "<commit/>")
    if missing:
        # (2.9's rebuild has no orphan clearing, so no --keep-orphans either)
        keep = [] if layout.variant.ckan == "2.9" else ["--keep-orphans"]
        ckanenv.ckan(layout, "search-index", "rebuild", "--only-missing", *keep, "--quiet",
                     what="ckan search-index rebuild")
    if out is not None:
        out.write(f"the search index did not match the database ({len(stale)} stale, "
                  f"{len(missing)} missing): mended\n")
        out.flush()
    return True


def _update(state: State, xml: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{state.solr_port}/solr/ckan/update", data=xml.encode("utf-8"),
        headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
