"""The SQLite store's per-account reads cost what the account holds, not what the store holds (query plans)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graphsvc.store import open_store
from graphsvc.store.sqlite.sql import ACCOUNT_GRAPH_NODES, ACCOUNT_NODES, ACCOUNT_REVISIONS


def test_an_account_s_graph_nodes_are_looked_up_by_id_never_by_scanning_every_node(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(f"sqlite:///{db}").close()  # the schema, as the store makes it (no statistics: a fresh import)
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TEMP TABLE _g (id TEXT PRIMARY KEY)")
        conn.execute(ACCOUNT_NODES, ("acc_a",))
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + ACCOUNT_GRAPH_NODES)]
    finally:
        conn.close()
    assert plan == ["SCAN g", "SEARCH n USING PRIMARY KEY (id=?)"], plan


def test_revisions_of_many_accounts_are_looked_up_by_account_never_by_scanning(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(f"sqlite:///{db}").close()
    conn = sqlite3.connect(db)
    try:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + ACCOUNT_REVISIONS, ('["acc_a", "acc_b"]',))]
    finally:
        conn.close()
    assert plan[0] == "SEARCH revisions USING PRIMARY KEY (account=?)", plan
    assert not [step for step in plan if step.startswith("SCAN revisions")], plan
