"""Nodes and relations as graphsvc passes them between store, analysis and API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphsvc.model.schema import NODE_FIELDS, RELATION_FIELDS, NodeKind, RelationType

__all__ = ["Node", "Relation", "RelationKey"]

RelationKey = tuple[RelationType, str, str]
"""A relation is identified by (type, from, to): at most one of each type per ordered pair."""


@dataclass(frozen=True, slots=True, eq=True)
class Node:
    """A node: its kind, id and properties (``name``, ``account``, ...; absent ones left out)."""

    kind: NodeKind
    id: str
    props: Mapping[str, Any]

    __hash__ = None  # type: ignore[assignment]

    @property
    def name(self) -> str:
        return str(self.props["name"])

    @property
    def account(self) -> str | None:
        value = self.props.get("account")
        return None if value is None else str(value)

    def to_dict(self) -> dict[str, Any]:
        """The interchange form: ``id`` first, then the properties in schema order."""
        out: dict[str, Any] = {"id": self.id}
        for field in NODE_FIELDS[self.kind]:
            if field.name in self.props:
                out[field.name] = self.props[field.name]
        return out


@dataclass(frozen=True, slots=True, eq=True)
class Relation:
    """A directed relation ``source -[type]-> target`` with its properties."""

    type: RelationType
    source: str
    target: str
    props: Mapping[str, Any]

    __hash__ = None  # type: ignore[assignment]

    @property
    def key(self) -> RelationKey:
        return (self.type, self.source, self.target)

    def label(self) -> str:
        return f"{self.type} {self.source} -> {self.target}"

    def to_dict(self) -> dict[str, Any]:
        """The interchange form: ``type``, ``from``, ``to``, then properties in schema order."""
        out: dict[str, Any] = {"type": str(self.type), "from": self.source, "to": self.target}
        for field in RELATION_FIELDS[self.type]:
            if field.name in self.props:
                out[field.name] = self.props[field.name]
        return out
