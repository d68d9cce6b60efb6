"""The writing half of ``GuardedStore``: the write rules of docs/security.md, checked before the store writes.

Each write is checked in the store's own order of checks, but against the
part of the graph the caller sees (the guard is an ``ExistingGraph`` of it):
a reference to an invisible record fails exactly like one to a missing
record. Then the role's rule for the operation decides; a visible record the
role may not change answers ``Forbidden`` naming the record and the role.
Every refusal is logged in the audit log; accepted writes go to the store
with the caller as ``actor``, and the store records them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

from graphsvc.access.reads import GuardedReads
from graphsvc.access.roles import Operation, Reach, reach
from graphsvc.access.visibility import influencer_accounts
from graphsvc.audit import Actor, AuditOperation
from graphsvc.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from graphsvc.interchange import check_document
from graphsvc.model import (
    NODE_FIELDS,
    OWNED_KINDS,
    Node,
    NodeKind,
    Relation,
    RelationType,
    apply_changes,
    check_graph,
    check_relation_patch,
    parse_node,
    parse_relation,
    relation_type,
)
from graphsvc.model.validation import Label, label_text
from graphsvc.store import ImportMode, Progress, WriteResult

__all__ = ["GuardedWrites"]


def _named(node: Node) -> str:
    owner = f" of account '{node.account}'" if node.kind in OWNED_KINDS else ""
    return f"{node.kind} '{node.id}'{owner}"


class GuardedWrites(GuardedReads):
    """Writes of the real store, each checked against the scope's rules first."""

    # -- the rules ------------------------------------------------------------------------

    def _allowed(self, operation: Operation, scoped: bool) -> bool:
        """Whether the role may do ``operation``; ``scoped`` is the row's condition, asked only when it applies."""
        r = reach(self.scope.role, operation)
        return r == Reach.ALL or (r == Reach.SCOPED and scoped)

    def _node_refusal(self, old: Node | None, new: Node | None, linked: Mapping[str, set[str]]) -> str | None:
        """Why the scope may not turn ``old`` into ``new`` (``old`` None: a create; ``new`` None: a delete), or None.

        Both records are visible (the caller checked). ``linked``: the accounts of influencers being changed.
        """
        node = new or old
        if node is None:
            return None
        verb = "create" if old is None else "delete" if new is None else "change"
        if node.kind == NodeKind.ACCOUNT:
            ok = (
                self._allowed(Operation.ACCOUNT_UPDATE, self.scope.writes(node.id))
                if old is not None and new is not None
                else self._allowed(Operation.ACCOUNT_CREATE_DELETE, False)
            )
        elif node.kind == NodeKind.MEMBER:
            ok = self._allowed(Operation.MEMBER_WRITE, False)
        elif node.kind == NodeKind.INFLUENCER:
            if old is None:
                ok = self._allowed(Operation.INFLUENCER_CREATE, False)
            else:
                accounts = linked.get(node.id, set())
                ok = self._allowed(Operation.INFLUENCER_CHANGE, all(self.scope.writes(a) for a in accounts))
                if not ok and self._allowed(Operation.INFLUENCER_CHANGE, True):
                    return (
                        f"your role ({self.scope.role}) may not {verb} influencer '{node.id}': "
                        "it is linked to accounts you may not change"
                    )
        else:
            ends = [n.account for n in (old, new) if n is not None]
            ok = self._allowed(Operation.OWNED_WRITE, all(self.scope.writes(a) for a in ends))
            if not ok and old is not None and new is not None and old.account != new.account:
                return f"your role ({self.scope.role}) may not move {_named(old)} to account '{new.account}'"
        return None if ok else f"your role ({self.scope.role}) may not {verb} {_named(node)}"

    def _relation_refusal(self, rel: Relation, ends: Mapping[str, Node], verb: str) -> str | None:
        """Why the scope may not ``verb`` (create, change, delete) ``rel``, or None; ``ends`` holds its endpoints."""
        source, target = ends.get(rel.source), ends.get(rel.target)
        denied = f"your role ({self.scope.role}) may not {verb} {rel.label()}"
        if rel.type == RelationType.ASSIGNED_TO:
            in_team = self.scope.team is None or rel.source in self.scope.team
            if self._allowed(Operation.ASSIGNMENT, in_team and self.scope.writes(rel.target)):
                return None
            if reach(self.scope.role, Operation.ASSIGNMENT) == Reach.SCOPED and not in_team:
                return f"{denied}: '{rel.source}' is not in your team"
            return denied
        if rel.type == RelationType.REPORTS_TO and source is not None and source.kind == NodeKind.MEMBER:
            return None if self._allowed(Operation.MEMBER_WRITE, False) else denied
        owned = [n for n in (source, target) if n is not None and n.kind in OWNED_KINDS]
        if self._allowed(Operation.RELATION_WRITE, all(self.scope.writes(n.account) for n in owned)):
            return None
        return denied

    def _refuse_forbidden(
        self, operation: AuditOperation, why: str, ids: Sequence[str], accounts: Sequence[str | None]
    ) -> NoReturn:
        self._refuse(operation, Forbidden(why), ids, accounts)

    def _check_in_view(
        self,
        operation: AuditOperation,
        nodes: Sequence[tuple[Label, Node]],
        relations: Sequence[tuple[Label, Relation]],
        ids: Sequence[str],
    ) -> None:
        """The store's graph checks against what the caller sees: an invisible reference fails like a missing one.

        A failure the real graph shares is the caller's mistake (raised, not logged); one only the view has is
        an attempt on invisible records (logged as refused).
        """
        problems = check_graph(nodes, relations, self)
        if not problems:
            return
        real = check_graph(nodes, relations, self.inner)
        if [str(p) for p in real] == [str(p) for p in problems]:
            raise InvalidInput(problems)
        accounts = [n.account for _, n in nodes]
        self._refuse(operation, InvalidInput(problems), ids, accounts)

    def _lookup(self, operation: AuditOperation, node_id: str) -> Node:
        """The stored node, visible to the caller; ``NotFound`` (logged when it exists but is invisible)."""
        node = self.inner.nodes_by_id([node_id]).get(node_id)
        if node is None:
            raise NotFound(f"no node has the id '{node_id}'")
        if node.id not in self.nodes_by_id([node_id]):
            self._refuse(operation, NotFound(f"no node has the id '{node_id}'"), [node_id], [node.account or None])
        return node

    def _linked(self, nodes: Sequence[Node]) -> dict[str, set[str]]:
        ids = [n.id for n in nodes if n.kind == NodeKind.INFLUENCER]
        return influencer_accounts(self.inner, ids) if ids else {}

    # -- nodes ----------------------------------------------------------------------------

    def create_node(self, kind: NodeKind | str, record: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        if self._admin:
            return self.inner.create_node(kind, record, actor=self.actor)
        try:
            node_kind = NodeKind(kind)
        except ValueError:
            raise InvalidInput(f"node kind must be one of {', '.join(NodeKind)}, not {kind!r}") from None
        if not isinstance(record, Mapping):
            raise InvalidInput(f"a {node_kind} record must be an object with its properties")
        where = f"{node_kind} '{record.get('id')}'"
        problems: list[Problem] = []
        node = parse_node(node_kind, record, where, problems)
        if node is None:
            raise InvalidInput(problems)
        if self.inner.nodes_by_id([node.id]):
            raise Conflict(f"the id '{node.id}' is already taken; choose another id or update that record")
        op = AuditOperation.CREATE_NODE
        self._check_in_view(op, [(where, node)], [], [node.id])
        why = self._node_refusal(None, node, {})
        if why is not None:
            self._refuse_forbidden(op, why, [node.id], [node.account])
        return self.inner.create_node(kind, record, actor=self.actor)

    def update_node(self, node_id: str, changes: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        if self._admin:
            return self.inner.update_node(node_id, changes, actor=self.actor)
        if "id" in changes and changes["id"] != node_id:
            raise InvalidInput(f"{node_id}: the id of a record cannot change; create a new record instead")
        op = AuditOperation.UPDATE_NODE
        old = self._lookup(op, node_id)
        where = f"{old.kind} '{node_id}'"
        rest = {k: v for k, v in changes.items() if k != "id"}
        record = apply_changes({"id": node_id, **old.props}, rest, NODE_FIELDS[old.kind], where)
        problems: list[Problem] = []
        new = parse_node(old.kind, record, where, problems)
        if new is None:
            raise InvalidInput(problems)
        # A write of the values already stored is still a write the role must be allowed (and is audited)
        if old.kind in OWNED_KINDS and ("account" in rest or "site" in rest):
            self._check_in_view(op, [(where, new)], [], [node_id])
        why = self._node_refusal(old, new, self._linked([old]))
        if why is not None:
            self._refuse_forbidden(op, why, [node_id], [old.account, new.account])
        return self.inner.update_node(node_id, changes, actor=self.actor)

    def delete_node(self, node_id: str, *, cascade: bool = False, actor: Actor | None = None) -> WriteResult:
        if self._admin:
            return self.inner.delete_node(node_id, cascade=cascade, actor=self.actor)
        op = AuditOperation.DELETE_NODE
        old = self._lookup(op, node_id)
        why = self._node_refusal(old, None, self._linked([old]))
        if why is not None:
            self._refuse_forbidden(op, why, [node_id], [old.id if old.kind == NodeKind.ACCOUNT else old.account])
        # The store counts every relation it removes; the caller learns only of those they could see.
        seen = {r.key for side in ("source", "target") for r in self.relations_at([node_id], side=side)}
        result = self.inner.delete_node(node_id, cascade=cascade, actor=self.actor)
        return self._shown(result, deleted=1 + len(seen))

    # -- relations ------------------------------------------------------------------------

    def create_relation(self, record: Mapping[str, Any], *, actor: Actor | None = None) -> Relation:
        if self._admin:
            return self.inner.create_relation(record, actor=self.actor)
        problems: list[Problem] = []
        rel = parse_relation(record, "relation", problems)
        if rel is None:
            raise InvalidInput(problems)
        op = AuditOperation.CREATE_RELATION
        self._check_in_view(op, [], [(rel.label(), rel)], [rel.label()])
        ends = self.nodes_by_id([rel.source, rel.target])
        why = self._relation_refusal(rel, ends, "create")
        if why is not None:
            self._refuse_forbidden(op, why, [rel.label()], self._accounts_of(ends.values()))
        return self.inner.create_relation(record, actor=self.actor)

    def _accounts_of(self, nodes: Iterable[Node]) -> list[str | None]:
        return [n.id if n.kind == NodeKind.ACCOUNT else n.account for n in nodes]

    def _visible_relation(self, op: AuditOperation, rtype: RelationType, source: str, target: str) -> Relation:
        rel = self.inner.get_relation(rtype, source, target)
        ends = self.nodes_by_id([source, target])
        if source not in ends or target not in ends:
            real = self.inner.nodes_by_id([source, target]).values()
            missing = NotFound(f"no {rtype} relation from '{source}' to '{target}'")
            self._refuse(op, missing, [rel.label()], self._accounts_of(real))
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
        if self._admin:
            return self.inner.update_relation(rtype, source, target, changes, actor=self.actor)
        rt = relation_type(rtype)
        check_relation_patch(rt, source, target, changes)
        op = AuditOperation.UPDATE_RELATION
        rel = self._visible_relation(op, rt, source, target)
        ends = self.nodes_by_id([source, target])
        why = self._relation_refusal(rel, ends, "change")
        if why is not None:
            self._refuse_forbidden(op, why, [rel.label()], self._accounts_of(ends.values()))
        return self.inner.update_relation(rt, source, target, changes, actor=self.actor)

    def delete_relation(
        self, rtype: RelationType | str, source: str, target: str, *, actor: Actor | None = None
    ) -> WriteResult:
        if self._admin:
            return self.inner.delete_relation(rtype, source, target, actor=self.actor)
        rt = relation_type(rtype)
        op = AuditOperation.DELETE_RELATION
        rel = self._visible_relation(op, rt, source, target)
        ends = self.nodes_by_id([source, target])
        why = self._relation_refusal(rel, ends, "delete")
        if why is not None:
            self._refuse_forbidden(op, why, [rel.label()], self._accounts_of(ends.values()))
        return self._shown(self.inner.delete_relation(rt, source, target, actor=self.actor))

    # -- imports --------------------------------------------------------------------------

    def import_document(
        self,
        raw: Any,
        mode: ImportMode = ImportMode.MERGE,
        progress: Progress | None = None,
        *,
        actor: Actor | None = None,
    ) -> WriteResult:
        if self._admin:
            return self.inner.import_document(raw, mode, progress, actor=self.actor)
        try:
            mode = ImportMode(mode)
        except ValueError:
            raise InvalidInput(f"import mode must be merge or replace, not {mode!r}") from None
        op = AuditOperation.IMPORT
        operation = Operation.IMPORT_REPLACE if mode == ImportMode.REPLACE else Operation.IMPORT_MERGE
        if reach(self.scope.role, operation) == Reach.NONE:
            self._refuse_forbidden(op, f"your role ({self.scope.role}) may not import with {mode}", [], [])
        self._check_import(raw)
        return self._shown(self.inner.import_document(raw, mode, progress, actor=self.actor))

    def _shown(self, result: WriteResult, *, deleted: int | None = None) -> WriteResult:
        """What the caller is told a write did: only the accounts they see among those it touched (the store's
        list may name an account whose graph the changed records reach), and ``deleted`` when given."""
        return WriteResult(
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            deleted=result.deleted if deleted is None else deleted,
            accounts=tuple(a for a in result.accounts if self.scope.sees(a)),
            revision=result.revision,
        )

    def _check_import(self, raw: Any) -> None:
        """Every record of a merge must pass the rules as the create or update it would be."""
        op = AuditOperation.IMPORT
        try:
            doc = check_document(raw, self)
        except InvalidInput as exc:
            try:
                check_document(raw, self.inner)
            except InvalidInput as real:
                if str(real) == str(exc):
                    raise
            self._refuse(op, exc, [], [])
        stored = self.inner.nodes_by_id([n.id for n in doc.nodes])
        seen = self.nodes_by_id(list(stored))
        linked = self._linked([stored[n.id] for n in doc.nodes if n.id in stored])
        for label, node in doc.labelled_nodes():
            old = stored.get(node.id)
            if old is not None and node.id not in seen:
                taken = Conflict(f"{label_text(label)}: the id '{node.id}' is already taken; choose another id")
                self._refuse(op, taken, [node.id], [old.account])
            if old == node:
                continue
            why = self._node_refusal(old, node, linked)
            if why is not None:
                accounts = [n.account for n in (old, node) if n is not None]
                self._refuse_forbidden(op, f"{label_text(label)}: {why}", [node.id], accounts)
        if not doc.relations:
            return
        known = {r.key: r for r in self.inner.relations_at({r.source for r in doc.relations})}
        ends = dict(self.nodes_by_id({e for r in doc.relations for e in (r.source, r.target)}))
        ends.update((n.id, n) for n in doc.nodes)
        for label, rel in doc.labelled_relations():
            if known.get(rel.key) == rel:
                continue
            why = self._relation_refusal(rel, ends, "change" if rel.key in known else "create")
            if why is not None:
                endpoints = [ends[e] for e in (rel.source, rel.target) if e in ends]
                self._refuse_forbidden(op, f"{label_text(label)}: {why}", [rel.label()], self._accounts_of(endpoints))
