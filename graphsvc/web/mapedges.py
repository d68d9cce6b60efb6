"""The edges of an account map: which lines are drawn, and how.

Every edge of the influence graph is drawn, except that an edge walked
against its relation (``KNOWS`` read from the person's side, a manager's pull
down a ``REPORTS_TO``) shares the line of the relation's own edge when that
one exists (its weight shows as ``reverseWeight``). People are linked to their
site by a light ``AT_SITE`` line on small maps.

A browser draws about 10,000 lines per frame at interactive speed, not the
50,000 of a 5,000-person account, so a large map draws at most
``EDGE_BUDGET`` edges: every edge of our team (``COVERS``, ``KNOWS``) and of
the committees (``MEMBER_OF``), every edge on a highlighted or suggested path,
then the strongest of the rest (weight desc, then ids). The page says how many
it left out. Cost: O(E log E).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from typing import Any

from pyvis.network import Network

from graphsvc.analysis import CoverState, InfluenceGraph
from graphsvc.model import NodeKind
from graphsvc.web import mapstyle as S

__all__ = ["EDGE_BUDGET", "add_edges", "edges_along"]

EDGE_BUDGET = 5_000
_ALWAYS = frozenset({"COVERS", "KNOWS", "MEMBER_OF"})


def add_edges(
    net: Network,
    ig: InfluenceGraph,
    states: dict[str, list[CoverState]],
    *,
    large: bool,
    required: Collection[tuple[str, str]] = (),
) -> tuple[dict[tuple[str, str], str], int]:
    """Draw the map's edges into ``net``; return the drawn edge of each graph edge (pair) and how many
    lines were left out (large maps only). ``required`` pairs are drawn whatever the budget."""
    graph_edges = {(u, v): d for u, v, d in ig.graph.edges(data=True)}
    lines: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = []
    for (u, v), d in graph_edges.items():
        back = graph_edges.get((v, u))
        folded = back is not None and back["relation"] == d["relation"] and back["inverse"] != d["inverse"]
        if folded and d["inverse"]:
            continue  # drawn with (v, u): the relation's own direction
        lines.append((u, v, d, back if folded else None))
    left_out = 0
    if large and len(lines) > EDGE_BUDGET:
        lines, left_out = _backbone(lines, required)
    lines.sort(key=lambda line: (line[0], line[1]))

    covers = {(s.member, s.node): s for found in states.values() for s in found}
    kinds = {(r.source, r.target): r.props.get("kind") for r in ig.influences}
    roles = {(r.source, r.target): r.props.get("role") for r in ig.member_of}
    pair_edge: dict[tuple[str, str], str] = {}
    for u, v, d, back in lines:
        relation, weight = str(d["relation"]), float(d["weight"])
        style = S.EDGE_STYLES[relation]
        edge_id = f"e{len(net.edges)}"
        pair_edge[(u, v)] = edge_id
        info: dict[str, Any] = {}
        if back is not None:
            pair_edge[(v, u)] = edge_id
            info["reverseWeight"] = round(float(back["weight"]), 6)
        if d["inverse"]:
            info["inverse"] = True
        if relation == "INFLUENCES" and kinds.get((u, v)):
            info["kind"] = str(kinds[(u, v)])
        if relation == "MEMBER_OF" and roles.get((u, v)):
            info["role"] = str(roles[(u, v)])
        colour = style["colour"]
        cover = covers.get((u, v)) if relation == "COVERS" else None
        if cover is not None:
            info["lastContact"] = cover.last_contact.isoformat() if cover.last_contact else None
            info["stale"] = cover.stale
            if cover.stale:
                colour = S.STALE_COVER_COLOUR
        extra: dict[str, Any] = {"info": info} if info else {}
        if style["dashes"]:
            extra["dashes"] = style["dashes"]
        net.add_edge(
            u,
            v,
            id=edge_id,
            type=relation,
            weight=round(weight, 6),
            width=S.edge_width(max(weight, info.get("reverseWeight", 0.0))),
            color={"color": colour},
            arrows="" if relation == "KNOWS" and back is not None else "to",
            **extra,
        )
    if not large:
        _add_site_lines(net, ig)
    return pair_edge, left_out


def _backbone(
    lines: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]], required: Collection[tuple[str, str]]
) -> tuple[list[tuple[str, str, dict[str, Any], dict[str, Any] | None]], int]:
    wanted = set(required)

    def must(line: tuple[str, str, dict[str, Any], dict[str, Any] | None]) -> bool:
        u, v = line[0], line[1]
        return line[2]["relation"] in _ALWAYS or (u, v) in wanted or (v, u) in wanted

    kept = [line for line in lines if must(line)]
    rest = sorted((line for line in lines if not must(line)), key=lambda line: (-line[2]["weight"], line[0], line[1]))
    room = max(EDGE_BUDGET - len(kept), 0)
    return kept + rest[:room], len(rest) - min(room, len(rest))


def _add_site_lines(net: Network, ig: InfluenceGraph) -> None:
    style = S.EDGE_STYLES["AT_SITE"]
    for person in ig.of_kind(NodeKind.PERSON):
        site = person.props.get("site")
        if site in ig.nodes:
            net.add_edge(
                person.id,
                str(site),
                id=f"e{len(net.edges)}",
                type="AT_SITE",
                weight=0.0,
                width=1,
                color={"color": style["colour"]},
                dashes=style["dashes"],
                arrows="",
            )


def edges_along(nodes: Iterable[str], pair_edge: dict[tuple[str, str], str]) -> list[str]:
    """The drawn edges along a path of node ids."""
    seq = list(nodes)
    return [pair_edge[(a, b)] for a, b in itertools.pairwise(seq) if (a, b) in pair_edge]
