"""Stores: where the graph lives. ``open_store(url)`` picks one by URL.

* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``: the
  embedded store (default; stdlib sqlite3, one file).
"""

from __future__ import annotations

import os
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
]

ENV_STORE = "GRAPHSVC_STORE"


def default_store_url() -> str:
    """``$GRAPHSVC_STORE``, else ``graphsvc.db`` in the user's data directory."""
    url = os.environ.get(ENV_STORE, "").strip()
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
    raise InvalidInput(
        f"store URL {url!r} is not supported: use sqlite:///path.db (set it with --store or ${ENV_STORE})"
    )
