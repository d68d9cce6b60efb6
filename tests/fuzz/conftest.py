"""Fixtures of the fuzz tests: a real ``graphsvc serve`` over the demo, on each store, with an admin and a kam token.

One server per store for the whole package (package scope): the fuzzer and
the hostile cases write to it, and every hostile case compares the store
before and after itself (``unchanged``), never with the pristine demo. The
Neo4j one runs on the contract tests' Neo4j server (``neo4j_store_server``),
wiped first: a server of its own would cost the suite another JVM and ~40 s
of start-up. The contract tests wipe it again before each of theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.support import Server, create_token, running_server
from tests.conftest import STORES


@pytest.fixture(scope="package", params=STORES)
def fuzz_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graphsvc serve`` (authenticated, admin token) over a fresh copy of the demo on each store."""
    store_url = None
    if request.param == "neo4j":
        neo = request.getfixturevalue("neo4j_store_server")
        neo.wipe()
        store_url = neo.url
    with running_server(tmp_path_factory.mktemp(f"fuzz-{request.param}"), store_url=store_url) as server:
        yield server


@pytest.fixture(scope="package")
def kam_token(fuzz_server: Server) -> str:
    """A token of m_hoffmann as a kam: sees acc_halvorsen only, may write there."""
    return create_token(fuzz_server.store_url, "m_hoffmann", "kam")


def export(server: Server) -> dict[str, Any]:
    """The whole stored graph as the admin's ``GET /export`` gives it."""
    response = server.http.get(f"{server.base}/export", headers={"Authorization": f"Bearer {server.token}"}, timeout=60)
    assert response.status_code == 200, response.text[:2000]
    return dict(json.loads(response.text))


@pytest.fixture
def unchanged(fuzz_server: Server) -> Iterator[None]:
    """The test must leave the store exactly as it found it (admin export before and after), and the server up."""
    before = export(fuzz_server)
    yield
    assert fuzz_server.http.get(f"{fuzz_server.base}/healthz", timeout=30).status_code == 200
    assert export(fuzz_server) == before, "the store changed"
    assert "Traceback" not in fuzz_server.stderr(), fuzz_server.stderr()[-5000:]
