"""Fixtures of the API tests: real ``graphsvc serve`` processes over the demo portfolio.

* ``server``: one authenticated server for the whole session that nobody
  writes to (token tests add tokens, never records), so every answer can be
  compared with an in-process ``Analyst`` on the same store file.
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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-read")) as s:
        yield s


@pytest.fixture(scope="session")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-write")) as s:
        yield s


@pytest.fixture(scope="session")
def analyst(server: Server) -> Iterator[Analyst]:
    """An in-process Analyst on the read-only server's store file, opened after the server loaded it."""
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
