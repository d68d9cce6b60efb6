"""The influence graph of an account (DESIGN.md section 2), built from plain records.

Which nodes belong to account A's influence graph:

* every site, person and committee of A;
* every node with an ``INFLUENCES`` or ``MEMBER_OF`` relation into those
  (external influencers, people and committees of other accounts, members
  of our team who sit on A's committees);
* every member assigned to A or with a ``COVERS``, ``KNOWS`` or
  ``MEMBER_OF`` relation to any of the nodes above.

Edges carry a weight in [0, 1]: ``COVERS``, ``KNOWS`` (both directions) and
``INFLUENCES`` their strength (0.5 when left out); ``MEMBER_OF`` its strength
or, left out, 0.9 / 0.6 / 0.4 for chair / member / advisor; ``REPORTS_TO``
between people derives an upward edge (strength, else 0.5) and a downward
edge (0.7), each unless an explicit ``INFLUENCES`` joins that ordered pair.
Where several edges join one ordered pair the strongest counts.

The builder applies this definition to whatever records it is given, so a
store may hand it a superset (the account's neighbourhood) and the result is
still exact. Building costs O(nodes + relations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphsvc.model import Node, NodeKind, Relation, RelationType

__all__ = [
    "COMMITTEE_POWER",
    "COVERED_MIN",
    "DEFAULT_CADENCE_DAYS",
    "DEFAULT_STRENGTH",
    "MEMBER_OF_ROLE_WEIGHTS",
    "PERSON_POWER",
    "REPORTS_DOWN_WEIGHT",
    "Hop",
    "InfluenceGraph",
    "build_influence_graph",
]

DEFAULT_STRENGTH = 0.5
MEMBER_OF_ROLE_WEIGHTS: Mapping[str, float] = {"chair": 0.9, "member": 0.6, "advisor": 0.4}
REPORTS_UP_WEIGHT = 0.5
REPORTS_DOWN_WEIGHT = 0.7
PERSON_POWER = 0.5
COMMITTEE_POWER = 1.0
DEFAULT_CADENCE_DAYS = 90
COVERED_MIN = 0.3

# When two edges of equal weight join one ordered pair, the hop reports the first of these.
_PRECEDENCE = ("INFLUENCES", "MEMBER_OF", "COVERS", "KNOWS", "REPORTS_TO")
_RANK = {relation: i for i, relation in enumerate(_PRECEDENCE)}
_INTO_ACCOUNT = (RelationType.INFLUENCES, RelationType.MEMBER_OF)
_MEMBER_LINKS = (RelationType.COVERS, RelationType.KNOWS, RelationType.MEMBER_OF)


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a path. ``inverse`` marks an edge walked against its relation:
    a manager's pull on a direct report (``REPORTS_TO`` downward) or ``KNOWS`` read from the person's side."""

    source: str
    target: str
    relation: str
    weight: float
    inverse: bool = False


def strength(rel: Relation) -> float:
    """A relation's strength with the default of 0.5 applied."""
    value = rel.props.get("strength")
    return DEFAULT_STRENGTH if value is None else float(value)


def member_of_weight(rel: Relation) -> float:
    value = rel.props.get("strength")
    if value is not None:
        return float(value)
    return MEMBER_OF_ROLE_WEIGHTS.get(str(rel.props.get("role")), MEMBER_OF_ROLE_WEIGHTS["member"])


def power(node: Node) -> float:
    """Formal decision power with the defaults applied (person 0.5, committee 1.0)."""
    value = node.props.get("power")
    if value is not None:
        return float(value)
    return COMMITTEE_POWER if node.kind == NodeKind.COMMITTEE else PERSON_POWER


@dataclass(slots=True)
class InfluenceGraph:
    """Account A's influence graph: the records of its nodes, the weighted edges and the raw ties.

    ``graph`` is a networkx ``DiGraph`` whose edges carry ``weight``,
    ``relation`` and ``inverse``. ``covers`` and ``knows`` keep the raw
    ``COVERS`` / ``KNOWS`` relations inside the graph (for freshness and
    coverage); ``assigned`` maps each member assigned to A to its role.
    Results derived from the graph may be memoised in ``memo``: the graph
    never changes once built.
    """

    account: Node
    nodes: dict[str, Node]
    graph: nx.DiGraph  # type: ignore[type-arg]
    assigned: dict[str, str]
    covers: list[Relation]
    knows: list[Relation]
    member_of: list[Relation]
    influences: list[Relation]
    revision: int = 0
    memo: dict[Any, Any] = field(default_factory=dict)
    structure: dict[Any, Any] = field(default_factory=dict)
    """Other forms of the same graph (by kind, as arrays), built on first use; unlike ``memo`` not results."""

    @property
    def account_id(self) -> str:
        return self.account.id

    def kind(self, node_id: str) -> NodeKind:
        return self.nodes[node_id].kind

    def is_member(self, node_id: str) -> bool:
        return self.nodes[node_id].kind == NodeKind.MEMBER

    def _kinds(self) -> dict[NodeKind, list[Node]]:
        by_kind: dict[NodeKind, list[Node]] | None = self.structure.get("by_kind")
        if by_kind is None:
            by_kind = {kind: [] for kind in NodeKind}
            for node_id in sorted(self.nodes):
                node = self.nodes[node_id]
                by_kind[node.kind].append(node)
            self.structure["by_kind"] = by_kind
        return by_kind

    def owned(self, *kinds: NodeKind) -> list[Node]:
        """Nodes of this account (sites, people, committees), optionally of the given kinds, by id."""
        key = ("owned", kinds)
        found: list[Node] | None = self.structure.get(key)
        if found is None:
            chosen = self.of_kind(*(kinds or tuple(NodeKind)))
            found = [n for n in chosen if n.account == self.account.id]
            self.structure[key] = found
        return list(found)

    def of_kind(self, *kinds: NodeKind) -> list[Node]:
        """Nodes of the given kinds, by id."""
        by_kind = self._kinds()
        if len(kinds) == 1:
            return list(by_kind[kinds[0]])
        return sorted((n for kind in set(kinds) for n in by_kind[kind]), key=lambda n: n.id)

    def hop(self, source: str, target: str) -> Hop:
        data = self.graph.edges[source, target]
        return Hop(source, target, data["relation"], data["weight"], data["inverse"])


def build_influence_graph(
    account: Node, nodes: Iterable[Node], relations: Iterable[Relation], revision: int = 0
) -> InfluenceGraph:
    """Account ``account``'s influence graph from a superset of its records."""
    if account.kind != NodeKind.ACCOUNT:
        raise ValueError(f"{account.id} is a {account.kind}, not an account")
    by_id = {n.id: n for n in nodes}
    by_id[account.id] = account
    rels = list(relations)
    influences, member_of, assigned_to = RelationType.INFLUENCES, RelationType.MEMBER_OF, RelationType.ASSIGNED_TO

    # One pass each for the two rings around the account (a 50,000-relation account made every pass count).
    level0 = {n.id for n in by_id.values() if n.account == account.id}
    level1: set[str] = set()
    explicit: set[tuple[str, str]] = set()
    for r in rels:
        rtype = r.type
        if rtype == influences:
            explicit.add((r.source, r.target))
        elif rtype != member_of:
            continue
        if r.target in level0 and r.source in by_id:
            level1.add(r.source)
    near = level0 | level1
    member = NodeKind.MEMBER
    members = {
        r.source
        for r in rels
        if (r.target in near if r.type in _MEMBER_LINKS else r.type == assigned_to and r.target == account.id)
        and r.source in by_id
        and by_id[r.source].kind == member
    }
    inside = near | members
    kept = {i: by_id[i] for i in sorted(inside)}

    graph: nx.DiGraph = nx.DiGraph()  # type: ignore[type-arg]
    graph.add_nodes_from((node_id, {"kind": str(node.kind)}) for node_id, node in kept.items())

    ig = InfluenceGraph(
        account=account,
        nodes=kept,
        graph=graph,
        assigned={},
        covers=[],
        knows=[],
        member_of=[],
        influences=[],
        revision=revision,
    )
    # (weight, rank, relation, inverse) of the strongest edge offered for each ordered pair so far.
    candidates: dict[tuple[str, str], tuple[float, int, str, bool]] = {}
    best = candidates.get

    def offer(pair: tuple[str, str], weight: float, relation: str, inverse: bool = False) -> None:
        rank = _RANK[relation]
        old = best(pair)
        if old is None or weight > old[0] or (weight == old[0] and rank < old[1]):
            candidates[pair] = (weight, rank, relation, inverse)

    influence_rank = _RANK["INFLUENCES"]
    for rel in rels:
        rtype, source, target = rel.type, rel.source, rel.target
        if rtype == assigned_to:
            if target == account.id and source in kept:
                ig.assigned[source] = str(rel.props.get("role", "member"))
            continue
        if source not in kept or target not in kept:
            continue
        if rtype == influences:  # the bulk of a big account: offer() inlined
            ig.influences.append(rel)
            value = rel.props.get("strength")
            weight = DEFAULT_STRENGTH if value is None else float(value)
            pair = (source, target)
            old = best(pair)
            if old is None or weight > old[0] or (weight == old[0] and influence_rank < old[1]):
                candidates[pair] = (weight, influence_rank, "INFLUENCES", False)
        elif rtype == RelationType.COVERS:
            ig.covers.append(rel)
            offer((source, target), strength(rel), "COVERS")
        elif rtype == RelationType.KNOWS:
            ig.knows.append(rel)
            weight = strength(rel)
            offer((source, target), weight, "KNOWS")
            offer((target, source), weight, "KNOWS", inverse=True)
        elif rtype == member_of:
            ig.member_of.append(rel)
            offer((source, target), member_of_weight(rel), "MEMBER_OF")
        elif rtype == RelationType.REPORTS_TO and kept[source].kind == NodeKind.PERSON:
            if (source, target) not in explicit:
                offer((source, target), strength(rel) if "strength" in rel.props else REPORTS_UP_WEIGHT, "REPORTS_TO")
            if (target, source) not in explicit:
                offer((target, source), REPORTS_DOWN_WEIGHT, "REPORTS_TO", inverse=True)
    _add_edges(graph, candidates)
    for small in (ig.covers, ig.knows, ig.member_of):  # deterministic order where answers list them
        small.sort(key=lambda r: (r.type, r.source, r.target))
    return ig


def _add_edges(
    graph: nx.DiGraph,  # type: ignore[type-arg]
    candidates: dict[tuple[str, str], tuple[float, int, str, bool]],
) -> None:
    """The chosen edges, written straight into the graph's adjacency (its nodes exist already, each pair is new).

    What ``graph.add_edges_from`` would build, in the same order, in a third of
    its time: it checks both ends and merges attribute dicts for every edge,
    which for a 50,000-edge account was a third of the whole build.
    """
    succ: dict[str, dict[str, Any]] = graph._succ  # type: ignore[attr-defined]
    pred: dict[str, dict[str, Any]] = graph._pred  # type: ignore[attr-defined]
    for (source, target), (weight, _, relation, inverse) in candidates.items():
        data = {"weight": weight, "relation": relation, "inverse": inverse}
        succ[source][target] = data
        pred[target][source] = data
    nx._clear_cache(graph)
