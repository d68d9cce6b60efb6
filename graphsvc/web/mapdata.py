"""An account's influence graph as a drawable network: pyvis assembles nodes, edges and options.

``account_map`` reads the analyses (leverage, decision nodes, key
stakeholders, covers, gaps, paths) through an ``Analyst`` and returns the
data island of a map page: exactly the nodes and edges pyvis's ``Network``
holds, its options, the gaps with the edges of their suggested paths, and
the highlighted paths for ``to``/``from``. Nothing here is HTML: every name
stays plain text, and the page's script shows it with ``textContent``.

Which edges are drawn: ``graphsvc.web.mapedges``; where nodes start and how
they move: ``graphsvc.web.maplayout``. Cost: O(nodes + edges) on top of the analyses.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pyvis.network import Network

from graphsvc.analysis import CoverageGap, CoverState, InfluenceGraph, InfluencePath, cover_state
from graphsvc.analyst import Analyst
from graphsvc.errors import InvalidInput, Problem
from graphsvc.model import Node, NodeKind
from graphsvc.web import mapstyle as S
from graphsvc.web.mapedges import add_edges, edges_along
from graphsvc.web.maplayout import LARGE, spiral_layout, vis_options

__all__ = ["LARGE", "TARGET_KINDS", "AccountMap", "account_map"]

TARGET_KINDS = (NodeKind.PERSON, NodeKind.COMMITTEE, NodeKind.INFLUENCER)


@dataclass(frozen=True, slots=True)
class AccountMap:
    """What a map page shows: the data island, plus what the template lists (names are plain text)."""

    data: dict[str, Any]
    account_name: str
    targets: list[tuple[str, str]]
    """(id, name) of every node a path may lead to, by name."""
    members: list[tuple[str, str]]
    """(id, name) of the members of our team on the map, by name."""
    paths_caption: str | None
    """What the shown paths are, for ``to``; None without ``to``."""


class _NodeIds(list[str]):
    """pyvis's list of node ids with a set beside it: ``in`` is O(1) (pyvis checks it on every node and edge)."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[str] = set()

    def append(self, node_id: str) -> None:
        super().append(node_id)
        self._seen.add(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._seen


class _Network(Network):  # type: ignore[misc]
    """pyvis's Network without its quadratic id checks (a list scan per node and per edge)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.node_ids = _NodeIds()

    def get_nodes(self) -> Any:
        return self.node_ids


def account_map(
    analyst: Analyst, account_id: str, *, as_of: date, to: str | None = None, source: str | None = None
) -> AccountMap:
    """The map of ``account_id`` as of ``as_of``; ``to`` (and ``source``) choose the paths to highlight.

    Raises ``NotFound`` for an unknown account, ``InvalidInput`` naming the ``to`` or ``from`` parameter
    for a target or source that is not on the map."""
    ig = analyst.influence_graph(account_id)
    _check_endpoints(ig, to, source)
    leverage = {s.node: s.score for s in analyst.leverage(account_id)}
    decision = set(analyst.decision_nodes(account_id))
    keys = set(analyst.key_stakeholders(account_id))
    states: dict[str, list[CoverState]] = {}
    for rel in ig.covers:
        states.setdefault(rel.target, []).append(cover_state(rel, as_of))
    large = len(ig.nodes) > LARGE
    paths = analyst.paths(account_id, to, [source] if source else None) if to else []
    gaps = analyst.gaps(account_id, as_of)
    on_paths = [p.nodes for p in paths] + [g.suggested_path.nodes for g in gaps if g.suggested_path]
    required = {pair for seq in on_paths for pair in itertools.pairwise(seq)}

    net = _Network(directed=True)
    positions = spiral_layout(ig, leverage) if large else {}
    for node_id, node in ig.nodes.items():
        _add_node(net, ig, node, leverage, decision, keys, states.get(node_id, []), positions.get(node_id))
    pair_edge, left_out = add_edges(net, ig, states, large=large, required=required)
    net.set_options(json.dumps(vis_options(len(ig.nodes))))
    data = {
        "account": {"id": ig.account_id, "name": ig.account.name},
        "asOf": as_of.isoformat(),
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "large": large,
        "edgesLeftOut": left_out,
        "gaps": [_gap(g, pair_edge) for g in gaps],
        "paths": [list(p.nodes) for p in paths],
        "pathDetails": [_path(p, pair_edge) for p in paths],
        "to": to,
        "from": source,
    }
    names = {n.id: n.name for n in ig.nodes.values()}
    targets = sorted(((n.id, n.name) for n in ig.of_kind(*TARGET_KINDS)), key=lambda t: (t[1].casefold(), t[0]))
    members = sorted(((n.id, n.name) for n in ig.of_kind(NodeKind.MEMBER)), key=lambda t: (t[1].casefold(), t[0]))
    caption = None
    if to:
        origin = names[source] if source else "the account team"
        caption = f"Strongest paths from {origin} to {names[to]}" if paths else f"No path from {origin} to {names[to]}"
    return AccountMap(data, ig.account.name, targets, members, caption)


def _check_endpoints(ig: InfluenceGraph, to: str | None, source: str | None) -> None:
    problems: list[Problem] = []
    if to is not None:
        node = ig.nodes.get(to)
        if node is None:
            problems.append(Problem("to", f"'{to}' is not on the map of account '{ig.account_id}'", "to"))
        elif node.kind not in TARGET_KINDS:
            problems.append(
                Problem("to", f"'{to}' is a {node.kind}; paths lead to a person, committee or influencer", "to")
            )
    if source is not None:
        node = ig.nodes.get(source)
        if node is None or node.kind != NodeKind.MEMBER:
            problems.append(
                Problem(
                    "from", f"'{source}' is not a member of our team on the map of account '{ig.account_id}'", "from"
                )
            )
        elif to is None:
            problems.append(Problem("from", "'from' needs 'to': the target of the paths", "from"))
    if problems:
        raise InvalidInput(problems)


def _cover_state(kind: str, states: Sequence[CoverState]) -> str:
    if kind == "member":
        return "team"
    if kind == "site":
        return "none"
    counting = [s for s in states if s.counts]
    if not counting:
        return "uncovered"
    return "stale" if all(s.stale for s in counting) else "covered"


def _details(node: Node) -> list[list[str]]:
    """(label, text) lines of a tooltip particular to the node's kind."""
    p = node.props
    wanted: dict[NodeKind, tuple[tuple[str, str], ...]] = {
        NodeKind.PERSON: (("title", "Title"), ("department", "Department")),
        NodeKind.COMMITTEE: (("kind", "Committee"),),
        NodeKind.INFLUENCER: (("kind", "Influencer"), ("organization", "Organization"), ("country", "Country")),
        NodeKind.MEMBER: (("role", "Team role"), ("email", "Email")),
        NodeKind.SITE: (("city", "City"), ("country", "Country")),
    }
    return [[label, str(p[key])] for key, label in wanted.get(node.kind, ()) if p.get(key) not in (None, "")]


def _add_node(
    net: Network,
    ig: InfluenceGraph,
    node: Node,
    leverage: dict[str, float],
    decision: set[str],
    keys: set[str],
    states: Sequence[CoverState],
    position: tuple[float, float] | None,
) -> None:
    kind = str(node.kind)
    attitude = str(node.props["attitude"]) if kind == "person" and node.props.get("attitude") else None
    lev = leverage.get(node.id)
    cover = _cover_state(kind, states)
    border = S.COVER_BORDERS[cover]
    fill = S.ATTITUDE_COLOURS[attitude or "unknown"] if kind == "person" else S.KIND_COLOURS[kind]
    is_decision, is_key = node.id in decision, node.id in keys
    width = S.DECISION_BORDER if is_decision else S.KEY_BORDER if is_key else S.PLAIN_BORDER
    contacts = [s.last_contact for s in states if s.last_contact]
    power = node.props.get("power")
    info = {
        "name": node.name,
        "kind": kind,
        "details": _details(node),
        "roles": [str(r) for r in node.props.get("roles", [])],
        "attitude": attitude,
        "power": float(power) if power is not None else None,
        "leverage": round(lev, 3) if lev is not None else None,
        "decision": is_decision,
        "key": is_key,
        "cover": cover,
        "covers": [
            {
                "member": s.member,
                "memberName": ig.nodes[s.member].name,
                "strength": s.strength,
                "lastContact": s.last_contact.isoformat() if s.last_contact else None,
                "stale": s.stale,
            }
            for s in sorted(states, key=lambda s: (-s.strength, s.member))
        ],
        "lastContact": max(contacts).isoformat() if contacts else None,
        "account": node.account if node.account and node.account != ig.account_id else None,
        "assigned": ig.assigned.get(node.id),
    }
    extra: dict[str, Any] = {}
    if position is not None:
        extra["x"], extra["y"] = position
    net.add_node(
        node.id,
        label=("★ " if is_decision else "") + node.name,
        shape=S.KIND_SHAPES[kind],
        color={"background": fill, "border": border["colour"]},
        kind=kind,
        size=S.node_size(kind, lev or 0.0),
        borderWidth=width,
        shapeProperties={"borderDashes": border["dashes"]},
        font={"size": 16 if is_decision else 14 if is_key else 12},
        info=info,
        **extra,
    )


def _path(path: InfluencePath, pair_edge: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "strength": round(path.strength, 6),
        "nodes": list(path.nodes),
        "edges": edges_along(path.nodes, pair_edge),
        "hops": [{"from": h.source, "to": h.target, "relation": h.relation, "weight": h.weight} for h in path.hops],
    }


def _gap(gap: CoverageGap, pair_edge: dict[tuple[str, str], str]) -> dict[str, Any]:
    path = gap.suggested_path
    return {
        "kind": gap.kind.value,
        "severity": gap.severity.value,
        "subject": gap.subject,
        "message": gap.message,
        "role": gap.role,
        "member": gap.suggested_member,
        "path": list(path.nodes) if path else None,
        "edges": edges_along(path.nodes, pair_edge) if path else [],
        "strength": round(path.strength, 6) if path else None,
    }
