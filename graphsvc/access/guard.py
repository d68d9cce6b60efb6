"""``GuardedStore``: the one place every read and write of an API caller or page goes through.

It implements the whole ``GraphStore`` protocol over the real store for one
``Scope`` (what the caller may see and change) and one ``Actor`` (who they
are, for the audit log). Reads are filtered (``graphsvc.access.reads``),
writes checked against the role's rules (``graphsvc.access.writes``); an
admin scope passes everything straight through, adding only the actor.
Resolvers and pages need no checks of their own. See docs/security.md.
"""

from __future__ import annotations

from graphsvc.access.scope import Scope
from graphsvc.access.writes import GuardedWrites
from graphsvc.audit import Actor, AuditOperation
from graphsvc.model import Node
from graphsvc.store import GraphStore

__all__ = ["GuardedStore", "write_target"]


class GuardedStore(GuardedWrites):
    """The real store ``inner`` as ``scope`` may see and change it, acting as ``actor``."""

    def __init__(self, store: GraphStore, scope: Scope, actor: Actor) -> None:
        super().__init__(store, scope, actor)

    def write_target(self, node_id: str, operation: AuditOperation) -> Node:
        """The node a write is aimed at; ``NotFound`` like a missing one, logged as a refused ``operation``,
        when the caller cannot see it (a plain ``get_node`` is a read, and reads are not logged)."""
        return self._lookup(operation, node_id)

    def __repr__(self) -> str:
        return f"GuardedStore({self.inner.url!r}, role={self.scope.role}, member={self.scope.member!r})"


def write_target(store: GraphStore, node_id: str, operation: AuditOperation) -> Node:
    """The node a write of ``operation`` is aimed at, read before the write (to check its kind, say).

    Through a ``GuardedStore`` an invisible node is refused and logged like the write itself would be;
    any other store simply answers ``get_node``.
    """
    if isinstance(store, GuardedStore):
        return store.write_target(node_id, operation)
    return store.get_node(node_id)


def _conforms(store: GuardedStore) -> GraphStore:
    return store  # mypy checks here that the guard implements the whole protocol
