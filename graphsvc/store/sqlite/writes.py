"""Writes of the embedded store: one transaction each, validated inside it, revisions moved."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphsvc.audit import Actor, AuditOperation, accepted
from graphsvc.errors import Conflict, InvalidInput, Problem
from graphsvc.interchange import GraphDocument, check_document, paused_gc
from graphsvc.model import (
    EMPTY_GRAPH,
    NODE_FIELDS,
    RELATION_FIELDS,
    Node,
    NodeKind,
    Relation,
    RelationKey,
    RelationType,
    apply_changes,
    check_graph,
    check_relation_patch,
    parse_node,
    parse_relation,
    relation_type,
)
from graphsvc.store.base import ImportMode, Progress, WriteResult
from graphsvc.store.entries import deleted_entry, imported_entry, updated_entry
from graphsvc.store.sqlite.audit import Audit
from graphsvc.store.sqlite.reads import Reads
from graphsvc.store.sqlite.sql import SECONDARY_INDEXES, STORE_REVISION, TOUCHING, canonical, chunks, row_relation


class Writes(Audit, Reads):
    """Everything that writes; each write records its audit entry in its own transaction."""

    def _touching(self, conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
        self._fill_ids(conn, ids)
        return {r[0] for r in conn.execute(TOUCHING)}

    def _bump(self, conn: sqlite3.Connection, accounts: set[str]) -> int:
        revision = int(conn.execute(STORE_REVISION).fetchone()[0]) + 1
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
            ((n.id, str(n.kind), n.account, n.name, canonical(n.props)) for n in nodes),
        )

    def _put_relations(self, conn: sqlite3.Connection, relations: Iterable[Relation]) -> None:
        conn.executemany(
            "INSERT INTO relations (type, source, target, props) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (type, source, target) DO UPDATE SET props = excluded.props",
            ((str(r.type), r.source, r.target, canonical(r.props)) for r in relations),
        )

    def create_node(self, kind: NodeKind | str, record: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
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
            touched = self._touching(conn, [node.id])
            self._bump(conn, touched)
            self._record(
                conn,
                accepted(AuditOperation.CREATE_NODE, actor, accounts=touched, ids=[node.id], after=node.to_dict()),
            )
        return node

    def _parse_node(self, kind: NodeKind, record: Mapping[str, Any], where: str) -> Node:
        problems: list[Problem] = []
        node = parse_node(kind, record, where, problems)
        if node is None:
            raise InvalidInput(problems)
        return node

    def update_node(self, node_id: str, changes: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        if "id" in changes and changes["id"] != node_id:
            raise InvalidInput(f"{node_id}: the id of a record cannot change; create a new record instead")
        with self._write() as conn:
            old = self.get_node(node_id)
            where = f"{old.kind} '{node_id}'"
            changes = {k: v for k, v in changes.items() if k != "id"}
            record = apply_changes({"id": node_id, **old.props}, changes, NODE_FIELDS[old.kind], where)
            node = self._parse_node(old.kind, record, where)
            if node == old:
                touched = self._touching(conn, [node_id])
                self._record(conn, updated_entry(AuditOperation.UPDATE_NODE, actor, touched, node_id, old, old))
                return old
            self._check([(where, node)], [])
            before = self._touching(conn, [node_id])
            self._put_nodes(conn, [node])
            touched = before | self._touching(conn, [node_id])
            self._bump(conn, touched)
            self._record(conn, updated_entry(AuditOperation.UPDATE_NODE, actor, touched, node_id, old, node))
        return node

    def delete_node(self, node_id: str, *, cascade: bool = False, actor: Actor | None = None) -> WriteResult:
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
            self._record(conn, deleted_entry(actor, node, doomed, rels, [p.id for p in people], touched))
        moved = len(people) if node.kind == NodeKind.SITE else 0
        return WriteResult(
            updated=moved, deleted=len(doomed) + rels, accounts=tuple(sorted(touched)), revision=revision
        )

    def create_relation(self, record: Mapping[str, Any], *, actor: Actor | None = None) -> Relation:
        rel = self._parse_relation(record)
        with self._write() as conn:
            if conn.execute(
                "SELECT 1 FROM relations WHERE type = ? AND source = ? AND target = ?",
                (str(rel.type), rel.source, rel.target),
            ).fetchone():
                raise Conflict(f"a {rel.label()} relation exists already; update it instead")
            self._check([], [(rel.label(), rel)])
            self._put_relations(conn, [rel])
            touched = self._touching(conn, [rel.source, rel.target])
            self._bump(conn, touched)
            self._record(
                conn,
                accepted(
                    AuditOperation.CREATE_RELATION, actor, accounts=touched, ids=[rel.label()], after=rel.to_dict()
                ),
            )
        return rel

    def _parse_relation(self, record: Mapping[str, Any]) -> Relation:
        problems: list[Problem] = []
        rel = parse_relation(record, "relation", problems)
        if rel is None:
            raise InvalidInput(problems)
        return rel

    def update_relation(
        self,
        rtype: RelationType | str,
        source: str,
        target: str,
        changes: Mapping[str, Any],
        *,
        actor: Actor | None = None,
    ) -> Relation:
        rt = relation_type(rtype)
        check_relation_patch(rt, source, target, changes)
        with self._write() as conn:
            old = self.get_relation(rt, source, target)
            record = apply_changes(old.to_dict(), changes, RELATION_FIELDS[rt], old.label())
            rel = self._parse_relation(record)
            touched = self._touching(conn, [source, target])
            if rel != old:
                self._put_relations(conn, [rel])
                self._bump(conn, touched)
            self._record(conn, updated_entry(AuditOperation.UPDATE_RELATION, actor, touched, old.label(), old, rel))
        return old if rel == old else rel

    def delete_relation(
        self, rtype: RelationType | str, source: str, target: str, *, actor: Actor | None = None
    ) -> WriteResult:
        rt = relation_type(rtype)
        with self._write() as conn:
            old = self.get_relation(rt, source, target)
            touched = self._touching(conn, [source, target])
            conn.execute(
                "DELETE FROM relations WHERE type = ? AND source = ? AND target = ?", (str(rt), source, target)
            )
            revision = self._bump(conn, touched)
            self._record(
                conn,
                accepted(
                    AuditOperation.DELETE_RELATION, actor, accounts=touched, ids=[old.label()], before=old.to_dict()
                ),
            )
        return WriteResult(deleted=1, accounts=tuple(sorted(touched)), revision=revision)

    def import_document(
        self,
        raw: Any,
        mode: ImportMode = ImportMode.MERGE,
        progress: Progress | None = None,
        *,
        actor: Actor | None = None,
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
                result = self._load_empty(conn, doc, progress)
            else:
                result = self._apply(conn, doc, progress, replace=mode == ImportMode.REPLACE)
            self._record(conn, imported_entry(actor, mode, result))
            return result

    def _load_empty(self, conn: sqlite3.Connection, doc: GraphDocument, progress: Progress | None) -> WriteResult:
        """A first import: no diff to make, secondary indexes built once after the rows are in.

        Dropping and recreating the indexes happens inside the import's
        transaction, so a failure still leaves the store as it was.
        """
        for name in SECONDARY_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        self._write_all(conn, doc.nodes, doc.relations, progress)
        for statement in SECONDARY_INDEXES.values():
            conn.execute(statement)
        accounts = {n.id for n in doc.nodes if n.kind == NodeKind.ACCOUNT}
        revision = self._bump(conn, accounts) if len(doc) else self.revision()
        return WriteResult(created=len(doc), accounts=tuple(sorted(accounts)), revision=revision)

    def _write_all(
        self, conn: sqlite3.Connection, nodes: Sequence[Node], relations: Sequence[Relation], progress: Progress | None
    ) -> None:
        for chunk in chunks(nodes):
            self._put_nodes(conn, chunk)
            if progress:
                progress(len(chunk))
        for rchunk in chunks(relations):
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
            rel = row_relation(row)
            out[rel.key] = rel
        conn.execute("DELETE FROM temp._keys")
        return out
