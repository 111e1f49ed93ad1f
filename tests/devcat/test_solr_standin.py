"""The Solr stand-in: its query subset and the update/select round trip CKAN relies on."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from importer.devcat.solr_standin import Index, QuerySyntaxError, make_handler, parse_query

DOC = {
    "index_id": "i1", "id": "d1", "name": "roads-2024", "title": "Road Network",
    "notes": "All provincial roads", "tags": ["transport", "roads"], "site_id": "devcat",
    "state": "active", "capacity": "public", "publish_state": "PENDING ARCHIVE",
    "owner_org": "org-a", "permission_labels": ["public", "member-org-a"], "private": False,
}


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("*:*", True),
        ('+site_id:"devcat" +state:active', True),
        ("+capacity:public +state:(active OR draft)", True),
        ('+permission_labels:("member-org-b" OR "public")', True),
        ('+permission_labels:("member-org-b")', False),
        ('publish_state:(PUBLISHED OR "PENDING ARCHIVE")', True),
        ('+(publish_state:("PUBLISHED") OR owner_org:(org-b OR org-c))', False),
        ('+(publish_state:("PUBLISHED") OR owner_org:(org-a))', True),
        ('name:"roads-2024" OR id:"roads-2024"', True),
        ("-state:active", False),
        ("NOT name:roads-2024", False),
        ("road provincial", True),
        ("road bridges", False),
        ("title:road*", True),
        ("name:*", True),
        ("private:false", True),
        ("metadata_created:[* TO *]", False),
        # many exact terms of one field (the importer's look-ups): a set, same answers
        ('name:("a" OR "roads-2024" OR "b")', True),
        ('name:("a" OR "Roads-2024" OR "b")', False),
        ('tags:("bridges" OR "roads")', True),
        ('name:("a" OR "b") OR id:"d1"', True),
        ('name:("a" OR road*)', True),  # a glob among them: no set
        ('name:("a" OR bridge*)', False),
        ('title:("road" OR "x")', True),  # title folds case and contains
        ('title:("bridge" OR "NETWORK")', True),
        ('title:("bridge" OR "tunnel")', False),
        ('title:("bridge" OR road*)', True),  # a glob among them
    ],
)
def test_query_subset(query: str, matches: bool) -> None:
    assert parse_query(query, "text", default_and=True)(DOC) is matches


def test_unbalanced_query_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query("name:(a OR b", "text", True)


@pytest.fixture
def solr(tmp_path: Path) -> Iterator[str]:
    index = Index(str(tmp_path / "index.json"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/solr/ckan"
    server.shutdown()
    server.server_close()
    index.flush()


def _post(url: str, body: bytes, content_type: str) -> Any:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def _get(url: str) -> Any:
    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def test_add_select_facet_delete_round_trip(solr: str) -> None:
    other = dict(DOC, index_id="i2", id="d2", name="lakes", title="Lakes", tags=["water"],
                 owner_org="org-b")
    _post(f"{solr}/update/?commit=true", json.dumps([DOC, other]).encode(), "application/json")
    found = _get(f"{solr}/select/?q=*:*&fq=%2Bstate:active&sort=name+asc&fl=id+name"
                 "&facet=true&facet.field=owner_org&wt=json")
    assert found["response"]["numFound"] == 2
    assert found["response"]["docs"] == [{"id": "d2", "name": "lakes"},
                                         {"id": "d1", "name": "roads-2024"}]
    assert found["facet_counts"]["facet_fields"] == {"owner_org": ["org-a", 1, "org-b", 1]}
    _post(f"{solr}/update/?commit=true",
          b'<delete><query>+site_id:"devcat" AND +(id:"d1" OR name:"d1")</query></delete>',
          "text/xml")
    names = _get(f"{solr}/select/?q=*:*&fl=name&rows=10")["response"]["docs"]
    assert names == [{"name": "lakes"}]


def test_schema_probe_names_a_supported_ckan_schema(solr: str) -> None:
    with urllib.request.urlopen(f"{solr}/schema?wt=schema.xml") as response:
        assert b'name="ckan-2.12"' in response.read()


def test_index_persists_to_its_file(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    index = Index(str(path))
    index.add([DOC])
    index.flush()
    assert Index(str(path)).snapshot() == [DOC]
