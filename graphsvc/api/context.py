"""Per-request context: the caller, their scope, the store, the analyst and the request's DataLoaders.

The store and the analyst are the caller's (``graphsvc.api.caller``): a guarded
store and a scoped analyst, so every resolver sees only what the caller may.

DataLoaders batch every look-up a query's resolvers make in one tick (nodes by
id, relations by endpoint, records owned by accounts), so a nested query costs
a handful of store calls whatever its width. Store calls run in worker
threads: the store is synchronous.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from graphsvc.access import ADMIN_SCOPE, Scope
from graphsvc.analysis import CoverageGap
from graphsvc.analyst import Analyst
from graphsvc.model import Node, NodeKind, Relation, RelationType
from graphsvc.store import GraphStore

__all__ = ["Context", "Loaders", "Principal", "call"]

T = TypeVar("T")


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous store or analysis call in a worker thread."""
    return await to_thread.run_sync(lambda: fn(*args, **kwargs))


@dataclass(frozen=True, slots=True)
class AccountFigures:
    """An account's dashboard figures as of one day."""

    score: float
    gaps: list[CoverageGap]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the member a token belongs to and the token's role (``None`` member: auth is off)."""

    member: str | None
    role: str
    token: str | None = None
    revision: int | None = None
    """The store's revision, read with the token (None: not read); the request's scope and reads trust it."""


RelKey = tuple[str, RelationType]


class Loaders:
    """The DataLoaders of one request. ``store_calls`` counts the batches sent to the store."""

    def __init__(self, store: GraphStore, analyst: Analyst | None = None) -> None:
        self.store = store
        self.analyst = analyst or Analyst(store)
        self.store_calls = 0
        self.figures: DataLoader[tuple[str, date | None], AccountFigures] = DataLoader(self._figures)
        self.node: DataLoader[str, Node | None] = DataLoader(self._nodes)
        self.out: DataLoader[RelKey, list[Relation]] = DataLoader(self._outgoing)
        self.into: DataLoader[RelKey, list[Relation]] = DataLoader(self._incoming)
        self.owned: DataLoader[str, list[Node]] = DataLoader(self._owned)

    async def _nodes(self, ids: Sequence[str]) -> list[Node | None]:
        self.store_calls += 1
        found = await call(self.store.nodes_by_id, list(ids))
        return [found.get(i) for i in ids]

    async def _relations(self, keys: Sequence[RelKey], side: str) -> list[list[Relation]]:
        by_type: dict[RelationType, list[str]] = defaultdict(list)
        for node_id, rtype in keys:
            by_type[rtype].append(node_id)
        found: dict[RelKey, list[Relation]] = defaultdict(list)
        for rtype, ids in by_type.items():
            self.store_calls += 1
            for rel in await call(self.store.relations_at, ids, rtype, side=side):
                found[(rel.source if side == "source" else rel.target, rtype)].append(rel)
        return [found.get(key, []) for key in keys]

    async def _outgoing(self, keys: Sequence[RelKey]) -> list[list[Relation]]:
        return await self._relations(keys, "source")

    async def _incoming(self, keys: Sequence[RelKey]) -> list[list[Relation]]:
        return await self._relations(keys, "target")

    async def _owned(self, accounts: Sequence[str]) -> list[list[Node]]:
        self.store_calls += 1
        nodes = await call(self.store.owned_by, list(accounts))
        grouped: dict[str, list[Node]] = defaultdict(list)
        for node in nodes:
            grouped[str(node.account)].append(node)
        # The same nodes by id, for the fields that name them (a person's site, a seat's committee, a reporting line)
        self.node.prime_many({n.id: n for n in nodes})
        return [grouped.get(a, []) for a in accounts]

    async def _figures(self, keys: Sequence[tuple[str, date | None]]) -> list[AccountFigures]:
        """Coverage score and gaps of many accounts, in one worker hop.

        One revision read for all of them tells which figures are remembered (``Analyst.warm_figures_many``);
        only the others are computed. The read runs off the event loop: on Neo4j it is a network round trip.
        """

        def figures() -> list[AccountFigures]:
            return [AccountFigures(score.score, gaps) for score, gaps in self.analyst.figures_many(keys)]

        self.store_calls += 1
        return await call(figures)

    async def nodes(self, ids: Sequence[str]) -> list[Node]:
        """The nodes that exist among ``ids``, in order."""
        return [n for n in await self.node.load_many(list(ids)) if n is not None]

    async def owned_of_kind(self, account: str, kind: NodeKind) -> list[Node]:
        return [n for n in await self.owned.load(account) if n.kind == kind]


@dataclass
class Context:
    """What every resolver sees as ``info.context``."""

    request: Request
    response: Response | None
    store: GraphStore
    analyst: Analyst
    principal: Principal
    request_id: str
    loaders: Loaders
    scope: Scope = ADMIN_SCOPE
    """What the caller may see and change (``viewer``); the store and analyst already enforce it."""
    operation: dict[str, Any] = field(default_factory=dict)
    """Filled by the error extension: operation name, for the request log."""
