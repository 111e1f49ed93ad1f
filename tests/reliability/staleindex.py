"""Put the dev catalogue in the state a reboot left it in: the search index lists records
(in an organization) that the database no longer has.

The records are created for real, their index entries copied from the Solr stand-in,
the records purged (which drops them from the index too), and the copies put back with
their organization replaced by one that does not exist: exactly what the database wiped
under an old index looks like to ``package_search``.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest
import requests

from importer.devcat.layout import Layout, State, default_home
from importer.devcat.testsite import CkanSite


def solr_base() -> str:
    """The stand-in's core URL (only the dev catalogue has one)."""
    import os

    if os.environ.get("CKAN_URL"):
        pytest.skip("needs the dev catalogue's Solr stand-in (CKAN_URL is set)")
    state = State.load(Layout(default_home()).state_file)
    return f"http://127.0.0.1:{state.solr_port}/solr/ckan"


def index_docs(names: list[str]) -> list[dict[str, Any]]:
    fq = "name:(" + " OR ".join(f'"{n}"' for n in names) + ")"
    query = urllib.parse.urlencode({"q": "*:*", "fq": fq, "rows": 10000, "wt": "json"})
    with urllib.request.urlopen(f"{solr_base()}/select?{query}", timeout=30) as resp:
        docs: list[dict[str, Any]] = json.loads(resp.read())["response"]["docs"]
    return docs


def index_names(names: list[str]) -> list[str]:
    return sorted(str(d["name"]) for d in index_docs(names))


def _post(body: Any) -> None:
    request = urllib.request.Request(f"{solr_base()}/update?commit=true",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        resp.read()


def purge(site: CkanSite, names: list[str]) -> None:
    for name in names:
        r = requests.post(f"{site.url}/api/3/action/dataset_purge", json={"id": name},
                          headers={"Authorization": site.sysadmin_token}, timeout=60)
        assert r.status_code in (200, 404), r.text


def make_stale(site: CkanSite, names: list[str]) -> str:
    """Purge the records ``names`` from the database and leave their index entries
    behind, moved to an organization that does not exist (returned: its id)."""
    docs = index_docs(names)
    assert sorted(d["name"] for d in docs) == sorted(names)
    gone_org = str(uuid.uuid4())
    purge(site, names)
    stale = []
    for doc in docs:
        text = json.dumps(doc).replace(str(doc["owner_org"]), gone_org)
        text = text.replace(f'"{doc["organization"]}"', '"a-deleted-org"')
        stale.append(json.loads(text))
    _post(stale)
    return gone_org


def drop_from_index(names: list[str]) -> None:
    """The opposite drift: records the database has and the index lost."""
    _post({"delete": {"query": "name:(" + " OR ".join(f'"{n}"' for n in names) + ")"}})


def shown(site: CkanSite, name: str) -> dict[str, Any] | None:
    r = requests.post(f"{site.url}/api/3/action/package_show", json={"id": name},
                      headers={"Authorization": site.sysadmin_token}, timeout=60)
    body = r.json()
    return body["result"] if body.get("success") else None
