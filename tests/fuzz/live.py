"""Fuzzing the live GraphQL schema: strategies built from the running server's introspection, and the oracle.

The schema is read from the server itself (an introspection query over
HTTP), so the fuzzer sees exactly what a client sees. hypothesis-graphql
writes queries and mutations from it, valid ones (``Mode.POSITIVE``) and ones
with one schema violation (``Mode.NEGATIVE``); the scalars are drawn from
what a user could send: the demo's ids as well as random ones, numbers in and
far out of [0, 1], dates, JSON documents shaped like graphsvc/1, and text with
control characters, right-to-left overrides, markup, SQL and Cypher.

The oracle (``Outcome.check``) is what a user must never see: a 5xx, an error
without a code from the documented list, an ``INTERNAL`` error, a traceback or
a driver's name in the answer, or no answer within the client's timeout.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import graphql
import requests
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from graphsvc.demo import demo_document
from tests.api.support import Server

CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "CONFLICT",
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "STORE_UNAVAILABLE",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "QUERY_TOO_COMPLEX",
        "PAYLOAD_TOO_LARGE",
    }
)
"""The error codes of docs/api.md a user may meet; ``INTERNAL`` (a fault of graphsvc) is a finding, not a code."""

INTERNALS = ("Traceback", 'File "/', "sqlite3.", "neo4j.exceptions", "Neo.ClientError", "Neo.TransientError")
"""Text of a stack trace or a store driver. Unlike ``tests.api.support.LEAKS`` it holds no SQL or Cypher words:
the fuzzer stores SQL- and Cypher-looking text on purpose, and gets it back verbatim."""

TIMEOUT_S = 30.0
"""The client's timeout: an answer that takes longer is a hang."""

HOSTILE_TEXT = (
    "'; DROP TABLE nodes; --",
    "x' OR '1'='1",
    "1; DELETE FROM relations WHERE 1=1",
    "') MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "$secret {id} ${id} %s %n %(id)s",
    "<script>alert(1)</script>",
    "</textarea><img src=x onerror=alert(1)>",
    "a\u0000b",
    "\u202eevil\u202c",
    "\ufeff\u200b\u2028\u2029",
    "Y\u0131lmaz \u00dcnsal \u5317\u4eac \U0001f680",
    "../../etc/passwd",
    "",
    " ",
    "x" * 5000,
)
"""Text a hostile or careless user types, mixed into every ``String`` and ``ID`` the fuzzer writes."""

_DEMO = demo_document()
DEMO_IDS = tuple(sorted(r["id"] for kind, rows in _DEMO.items() if isinstance(rows, list) for r in rows if "id" in r))
"""Every node id of the demo: most generated ids hit a record, so resolvers run past their look-ups."""

_FIELDS = sorted({key for rows in _DEMO.values() if isinstance(rows, list) for row in rows for key in row})
_NAMES = st.one_of(st.sampled_from(_FIELDS), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True))
"""Keys of a JSON object written as a GraphQL literal: GraphQL names only (any text fits in a variable)."""
_LISTS = ("accounts", "sites", "people", "committees", "influencers", "members", "relations")


def fetch_schema(server: Server, token: str) -> graphql.GraphQLSchema:
    """The schema as the running server announces it (introspection over HTTP, with ``token``)."""
    response = server.http.post(
        server.graphql_url,
        data=json.dumps({"query": graphql.get_introspection_query(descriptions=False)}),
        headers=server.headers(token),
        timeout=TIMEOUT_S,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return graphql.build_client_schema(body["data"])


def _text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_TEXT))


def _json_value() -> st.SearchStrategy[graphql.ValueNode]:
    """JSON as a GraphQL literal: scalars, lists and objects, and objects shaped like graphsvc/1 documents."""
    scalars = st.one_of(
        st.none().map(lambda _: nodes.Null),
        st.booleans().map(nodes.Boolean),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        _text().map(nodes.String),
    )
    record = st.lists(
        st.tuples(st.sampled_from(_FIELDS), st.one_of(st.sampled_from(DEMO_IDS).map(nodes.String), scalars)),
        max_size=6,
        unique_by=lambda pair: pair[0],
    ).map(_object)
    document = st.lists(
        st.tuples(st.sampled_from(_LISTS), st.lists(record, max_size=3).map(nodes.List)),
        max_size=3,
        unique_by=lambda pair: pair[0],
    ).map(lambda pairs: _object([("format", nodes.String("graphsvc/1")), *pairs]))
    anything = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(nodes.List),
            st.lists(st.tuples(_NAMES, inner), max_size=4, unique_by=lambda pair: pair[0]).map(_object),
        ),
        max_leaves=12,
    )
    return st.one_of(document, anything)


def _object(pairs: list[tuple[str, graphql.ValueNode]]) -> graphql.ObjectValueNode:
    return nodes.Object([graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in pairs])


def custom_scalars() -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Values for the schema's scalars, the built-in ones included, as a user (or an attacker) would send them."""
    strength = st.one_of(
        st.floats(0, 1),
        st.sampled_from([0.0, 1.0, -0.0, -1e-9, 1.0000001, -1.0, 2.0, 1e308, -1e308, 5e-324]),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    _dates = st.dates().map(lambda d: d.isoformat())
    return {
        "ID": st.one_of(st.sampled_from(DEMO_IDS), st.from_regex(r"fz_[a-z0-9]{1,6}", fullmatch=True), _text()).map(
            nodes.String
        ),
        "String": _text().map(nodes.String),
        "Float": strength.map(nodes.Float),
        "Int": st.one_of(st.integers(-3, 600), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
        "Date": st.one_of(_dates, _dates, _dates, _text()).map(nodes.String),
        "DateTime": st.one_of(
            st.datetimes().map(lambda d: d.isoformat()),
            st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
            _text(),
        ).map(nodes.String),
        "JSON": _json_value(),
    }


def operations(schema: graphql.GraphQLSchema) -> st.SearchStrategy[str]:
    """Queries and mutations of the live schema: three valid ones for each with one schema violation."""
    scalars = custom_scalars()
    valid = from_schema(schema, custom_scalars=scalars, mode=Mode.POSITIVE)
    invalid = from_schema(schema, custom_scalars=scalars, mode=Mode.NEGATIVE)
    return st.integers(0, 3).flatmap(lambda i: invalid if i == 0 else valid)


@dataclass
class Outcome:
    """What one run of the fuzzer saw: answers by code, latencies, and the operations sent."""

    store: str
    codes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    queries: int = 0
    mutations: int = 0
    restores: int = 0
    started: float = field(default_factory=time.perf_counter)

    def send(self, server: Server, document: str, token: str) -> None:
        """POST one generated operation and check the answer (see the module doc)."""
        if document.lstrip().startswith("mutation"):
            self.mutations += 1
        else:
            self.queries += 1
        started = time.perf_counter()
        try:
            response = server.http.post(
                server.graphql_url,
                data=json.dumps({"query": document}),
                headers=server.headers(token),
                timeout=TIMEOUT_S,
            )
        except requests.Timeout:
            raise AssertionError(f"no answer within {TIMEOUT_S} s (a hang) to:\n{document[:3000]}") from None
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.statuses[response.status_code] += 1
        self.check(response, document)

    def check(self, response: requests.Response, document: str) -> None:
        context = f"\n-- operation:\n{document[:3000]}\n-- answer ({response.status_code}):\n{response.text[:3000]}"
        assert response.status_code < 500, f"a 5xx answer{context}"
        for word in INTERNALS:
            assert word not in response.text, f"the answer shows {word!r}{context}"
        assert response.status_code in (200, 400), f"an unexpected status{context}"
        assert response.headers.get("content-type", "").startswith("application/json"), f"not JSON{context}"
        body = response.json()
        errors = body.get("errors") or []
        assert errors or body.get("data") is not None, f"neither data nor errors{context}"
        if not errors:
            self.codes["ok"] += 1
        for error in errors:
            code = (error.get("extensions") or {}).get("code")
            assert code != "INTERNAL", f"an internal error{context}"
            assert code in CODES, f"an error without a documented code{context}"
            assert isinstance(error.get("message"), str), f"an error without a message{context}"
            assert error["message"].strip(), f"an error with an empty message{context}"
            self.codes[code] += 1

    def restore_demo(self, server: Server) -> None:
        """Merge the demo back in (admin): deletes and updates of earlier examples must not starve later ones."""
        self.restores += 1
        server.http.post(
            server.graphql_url,
            data=json.dumps(
                {
                    "query": "mutation($d: JSON!) { importGraph(document: $d, mode: MERGE) { created } }",
                    "variables": {"d": _DEMO},
                }
            ),
            headers=server.headers(),
            timeout=TIMEOUT_S * 4,
        )

    def summary(self) -> dict[str, Any]:
        from bench import _harness as H

        seconds = time.perf_counter() - self.started
        sent = self.queries + self.mutations
        return {
            "operations": sent,
            "queries": self.queries,
            "mutations": self.mutations,
            "answers_by_code": dict(sorted(self.codes.items())),
            "answers_by_status": {str(k): v for k, v in sorted(self.statuses.items())},
            "demo_restores": self.restores,
            "latency_ms": H.percentiles(self.latencies_ms, 2),
            "wall_s": round(seconds, 1),
            "operations_per_s": round(sent / seconds, 1) if seconds else None,
        }


def serve_pid(server: Server) -> int | None:
    """The pid of the ``graphsvc serve`` process listening on the server's port (from /proc)."""
    port = server.base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and b"--port" in argv and port.encode() in argv:
            return int(proc.name)
    return None


def peak_rss_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def write_result(runs: dict[str, dict[str, Any]], settings: dict[str, Any], started: datetime, load: float) -> Path:
    """One result file of a long run in bench/results/, in the harness's shape (``make fuzz``)."""
    from bench import _harness as H

    results = H.ROOT / "bench" / "results"
    failures = {store: run.get("failure") for store, run in runs.items()}  # the first failure hypothesis found
    record = {
        "bench": "fuzz",
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "load_avg_1m": {"before": round(load, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": H.machine(),
        "versions": H.versions(),
        "store": "+".join(runs),
        "sizes": {"portfolio": "the demo (4 accounts, 112 nodes, 317 relations), merged back every 100 operations"},
        "settings": settings,
        "measurements": runs,
        "throughput": {store: run.get("operations_per_s") for store, run in runs.items()},
        "peak_rss_mib": {store: run.get("serve_peak_rss_mib") for store, run in runs.items()},
        "goals": [
            {
                "what": f"generated operations answered with no 5xx, INTERNAL or hang ({store})",
                "goal": "0 failures",
                "measured": f"{run.get('operations', 0)} operations, "
                + ("no failure" if failures[store] is None else "a failure"),
                "met": failures[store] is None,
            }
            for store, run in runs.items()
        ],
    }
    record["goal_met"] = all(goal["met"] for goal in record["goals"])
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{started.strftime('%Y%m%dT%H%M%SZ')}-fuzz.json"
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path
