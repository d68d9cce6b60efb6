"""GraphQL input types for every node kind and relation type, generated from the model's field tables.

For each kind ``X``: ``XInput`` (create: required fields required) and
``XPatch`` (update: every field optional; an explicit ``null`` removes an
optional property, a left-out field stays as it is). For each relation type
``T``: ``TInput`` (with ``from`` and ``to``) and ``TPatch``. Validation is the
model's, so the API accepts exactly what an import accepts.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Optional

import strawberry
from strawberry.types.unset import UNSET

from graphsvc.api import enums as _enums  # noqa: F401 - registers the GraphQL enums first
from graphsvc.model import NODE_FIELDS, RELATION_FIELDS, Field, NodeKind, RelationType
from graphsvc.model.schema import with_article

__all__ = ["NODE_INPUTS", "NODE_PATCHES", "RELATION_INPUTS", "RELATION_PATCHES", "input_record", "type_name"]


def type_name(value: str) -> str:
    """``end_customer`` -> ``EndCustomer``, ``REPORTS_TO`` -> ``ReportsTo``."""
    return "".join(part.capitalize() for part in value.lower().split("_"))


def _annotation(field: Field) -> Any:
    match field.type:
        case "text" | "note":
            return str
        case "unit":
            return float
        case "days":
            return int
        case "date":
            return date
        case "enum":
            return field.choices
        case "enum_list":
            return list[field.choices]  # type: ignore[name-defined]
        case "text_list":
            return list[str]
        case "ref":
            return strawberry.ID
    raise AssertionError(field.type)


def _make(name: str, description: str, fields: list[tuple[str, Any, bool, str, str | None]]) -> Any:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for attr, annotation, required, doc, graphql_name in fields:
        if required:
            annotations[attr] = annotation
            namespace[attr] = strawberry.field(description=doc, name=graphql_name)
        else:
            annotations[attr] = Optional[annotation]  # noqa: UP045 - built at run time
            namespace[attr] = strawberry.field(description=doc, name=graphql_name, default=UNSET)
    cls = type(name, (), {"__annotations__": annotations, **namespace, "__module__": __name__})
    return strawberry.input(cls, description=description)


def _fields(specs: tuple[Field, ...], patch: bool) -> list[tuple[str, Any, bool, str, str | None]]:
    return [
        (f.name, _annotation(f), f.required and not patch, f.doc or f"The {f.name.replace('_', ' ')}.", None)
        for f in specs
    ]


_ID_FIELD = ("id", strawberry.ID, True, "Stable id, unique across all kinds (letters, digits, _ . : @ -).", None)
_ENDS = [
    ("source", strawberry.ID, True, "Id of the node the relation starts at.", "from"),
    ("target", strawberry.ID, True, "Id of the node the relation ends at.", "to"),
]

NODE_INPUTS: dict[NodeKind, Any] = {
    kind: _make(f"{type_name(kind)}Input", f"A new {kind}.", [_ID_FIELD, *_fields(NODE_FIELDS[kind], patch=False)])
    for kind in NodeKind
}
NODE_PATCHES: dict[NodeKind, Any] = {
    kind: _make(
        f"{type_name(kind)}Patch",
        f"Changes to {with_article(kind)}: a field left out stays, null removes an optional property.",
        _fields(NODE_FIELDS[kind], patch=True),
    )
    for kind in NodeKind
}
RELATION_INPUTS: dict[RelationType, Any] = {
    rtype: _make(
        f"{type_name(rtype)}Input", f"A new {rtype} relation.", [*_ENDS, *_fields(RELATION_FIELDS[rtype], False)]
    )
    for rtype in RelationType
}
RELATION_PATCHES: dict[RelationType, Any] = {
    rtype: _make(
        f"{type_name(rtype)}Patch",
        f"Changes to {with_article(rtype)} relation: a field left out stays, null removes an optional property.",
        _fields(RELATION_FIELDS[rtype], patch=True),
    )
    for rtype in RelationType
}


def input_record(value: Any) -> dict[str, Any]:
    """An input object as a model record: unset fields left out, ``null`` kept (it means 'remove' in a patch),
    enums and dates as their interchange values, ``source``/``target`` as ``from``/``to``."""
    out: dict[str, Any] = {}
    for attr, item in vars(value).items():
        if item is UNSET:
            continue
        key = {"source": "from", "target": "to"}.get(attr, attr)
        out[key] = _plain(item)
    return out


def _plain(item: Any) -> Any:
    if isinstance(item, date):
        return item.isoformat()
    if isinstance(item, list):
        return [_plain(x) for x in item]
    if isinstance(item, Enum):
        return item.value
    return item
