"""A stand-in for Solr, NOT Solr: just enough of Solr's HTTP API for CKAN 2.12's dev catalogue.

Why this exists: CKAN 2.12 indexes every dataset in Solr inside ``package_create`` and
answers ``package_search`` from Solr, and Solr cannot be installed from the package
registries this project may use. This module is a small, stdlib-only HTTP server that
speaks the slice of Solr's API that CKAN uses (read from ``ckan/lib/search/`` and pysolr):

* ``GET|POST .../select``: ``q``, ``fq`` (repeated), ``rows``, ``start``, ``sort``, ``fl``,
  ``facet.field`` (+ ``facet.limit``, ``facet.mincount``), ``wt=json``. The query language is
  a small Lucene subset: ``*:*``, ``field:value``, ``field:"phrase"``, ``field:(a OR b)``,
  ``field:*``, ``field:[a TO b]``, ``+``/``-``/``NOT`` prefixes, ``AND``/``OR``, parentheses.
  Terms without a field are a case-insensitive "contains" over name, title, notes, tags
  and text. There is no scoring: ``score`` sorts are ignored.
* ``POST .../update``: JSON array of docs (pysolr's add), XML ``<add>``, ``<delete>`` by
  ``<id>`` or ``<query>``, ``<commit/>``, ``<optimize/>``. Docs replace by ``index_id``
  (CKAN's Solr uniqueKey).
* ``GET .../schema?wt=schema.xml`` and ``.../admin/file/?file=schema.xml``: a schema stub
  named ``ckan-2.12`` so CKAN's start-up version check passes; ``.../admin/ping``.

The index persists to one JSON file (written atomically, debounced, and on SIGTERM).

Behaviour that depends on Solr's analysers (stemming, relevance, tokenisation) is NOT
reproduced. Tests that need real search behaviour should run against a real CKAN: set
``CKAN_URL`` (see docs/dev-catalogue.md).

Run: ``python solr_standin.py --port 8983 --data /path/index.json``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Doc = dict[str, Any]
Matcher = Callable[[Doc], bool]

#: the schema name CKAN's start-up check reads (``ckan-X.Y``); CKAN 2.9 accepts 2.8-2.10 only.
DEFAULT_SCHEMA_NAME = "ckan-2.12"


def schema_xml(name: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" ?>\n<schema name="{name}" version="1.6"/>\n'
TEXT_FIELDS = ("name", "title", "notes", "tags", "text", "res_name", "res_description")
CASE_INSENSITIVE_FIELDS = frozenset({"text", "title", "notes", "res_name", "res_description"})
TOKEN_RE = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<phrase>"(?:[^"\\]|\\.)*")'
    r"|(?P<range>[\[{][^\]}]*[\]}])|(?P<word>(?:[^\s()\"\\]|\\.)+))"
)


class QuerySyntaxError(ValueError):
    """A query the stand-in cannot parse; answered with HTTP 400 like Solr would."""


# --------------------------------------------------------------------------- values


def _as_list(value: Any) -> list[Any]:
    """Solr fields can be single- or multi-valued; treat both as a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _as_text(value: Any) -> str:
    """Render a stored value the way Solr would compare it (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unescape(text: str) -> str:
    """Drop Lucene backslash escapes (``\\:`` -> ``:``)."""
    return re.sub(r"\\(.)", r"\1", text)


def _doc_values(doc: Doc, field_name: str) -> list[str]:
    """All values of a field, or of the text catch-all when the field is ``text``."""
    if field_name == "text":
        values: list[str] = []
        for name in TEXT_FIELDS:
            values.extend(_as_text(v) for v in _as_list(doc.get(name)))
        return values
    return [_as_text(v) for v in _as_list(doc.get(field_name))]


# --------------------------------------------------------------------------- query parser


@dataclass
class _Clause:
    occur: str  # "must", "should" or "not"
    matcher: Matcher


@dataclass
class _Parser:
    """Recursive-descent parser for the Lucene subset described in the module docstring."""

    tokens: list[tuple[str, str]]
    default_field: str
    default_and: bool
    pos: int = 0
    clauses_stack: list[list[_Clause]] = field(default_factory=list)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse_query(self, field_name: str) -> Matcher:
        """Parse clauses until ``)`` or the end; combine them with Lucene occur rules."""
        clauses: list[_Clause] = []
        pending_op: str | None = None
        while (tok := self.peek()) is not None and tok[0] != "rp":
            kind, text = tok
            if kind == "word" and text in ("AND", "&&", "OR", "||"):
                self.take()
                pending_op = "and" if text in ("AND", "&&") else "or"
                if clauses and pending_op == "and" and clauses[-1].occur == "should":
                    clauses[-1].occur = "must"
                continue
            occur = "must" if self.default_and else "should"
            if pending_op == "and":
                occur = "must"
            elif pending_op == "or":
                occur = "should"
                if clauses and clauses[-1].occur == "must" and self.default_and:
                    clauses[-1].occur = "should"
            pending_op = None
            occur, matcher = self.parse_clause(field_name, occur)
            clauses.append(_Clause(occur, matcher))
        return _combine(clauses)

    def parse_clause(self, field_name: str, occur: str) -> tuple[str, Matcher]:
        kind, text = self.take()
        if kind == "word" and text == "NOT":
            _, inner = self.parse_clause(field_name, occur)
            return "not", inner
        if kind == "word" and text[:1] in "+-" and len(text) > 1:
            self.tokens[self.pos - 1] = ("word", text[1:])
            self.pos -= 1
            _, inner = self.parse_clause(field_name, occur)
            return ("must" if text[0] == "+" else "not"), inner
        if kind == "word" and text in "+-" and self.peek() is not None:
            _, inner = self.parse_clause(field_name, occur)
            return ("must" if text == "+" else "not"), inner
        if kind == "lp":
            inner = self.parse_query(field_name)
            self.expect_rp()
            return occur, inner
        if kind == "word":
            return occur, self.parse_word(field_name, text)
        if kind == "phrase":
            return occur, _term_matcher(field_name, _unescape(text[1:-1]), phrase=True)
        if kind == "range":
            return occur, _range_matcher(field_name, text)
        raise QuerySyntaxError(f"unexpected token {text!r}")

    def parse_word(self, field_name: str, text: str) -> Matcher:
        """A bare term, or ``field:`` followed by a term, phrase, range or group."""
        match = re.match(r"^((?:[^:\\]|\\.)+):(.*)$", text)
        if match is None:
            return _term_matcher(field_name, _unescape(text))
        sub_field, rest = _unescape(match.group(1)), match.group(2)
        if rest:
            if sub_field == "*" and rest == "*":
                return lambda doc: True
            return _term_matcher(sub_field, _unescape(rest))
        nxt = self.peek()
        if nxt is None:
            raise QuerySyntaxError(f"missing value after {text!r}")
        kind, value = self.take()
        if kind == "phrase":
            return _term_matcher(sub_field, _unescape(value[1:-1]), phrase=True)
        if kind == "range":
            return _range_matcher(sub_field, value)
        if kind == "lp":
            inner = self.parse_query(sub_field)
            self.expect_rp()
            return inner
        return _term_matcher(sub_field, _unescape(value))

    def expect_rp(self) -> None:
        tok = self.peek()
        if tok is None or tok[0] != "rp":
            raise QuerySyntaxError("unbalanced parentheses")
        self.take()


def _combine(clauses: list[_Clause]) -> Matcher:
    """Lucene BooleanQuery semantics: all MUST, no NOT, and one SHOULD if no MUST."""
    must = [c.matcher for c in clauses if c.occur == "must"]
    should = [c.matcher for c in clauses if c.occur == "should"]
    nots = [c.matcher for c in clauses if c.occur == "not"]
    if not must and not nots and len(should) > 1:
        # ``name:("a" OR "b" ...)``: one set look-up a value, as an inverted index
        # answers it, instead of one call a term (the importer asks 50-100 at once);
        # ``title:("A" OR "B" ...)``: each value folded once, not once a term
        exact = [m for m in should if isinstance(m, _Exact)]
        if len(exact) == len(should) and len({m.field for m in exact}) == 1:
            return _AnyOf(exact[0].field, frozenset(m.value for m in exact))
        within = [m for m in should if isinstance(m, _Contains)]
        if len(within) == len(should) and len({m.field for m in within}) == 1:
            return _Contains(within[0].field, tuple(w for m in within for w in m.wanted))

    def matcher(doc: Doc) -> bool:
        if any(m(doc) for m in nots):
            return False
        if not all(m(doc) for m in must):
            return False
        if should and not must:
            return any(m(doc) for m in should)
        return True

    return matcher


@dataclass(frozen=True)
class _Exact:
    """``field:value`` on a field compared exactly (no case folding, no glob)."""

    field: str
    value: str

    def __call__(self, doc: Doc) -> bool:
        return any(stored == self.value for stored in _doc_values(doc, self.field))


@dataclass(frozen=True)
class _Contains:
    """``field:value`` (or several values, any of them) on a case-folded text field: a
    stored value matches when it contains one of ``wanted`` (lower case)."""

    field: str
    wanted: tuple[str, ...]

    def __call__(self, doc: Doc) -> bool:
        for stored in _doc_values(doc, self.field):
            candidate = stored.lower()
            if any(w in candidate for w in self.wanted):
                return True
        return False


@dataclass(frozen=True)
class _AnyOf:
    """``field:(a OR b ...)`` of exact terms."""

    field: str
    values: frozenset[str]

    def __call__(self, doc: Doc) -> bool:
        return any(stored in self.values for stored in _doc_values(doc, self.field))


def _term_matcher(field_name: str, value: str, phrase: bool = False) -> Matcher:
    """Match one value: exact for string fields, contains for text fields, globs with ``*``."""
    insensitive = field_name in CASE_INSENSITIVE_FIELDS
    if value == "*" and not phrase:
        return lambda doc: any(v != "" for v in _doc_values(doc, field_name))
    wanted = value.lower() if insensitive else value
    is_glob = not phrase and ("*" in value or "?" in value)
    if not is_glob:
        return _Contains(field_name, (wanted,)) if insensitive else _Exact(field_name, value)

    def matcher(doc: Doc) -> bool:  # a glob
        return any(fnmatch.fnmatchcase(stored.lower() if insensitive else stored, wanted)
                   for stored in _doc_values(doc, field_name))

    return matcher


def _range_matcher(field_name: str, text: str) -> Matcher:
    """``[a TO b]`` (inclusive) or ``{a TO b}`` (exclusive), compared as strings or numbers."""
    parts = text[1:-1].split(" TO ")
    if len(parts) != 2:
        raise QuerySyntaxError(f"bad range {text!r}")
    low, high = (_unescape(p.strip().strip('"')) for p in parts)
    inclusive = text[0] == "["

    def in_range(value: str) -> bool:
        key: Callable[[str], Any] = _sort_key
        if low not in ("*", "") and (key(value) < key(low) or (not inclusive and value == low)):
            return False
        return high in ("*", "", "NOW") or not (
            key(value) > key(high) or (not inclusive and value == high)
        )

    return lambda doc: any(in_range(v) for v in _doc_values(doc, field_name))


def _sort_key(value: str) -> Any:
    """Numbers compare numerically, everything else as text (ISO dates sort correctly)."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def parse_query(query: str, default_field: str = "text", default_and: bool = True) -> Matcher:
    """Compile a Lucene-subset query string into a predicate over documents."""
    query = query.strip()
    if query in ("", "*:*", "*"):
        return lambda doc: True
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        match = TOKEN_RE.match(query, pos)
        if match is None or match.end() == pos:
            if query[pos:].strip() == "":
                break
            raise QuerySyntaxError(f"cannot parse query at {query[pos:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    parser = _Parser(tokens, default_field, default_and)
    matcher = parser.parse_query(default_field)
    if parser.pos != len(tokens):
        raise QuerySyntaxError("unbalanced parentheses")
    return matcher


# --------------------------------------------------------------------------- index


class Index:
    """The documents, keyed by ``index_id``, with a debounced atomic JSON persistence."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.docs: dict[str, Doc] = {}
        self.dirty = False
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                self.docs = json.load(handle).get("docs", {})

    def add(self, docs: list[Doc]) -> None:
        with self.lock:
            for doc in docs:
                key = str(doc.get("index_id") or doc.get("id"))
                self.docs[key] = doc
            self.dirty = True

    def delete_ids(self, ids: list[str]) -> None:
        with self.lock:
            for doc_id in ids:
                self.docs.pop(doc_id, None)
            self.dirty = True

    def delete_query(self, query: str) -> None:
        matcher = parse_query(query)
        with self.lock:
            self.docs = {k: d for k, d in self.docs.items() if not matcher(d)}
            self.dirty = True

    def snapshot(self) -> list[Doc]:
        with self.lock:
            return list(self.docs.values())

    def flush(self) -> None:
        """Write the index if it changed; tmp file + rename so a crash never half-writes."""
        with self.lock:
            if not self.dirty:
                return
            payload = json.dumps({"docs": self.docs})
            self.dirty = False
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, self.path)


# --------------------------------------------------------------------------- select


def _params_list(params: dict[str, list[str]], name: str) -> list[str]:
    return [v for v in params.get(name, []) if v != ""]


def _param(params: dict[str, list[str]], name: str, default: str) -> str:
    values = params.get(name)
    return values[0] if values else default


def _first_value_key(name: str) -> Callable[[Doc], Any]:
    return lambda doc: _sort_key(_doc_values(doc, name)[0])


def _sort_docs(docs: list[Doc], sort: str) -> list[Doc]:
    """Apply ``field asc|desc, ...``; missing values last, ``score`` ignored (no ranking)."""
    specs = [s.strip().split() for s in sort.split(",") if s.strip()]
    for spec in reversed(specs):
        name = spec[0]
        descending = len(spec) > 1 and spec[1].lower() == "desc"
        if name == "score":
            continue
        present = [d for d in docs if _doc_values(d, name)]
        missing = [d for d in docs if not _doc_values(d, name)]
        present.sort(key=_first_value_key(name), reverse=descending)
        docs = present + missing
    return docs


def _facets(docs: list[Doc], params: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Solr's flat ``[value, count, value, count]`` facet lists, most frequent first."""
    limit = int(_param(params, "facet.limit", "50"))
    mincount = int(_param(params, "facet.mincount", "0"))
    result: dict[str, list[Any]] = {}
    for name in _params_list(params, "facet.field"):
        counts: dict[str, int] = {}
        for doc in docs:
            for value in set(_doc_values(doc, name)):
                counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ordered = [kv for kv in ordered if kv[1] >= mincount]
        if limit >= 0:
            ordered = ordered[:limit]
        result[name] = [x for kv in ordered for x in kv]
    return result


def _project(doc: Doc, fl: str) -> Doc:
    names = [n for n in re.split(r"[\s,]+", fl) if n]
    if not names or "*" in names:
        return dict(doc)
    return {n: doc[n] for n in names if n in doc}


def select(index: Index, params: dict[str, list[str]]) -> dict[str, Any]:
    """Answer a ``select`` request with Solr's JSON response shape."""
    default_and = _param(params, "q.op", "OR").upper() == "AND"
    default_field = _param(params, "df", "text")
    matchers = [parse_query(_param(params, "q", "*:*"), default_field, default_and)]
    matchers += [parse_query(fq, default_field, default_and) for fq in _params_list(params, "fq")]
    hits = [d for d in index.snapshot() if all(m(d) for m in matchers)]
    hits = _sort_docs(hits, _param(params, "sort", ""))
    start = int(_param(params, "start", "0"))
    rows = int(_param(params, "rows", "10"))
    page = hits[start : start + rows] if rows >= 0 else hits[start:]
    fl = _param(params, "fl", "*")
    body: dict[str, Any] = {
        "responseHeader": {"status": 0, "QTime": 0},
        "response": {
            "numFound": len(hits), "start": start, "docs": [_project(d, fl) for d in page]
        },
    }
    if _param(params, "facet", "false") == "true":
        body["facet_counts"] = {"facet_queries": {}, "facet_fields": _facets(hits, params)}
    return body


# --------------------------------------------------------------------------- update


def _apply_xml_update(index: Index, body: str) -> None:
    """Handle pysolr's XML messages: ``<add>``, ``<delete>``, ``<commit/>``, ``<optimize/>``."""
    root = ET.fromstring(body)
    if root.tag == "add":
        docs = []
        for doc_elem in root.iter("doc"):
            doc: Doc = {}
            for fld in doc_elem.iter("field"):
                name, text = fld.attrib["name"], fld.text or ""
                doc[name] = [*_as_list(doc[name]), text] if name in doc else text
            docs.append(doc)
        index.add(docs)
    elif root.tag == "delete":
        ids = [e.text or "" for e in root.iter("id")]
        if ids:
            index.delete_ids(ids)
        for query_elem in root.iter("query"):
            index.delete_query(query_elem.text or "")


def _apply_json_update(index: Index, payload: Any) -> None:
    """Handle a JSON array of docs, or Solr's ``{"add": ..., "delete": ...}`` object."""
    if isinstance(payload, list):
        index.add(payload)
        return
    if not isinstance(payload, dict):
        raise QuerySyntaxError("update body must be a JSON array or object")
    add = payload.get("add")
    if add is not None:
        items = add if isinstance(add, list) else [add]
        index.add([item.get("doc", item) for item in items])
    delete = payload.get("delete")
    if delete is not None:
        for item in delete if isinstance(delete, list) else [delete]:
            if isinstance(item, dict) and "query" in item:
                index.delete_query(item["query"])
            else:
                index.delete_ids([str(item.get("id") if isinstance(item, dict) else item)])


# --------------------------------------------------------------------------- HTTP


def make_handler(
    index: Index, schema_name: str = DEFAULT_SCHEMA_NAME
) -> type[BaseHTTPRequestHandler]:
    """Build the request handler class bound to one index (no module globals)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "SolrStandIn/1"

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")

        def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_json(self, status: int, payload: Any) -> None:
            self._send(status, json.dumps(payload))

        def _error(self, status: int, message: str) -> None:
            self._send_json(status, {"responseHeader": {"status": status},
                                     "error": {"msg": message, "code": status}})

        def _read_body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode("utf-8") if length else ""

        def do_GET(self) -> None:
            self._dispatch("")

        def do_POST(self) -> None:
            self._dispatch(self._read_body())

        def _dispatch(self, body: str) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query, keep_blank_values=True)
            content_type = self.headers.get("Content-Type", "")
            if body and "x-www-form-urlencoded" in content_type:
                for key, values in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
                body = ""
            path = parts.path.rstrip("/")
            try:
                self._route(path, params, body)
            except (QuerySyntaxError, ET.ParseError, ValueError, KeyError) as exc:
                self._error(400, f"stand-in could not handle the request: {exc}")

        def _route(self, path: str, params: dict[str, list[str]], body: str) -> None:
            if path.endswith("/select"):
                self._send_json(200, select(index, params))
            elif path.endswith("/update"):
                if body.lstrip().startswith("<"):
                    _apply_xml_update(index, body)
                elif body.strip():
                    _apply_json_update(index, json.loads(body))
                self._send_json(200, {"responseHeader": {"status": 0, "QTime": 0}})
            elif path.endswith("/schema") or path.endswith("/admin/file"):
                self._send(200, schema_xml(schema_name), "application/xml")
            elif path.endswith("/admin/ping"):
                self._send_json(200, {"responseHeader": {"status": 0}, "status": "OK"})
            else:
                self._error(404, f"the Solr stand-in does not serve {path!r}")

    return Handler


def _flush_loop(index: Index, stop: threading.Event, interval: float) -> None:
    """Persist at most every ``interval`` seconds so bulk loads don't rewrite the file per doc."""
    while not stop.wait(interval):
        index.flush()


def serve(
    host: str, port: int, data_path: str, interval: float = 0.5,
    schema_name: str = DEFAULT_SCHEMA_NAME,
) -> None:
    """Serve until SIGTERM/SIGINT, then flush the index and return."""
    index = Index(data_path)
    server = ThreadingHTTPServer((host, port), make_handler(index, schema_name))
    server.daemon_threads = True
    stop = threading.Event()
    flusher = threading.Thread(target=_flush_loop, args=(index, stop, interval), daemon=True)
    flusher.start()

    def _shutdown(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        index.flush()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Solr stand-in (not Solr) for the dev catalogue")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", required=True, help="JSON file holding the index")
    parser.add_argument("--schema-name", default=DEFAULT_SCHEMA_NAME,
                        help="schema name for CKAN's version check (ckan-2.9 for CKAN 2.9)")
    args = parser.parse_args(argv)
    sys.stderr.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} Solr stand-in (not Solr) on "
                     f"{args.host}:{args.port}, data {args.data}\n")
    serve(args.host, args.port, args.data, schema_name=args.schema_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
