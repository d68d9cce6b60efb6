"""Fixtures shared by the whole suite.

``store`` is the contract fixture: every test that takes it runs on each real
store: the embedded SQLite store on a real file, and the Neo4j store on a real
Neo4j server (started by ``tests/neo4j_server.py``, wiped before each test).
``small_doc`` is a small, valid graphsvc/1 document to build on.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.store import GraphStore, open_store
from tests.neo4j_server import Neo4jServer, server

STORES = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]

SMALL_DOC: dict[str, Any] = {
    "format": "graphsvc/1",
    "accounts": [
        {"id": "acc_acme", "name": "Acme Pumps", "status": "key", "approach": "sales", "countries": ["DE", "FR"]},
        {"id": "acc_bolt", "name": "Bolt Energy", "status": "candidate"},
    ],
    "sites": [
        {"id": "site_acme_de", "account": "acc_acme", "name": "Acme Dortmund", "country": "DE", "city": "Dortmund"},
    ],
    "people": [
        {
            "id": "p_ceo",
            "account": "acc_acme",
            "site": "site_acme_de",
            "name": "Clara Ceo",
            "title": "CEO",
            "roles": ["decider"],
            "attitude": "neutral",
            "power": 0.9,
        },
        {"id": "p_buyer", "account": "acc_acme", "name": "Bert Buyer", "roles": ["buyer"], "attitude": "supporter"},
        {"id": "p_bolt", "account": "acc_bolt", "name": "Bo Bolt", "roles": ["user"]},
    ],
    "committees": [
        {"id": "com_acme_buy", "account": "acc_acme", "name": "Acme buying committee", "kind": "buying_committee"},
    ],
    "influencers": [
        {"id": "inf_planner", "name": "Petra Planner", "kind": "planner", "organization": "Plan & Co"},
    ],
    "members": [
        {"id": "m_lead", "name": "Lena Lead", "role": "team_lead"},
        {"id": "m_kam", "name": "Karl Kam", "role": "kam", "email": "karl@example.com"},
    ],
    "relations": [
        {"type": "REPORTS_TO", "from": "p_buyer", "to": "p_ceo"},
        {"type": "REPORTS_TO", "from": "m_kam", "to": "m_lead"},
        {"type": "MEMBER_OF", "from": "p_ceo", "to": "com_acme_buy", "role": "chair"},
        {"type": "INFLUENCES", "from": "inf_planner", "to": "p_buyer", "strength": 0.8, "kind": "technical"},
        {"type": "COVERS", "from": "m_kam", "to": "p_buyer", "strength": 0.7, "last_contact": "2026-10-01"},
        {"type": "KNOWS", "from": "m_kam", "to": "inf_planner", "strength": 0.4},
        {"type": "ASSIGNED_TO", "from": "m_kam", "to": "acc_acme", "role": "lead"},
    ],
}


@pytest.fixture
def small_doc() -> dict[str, Any]:
    """A fresh deep copy of a small valid document (tests may change it)."""
    return copy.deepcopy(SMALL_DOC)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'graphsvc.db'}"


@pytest.fixture(scope="session")
def neo4j_store_server() -> Iterator[Neo4jServer]:
    """The real Neo4j server of the contract tests (started if none runs; stopped after if started here)."""
    s = server("store")
    s.ensure()
    try:
        yield s
    finally:
        if s.started_here:
            s.stop()


def empty_store_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of an empty store of ``kind``: a new SQLite file, or the wiped Neo4j of the contract tests."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    neo: Neo4jServer = request.getfixturevalue("neo4j_store_server")
    neo.wipe()
    return neo.url


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store of each kind (for tests that open it themselves, or in a subprocess)."""
    return empty_store_url(request.param, tmp_path, request)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind, closed after the test."""
    s = open_store(empty_store_url(request.param, tmp_path, request))
    try:
        yield s
    finally:
        s.close()


def export_text(store: GraphStore) -> str:
    """The store's whole graph as graphsvc/1 text (byte-for-byte comparable)."""
    buf = io.StringIO()
    store.export_to(buf)
    return buf.getvalue()


@pytest.fixture
def exported() -> Callable[[GraphStore], str]:
    return export_text


def as_json(text: str) -> Any:
    return json.loads(text)


def normalized(doc: dict[str, Any]) -> dict[str, Any]:
    """A document in export order (lists by id, relations by type, from, to; empty lists left out)."""
    out: dict[str, Any] = {"format": doc["format"]}
    for name in ("accounts", "sites", "people", "committees", "influencers", "members"):
        if doc.get(name):
            out[name] = sorted(doc[name], key=lambda r: r["id"])
    out["relations"] = sorted(doc.get("relations", []), key=lambda r: (r["type"], r["from"], r["to"]))
    return out


class CountingStore:
    """A real store that counts the calls made to it (by the guard, the scopes and the analyst)."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.calls = 0
        self.names: list[str] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.names.append(name)
            return value(*args, **kwargs)

        return counted
