"""Conversions between graphsvc records and Neo4j rows.

A node is stored as a node labelled ``Entity`` and its kind's label
(``Person``, ...) with the record's properties, plus ``_fold``: the name
case-folded for name searches. A relation is a relationship of its type with
its properties. Absent properties are absent (Neo4j has no nulls).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from graphsvc.model import Node, NodeKind, Relation, RelationType
from graphsvc.store.base import TokenInfo

LABEL = {kind: kind.value.capitalize() for kind in NodeKind}
"""The Neo4j label of each node kind: ``Account``, ``Site``, ``Person``, ..."""
KIND = {label: kind for kind, label in LABEL.items()}
BASE_LABEL = "Entity"
FOLD = "_fold"
_TYPES = {t.value: t for t in RelationType}
_HIDDEN = ("id", FOLD)


def node_kind(labels: Iterable[str]) -> NodeKind:
    for label in labels:
        kind = KIND.get(label)
        if kind is not None:
            return kind
    raise ValueError(f"a graphsvc node without a kind label: {list(labels)}")  # pragma: no cover


def to_node(labels: Iterable[str], props: Mapping[str, Any]) -> Node:
    data = dict(props)
    node_id = data.pop("id")
    data.pop(FOLD, None)
    return Node(node_kind(labels), node_id, data)


def node_props(kind: NodeKind, props: Mapping[str, Any]) -> Node:
    """A node read where its kind is known."""
    data = dict(props)
    node_id = data.pop("id")
    data.pop(FOLD, None)
    return Node(kind, node_id, data)


def node_row(node: Node) -> dict[str, Any]:
    """The parameter row ``{label, props}`` that writes a node."""
    props = dict(node.props)
    props["id"] = node.id
    props[FOLD] = node.name.casefold()
    return {"label": LABEL[node.kind], "props": props}


def to_relation(rtype: str, source: str, target: str, props: Mapping[str, Any]) -> Relation:
    return Relation(_TYPES[rtype], source, target, dict(props))


def to_relations(rows: Iterable[tuple[str, str, str, dict[str, Any]]]) -> list[Relation]:
    """Relations from ``[type, from, to, props]`` rows. The driver decodes a new dict for each map, so the
    props are kept as they come, not copied (50,000 copies were a tenth of a huge account's read)."""
    types = _TYPES
    return [Relation(types[t], s, o, p) for t, s, o, p in rows]


def relation_row(rel: Relation) -> list[Any]:
    """The parameter row ``[type, from, to, props]`` that writes a relation."""
    return [str(rel.type), rel.source, rel.target, dict(rel.props)]


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_token(props: Mapping[str, Any]) -> TokenInfo:
    return TokenInfo(
        props["id"],
        props["member"],
        props["role"],
        datetime.fromisoformat(props["created"]),
        _when(props.get("expires")),
        _when(props.get("revoked")),
        _when(props.get("last_used")),
    )
