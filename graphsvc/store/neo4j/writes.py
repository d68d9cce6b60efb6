"""Writes of the Neo4j store: one managed transaction each, validated inside it, revisions moved.

Every write transaction first takes the store's write lock (see
``queries/cypher/lock.cypher``), then validates against what is stored, as
seen inside the transaction, then writes. A failure anywhere rolls the whole
transaction back: nothing is half-written.
"""

from __future__ import annotations

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
from graphsvc.store.neo4j.audit import Audit
from graphsvc.store.neo4j.convert import KIND, node_row, relation_row, to_relation
from graphsvc.store.neo4j.reads import Reads

BATCH = 10_000
"""Rows per UNWIND statement: big enough to keep round trips few, small enough for modest memory."""


def _batches(rows: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


class Writes(Audit, Reads):
    """Everything that writes; each write records its audit entry last in its own transaction."""

    def _touching(self, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        return {r[0] for r in self._run("touching", ids=wanted)}

    def _bump(self, accounts: set[str]) -> int:
        return int(self._run("bump", accounts=sorted(accounts))[0][0])

    def _check(self, nodes: list[tuple[str, Node]], relations: list[tuple[str, Relation]]) -> None:
        problems = check_graph(nodes, relations, self)
        if problems:
            raise InvalidInput(problems)

    def _put_nodes(self, nodes: Sequence[Node], progress: Progress | None = None, *, new: bool = False) -> None:
        for batch in _batches(nodes):
            self._run("create_nodes" if new else "put_nodes", rows=[node_row(n) for n in batch])
            if progress:
                progress(len(batch))

    def _put_relations(
        self, relations: Sequence[Relation], progress: Progress | None = None, *, new: bool = False
    ) -> None:
        for batch in _batches(relations):
            self._run("create_relations" if new else "put_relations", rows=[relation_row(r) for r in batch])
            if progress:
                progress(len(batch))

    def _parse_node(self, kind: NodeKind, record: Mapping[str, Any], where: str) -> Node:
        problems: list[Problem] = []
        node = parse_node(kind, record, where, problems)
        if node is None:
            raise InvalidInput(problems)
        return node

    def _parse_relation(self, record: Mapping[str, Any]) -> Relation:
        problems: list[Problem] = []
        rel = parse_relation(record, "relation", problems)
        if rel is None:
            raise InvalidInput(problems)
        return rel

    def create_node(self, kind: NodeKind | str, record: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        try:
            node_kind = NodeKind(kind)
        except ValueError:
            raise InvalidInput(f"node kind must be one of {', '.join(NodeKind)}, not {kind!r}") from None
        if not isinstance(record, Mapping):
            raise InvalidInput(f"a {node_kind} record must be an object with its properties")
        node = self._parse_node(node_kind, record, f"{node_kind} '{record.get('id')}'")

        def work() -> Node:
            if self.nodes_by_id([node.id]):
                raise Conflict(f"the id '{node.id}' is already taken; choose another id or update that record")
            self._check([(f"{node_kind} '{node.id}'", node)], [])
            self._put_nodes([node])
            touched = self._touching([node.id])
            self._bump(touched)
            self._record(
                accepted(AuditOperation.CREATE_NODE, actor, accounts=touched, ids=[node.id], after=node.to_dict())
            )
            return node

        return self._write(work)

    def update_node(self, node_id: str, changes: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        if "id" in changes and changes["id"] != node_id:
            raise InvalidInput(f"{node_id}: the id of a record cannot change; create a new record instead")
        changes = {k: v for k, v in changes.items() if k != "id"}

        def work() -> Node:
            old = self.get_node(node_id)
            where = f"{old.kind} '{node_id}'"
            record = apply_changes({"id": node_id, **old.props}, changes, NODE_FIELDS[old.kind], where)
            node = self._parse_node(old.kind, record, where)
            if node == old:
                self._record(
                    updated_entry(AuditOperation.UPDATE_NODE, actor, self._touching([node_id]), node_id, old, old)
                )
                return old
            self._check([(where, node)], [])
            before = self._touching([node_id])
            self._put_nodes([node])
            touched = before | self._touching([node_id])
            self._bump(touched)
            self._record(updated_entry(AuditOperation.UPDATE_NODE, actor, touched, node_id, old, node))
            return node

        return self._write(work)

    def delete_node(self, node_id: str, *, cascade: bool = False, actor: Actor | None = None) -> WriteResult:
        def work() -> WriteResult:
            node = self.get_node(node_id)
            doomed = [node_id]
            if node.kind == NodeKind.ACCOUNT:
                owned = sorted(
                    (str(KIND[next(lb for lb in r[0] if lb in KIND)]), int(r[1]))
                    for r in self._run("owned_counts", account=node_id)
                )
                if owned and not cascade:
                    what = ", ".join(f"{n} {k}(s)" for k, n in owned)
                    raise Conflict(f"account '{node_id}' still owns {what}; delete them first, or delete with cascade")
                doomed += [r[0] for r in self._run("owned_ids", account=node_id)]
            touched = self._touching(doomed)
            people: Sequence[Node] = ()
            if node.kind == NodeKind.SITE:
                people = self.people_at_sites([node_id])
                if people and not cascade:
                    raise Conflict(
                        f"site '{node_id}' is the site of {len(people)} person(s) (e.g. '{people[0].id}'); "
                        "move them first, or delete with cascade to clear their site"
                    )
                self._put_nodes([Node(p.kind, p.id, {k: v for k, v in p.props.items() if k != "site"}) for p in people])
            rels = int(self._run("delete_relations_at", ids=doomed)[0][0])
            self._run("delete_nodes", ids=doomed)
            revision = self._bump(touched)
            self._record(deleted_entry(actor, node, doomed, rels, [p.id for p in people], touched))
            moved = len(people) if node.kind == NodeKind.SITE else 0
            return WriteResult(
                updated=moved, deleted=len(doomed) + rels, accounts=tuple(sorted(touched)), revision=revision
            )

        return self._write(work)

    def create_relation(self, record: Mapping[str, Any], *, actor: Actor | None = None) -> Relation:
        rel = self._parse_relation(record)

        def work() -> Relation:
            if self._run("get_relation", type=str(rel.type), **{"from": rel.source, "to": rel.target}):
                raise Conflict(f"a {rel.label()} relation exists already; update it instead")
            self._check([], [(rel.label(), rel)])
            self._put_relations([rel])
            touched = self._touching([rel.source, rel.target])
            self._bump(touched)
            self._record(
                accepted(
                    AuditOperation.CREATE_RELATION, actor, accounts=touched, ids=[rel.label()], after=rel.to_dict()
                )
            )
            return rel

        return self._write(work)

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

        def work() -> Relation:
            old = self.get_relation(rt, source, target)
            record = apply_changes(old.to_dict(), changes, RELATION_FIELDS[rt], old.label())
            rel = self._parse_relation(record)
            touched = self._touching([source, target])
            if rel != old:
                self._put_relations([rel])
                self._bump(touched)
            self._record(updated_entry(AuditOperation.UPDATE_RELATION, actor, touched, old.label(), old, rel))
            return old if rel == old else rel

        return self._write(work)

    def delete_relation(
        self, rtype: RelationType | str, source: str, target: str, *, actor: Actor | None = None
    ) -> WriteResult:
        rt = relation_type(rtype)

        def work() -> WriteResult:
            old = self.get_relation(rt, source, target)
            touched = self._touching([source, target])
            self._run("delete_relations", keys=[[str(rt), source, target]])
            revision = self._bump(touched)
            self._record(
                accepted(
                    AuditOperation.DELETE_RELATION, actor, accounts=touched, ids=[old.label()], before=old.to_dict()
                )
            )
            return WriteResult(deleted=1, accounts=tuple(sorted(touched)), revision=revision)

        return self._write(work)

    def import_document(
        self,
        raw: Any,
        mode: ImportMode = ImportMode.MERGE,
        progress: Progress | None = None,
        *,
        actor: Actor | None = None,
    ) -> WriteResult:
        """All or nothing in one transaction, written in UNWIND batches of ``BATCH`` rows.

        Until it commits, no reader sees any of it. A big first import needs
        transaction memory on the server in proportion to its size (about
        3 GB of heap for 600,000 records; see docs/operations.md).
        """
        try:
            mode = ImportMode(mode)
        except ValueError:
            raise InvalidInput(f"import mode must be merge or replace, not {mode!r}") from None

        def work() -> WriteResult:
            empty = not self._run("any_node")
            # A replace, or a first import, is checked on its own; a merge against what is stored.
            doc = check_document(raw, EMPTY_GRAPH if empty or mode == ImportMode.REPLACE else self)
            if empty:
                result = self._load_empty(doc, progress)
            else:
                result = self._apply(doc, progress, replace=mode == ImportMode.REPLACE)
            self._record(imported_entry(actor, mode, result))
            return result

        with paused_gc():
            return self._write(work)

    def _load_empty(self, doc: GraphDocument, progress: Progress | None) -> WriteResult:
        self._put_nodes(doc.nodes, progress, new=True)
        self._put_relations(doc.relations, progress, new=True)
        accounts = {n.id for n in doc.nodes if n.kind == NodeKind.ACCOUNT}
        revision = self._bump(accounts) if len(doc) else self.revision()
        return WriteResult(created=len(doc), accounts=tuple(sorted(accounts)), revision=revision)

    def _apply(self, doc: GraphDocument, progress: Progress | None, *, replace: bool) -> WriteResult:
        """Write what differs between the document and the store; with ``replace``, remove what it lacks."""
        stored = self.nodes_by_id([n.id for n in doc.nodes])
        nodes = [n for n in doc.nodes if stored.get(n.id) != n]
        old_rel = self._relations_by_key([r.key for r in doc.relations])
        relations = [r for r in doc.relations if old_rel.get(r.key) != r]
        created = sum(1 for n in nodes if n.id not in stored) + sum(1 for r in relations if r.key not in old_rel)
        gone_nodes: list[str] = []
        gone_relations: list[RelationKey] = []
        if replace:
            keep = {n.id for n in doc.nodes}
            gone_nodes = [r[0] for r in self._run("all_node_ids") if r[0] not in keep]
            keys = {(str(t), s, o) for t, s, o in (r.key for r in doc.relations)}
            gone_relations = [
                (RelationType(k[0]), k[1], k[2])
                for k in (tuple(r[0]) for r in self._run("all_relation_keys"))
                if k not in keys
            ]
        changed = len(nodes) + len(relations)
        if not changed and not gone_nodes and not gone_relations:
            return WriteResult(unchanged=len(doc), revision=self.revision())
        ids = {n.id for n in nodes} | {e for r in relations for e in (r.source, r.target)}
        before = ids | set(gone_nodes) | {e for _, s, o in gone_relations for e in (s, o)}
        touched = self._touching(before) if stored or gone_nodes or gone_relations else set()
        for batch in _batches(gone_relations):
            self._run("delete_relations", keys=[[str(t), s, o] for t, s, o in batch])
        for batch in _batches(gone_nodes):
            self._run("delete_relations_at", ids=list(batch))
            self._run("delete_nodes", ids=list(batch))
        self._put_nodes(nodes, progress)
        self._put_relations(relations, progress)
        touched |= self._touching(ids)
        revision = self._bump(touched)
        return WriteResult(
            created=created,
            updated=changed - created,
            unchanged=len(doc) - changed,
            deleted=len(gone_nodes) + len(gone_relations),
            accounts=tuple(sorted(touched)),
            revision=revision,
        )

    def _relations_by_key(self, keys: Sequence[RelationKey]) -> dict[RelationKey, Relation]:
        out: dict[RelationKey, Relation] = {}
        for batch in _batches(keys):
            for row in self._run("relations_by_key", keys=[[str(t), s, o] for t, s, o in batch]):
                rel = to_relation(*row.values())
                out[rel.key] = rel
        return out
