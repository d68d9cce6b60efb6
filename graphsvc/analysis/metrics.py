"""Network metrics of an account: the classic social-network measures of informal power.

Computed on the influence graph with members (and sites, which have no
influence edges) left out: for each person, committee and influencer,
``in_degree`` and ``out_degree`` (distinct influence edges), ``betweenness``
(directed, unweighted, normalised by (n-1)(n-2)) and ``pagerank`` (damping
0.85, edge weights, on the graph with every edge reversed, so a node ranks
high when highly ranked nodes take their cue from it), exactly as networkx
defines them, so that figures compare with the literature.

Cost: betweenness O(n * E) (Brandes), exact up to ``EXACT_BETWEENNESS_MAX``
stakeholders and estimated from ``BETWEENNESS_SAMPLES`` sampled sources above
(networkx's ``k``, fixed seed); PageRank O(E) per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graphsvc.analysis.graph import InfluenceGraph
from graphsvc.model import NodeKind

__all__ = ["NodeMetrics", "network_metrics"]

_KINDS = (NodeKind.PERSON, NodeKind.COMMITTEE, NodeKind.INFLUENCER)
EXACT_BETWEENNESS_MAX = 1000
"""Up to this many stakeholders betweenness is exact (Brandes is O(n * E): minutes on a huge account)."""
BETWEENNESS_SAMPLES = 200
"""Above it, networkx estimates betweenness from this many sampled sources (fixed seed: repeatable figures)."""
BETWEENNESS_SEED = 7


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    node: str
    in_degree: int
    out_degree: int
    betweenness: float
    pagerank: float


def network_metrics(ig: InfluenceGraph) -> list[NodeMetrics]:
    """Metrics for every person, committee and influencer of the account's influence graph, by id."""
    if "metrics" in ig.memo:
        return ig.memo["metrics"]  # type: ignore[no-any-return]
    keep = [n.id for n in ig.of_kind(*_KINDS)]
    sub: nx.DiGraph[str] = nx.DiGraph()
    sub.add_nodes_from(keep)
    sub.add_edges_from((u, v, d) for u, v, d in ig.graph.subgraph(keep).edges(data=True))
    if not keep:
        return []
    sampled = len(keep) > EXACT_BETWEENNESS_MAX
    betweenness = nx.betweenness_centrality(
        sub, normalized=True, k=BETWEENNESS_SAMPLES if sampled else None, seed=BETWEENNESS_SEED if sampled else None
    )
    pagerank = nx.pagerank(sub.reverse(copy=True), alpha=0.85, weight="weight")
    out = [NodeMetrics(n, sub.in_degree(n), sub.out_degree(n), float(betweenness[n]), float(pagerank[n])) for n in keep]
    ig.memo["metrics"] = out
    return out
