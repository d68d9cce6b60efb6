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
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise

from graphsvc.analysis.graph import Hop, InfluenceGraph
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.model import NodeKind
from graphsvc.model.schema import with_article

__all__ = ["InfluencePath", "best_from", "best_to", "strongest_paths", "strongest_paths_from"]

_DIGITS = 12
Best = dict[str, tuple[float, int]]


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
    return round(value, _DIGITS)


def _better(a: tuple[float, int], b: tuple[float, int] | None) -> bool:
    if b is None:
        return True
    sa, sb = _key(a[0]), _key(b[0])
    return sa > sb or (sa == sb and a[1] < b[1])


def best_to(ig: InfluenceGraph, target: str, max_hops: int) -> list[Best]:
    """``table[r][v]``: the best (strength, hops) from v to ``target`` within r hops, through no member.

    v itself may be a member (a path may start at one). O(max_hops * E).
    """
    graph = ig.graph
    table: list[Best] = [{target: (1.0, 0)}]
    frontier = {target}
    for _ in range(max_hops):
        prev = table[-1]
        cur = dict(prev)
        changed: set[str] = set()
        for u in frontier:
            if u != target and ig.is_member(u):
                continue
            su, hu = prev[u]
            for v, data in graph.pred[u].items():
                w = data["weight"]
                if w <= 0:
                    continue
                cand = (w * su, hu + 1)
                if _better(cand, cur.get(v)):
                    cur[v] = cand
                    changed.add(v)
        table.append(cur)
        frontier = changed
    return table


def _check_limits(k: int, max_hops: int) -> None:
    if k < 1:
        raise InvalidInput(f"k must be at least 1, not {k}")
    if max_hops < 1:
        raise InvalidInput(f"max_hops must be at least 1, not {max_hops}")


def _search(
    ig: InfluenceGraph, target: str, sources: Iterable[str], k: int, max_hops: int, table: list[Best] | None = None
) -> list[InfluencePath]:
    table = table if table is not None else best_to(ig, target, max_hops)
    graph = ig.graph
    heap: list[tuple[float, int, tuple[str, ...], float]] = []
    for s in sorted(set(sources)):
        bound = table[max_hops].get(s)
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
            bound = table[budget].get(u)
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


def best_from(ig: InfluenceGraph, sources: Collection[str], max_hops: int) -> dict[str, InfluencePath]:
    """The strongest path from any of ``sources`` to every node they reach, through no other member.

    Exactly the first answer ``strongest_paths`` gives for each target (same
    order and tie-breaks): a forward programme over hop counts keeps, per
    node, the best (strength, hops, id sequence) within r hops; with weights
    at most 1 the best walk is a simple path. O(max_hops * E) for all targets
    at once, which is what gap suggestions need.
    """
    graph = ig.graph
    best: dict[str, tuple[float, int, tuple[str, ...], float]] = {}
    for s in sorted(set(sources)):
        if s in ig.nodes:
            best[s] = (-1.0, 0, (s,), 1.0)
    frontier = set(best)
    for _ in range(max_hops):
        layer = dict(best)
        changed: set[str] = set()
        for u in frontier:
            _, hops, ids, p = best[u]
            if len(ids) > 1 and ig.is_member(u):
                continue
            for v, data in graph.succ[u].items():
                w = data["weight"]
                if w <= 0 or ig.is_member(v):
                    continue
                q = p * w
                cand = (-_key(q), hops + 1, (*ids, v), q)
                old = layer.get(v)
                if old is None or cand[:3] < old[:3]:
                    layer[v] = cand
                    changed.add(v)
        best = layer
        frontier = changed
    out: dict[str, InfluencePath] = {}
    for node, (_, _, ids, p) in best.items():
        if len(ids) > 1:
            out[node] = InfluencePath(p, tuple(ig.hop(a, b) for a, b in pairwise(ids)))
    return out
