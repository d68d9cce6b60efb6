"""The embedded store: one SQLite file (stdlib ``sqlite3``), WAL, one transaction per write.

Layout: ``nodes(id, kind, account, name, props)`` and
``relations(type, source, target, props)`` with the properties as canonical
JSON; ``revisions(account, revision)``; ``meta``. Writes take the write lock
first (``BEGIN IMMEDIATE``) and validate inside the transaction, so two
processes writing the same file can never both pass a check the other breaks.
Every SQL statement of graphsvc lives in this module.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from graphsvc.errors import Conflict, InvalidInput, NotFound, Problem, StoreUnavailable
from graphsvc.interchange import GraphDocument, check_document, paused_gc, write_document
from graphsvc.model import (
    EMPTY_GRAPH,
    LIST_NAMES,
    NODE_FIELDS,
    RELATION_FIELDS,
    Node,
    NodeKind,
    Relation,
    RelationKey,
    RelationType,
    apply_changes,
    check_graph,
    parse_node,
    parse_relation,
)
from graphsvc.model.schema import with_article
from graphsvc.store.base import AccountRecords, ImportMode, Page, Progress, TokenInfo, WriteResult

__all__ = ["SqliteStore"]

SCHEMA_VERSION = 2  # 2: API tokens; every statement of _SCHEMA is IF NOT EXISTS, so older stores upgrade in place
_CHUNK = 5000
_T = TypeVar("_T")

_SECONDARY_INDEXES = {
    "nodes_kind": "CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id)",
    "nodes_account": "CREATE INDEX IF NOT EXISTS nodes_account ON nodes (account, kind, id)",
    "relations_source": "CREATE INDEX IF NOT EXISTS relations_source ON relations (source, type)",
    "relations_target": "CREATE INDEX IF NOT EXISTS relations_target ON relations (target, type)",
}

_SCHEMA = """
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
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', '0')
""".format(**_SECONDARY_INDEXES)

# The accounts whose influence graph holds any node of the temp table _ids
# (DESIGN.md section 2): the node's own account; accounts it INFLUENCES or
# sits in a committee of; and for members, their assigned accounts and the
# accounts of what they cover, know or sit in.
_TOUCHING = """
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

_REPORTS_ABOVE = """
WITH RECURSIVE up(id) AS (
    SELECT id FROM temp._ids
    UNION SELECT r.target FROM relations r JOIN up ON r.source = up.id AND r.type = 'REPORTS_TO'
)
SELECT r.source, r.target FROM relations r JOIN up ON r.source = up.id AND r.type = 'REPORTS_TO'
"""


# The influence graph's node set of account ?1 (DESIGN.md section 2) into temp._g.
_ACCOUNT_NODES = """
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

_ACCOUNT_RELATIONS = """
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


def _canonical(props: Mapping[str, Any]) -> str:
    """Properties as stored: compact JSON with sorted keys, by one C encoder built once."""
    if _ENCODER is None:
        return _SLOW_ENCODE(props)
    return "".join(_ENCODER(props, 0))


_TOKEN_COLUMNS = "SELECT id, member, role, created, expires, revoked, last_used FROM tokens"


def _hash(secret: str) -> str:
    """Tokens are 256-bit random secrets, so one SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _token(row: sqlite3.Row | tuple[Any, ...]) -> TokenInfo:
    created = datetime.fromisoformat(row[3])
    return TokenInfo(row[0], row[1], row[2], created, _when(row[4]), _when(row[5]), _when(row[6]))


def _node(row: sqlite3.Row | tuple[Any, ...]) -> Node:
    return Node(NodeKind(row[0]), row[1], json.loads(row[2]))


def _relation(row: sqlite3.Row | tuple[Any, ...]) -> Relation:
    return Relation(RelationType(row[0]), row[1], row[2], json.loads(row[3]))


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rtype(rtype: RelationType | str) -> RelationType:
    try:
        return RelationType(rtype)
    except ValueError:
        raise InvalidInput(f"relation type must be one of {', '.join(RelationType)}, not {rtype!r}") from None


class SqliteStore:
    """The embedded ``GraphStore`` on one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        if str(path) in ("", ":memory:"):
            raise InvalidInput("the embedded store needs a file path: sqlite:///path/to/graphsvc.db")
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"there is no store at {self.path}; check --store / $GRAPHSVC_STORE, or import data first"
            )
        if self.path.is_dir():
            raise StoreUnavailable(
                f"{self.path} is a folder; the store URL must name a file (sqlite:///path/graphsvc.db)"
            )
        self.url = f"sqlite:///{self.path}"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the folder of {self.path}: {exc.strerror}") from None
        with self._errors():
            self._refuse_foreign_database()
            conn = self._conn()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"{self.path} was written by a newer graphsvc (store schema {version}); upgrade graphsvc"
                )
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

    def _refuse_foreign_database(self) -> None:
        """Refuse, before changing a byte, a SQLite file that holds tables but is no graphsvc store."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30.0)
        try:
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            probe.close()
        if version == 0 and tables:
            raise StoreUnavailable(
                f"{self.path} is a SQLite database of another application, not a graphsvc store; "
                "choose another file for --store"
            )

    # -- connections and transactions -------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreUnavailable(f"the store {self.url} is closed")
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -65536")
            conn.create_function("casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s, deterministic=True)
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _ids (id TEXT PRIMARY KEY)")
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _g (id TEXT PRIMARY KEY)")
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _keys (type TEXT, source TEXT, target TEXT, "
                "PRIMARY KEY (type, source, target)) WITHOUT ROWID"
            )
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except UnicodeEncodeError:
            raise InvalidInput("text is not valid Unicode (it holds a lone surrogate); send UTF-8 text") from None
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreUnavailable(
                    f"the store {self.path} is busy: another process held its write lock for over 30 s; try again"
                ) from None
            if "readonly" in text or "read-only" in text:
                raise StoreUnavailable(f"the store {self.path} is read-only; check the file's permissions") from None
            if "disk" in text or "full" in text:
                raise StoreUnavailable(f"the store {self.path} cannot be written: {text}") from None
            raise StoreUnavailable(f"the store {self.path} failed: {text}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"{self.path} is not a usable graphsvc store: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the write lock from the start."""
        with self._errors():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for everything read inside it."""
        with self._errors():
            conn = self._conn()
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def _fill_ids(self, conn: sqlite3.Connection, ids: Iterable[str]) -> None:
        conn.execute("DELETE FROM temp._ids")
        conn.executemany("INSERT OR IGNORE INTO temp._ids (id) VALUES (?)", ((i,) for i in ids))

    # -- reads -------------------------------------------------------------------------

    def health(self) -> Mapping[str, Any]:
        with self._read() as conn:
            nodes = conn.execute("SELECT count(*) FROM nodes").fetchone()[0]
            relations = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
        return {"store": "sqlite", "nodes": nodes, "relations": relations, "revision": self.revision()}

    def get_node(self, node_id: str) -> Node:
        found = self.nodes_by_id([node_id])
        if node_id not in found:
            raise NotFound(f"no node has the id '{node_id}'")
        return found[node_id]

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        out: dict[str, Node] = {}
        wanted = [i for i in ids if isinstance(i, str)]
        with self._read() as conn:
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"SELECT kind, id, props FROM nodes WHERE id IN ({marks})", chunk):
                    out[row[1]] = _node(row)
        return out

    def _node_filter(
        self,
        kind: NodeKind | None,
        account: str | None,
        where: Mapping[str, Any] | None,
        name_contains: str | None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(str(NodeKind(kind)))
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if where:
            if kind is None:
                raise InvalidInput("filtering on properties needs a node kind")
            fields = {f.name: f for f in NODE_FIELDS[NodeKind(kind)]}
            for name, value in where.items():
                field = fields.get(name)
                if field is None or name in ("name", "account", "notes"):
                    raise InvalidInput(f"cannot filter {kind} on {name!r}; use one of {', '.join(fields)}")
                if field.type in ("enum_list", "text_list"):
                    clauses.append("EXISTS (SELECT 1 FROM json_each(props, ?) WHERE value = ?)")
                else:
                    clauses.append("json_extract(props, ?) = ?")
                params.extend([f"$.{name}", value])
        if name_contains:
            clauses.append("instr(casefold(name), ?) > 0")
            params.append(name_contains.casefold())
        return (" AND ".join(clauses) or "1"), params

    def list_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[Node]:
        sql, params = self._node_filter(kind, account, where, name_contains)
        if after is not None:
            sql += " AND id > ?"
            params.append(after)
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT kind, id, props FROM nodes WHERE {sql} ORDER BY id LIMIT ?", [*params, limit + 1]
            ).fetchall()
        items = [_node(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
    ) -> int:
        sql, params = self._node_filter(kind, account, where, name_contains)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM nodes WHERE {sql}", params).fetchone()[0])

    def get_relation(self, rtype: RelationType | str, source: str, target: str) -> Relation:
        rt = _rtype(rtype)
        with self._read() as conn:
            row = conn.execute(
                "SELECT type, source, target, props FROM relations WHERE type = ? AND source = ? AND target = ?",
                (str(rt), source, target),
            ).fetchone()
        if row is None:
            raise NotFound(f"no {rt} relation from '{source}' to '{target}'")
        return _relation(row)

    def list_relations(
        self,
        rtype: RelationType | None = None,
        *,
        source: str | None = None,
        target: str | None = None,
        after: RelationKey | None = None,
        limit: int = 100,
    ) -> Page[Relation]:
        clauses, params = [], []
        for column, value in (("type", rtype and str(_rtype(rtype))), ("source", source), ("target", target)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if after is not None:
            clauses.append("(type, source, target) > (?, ?, ?)")
            params.extend(str(a) for a in after)
        sql = " AND ".join(clauses) or "1"
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT type, source, target, props FROM relations WHERE {sql} ORDER BY type, source, target LIMIT ?",
                [*params, limit + 1],
            ).fetchall()
        items = [_relation(r) for r in rows[:limit]]
        return Page(items, items[-1].key if len(rows) > limit else None)

    def relations_at(
        self, ids: Collection[str], rtype: RelationType | None = None, *, side: str = "source"
    ) -> list[Relation]:
        if side not in ("source", "target"):
            raise InvalidInput(f"side must be source or target, not {side!r}")
        type_clause = " AND r.type = ?" if rtype is not None else ""
        params = [str(_rtype(rtype))] if rtype is not None else []
        with self._read() as conn:
            self._fill_ids(conn, ids)
            rows = conn.execute(
                f"SELECT r.type, r.source, r.target, r.props FROM temp._ids x JOIN relations r ON r.{side} = x.id"
                f"{type_clause} ORDER BY r.type, r.source, r.target",
                params,
            ).fetchall()
        return [_relation(r) for r in rows]

    def owned_by(self, account_ids: Collection[str]) -> list[Node]:
        with self._read() as conn:
            self._fill_ids(conn, account_ids)
            rows = conn.execute(
                "SELECT n.kind, n.id, n.props FROM temp._ids x JOIN nodes n ON n.account = x.id "
                "ORDER BY n.account, n.id"
            ).fetchall()
        return [_node(r) for r in rows]

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        out: list[Node] = []
        with self._read() as conn:
            for chunk in _chunks(list(site_ids)):
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT kind, id, props FROM nodes WHERE kind = 'person' "
                    f"AND json_extract(props, '$.site') IN ({marks})",
                    chunk,
                )
                out.extend(_node(r) for r in rows)
        return out

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        with self._read() as conn:
            self._fill_ids(conn, ids)
            return [(r[0], r[1]) for r in conn.execute(_REPORTS_ABOVE)]

    def revision(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def account_revision(self, account_id: str) -> int:
        with self._read() as conn:
            row = conn.execute("SELECT revision FROM revisions WHERE account = ?", (account_id,)).fetchone()
        return int(row[0]) if row else 0

    def account_records(self, account_id: str) -> AccountRecords:
        with self._read() as conn:
            row = conn.execute("SELECT kind, id, props FROM nodes WHERE id = ? AND kind = 'account'", (account_id,))
            found = row.fetchone()
            if found is None:
                raise NotFound(f"no account has the id '{account_id}'")
            revision = conn.execute("SELECT revision FROM revisions WHERE account = ?", (account_id,)).fetchone()
            conn.execute("DELETE FROM temp._g")
            conn.execute(_ACCOUNT_NODES, (account_id,))
            nodes = [
                _node(r) for r in conn.execute("SELECT n.kind, n.id, n.props FROM temp._g g JOIN nodes n USING (id)")
            ]
            relations = [_relation(r) for r in conn.execute(_ACCOUNT_RELATIONS, (account_id,))]
        return AccountRecords(_node(found), int(revision[0]) if revision else 0, nodes, relations)

    # -- tokens ------------------------------------------------------------------------

    def create_token(self, member_id: str, role: str, *, expires: datetime | None = None) -> tuple[TokenInfo, str]:
        member = self.get_node(member_id)
        if member.kind != NodeKind.MEMBER:
            raise InvalidInput(f"'{member_id}' is {with_article(member.kind)}; tokens belong to members of our team")
        token_id = secrets.token_hex(6)
        secret = f"gsv_{token_id}_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO tokens (id, hash, member, role, created, expires) VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, _hash(secret), member_id, role, now.isoformat(), expires.isoformat() if expires else None),
            )
        return TokenInfo(token_id, member_id, role, now, expires), secret

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        with self._read() as conn:
            row = conn.execute(_TOKEN_COLUMNS + " WHERE hash = ?", (_hash(secret),)).fetchone()
            member = (
                row is not None
                and conn.execute("SELECT 1 FROM nodes WHERE id = ? AND kind = 'member'", (row[1],)).fetchone()
            )
        if row is None or not member:  # a deleted member's tokens die with them
            return None
        token = _token(row)
        now = datetime.now(UTC)
        if token.revoked is not None or (token.expires is not None and token.expires <= now):
            return None
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            self._note_use(token.id, now)
        return token

    def _note_use(self, token_id: str, now: datetime) -> None:
        """Record ``last_used`` (at most once a minute per token) without ever waiting behind a long write."""
        conn = self._conn()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now.isoformat(), token_id))
        except sqlite3.OperationalError:
            pass  # the store is busy (an import): the next request records it
        finally:
            conn.execute("PRAGMA busy_timeout = 30000")

    def list_tokens(self) -> list[TokenInfo]:
        with self._read() as conn:
            return [_token(r) for r in conn.execute(_TOKEN_COLUMNS + " ORDER BY created, id")]

    def revoke_token(self, token_id: str) -> TokenInfo:
        with self._write() as conn:
            row = conn.execute(_TOKEN_COLUMNS + " WHERE id = ?", (token_id,)).fetchone()
            if row is None:
                raise NotFound(f"no token has the id '{token_id}'")
            if row[5] is None:
                conn.execute("UPDATE tokens SET revoked = ? WHERE id = ?", (datetime.now(UTC).isoformat(), token_id))
            row = conn.execute(_TOKEN_COLUMNS + " WHERE id = ?", (token_id,)).fetchone()
        return _token(row)

    def _iter_nodes(self, conn: sqlite3.Connection) -> Iterator[Node]:
        for kind in LIST_NAMES.values():
            cursor = conn.execute("SELECT kind, id, props FROM nodes WHERE kind = ? ORDER BY id", (str(kind),))
            while rows := cursor.fetchmany(1000):
                yield from (_node(r) for r in rows)

    def _iter_relations(self, conn: sqlite3.Connection) -> Iterator[Relation]:
        cursor = conn.execute("SELECT type, source, target, props FROM relations ORDER BY type, source, target")
        while rows := cursor.fetchmany(1000):
            yield from (_relation(r) for r in rows)

    def export_to(self, fp: IO[str]) -> int:
        with self._read() as conn:
            return write_document(fp, self._iter_nodes(conn), self._iter_relations(conn))

    # -- writes ------------------------------------------------------------------------

    def _touching(self, conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
        self._fill_ids(conn, ids)
        return {r[0] for r in conn.execute(_TOUCHING)}

    def _bump(self, conn: sqlite3.Connection, accounts: set[str]) -> int:
        revision = int(conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]) + 1
        conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (str(revision),))
        conn.executemany(
            "INSERT INTO revisions (account, revision) VALUES (?, ?) "
            "ON CONFLICT (account) DO UPDATE SET revision = excluded.revision",
            ((a, revision) for a in sorted(accounts)),
        )
        return revision

    def _check(self, nodes: list[tuple[str, Node]], relations: list[tuple[str, Relation]]) -> None:
        problems = check_graph(nodes, relations, self)
        if problems:
            raise InvalidInput(problems)

    def _put_nodes(self, conn: sqlite3.Connection, nodes: Iterable[Node]) -> None:
        conn.executemany(
            "INSERT INTO nodes (id, kind, account, name, props) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, account = excluded.account, name = excluded.name, "
            "props = excluded.props",
            ((n.id, str(n.kind), n.account, n.name, _canonical(n.props)) for n in nodes),
        )

    def _put_relations(self, conn: sqlite3.Connection, relations: Iterable[Relation]) -> None:
        conn.executemany(
            "INSERT INTO relations (type, source, target, props) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (type, source, target) DO UPDATE SET props = excluded.props",
            ((str(r.type), r.source, r.target, _canonical(r.props)) for r in relations),
        )

    def create_node(self, kind: NodeKind | str, record: Mapping[str, Any]) -> Node:
        try:
            node_kind = NodeKind(kind)
        except ValueError:
            raise InvalidInput(f"node kind must be one of {', '.join(NodeKind)}, not {kind!r}") from None
        if not isinstance(record, Mapping):
            raise InvalidInput(f"a {node_kind} record must be an object with its properties")
        node = self._parse_node(node_kind, record, f"{node_kind} '{record.get('id')}'")
        with self._write() as conn:
            if conn.execute("SELECT kind FROM nodes WHERE id = ?", (node.id,)).fetchone():
                raise Conflict(f"the id '{node.id}' is already taken; choose another id or update that record")
            self._check([(f"{node_kind} '{node.id}'", node)], [])
            self._put_nodes(conn, [node])
            self._bump(conn, self._touching(conn, [node.id]))
        return node

    def _parse_node(self, kind: NodeKind, record: Mapping[str, Any], where: str) -> Node:
        problems: list[Problem] = []
        node = parse_node(kind, record, where, problems)
        if node is None:
            raise InvalidInput(problems)
        return node

    def update_node(self, node_id: str, changes: Mapping[str, Any]) -> Node:
        if "id" in changes and changes["id"] != node_id:
            raise InvalidInput(f"{node_id}: the id of a record cannot change; create a new record instead")
        with self._write() as conn:
            old = self.get_node(node_id)
            where = f"{old.kind} '{node_id}'"
            changes = {k: v for k, v in changes.items() if k != "id"}
            record = apply_changes({"id": node_id, **old.props}, changes, NODE_FIELDS[old.kind], where)
            node = self._parse_node(old.kind, record, where)
            if node == old:
                return old
            self._check([(where, node)], [])
            before = self._touching(conn, [node_id])
            self._put_nodes(conn, [node])
            self._bump(conn, before | self._touching(conn, [node_id]))
        return node

    def delete_node(self, node_id: str, *, cascade: bool = False) -> WriteResult:
        with self._write() as conn:
            node = self.get_node(node_id)
            doomed = [node_id]
            if node.kind == NodeKind.ACCOUNT:
                owned = conn.execute(
                    "SELECT kind, count(*) FROM nodes WHERE account = ? GROUP BY kind ORDER BY kind", (node_id,)
                ).fetchall()
                if owned and not cascade:
                    what = ", ".join(f"{n} {k}(s)" for k, n in owned)
                    raise Conflict(f"account '{node_id}' still owns {what}; delete them first, or delete with cascade")
                doomed += [r[0] for r in conn.execute("SELECT id FROM nodes WHERE account = ?", (node_id,))]
            touched = self._touching(conn, doomed)
            people: Sequence[Node] = ()
            if node.kind == NodeKind.SITE:
                people = self.people_at_sites([node_id])
                if people and not cascade:
                    raise Conflict(
                        f"site '{node_id}' is the site of {len(people)} person(s) (e.g. '{people[0].id}'); "
                        "move them first, or delete with cascade to clear their site"
                    )
                self._put_nodes(
                    conn, [Node(p.kind, p.id, {k: v for k, v in p.props.items() if k != "site"}) for p in people]
                )
            self._fill_ids(conn, doomed)
            rels = conn.execute(
                "DELETE FROM relations WHERE source IN (SELECT id FROM temp._ids) "
                "OR target IN (SELECT id FROM temp._ids)"
            ).rowcount
            conn.execute("DELETE FROM nodes WHERE id IN (SELECT id FROM temp._ids)")
            revision = self._bump(conn, touched)
        moved = len(people) if node.kind == NodeKind.SITE else 0
        return WriteResult(
            updated=moved, deleted=len(doomed) + rels, accounts=tuple(sorted(touched)), revision=revision
        )

    def create_relation(self, record: Mapping[str, Any]) -> Relation:
        rel = self._parse_relation(record)
        with self._write() as conn:
            if conn.execute(
                "SELECT 1 FROM relations WHERE type = ? AND source = ? AND target = ?",
                (str(rel.type), rel.source, rel.target),
            ).fetchone():
                raise Conflict(f"a {rel.label()} relation exists already; update it instead")
            self._check([], [(rel.label(), rel)])
            self._put_relations(conn, [rel])
            self._bump(conn, self._touching(conn, [rel.source, rel.target]))
        return rel

    def _parse_relation(self, record: Mapping[str, Any]) -> Relation:
        problems: list[Problem] = []
        rel = parse_relation(record, "relation", problems)
        if rel is None:
            raise InvalidInput(problems)
        return rel

    def update_relation(
        self, rtype: RelationType | str, source: str, target: str, changes: Mapping[str, Any]
    ) -> Relation:
        rt = _rtype(rtype)
        for name in ("type", "from", "to"):
            if name in changes:
                raise InvalidInput(f"{rt} {source} -> {target}: {name} cannot change; delete and create instead")
        with self._write() as conn:
            old = self.get_relation(rt, source, target)
            record = apply_changes(old.to_dict(), changes, RELATION_FIELDS[rt], old.label())
            rel = self._parse_relation(record)
            if rel == old:
                return old
            self._put_relations(conn, [rel])
            self._bump(conn, self._touching(conn, [source, target]))
        return rel

    def delete_relation(self, rtype: RelationType | str, source: str, target: str) -> WriteResult:
        rt = _rtype(rtype)
        with self._write() as conn:
            self.get_relation(rt, source, target)
            touched = self._touching(conn, [source, target])
            conn.execute(
                "DELETE FROM relations WHERE type = ? AND source = ? AND target = ?", (str(rt), source, target)
            )
            revision = self._bump(conn, touched)
        return WriteResult(deleted=1, accounts=tuple(sorted(touched)), revision=revision)

    def import_document(
        self, raw: Any, mode: ImportMode = ImportMode.MERGE, progress: Progress | None = None
    ) -> WriteResult:
        try:
            mode = ImportMode(mode)
        except ValueError:
            raise InvalidInput(f"import mode must be merge or replace, not {mode!r}") from None
        with paused_gc(), self._write() as conn:
            empty = conn.execute("SELECT 1 FROM nodes LIMIT 1").fetchone() is None
            # A replace, or a first import, is checked on its own; a merge against what is stored.
            doc = check_document(raw, EMPTY_GRAPH if empty or mode == ImportMode.REPLACE else self)
            if empty:
                return self._load_empty(conn, doc, progress)
            return self._apply(conn, doc, progress, replace=mode == ImportMode.REPLACE)

    def _load_empty(self, conn: sqlite3.Connection, doc: GraphDocument, progress: Progress | None) -> WriteResult:
        """A first import: no diff to make, secondary indexes built once after the rows are in.

        Dropping and recreating the indexes happens inside the import's
        transaction, so a failure still leaves the store as it was.
        """
        for name in _SECONDARY_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        self._write_all(conn, doc.nodes, doc.relations, progress)
        for statement in _SECONDARY_INDEXES.values():
            conn.execute(statement)
        accounts = {n.id for n in doc.nodes if n.kind == NodeKind.ACCOUNT}
        revision = self._bump(conn, accounts) if len(doc) else self.revision()
        return WriteResult(created=len(doc), accounts=tuple(sorted(accounts)), revision=revision)

    def _write_all(
        self, conn: sqlite3.Connection, nodes: Sequence[Node], relations: Sequence[Relation], progress: Progress | None
    ) -> None:
        for chunk in _chunks(nodes):
            self._put_nodes(conn, chunk)
            if progress:
                progress(len(chunk))
        for rchunk in _chunks(relations):
            self._put_relations(conn, rchunk)
            if progress:
                progress(len(rchunk))

    def _apply(
        self, conn: sqlite3.Connection, doc: GraphDocument, progress: Progress | None, *, replace: bool
    ) -> WriteResult:
        """Write what differs between the document and the store; with ``replace``, remove what it lacks.

        Only changed records are written and only the accounts they touch
        (before and after the write) move their revision, so importing the
        same file again changes nothing.
        """
        stored = self.nodes_by_id([n.id for n in doc.nodes])
        nodes = [n for n in doc.nodes if stored.get(n.id) != n]
        old_rel = self._relations_by_key([r.key for r in doc.relations])
        relations = [r for r in doc.relations if old_rel.get(r.key) != r]
        created = sum(1 for n in nodes if n.id not in stored) + sum(1 for r in relations if r.key not in old_rel)
        gone_nodes: list[str] = []
        gone_relations: list[RelationKey] = []
        if replace:
            keep = {n.id for n in doc.nodes}
            gone_nodes = [r[0] for r in conn.execute("SELECT id FROM nodes") if r[0] not in keep]
            keys = {r.key for r in doc.relations}
            gone_relations = [
                (RelationType(r[0]), r[1], r[2])
                for r in conn.execute("SELECT type, source, target FROM relations")
                if (r[0], r[1], r[2]) not in keys
            ]
        changed = len(nodes) + len(relations)
        if not changed and not gone_nodes and not gone_relations:
            return WriteResult(unchanged=len(doc), revision=self.revision())
        ids = {n.id for n in nodes} | {e for r in relations for e in (r.source, r.target)}
        before = ids | set(gone_nodes) | {e for _, s, t in gone_relations for e in (s, t)}
        touched = self._touching(conn, before) if stored or gone_nodes or gone_relations else set()
        conn.executemany(
            "DELETE FROM relations WHERE type = ? AND source = ? AND target = ?",
            ((str(t), s, o) for t, s, o in gone_relations),
        )
        conn.executemany("DELETE FROM nodes WHERE id = ?", ((i,) for i in gone_nodes))
        self._write_all(conn, nodes, relations, progress)
        touched |= self._touching(conn, ids)
        revision = self._bump(conn, touched)
        return WriteResult(
            created=created,
            updated=changed - created,
            unchanged=len(doc) - changed,
            deleted=len(gone_nodes) + len(gone_relations),
            accounts=tuple(sorted(touched)),
            revision=revision,
        )

    def _relations_by_key(self, keys: Sequence[RelationKey]) -> dict[RelationKey, Relation]:
        """The stored relations among ``keys``, by one join on a temp table (a row-value IN would scan)."""
        conn = self._conn()
        if not keys or not conn.execute("SELECT 1 FROM relations LIMIT 1").fetchone():
            return {}
        conn.execute("DELETE FROM temp._keys")
        conn.executemany("INSERT OR IGNORE INTO temp._keys VALUES (?, ?, ?)", ((str(t), s, o) for t, s, o in keys))
        rows = conn.execute(
            "SELECT r.type, r.source, r.target, r.props FROM temp._keys k JOIN relations r "
            "ON r.type = k.type AND r.source = k.source AND r.target = k.target"
        )
        out: dict[RelationKey, Relation] = {}
        for row in rows:
            rel = _relation(row)
            out[rel.key] = rel
        conn.execute("DELETE FROM temp._keys")
        return out
