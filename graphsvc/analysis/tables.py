"""Hop-bounded best-strength tables over an influence graph, vectorised with numpy.

``best_table_to(ig, target, h)`` gives, for every node and hop budget r, the
lexicographically best (strength, -hops) of a walk to ``target`` within r
hops through no member; ``best_table_from(ig, sources, h)`` the same for walks
from the sources. Each round relaxes every edge at once: candidates are
reduced per node with ``np.maximum.reduceat`` (strength, rounded to 12
decimals so that equal products tie) and ``np.minimum.reduceat`` (hops among
the strongest). O(max_hops * E) array work per table; the edge arrays are
built once per graph and kept in its memo.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from graphsvc.analysis.graph import InfluenceGraph
from graphsvc.model import NodeKind

__all__ = ["EdgeArrays", "Table", "best_table_from", "best_table_to", "edge_arrays"]

_DIGITS = 12
_FAR = np.iinfo(np.int64).max // 2


@dataclass(frozen=True, slots=True)
class EdgeArrays:
    """The graph as arrays: node ids and index, member flags, and the edges of positive weight."""

    ids: list[str]
    index: dict[str, int]
    member: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray


def edge_arrays(ig: InfluenceGraph) -> EdgeArrays:
    """The graph's arrays, built once per graph on first use (O(V + E))."""
    cached = ig.structure.get("arrays")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    ids = list(ig.nodes)
    index = {n: i for i, n in enumerate(ids)}
    member = np.array([ig.nodes[n].kind == NodeKind.MEMBER for n in ids], dtype=bool)
    src, dst, weight = [], [], []
    for u, v, data in ig.graph.edges(data=True):
        w = float(data["weight"])
        if w > 0:
            src.append(index[u])
            dst.append(index[v])
            weight.append(w)
    arrays = EdgeArrays(
        ids, index, member, np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(weight)
    )
    ig.structure["arrays"] = arrays
    return arrays


@dataclass(frozen=True, slots=True)
class Table:
    """``strength[r][i]`` and ``hops[r][i]``: the best within r hops for node i (strength 0: unreachable)."""

    arrays: EdgeArrays
    strength: list[np.ndarray]
    hops: list[np.ndarray]

    def best(self, budget: int, node: str) -> tuple[float, int] | None:
        i = self.arrays.index.get(node)
        if i is None:
            return None
        s = float(self.strength[budget][i])
        return (s, int(self.hops[budget][i])) if s > 0 else None


def _relax(
    keep: np.ndarray, reached: np.ndarray, other: np.ndarray, weight: np.ndarray, s: np.ndarray, h: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One round: for each node in ``reached`` (the end being improved), the best over its edges from ``other``."""
    cand_s = np.where(keep, weight * s[other], 0.0)
    cand_r = np.round(cand_s, _DIGITS)
    cand_h = np.where(keep, h[other] + 1, _FAR)
    if not len(cand_s):
        return s, h
    order = np.argsort(reached, kind="stable")
    r_sorted = reached[order]
    starts = np.flatnonzero(np.r_[True, r_sorted[1:] != r_sorted[:-1]])
    nodes = r_sorted[starts]
    counts = np.diff(np.r_[starts, len(r_sorted)])
    cr, ch, cs = cand_r[order], cand_h[order], cand_s[order]
    top = np.maximum.reduceat(cr, starts)
    is_top = cr == np.repeat(top, counts)
    fewest = np.minimum.reduceat(np.where(is_top, ch, _FAR), starts)
    chosen = is_top & (ch == np.repeat(fewest, counts))
    raw = np.maximum.reduceat(np.where(chosen, cs, 0.0), starts)
    current = np.round(s[nodes], _DIGITS)
    better = (top > 0) & ((top > current) | ((top == current) & (fewest < h[nodes])))
    s2, h2 = s.copy(), h.copy()
    s2[nodes[better]] = raw[better]
    h2[nodes[better]] = fewest[better]
    return s2, h2


def best_table_to(ig: InfluenceGraph, target: str, max_hops: int) -> Table:
    """Best walks *to* ``target`` within r hops, through no member (a member may only start a walk)."""
    arrays = edge_arrays(ig)
    n = len(arrays.ids)
    s = np.zeros(n)
    h = np.full(n, _FAR, dtype=np.int64)
    t = arrays.index[target]
    s[t], h[t] = 1.0, 0
    # an edge v -> u may carry a walk to the target when u is the target or no member
    keep_edge = (arrays.dst == t) | ~arrays.member[arrays.dst]
    strengths, hops = [s], [h]
    for _ in range(max_hops):
        keep = keep_edge & (s[arrays.dst] > 0)
        s, h = _relax(keep, arrays.src, arrays.dst, arrays.weight, s, h)
        strengths.append(s)
        hops.append(h)
    return Table(arrays, strengths, hops)


def best_table_from(ig: InfluenceGraph, sources: Collection[str], max_hops: int) -> Table:
    """Best walks *from* any of ``sources`` within r hops, never entering a member."""
    arrays = edge_arrays(ig)
    n = len(arrays.ids)
    s = np.zeros(n)
    h = np.full(n, _FAR, dtype=np.int64)
    starts = [arrays.index[x] for x in sources if x in arrays.index]
    s[starts], h[starts] = 1.0, 0
    is_source = np.zeros(n, dtype=bool)
    is_source[starts] = True
    # an edge u -> v may extend a walk when v is no member, and u is a source or no member
    keep_edge = ~arrays.member[arrays.dst] & (is_source[arrays.src] | ~arrays.member[arrays.src])
    strengths, hops = [s], [h]
    for _ in range(max_hops):
        keep = keep_edge & (s[arrays.src] > 0)
        s, h = _relax(keep, arrays.dst, arrays.src, arrays.weight, s, h)
        s[starts], h[starts] = 1.0, 0
        strengths.append(s)
        hops.append(h)
    return Table(arrays, strengths, hops)
