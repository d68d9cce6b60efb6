"""What a caller may see and change: the accounts of their role, worked out from the store.

A ``lead`` sees the accounts assigned to anyone of their team (the lead and
every member who reports to them, directly or not), a ``kam`` and a
``viewer`` the accounts they are assigned to, an ``admin`` everything.
``Scopes`` keeps one ``Scope`` per (member, role) until the store's revision
moves, so a request costs one cheap read when nothing changed (none when the
revision came with its token).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from graphsvc.access.roles import Role, parse_role
from graphsvc.errors import InvalidInput
from graphsvc.model import NodeKind, RelationType
from graphsvc.store import GraphStore

__all__ = ["ADMIN_SCOPE", "Scope", "Scopes", "scope_for"]


@dataclass(frozen=True, slots=True)
class Scope:
    """A caller's reach: ``visible`` and ``writable`` account ids and ``team`` member ids (None: everything)."""

    role: Role
    member: str | None
    visible: frozenset[str] | None
    writable: frozenset[str] | None
    team: frozenset[str] | None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def sees(self, account_id: str | None) -> bool:
        """Whether the account is visible (``None``, no account, is not)."""
        return self.visible is None or (account_id is not None and account_id in self.visible)

    def writes(self, account_id: str | None) -> bool:
        """Whether records of the account may be changed."""
        return self.writable is None or (account_id is not None and account_id in self.writable)


ADMIN_SCOPE = Scope(Role.ADMIN, None, None, None, None)
"""Everything: the scope of an admin token, of ``--no-auth`` and of the command line."""


def scope_for(store: GraphStore, member: str | None, role: str | Role) -> Scope:
    """The scope of ``member`` acting with ``role``: a few batched reads (one per level of the team below a lead).

    A member that does not exist (or is no member) has no assignments, so it sees no account.
    """
    try:
        chosen = parse_role(role)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if chosen == Role.ADMIN:
        return Scope(Role.ADMIN, member, None, None, None)
    if member is None:
        return Scope(chosen, None, frozenset(), frozenset(), frozenset())
    team = _team(store, member) if chosen == Role.LEAD else frozenset({member})
    assigned = store.relations_at(sorted(team), RelationType.ASSIGNED_TO, side="source")
    visible = frozenset(r.target for r in assigned)
    writable = frozenset() if chosen == Role.VIEWER else visible
    return Scope(chosen, member, visible, writable, team)


def _team(store: GraphStore, lead: str) -> frozenset[str]:
    """The lead and every member reporting to them, directly or not (one batched read per level)."""
    node = store.nodes_by_id([lead]).get(lead)
    if node is None or node.kind != NodeKind.MEMBER:
        return frozenset({lead})
    seen, frontier = {lead}, [lead]
    while frontier:
        below = store.relations_at(frontier, RelationType.REPORTS_TO, side="target")
        sources = sorted({r.source for r in below} - seen)
        kinds = store.nodes_by_id(sources)
        frontier = [s for s in sources if s in kinds and kinds[s].kind == NodeKind.MEMBER]
        seen.update(frontier)
    return frozenset(seen)


class Scopes:
    """The scopes of one app's callers, cached per (member, role) while the store's revision stays put.

    Any write moves the revision and empties the cache (an assignment or a
    reporting line may have changed); ``computed`` counts the scopes worked out.
    """

    def __init__(self, store: GraphStore, size: int = 1024) -> None:
        self.store = store
        self._size = size
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._cache: OrderedDict[tuple[str | None, Role], Scope] = OrderedDict()
        self.computed = 0

    def holds(self, member: str | None, role: str | Role, revision: int) -> bool:
        """Whether ``get`` would answer from the cache at the store revision ``revision`` (without a store read)."""
        try:
            chosen = parse_role(role)
        except ValueError:
            return False
        with self._lock:
            return chosen == Role.ADMIN or (self._revision == revision and (member, chosen) in self._cache)

    def get(self, member: str | None, role: str | Role, revision: int | None = None) -> Scope:
        """The caller's scope as of the store's current revision (``revision``: already read, e.g. with the token)."""
        try:
            chosen = parse_role(role)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        if chosen == Role.ADMIN:
            return ADMIN_SCOPE if member is None else Scope(Role.ADMIN, member, None, None, None)
        if revision is None:
            revision = self.store.revision()
        key = (member, chosen)
        with self._lock:
            if self._revision != revision:
                self._cache.clear()
                self._revision = revision
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        scope = scope_for(self.store, member, chosen)
        with self._lock:
            self.computed += 1
            if self._revision == revision:
                self._cache[key] = scope
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return scope
