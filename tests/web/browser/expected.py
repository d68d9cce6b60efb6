"""What the pages must show, worked out in-process from the analysis layer on the server's own store.

Nothing here is hard-coded: every number comes from an ``Analyst`` on the
same SQLite file the live server reads.
"""

from __future__ import annotations

from collections import Counter

from graphsvc.analysis import InfluenceGraph
from graphsvc.analyst import Analyst
from graphsvc.model import NodeKind

SEVERITIES = ("HIGH", "MEDIUM", "LOW")


def all_accounts(analyst: Analyst) -> list[str]:
    """Every account id in the store, in id order."""
    out: list[str] = []
    after = None
    while True:
        page = analyst.store.list_nodes(NodeKind.ACCOUNT, after=after, limit=500)
        out.extend(n.id for n in page.items)
        if page.next_after is None:
            return out
        after = page.next_after


def drawn_edges(ig: InfluenceGraph) -> Counter[tuple[str, str, str]]:
    """The edges a map draws, as (from, to, type), per docs/web.md's account map section.

    Every edge of the influence graph, except that an edge walked against its
    relation (``KNOWS`` from the person's side, a manager's pull down a
    ``REPORTS_TO``) shares the line of the relation's own edge when that edge
    exists; plus one ``AT_SITE`` line from each person with a site to it.
    """
    graph = ig.graph
    out: Counter[tuple[str, str, str]] = Counter()
    for u, v, d in graph.edges(data=True):
        if d["inverse"] and graph.has_edge(v, u):
            back = graph.edges[v, u]
            if back["relation"] == d["relation"] and not back["inverse"]:
                continue
        out[(u, v, str(d["relation"]))] += 1
    for person in ig.of_kind(NodeKind.PERSON):
        site = person.props.get("site")
        if site in ig.nodes:
            out[(person.id, str(site), "AT_SITE")] += 1
    return out
