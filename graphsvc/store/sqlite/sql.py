"""SQL statements and row conversions of the embedded store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from graphsvc.model import (
    Node,
    NodeKind,
    Relation,
    RelationType,
)
from graphsvc.store.base import TokenInfo

SCHEMA_VERSION = 3  # 2: API tokens; 3: the audit log. SCHEMA is all IF NOT EXISTS: older stores upgrade in place
CHUNK = 5000
T = TypeVar("T")

SECONDARY_INDEXES = {
    "nodes_kind": "CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id)",
    "nodes_account": "CREATE INDEX IF NOT EXISTS nodes_account ON nodes (account, kind, id)",
    "relations_source": "CREATE INDEX IF NOT EXISTS relations_source ON relations (source, type)",
    "relations_target": "CREATE INDEX IF NOT EXISTS relations_target ON relations (target, type)",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, account TEXT, name TEXT NOT NULL, props TEXT NOT NULL
) WITHOUT ROWID;
{nodes_kind};
{nodes_account};
CREATE TABLE IF NOT EXISTS relations (
    type TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, props TEXT NOT NULL,
    PRIMARY KEY (type, source, target)
) WITHOUT ROWID;
{relations_source};
{relations_target};
CREATE TABLE IF NOT EXISTS revisions (account TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, member TEXT NOT NULL, role TEXT NOT NULL,
    created TEXT NOT NULL, expires TEXT, revoked TEXT, last_used TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, operation TEXT NOT NULL, outcome TEXT NOT NULL,
    member TEXT, role TEXT NOT NULL, token TEXT, via TEXT NOT NULL, request_id TEXT, os_user TEXT,
    accounts TEXT NOT NULL, ids TEXT NOT NULL, before TEXT, after TEXT, detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_member ON audit (member, seq);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_accounts (
    account TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (account, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', '0')
""".format(**SECONDARY_INDEXES)

# The accounts whose influence graph holds any node of the temp table _ids
# (DESIGN.md section 2): the node's own account; accounts it INFLUENCES or
# sits in a committee of; and for members, their assigned accounts and the
# accounts of what they cover, know or sit in.
TOUCHING = """
WITH x AS (SELECT id FROM temp._ids),
mem AS (SELECT n.id FROM nodes n JOIN x ON n.id = x.id WHERE n.kind = 'member'),
nb AS (
    SELECT r.target AS id FROM mem JOIN relations r
    ON r.source = mem.id AND r.type IN ('COVERS', 'KNOWS', 'MEMBER_OF')
),
near AS (SELECT id FROM x UNION SELECT id FROM nb)
SELECT n.account FROM nodes n JOIN near ON n.id = near.id WHERE n.account IS NOT NULL
UNION SELECT n.id FROM nodes n JOIN x ON n.id = x.id WHERE n.kind = 'account'
UNION SELECT t.account FROM near
    JOIN relations r ON r.source = near.id AND r.type IN ('INFLUENCES', 'MEMBER_OF')
    JOIN nodes t ON t.id = r.target WHERE t.account IS NOT NULL
UNION SELECT r.target FROM mem JOIN relations r ON r.source = mem.id AND r.type = 'ASSIGNED_TO'
"""

REPORTS_ABOVE = """
WITH RECURSIVE up(id) AS (
    SELECT id FROM temp._ids
    UNION SELECT r.target FROM relations r JOIN up ON r.source = up.id AND r.type = 'REPORTS_TO'
)
SELECT r.source, r.target FROM relations r JOIN up ON r.source = up.id AND r.type = 'REPORTS_TO'
"""


# The revisions of the accounts in the JSON array ?1: one statement for any number of ids (no temp table to fill,
# no chunking). EXPLAIN QUERY PLAN: SEARCH revisions USING PRIMARY KEY (account=?) per element of json_each;
# 100 ids of 20,000 revisions in 0.1 ms.
STORE_REVISION = "SELECT value FROM meta WHERE key = 'revision'"
ACCOUNT_REVISIONS = "SELECT account, revision FROM revisions WHERE account IN (SELECT value FROM json_each(?1))"

# The influence graph's node set of account ?1 (DESIGN.md section 2) into temp._g.
ACCOUNT_NODES = """
WITH level0 AS (SELECT id FROM nodes WHERE account = ?1),
level1 AS (
    SELECT r.source AS id FROM level0 JOIN relations r
    ON r.target = level0.id AND r.type IN ('INFLUENCES', 'MEMBER_OF')
),
near AS (SELECT id FROM level0 UNION SELECT id FROM level1),
team AS (
    SELECT r.source AS id FROM near JOIN relations r
    ON r.target = near.id AND r.type IN ('COVERS', 'KNOWS', 'MEMBER_OF')
    UNION SELECT source FROM relations WHERE target = ?1 AND type = 'ASSIGNED_TO'
)
INSERT OR IGNORE INTO temp._g (id) SELECT id FROM near UNION SELECT id FROM team
"""

# The nodes listed in temp._g. CROSS JOIN keeps temp._g the outer loop: with a plain JOIN and no statistics the
# planner scanned every node (nodes_kind) and probed temp._g, O(store) per influence graph (108 ms of a typical
# account's build at 50,000 nodes; 0.3 ms this way).
ACCOUNT_GRAPH_NODES = "SELECT n.kind, n.id, n.props FROM temp._g g CROSS JOIN nodes n ON n.id = g.id"

ACCOUNT_RELATIONS = """
SELECT r.type, r.source, r.target, r.props FROM temp._g g
JOIN relations r ON r.source = g.id
WHERE r.target IN (SELECT id FROM temp._g) OR (r.type = 'ASSIGNED_TO' AND r.target = ?)
"""


_make_encoder = getattr(json.encoder, "c_make_encoder", None)
# markers, default, encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan
_ENCODER = (
    _make_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    if _make_encoder is not None
    else None
)
_SLOW_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(props: Mapping[str, Any]) -> str:
    """Properties as stored: compact JSON with sorted keys, by one C encoder built once."""
    if _ENCODER is None:
        return _SLOW_ENCODE(props)
    return "".join(_ENCODER(props, 0))


TOKEN_COLUMNS = "SELECT id, member, role, created, expires, revoked, last_used FROM tokens"


def parse_when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def row_token(row: sqlite3.Row | tuple[Any, ...]) -> TokenInfo:
    created = datetime.fromisoformat(row[3])
    return TokenInfo(row[0], row[1], row[2], created, parse_when(row[4]), parse_when(row[5]), parse_when(row[6]))


_KINDS = {k.value: k for k in NodeKind}
_TYPES = {t.value: t for t in RelationType}
_decode = json.JSONDecoder().decode


def _props(text: str) -> dict[str, Any]:
    return {} if text == "{}" else _decode(text)


def row_node(row: sqlite3.Row | tuple[Any, ...]) -> Node:
    return Node(_KINDS[row[0]], row[1], _props(row[2]))


def row_relation(row: sqlite3.Row | tuple[Any, ...]) -> Relation:
    return Relation(_TYPES[row[0]], row[1], row[2], _props(row[3]))


def _many_props(texts: list[str]) -> list[dict[str, Any]]:
    """Decode many property objects with one call of the C decoder (one JSON array), not one call each."""
    decoded: list[dict[str, Any]] = _decode("[" + ",".join(texts) + "]") if texts else []
    return decoded


def rows_to_nodes(rows: Iterable[tuple[Any, ...]]) -> list[Node]:
    """Many node rows (kind, id, props) at once."""
    fetched = list(rows)
    props = _many_props([r[2] for r in fetched])
    return [Node(_KINDS[r[0]], r[1], p) for r, p in zip(fetched, props, strict=True)]


def rows_to_relations(rows: Iterable[tuple[Any, ...]]) -> list[Relation]:
    """Many relation rows (type, source, target, props) at once."""
    fetched = list(rows)
    props = _many_props([r[3] for r in fetched])
    return [Relation(_TYPES[r[0]], r[1], r[2], p) for r, p in zip(fetched, props, strict=True)]


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
