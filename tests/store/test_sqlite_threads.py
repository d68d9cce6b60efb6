"""The embedded store's per-thread connections end with their threads (SQLite only: Neo4j's driver pools its own).

The server answers from a pool of worker threads that end after a while idle
and are replaced by new ones; each opens its own connection. The soak run
(``make soak``) found every such connection left open: two more file
descriptors (and page cache) per thread that ever served a request.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from pathlib import Path
from typing import Any

from graphsvc.store import open_store


def _open_files(path: Path) -> int:
    """This process's open descriptors on the store file and its -wal."""
    names = {str(path), f"{path}-wal"}
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed meanwhile
            count += os.readlink(f"/proc/self/fd/{fd}") in names
    return count


def test_connections_of_finished_threads_are_closed(tmp_path: Path, small_doc: dict[str, Any]) -> None:
    path = tmp_path / "graphsvc.db"
    store = open_store(f"sqlite:///{path}")
    try:
        store.import_document(small_doc)
        before = _open_files(path)
        seen: list[str] = []

        def read() -> None:
            seen.append(store.nodes_by_id(["p_ceo"])["p_ceo"].name)

        for _ in range(30):  # one after the other, like a pool's threads replaced over a day
            worker = threading.Thread(target=read)
            worker.start()
            worker.join()
        gc.collect()
        assert seen == ["Clara Ceo"] * 30
        assert _open_files(path) <= before + 2  # the last thread may not be gone yet; without the fix: 60 more
        assert store.nodes_by_id(["p_buyer"])["p_buyer"].name == "Bert Buyer"  # this thread's connection still works
    finally:
        store.close()
    assert _open_files(path) == 0
