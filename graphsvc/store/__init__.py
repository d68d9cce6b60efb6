"""Stores: where the graph lives. ``open_store(url)`` picks one by URL.

* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``: the
  embedded store (default; stdlib sqlite3, one file).
* ``neo4j://[user:password@]host:7687[/database]`` (also ``bolt://``,
  ``neo4j+s://``, ...): the Neo4j store; what the URL leaves out comes from
  ``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from graphsvc.errors import InvalidInput
from graphsvc.store.base import AccountRecords, GraphStore, ImportMode, Page, Progress, TokenInfo, WriteResult

__all__ = [
    "AccountRecords",
    "GraphStore",
    "ImportMode",
    "Page",
    "Progress",
    "TokenInfo",
    "WriteResult",
    "default_store_url",
    "open_store",
    "shown_url",
]

ENV_STORE = "GRAPHSVC_STORE"


def default_store_url() -> str:
    """``$GRAPHSVC_STORE``, else ``$NEO4J_URI``, else ``graphsvc.db`` in the user's data directory."""
    url = os.environ.get(ENV_STORE, "").strip() or os.environ.get("NEO4J_URI", "").strip()
    if url:
        return url
    from platformdirs import user_data_dir

    return "sqlite:///" + str(Path(user_data_dir("graphsvc")) / "graphsvc.db")


def open_store(url: str | None = None, *, create: bool = True) -> GraphStore:
    """Open the store at ``url`` (default: ``default_store_url()``).

    ``create=False`` refuses to create a new, empty store: commands that only
    read should not turn a mistyped path into an empty graph.
    """
    url = url or default_store_url()
    if url.startswith("sqlite:///"):
        from graphsvc.store.sqlite import SqliteStore

        return SqliteStore(url[len("sqlite:///") :], create=create)
    from graphsvc.store.neo4j import Neo4jStore, is_neo4j_url

    if is_neo4j_url(url):
        return Neo4jStore(url, create=create)
    raise InvalidInput(
        f"store URL {shown_url(url)!r} is not supported: use sqlite:///path.db or neo4j://user@host:7687/database "
        f"(set it with --store or ${ENV_STORE})"
    )


def shown_url(url: str) -> str:
    """A store URL fit for messages and logs: any password in it replaced by ``***``."""
    return re.sub(r"^([A-Za-z0-9+.-]+://[^/@:]*):[^/@]*@", r"\1:***@", url)
