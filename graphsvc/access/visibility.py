"""Which records a scope may see (docs/security.md), decided in batches against the real store.

An account is visible when its id is in the scope's visible set; a site,
person or committee when its account is; a member always; an influencer when
it has no ``INFLUENCES``/``MEMBER_OF`` relation with any person or committee,
or has one with a person or committee of a visible account. A relation is
visible when both its ends are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from graphsvc.access.scope import Scope
from graphsvc.model import OWNED_KINDS, Node, NodeKind, Relation, RelationType
from graphsvc.store import GraphStore

__all__ = ["influencer_accounts", "visible_ids", "visible_nodes", "visible_relations"]

_LINKS = (RelationType.INFLUENCES, RelationType.MEMBER_OF)


def influencer_accounts(
    store: GraphStore, ids: Collection[str], known: Mapping[str, Node] | None = None
) -> dict[str, set[str]]:
    """The accounts each influencer of ``ids`` is linked to (through its persons and committees).

    Three batched reads at most: the relations at them either way, and the nodes at their other ends that
    ``known`` (nodes already read) does not hold.
    """
    out: dict[str, set[str]] = {i: set() for i in ids}
    if not out:
        return out
    links: list[tuple[str, str]] = []
    for side in ("source", "target"):
        for rel in store.relations_at(list(out), side=side):
            if rel.type in _LINKS:
                mine, other = (rel.source, rel.target) if side == "source" else (rel.target, rel.source)
                links.append((mine, other))
    ends = dict(known or {})
    wanted = {other for _, other in links if other not in ends}
    if wanted:
        ends.update(store.nodes_by_id(wanted))
    for mine, other in links:
        node = ends.get(other)
        if node is not None and node.kind in (NodeKind.PERSON, NodeKind.COMMITTEE) and node.account is not None:
            out[mine].add(node.account)
    return out


def _influencer_seen(scope: Scope, accounts: set[str]) -> bool:
    return not accounts or any(scope.sees(a) for a in accounts)


def visible_nodes(store: GraphStore, scope: Scope, nodes: Iterable[Node]) -> list[Node]:
    """The nodes of ``nodes`` that ``scope`` sees, in order (influencers cost three batched reads)."""
    nodes = list(nodes)
    if scope.visible is None:
        return nodes
    influencers = [n.id for n in nodes if n.kind == NodeKind.INFLUENCER]
    linked = influencer_accounts(store, influencers, {n.id: n for n in nodes}) if influencers else {}
    out = []
    for node in nodes:
        if node.kind == NodeKind.ACCOUNT:
            seen = scope.sees(node.id)
        elif node.kind in OWNED_KINDS:
            seen = scope.sees(node.account)
        elif node.kind == NodeKind.INFLUENCER:
            seen = _influencer_seen(scope, linked[node.id])
        else:
            seen = True
        if seen:
            out.append(node)
    return out


def visible_ids(store: GraphStore, scope: Scope, ids: Collection[str]) -> Mapping[str, Node]:
    """The visible nodes among ``ids``, by id (missing and invisible ones left out alike)."""
    found = store.nodes_by_id(ids)
    return {n.id: n for n in visible_nodes(store, scope, found.values())}


def visible_relations(store: GraphStore, scope: Scope, relations: Iterable[Relation]) -> list[Relation]:
    """The relations of ``relations`` whose both ends ``scope`` sees, in order."""
    relations = list(relations)
    if scope.visible is None or not relations:
        return relations
    seen = visible_ids(store, scope, {e for r in relations for e in (r.source, r.target)})
    return [r for r in relations if r.source in seen and r.target in seen]
