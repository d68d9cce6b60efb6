"""Fixtures of the API tests: real ``graphsvc serve`` processes over the demo portfolio.

Both are parametrized over the stores, so every test that talks to them runs
once against a server on the embedded SQLite store and once against a server
on a real Neo4j (each its own Neo4j server: community holds one database).

* ``server``: one authenticated server for the whole session that nobody
  writes to (token tests add tokens, never records), so every answer can be
  compared with an in-process ``Analyst`` on the same store.
* ``writable``: a second server over its own copy of the demo, for
  mutations; each test writes records with ids of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from graphsvc.demo import demo_document
from graphsvc.store import open_store
from tests.api.support import Server, running_server
from tests.conftest import STORES
from tests.neo4j_server import Neo4jServer, running


@pytest.fixture(scope="session")
def neo4j_api_read() -> Iterator[Neo4jServer]:
    with running("api-read") as s:
        yield s


@pytest.fixture(scope="session")
def neo4j_api_write() -> Iterator[Neo4jServer]:
    with running("api-write") as s:
        yield s


def _serving(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Server]:
    """``graphsvc serve`` over the demo on a new SQLite file, or on the wiped Neo4j server of ``name``."""
    store_url = None
    if request.param == "neo4j":
        neo: Neo4jServer = request.getfixturevalue(f"neo4j_{name.replace('-', '_')}")
        neo.wipe()
        store_url = neo.url
    with running_server(tmp_path_factory.mktemp(f"{name}-{request.param}"), store_url=store_url) as s:
        yield s


@pytest.fixture(scope="session", params=STORES)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serving(request, tmp_path_factory, "api-read")


@pytest.fixture(scope="session", params=STORES)
def writable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serving(request, tmp_path_factory, "api-write")


@pytest.fixture(scope="session")
def analyst(server: Server) -> Iterator[Analyst]:
    """An in-process Analyst on the read-only server's store, opened after the server loaded it."""
    store = open_store(server.store_url, create=False)
    try:
        yield Analyst(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def today() -> date:
    """``graphsvc demo`` moves the demo's contact dates to today, so today is the demo's 'as of'."""
    return date.today()


@pytest.fixture(scope="session")
def demo() -> dict[str, Any]:
    """The demo portfolio as a graphsvc/1 document (read only)."""
    return demo_document()
