"""Decision nodes, leverage, key stakeholders and portfolio leverage (DESIGN.md section 3).

``leverage(n) = sum_d power(d) * best(n -> d) / sum_d power(d)`` over the
decision nodes d of the account, where best(n -> d) is the strongest path
strength from n to d within ``max_hops`` through no member (best(d -> d) = 1).

All best(n -> d) come from one dynamic programme over hop counts on a
matrix with a column per decision node: each round relaxes every edge for
every column at once (numpy), so the cost is O(max_hops * E * |D|)
arithmetic in vectorised form. With weights at most 1 the best walk is a
simple path, so the programme is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from graphsvc.analysis.graph import COVERED_MIN, InfluenceGraph, power, strength
from graphsvc.analysis.paths import InfluencePath, strongest_paths_from
from graphsvc.analysis.tables import edge_arrays
from graphsvc.errors import NotFound
from graphsvc.model import BuyingRole, NodeKind

__all__ = [
    "Contribution",
    "LeverageScore",
    "PortfolioLever",
    "decision_nodes",
    "explain_leverage",
    "key_stakeholders",
    "leverage",
    "portfolio_leverage",
]

_DIGITS = 12
_DECIDING_ROLES = {BuyingRole.DECIDER.value, BuyingRole.APPROVER.value}
_SCORED_KINDS = (NodeKind.PERSON, NodeKind.COMMITTEE, NodeKind.INFLUENCER)
KEY_POWER_MIN = 0.7
KEY_TOP_LEVERAGE = 5


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much of a node's leverage comes through one decision node."""

    decision_node: str
    best: float
    """Strongest path strength from the node to the decision node."""
    share: float
    """power(d) * best / sum of powers: this decision node's part of the score."""
    path: InfluencePath | None = None


class _Shares:
    """The account's leverage matrix, kept once, from which each score reads its contributions when asked."""

    __slots__ = ("best", "decisions", "shares", "top")

    def __init__(self, decisions: list[str], best: np.ndarray, shares: np.ndarray) -> None:
        self.decisions = decisions
        self.best = best
        self.shares = shares
        # per row, decision columns by share (rounded) descending; ties keep id order (columns are sorted by id)
        self.top = np.argsort(-np.round(shares, _DIGITS), axis=1, kind="stable")[:, :3]

    def contributions(self, row: int) -> tuple[Contribution, ...]:
        return tuple(
            Contribution(self.decisions[j], float(self.best[row, j]), float(self.shares[row, j]))
            for j in self.top[row]
            if self.shares[row, j] > 0
        )


class LeverageScore:
    """A node's leverage in one account, 0-1, with its largest contributions."""

    __slots__ = ("_row", "_shares", "node", "score")

    def __init__(self, node: str, score: float, shares: _Shares | None = None, row: int = -1) -> None:
        self.node = node
        self.score = score
        self._shares = shares
        self._row = row

    @property
    def contributions(self) -> tuple[Contribution, ...]:
        """The largest contributions first (at most three), without paths; see ``explain_leverage``."""
        return () if self._shares is None else self._shares.contributions(self._row)

    def __repr__(self) -> str:
        return f"LeverageScore(node={self.node!r}, score={self.score!r})"


def decision_nodes(ig: InfluenceGraph) -> list[str]:
    """D(A): people of A who are ``decider`` or ``approver``, and committees of A with power >= 0.5; by id."""
    if "decisions" in ig.memo:
        return list(ig.memo["decisions"])
    out = []
    for node in ig.owned(NodeKind.PERSON, NodeKind.COMMITTEE):
        if node.kind == NodeKind.PERSON:
            if _DECIDING_ROLES.intersection(node.props.get("roles", ())):
                out.append(node.id)
        elif power(node) >= 0.5:
            out.append(node.id)
    ig.memo["decisions"] = tuple(out)
    return out


def _best_matrix(ig: InfluenceGraph, max_hops: int) -> tuple[list[str], list[str], np.ndarray]:
    """(scored node ids, decision node ids, best[n, d]) for the account. Memoised on the graph.

    Edges are sorted by source once; each round takes, per source node, the
    maximum over its edges for all decision nodes at once (``reduceat``), and
    stops early when nothing improves.
    """
    key = ("best", max_hops)
    if key in ig.memo:
        return ig.memo[key]  # type: ignore[no-any-return]
    arrays = edge_arrays(ig)
    scored = [n.id for n in ig.of_kind(*_SCORED_KINDS)]
    rows = np.array([arrays.index[n] for n in scored], dtype=np.int64)
    decisions = decision_nodes(ig)
    n = len(arrays.ids)
    best = np.zeros((n, len(decisions)))
    for j, d in enumerate(decisions):
        best[arrays.index[d], j] = 1.0
    scored_mask = np.zeros(n, dtype=bool)
    scored_mask[rows] = True
    keep = scored_mask[arrays.src] & scored_mask[arrays.dst]
    src, dst, weight = arrays.src[keep], arrays.dst[keep], arrays.weight[keep]
    if len(src) and decisions:
        order = np.argsort(src, kind="stable")
        src, dst, weight = src[order], dst[order], weight[order][:, None]
        starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        changed = np.zeros(n, dtype=bool)
        changed[[arrays.index[d] for d in decisions]] = True
        for _ in range(max_hops):
            # only edges into rows that changed last round can improve anything
            live = changed[dst]
            if not live.any():
                break
            s_live, d_live, w_live = src[live], dst[live], weight[live]
            starts = np.flatnonzero(np.r_[True, s_live[1:] != s_live[:-1]])
            heads = s_live[starts]
            reach = np.maximum.reduceat(w_live * best[d_live], starts, axis=0)
            before = best[heads]
            improved = np.maximum(before, reach)
            grew = (improved > before).any(axis=1)
            best[heads] = improved
            changed = np.zeros(n, dtype=bool)
            changed[heads[grew]] = True
    result = (scored, decisions, best[rows])
    ig.memo[key] = result
    return result


def leverage(ig: InfluenceGraph, max_hops: int = 4) -> list[LeverageScore]:
    """Leverage of every person, committee and influencer of the influence graph.

    Ranked by score (descending), ties by id. With no decision node (or all
    of power 0) every score is 0. O(max_hops * E * |D|) array work, memoised
    per graph.
    """
    key = ("leverage", max_hops)
    if key in ig.memo:
        return ig.memo[key]  # type: ignore[no-any-return]
    scored, decisions, best = _best_matrix(ig, max_hops)
    powers = np.array([power(ig.nodes[d]) for d in decisions])
    total = float(powers.sum())
    if total <= 0 or not decisions:
        out = [LeverageScore(node_id, 0.0) for node_id in scored]
    else:
        table = _Shares(decisions, best, best * (powers / total))
        scores = table.shares.sum(axis=1).tolist()
        out = [LeverageScore(node_id, scores[i], table, i) for i, node_id in enumerate(scored)]
    ranks = np.argsort(-np.round(np.array([s.score for s in out]), _DIGITS), kind="stable")  # ties stay in id order
    out = [out[i] for i in ranks]
    ig.memo[key] = out
    return out


def explain_leverage(ig: InfluenceGraph, node_id: str, max_hops: int = 4, top: int = 3) -> list[Contribution]:
    """The node's largest contributions (at most three), each with its best path to the decision node.

    The contributions are the ones ``leverage`` ranks; only the paths are added here.
    """
    score = next((s for s in leverage(ig, max_hops) if s.node == node_id), None)
    if score is None:
        raise NotFound(f"'{node_id}' has no leverage score in account '{ig.account_id}'")
    out = []
    for c in score.contributions[:top]:
        found = [] if c.decision_node == node_id else strongest_paths_from(ig, node_id, c.decision_node, 1, max_hops)
        out.append(Contribution(c.decision_node, c.best, c.share, found[0] if found else None))
    return out


def key_stakeholders(ig: InfluenceGraph, max_hops: int = 4) -> list[str]:
    """K(A): decision nodes, people of A with power >= 0.7, and the 5 non-member nodes of highest
    leverage (> 0); sorted by id."""
    key = ("key", max_hops)
    if key in ig.memo:
        return ig.memo[key]  # type: ignore[no-any-return]
    chosen = set(decision_nodes(ig))
    chosen.update(p.id for p in ig.owned(NodeKind.PERSON) if power(p) >= KEY_POWER_MIN)
    ranked = [s for s in leverage(ig, max_hops) if s.score > 0]
    chosen.update(s.node for s in ranked[:KEY_TOP_LEVERAGE])
    out = sorted(chosen)
    ig.memo[key] = out
    return out


@dataclass(frozen=True, slots=True)
class PortfolioLever:
    """A node's leverage summed over the accounts whose influence graph holds it."""

    node: str
    score: float
    accounts: tuple[tuple[str, float], ...]
    """(account id, leverage there), largest first."""
    covered: bool
    """Some member covers it (strength >= 0.3) in one of those accounts' graphs."""
    known: bool
    """Some member knows it (KNOWS strength >= 0.3)."""


def portfolio_leverage(graphs: Iterable[InfluenceGraph], max_hops: int = 4) -> list[PortfolioLever]:
    """Portfolio leverage over the given accounts' graphs: nodes with score > 0, ranked desc, ties by id.

    O(sum of the accounts' leverage costs), memoised per account graph.
    """
    per_node: dict[str, list[tuple[str, float]]] = {}
    covered: set[str] = set()
    known: set[str] = set()
    for ig in graphs:
        for s in leverage(ig, max_hops):
            if s.score > 0:
                per_node.setdefault(s.node, []).append((ig.account_id, s.score))
        covered.update(r.target for r in ig.covers if strength(r) >= COVERED_MIN)
        known.update(r.target for r in ig.knows if strength(r) >= COVERED_MIN)
    out = [
        PortfolioLever(
            node,
            float(sum(v for _, v in accounts)),
            tuple(sorted(accounts, key=lambda a: (-round(a[1], _DIGITS), a[0]))),
            node in covered,
            node in known,
        )
        for node, accounts in per_node.items()
    ]
    out.sort(key=lambda p: (-round(p.score, _DIGITS), p.node))
    return out
