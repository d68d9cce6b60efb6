"""Who is calling, and the store and analyst every request works through: the caller's view of the graph.

``Gate`` is made once per app over the real store and the shared ``Analyst``.
For each request (a GraphQL call, a page, an export) it builds a ``Caller``:
the token's ``Scope`` (from the app's ``Scopes``, cached per member, role and
store revision), a ``GuardedStore`` that filters every read and checks every
write for that scope, and the shared analyst scoped to it (same graph cache).
Resolvers and pages use nothing else, so none of them checks a role itself
(docs/security.md). ``Viewer`` is the GraphQL answer to "who am I here?".
"""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from graphsvc.access import GuardedStore, Role, Scope, Scopes
from graphsvc.analyst import Analyst
from graphsvc.api import enums as _enums  # noqa: F401 - registers the GraphQL enums first
from graphsvc.api.context import Principal
from graphsvc.audit import Actor
from graphsvc.store import GraphStore

__all__ = ["Caller", "Gate", "Viewer"]


@dataclass(frozen=True, slots=True)
class Caller:
    """One request's view: its scope, the guarded store and the scoped analyst."""

    scope: Scope
    store: GraphStore
    analyst: Analyst


class Gate:
    """The app's way in: one ``Scopes`` over the real store, one shared analyst; a ``Caller`` per request."""

    def __init__(self, store: GraphStore, analyst: Analyst) -> None:
        self.store = store
        self.analyst = analyst
        self.scopes = Scopes(store)

    def reads_store(self, principal: Principal) -> bool:
        """Whether ``caller`` may read the store for this principal: not for an admin (the scope is fixed), nor
        for a scope cached at the store revision read with the token; then it needs no worker thread."""
        if principal.role == Role.ADMIN:
            return False
        return principal.revision is None or not self.scopes.holds(principal.member, principal.role, principal.revision)

    def caller(self, principal: Principal, via: str, request_id: str | None) -> Caller:
        """The request's view (store reads when the scope is not cached: call it in a worker thread)."""
        scope = self.scopes.get(principal.member, principal.role, principal.revision)
        actor = Actor(principal.member, principal.role, principal.token, via=via, request_id=request_id)
        store = GuardedStore(self.store, scope, actor)
        return Caller(scope, store, self.analyst.scoped(store, scope.visible))


@strawberry.type(description="Who is asking, and what they may see and change.")
class Viewer:
    _scope: strawberry.Private[Scope]
    _member: strawberry.Private[str | None]

    @strawberry.field(description="The member the token belongs to (null: authentication is off).")
    def member_id(self) -> strawberry.ID | None:
        return None if self._member is None else strawberry.ID(self._member)

    @strawberry.field(description="The token's role.")
    def role(self) -> Role:
        return self._scope.role

    @strawberry.field(
        description="Ids of the accounts visible to the caller, sorted (null: every account, for an admin)."
    )
    def account_ids(self) -> list[strawberry.ID] | None:
        visible = self._scope.visible
        return None if visible is None else [strawberry.ID(a) for a in sorted(visible)]

    @strawberry.field(description="Whether the role may change anything at all (false for VIEWER).")
    def can_write(self) -> bool:
        return self._scope.role != Role.VIEWER
