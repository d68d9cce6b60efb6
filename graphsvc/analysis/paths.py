"""Influence paths: the k strongest simple paths from our team to a person or committee.

A path's strength is the product of its edge weights; at most ``max_hops``
edges; it starts at a member and passes through no other member. Paths are
ordered by strength (descending), then fewer hops, then the sequence of node
ids, and that order is exact: strengths equal to 12 decimal places count as
equal.

Algorithm. ``best_to`` computes, for every node v and hop budget r, the
lexicographically best (strength, -hops) of any walk from v to the target
within r hops, by dynamic programming over hop counts (O(max_hops * E)).
Because every weight is at most 1, removing a cycle from a walk never lowers
its strength and always saves hops, so that table is exactly the best over
simple paths, and it is an admissible, consistent bound for a best-first
search over partial paths keyed by (bound strength, bound hops, ids so far).
Keys never decrease from a partial path to its extensions, so complete paths
leave the queue in exactly the required order and the search stops after k.
Edges of weight 0 carry no influence and are never walked.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from graphsvc.analysis.graph import Hop, InfluenceGraph
from graphsvc.analysis.tables import Table, best_table_from, best_table_to
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.model import NodeKind
from graphsvc.model.schema import with_article

__all__ = ["InfluencePath", "TeamPaths", "best_from", "best_to", "strongest_paths", "strongest_paths_from"]

_DIGITS = 12


@dataclass(frozen=True, slots=True)
class InfluencePath:
    """A path of influence with its strength (the product of its hop weights)."""

    strength: float
    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        if not self.hops:
            return ()
        return (self.hops[0].source, *(h.target for h in self.hops))

    @property
    def source(self) -> str:
        return self.hops[0].source

    @property
    def target(self) -> str:
        return self.hops[-1].target


def _key(value: float) -> float:
    """Strengths equal to 12 decimals tie (numpy's rounding, as in the tables)."""
    return float(np.round(value, _DIGITS))


def best_to(ig: InfluenceGraph, target: str, max_hops: int) -> Table:
    """For every node v and hop budget r, the best (strength, hops) from v to ``target`` within r hops,
    through no member (v itself may be a member: a path may start at one). O(max_hops * E), vectorised."""
    return best_table_to(ig, target, max_hops)


def _check_limits(k: int, max_hops: int) -> None:
    if k < 1:
        raise InvalidInput(f"k must be at least 1, not {k}")
    if max_hops < 1:
        raise InvalidInput(f"max_hops must be at least 1, not {max_hops}")


def _search(
    ig: InfluenceGraph, target: str, sources: Iterable[str], k: int, max_hops: int, table: Table | None = None
) -> list[InfluencePath]:
    table = table if table is not None else best_to(ig, target, max_hops)
    graph = ig.graph
    heap: list[tuple[float, int, tuple[str, ...], float]] = []
    for s in sorted(set(sources)):
        bound = table.best(max_hops, s)
        if bound is not None and s != target:
            heap.append((-_key(bound[0]), bound[1], (s,), 1.0))
    heapq.heapify(heap)
    found: list[InfluencePath] = []
    while heap and len(found) < k:
        _, _, ids, p = heapq.heappop(heap)
        last = ids[-1]
        if last == target:
            hops = tuple(ig.hop(a, b) for a, b in pairwise(ids))
            found.append(InfluencePath(p, hops))
            continue
        budget = max_hops - (len(ids) - 1) - 1
        on_path = set(ids)
        for u, data in graph.succ[last].items():
            w = data["weight"]
            if w <= 0 or u in on_path or (u != target and ig.is_member(u)):
                continue
            bound = table.best(budget, u)
            if bound is None:
                continue
            q = p * w
            heapq.heappush(heap, (-_key(q * bound[0]), len(ids) + bound[1], (*ids, u), q))
    return found


def strongest_paths(
    ig: InfluenceGraph,
    target: str,
    sources: Collection[str] | None = None,
    k: int = 3,
    max_hops: int = 4,
) -> list[InfluencePath]:
    """The k strongest influence paths from our team to ``target`` in the account's influence graph.

    ``sources`` defaults to every member assigned to the account; each must be
    a member. No path is an empty list, not an error; an unknown target or a
    source that is not a member raises. Cost: O(max_hops * E) for the bound
    table plus the best-first search, which expands only partial paths whose
    bound beats the k-th answer.
    """
    _check_limits(k, max_hops)
    _require_target(ig, target)
    if sources is None:
        sources = sorted(ig.assigned)
    for s in sources:
        node = ig.nodes.get(s)
        if node is not None and node.kind != NodeKind.MEMBER:
            raise InvalidInput(
                f"'{s}' is {with_article(node.kind)}; influence paths start at a member of our team "
                "(leave the sources out to start from the account's team)"
            )
    return _search(ig, target, [s for s in sources if s in ig.nodes], k, max_hops)


def strongest_paths_from(
    ig: InfluenceGraph, source: str, target: str, k: int = 1, max_hops: int = 4
) -> list[InfluencePath]:
    """The k strongest paths from any node ``source`` to ``target`` through no member (leverage explanations)."""
    _check_limits(k, max_hops)
    _require_target(ig, target)
    if source not in ig.nodes:
        raise NotFound(f"'{source}' is not in the influence graph of account '{ig.account_id}'")
    return _search(ig, target, [source], k, max_hops)


def _require_target(ig: InfluenceGraph, target: str) -> None:
    node = ig.nodes.get(target)
    if node is None:
        raise NotFound(f"'{target}' is not in the influence graph of account '{ig.account_id}'")
    if node.kind not in (NodeKind.PERSON, NodeKind.COMMITTEE, NodeKind.INFLUENCER):
        raise InvalidInput(
            f"'{target}' is {with_article(node.kind)}; influence paths lead to a person, committee or influencer"
        )


class TeamPaths(Mapping[str, InfluencePath]):
    """The strongest path from a set of sources to each node they reach, computed when asked for.

    Exactly the first answer ``strongest_paths`` gives for that target (same
    order and tie-breaks): a forward table of the best (strength, hops) within
    r hops is built once; a path is read back from the target, choosing among
    tied predecessors the one whose own best path has the smallest id
    sequence. O(max_hops * E) for the table, then about the path's length per
    target.
    """

    def __init__(self, ig: InfluenceGraph, sources: Collection[str], max_hops: int) -> None:
        self._ig = ig
        self._hops = max_hops
        self._table = best_table_from(ig, sources, max_hops)
        self._sources = set(sources)
        self._paths: dict[str, InfluencePath | None] = {}
        self._sequences: dict[tuple[str, int], tuple[str, ...]] = {}

    def _reached(self, node: str) -> bool:
        return node not in self._sources and self._table.best(self._hops, node) is not None

    def __getitem__(self, node: str) -> InfluencePath:
        if node not in self._paths:
            path = None
            if self._reached(node):
                ids = self._sequence(node, self._hops)
                hops = tuple(self._ig.hop(a, b) for a, b in pairwise(ids))
                strength = 1.0
                for hop in hops:
                    strength *= hop.weight
                path = InfluencePath(strength, hops)
            self._paths[node] = path
        found = self._paths[node]
        if found is None:
            raise KeyError(node)
        return found

    def _sequence(self, node: str, budget: int) -> tuple[str, ...]:
        key = (node, budget)
        if key not in self._sequences:
            best = self._table.best(budget, node)
            assert best is not None
            strength, hops = best
            if hops == 0:
                self._sequences[key] = (node,)
            else:
                goal = _key(strength)
                options = []
                for u, data in self._ig.graph.pred[node].items():
                    prior = self._table.best(budget - 1, u)
                    w = data["weight"]
                    if prior is None or w <= 0 or prior[1] != hops - 1:
                        continue
                    if u not in self._sources and self._ig.is_member(u):
                        continue
                    if _key(prior[0] * w) == goal:
                        options.append(self._sequence(u, budget - 1))
                self._sequences[key] = (*min(options), node)
        return self._sequences[key]

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._table.arrays.ids if self._reached(n))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def best_from(ig: InfluenceGraph, sources: Collection[str], max_hops: int) -> TeamPaths:
    """The strongest path from any of ``sources`` to every node they reach, through no other member; see
    ``TeamPaths``. What gap suggestions need: one table for all targets."""
    return TeamPaths(ig, sources, max_hops)
