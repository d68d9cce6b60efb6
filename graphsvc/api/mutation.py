"""The root ``Mutation``: create, update and delete every node kind and relation type, and import a document.

The per-kind mutations (``createPerson``, ``updateCovers``, ...) are generated
from the model's tables, so each has typed input and checks exactly what an
import checks. Deleting a node deletes every relation at it; an account that
still owns sites, people or committees, or a site where people work, is
refused unless ``cascade: true`` (then the account's records go with it, and
people lose their site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphsvc.access import write_target
from graphsvc.api.args import CascadeArg, NodeIdArg
from graphsvc.api.context import Context, call
from graphsvc.api.inputs import NODE_INPUTS, NODE_PATCHES, RELATION_INPUTS, RELATION_PATCHES, input_record, type_name
from graphsvc.api.types import (
    NODE_TYPES,
    Acquaintance,
    Assignment,
    CommitteeSeat,
    Cover,
    Influence,
    as_gql,
)
from graphsvc.audit import AuditOperation
from graphsvc.errors import InvalidInput
from graphsvc.model import NodeKind, Relation, RelationType
from graphsvc.model.schema import with_article
from graphsvc.store import ImportMode, WriteResult

__all__ = ["Mutation"]

GInfo = Info[Context, None]
FromId = Annotated[
    strawberry.ID, strawberry.argument(name="from", description="Id of the node the relation starts at.")
]
RelationTypeArg = Annotated[RelationType, strawberry.argument(description="The relation's type.")]
DocumentArg = Annotated[JSON, strawberry.argument(description="A whole graphsvc/1 document (docs/interchange.md).")]
ModeArg = Annotated[
    ImportMode, strawberry.argument(description="MERGE adds and replaces records by id; REPLACE makes it the graph.")
]
ToId = Annotated[strawberry.ID, strawberry.argument(description="Id of the node the relation ends at.")]


@strawberry.type(description="A REPORTS_TO relation: who reports to whom.")
class ReportingLine:
    _rel: strawberry.Private[Relation]

    @strawberry.field(name="from", description="Who reports.")
    def source(self) -> strawberry.ID:
        return strawberry.ID(self._rel.source)

    @strawberry.field(name="to", description="To whom.")
    def target(self) -> strawberry.ID:
        return strawberry.ID(self._rel.target)

    @strawberry.field(description="Strength as stored (null: upward 0.5).")
    def strength(self) -> float | None:
        value = self._rel.props.get("strength")
        return None if value is None else float(value)

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        value = self._rel.props.get("notes")
        return None if value is None else str(value)


RELATION_TYPES: dict[RelationType, Any] = {
    RelationType.REPORTS_TO: ReportingLine,
    RelationType.MEMBER_OF: CommitteeSeat,
    RelationType.INFLUENCES: Influence,
    RelationType.COVERS: Cover,
    RelationType.KNOWS: Acquaintance,
    RelationType.ASSIGNED_TO: Assignment,
}


@strawberry.type(description="What a delete or import did.")
class WriteSummary:
    created: int = strawberry.field(description="Records created.")
    updated: int = strawberry.field(description="Records changed.")
    unchanged: int = strawberry.field(description="Records given that were already as stated.")
    deleted: int = strawberry.field(description="Records deleted (a node's relations included).")
    account_ids: list[strawberry.ID] = strawberry.field(description="Accounts whose data changed.")
    revision: int = strawberry.field(description="The store's revision after the write.")


def summary(result: WriteResult) -> WriteSummary:
    return WriteSummary(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        deleted=result.deleted,
        account_ids=[strawberry.ID(a) for a in result.accounts],
        revision=result.revision,
    )


def _create_node(kind: NodeKind) -> Callable[..., Any]:
    async def resolver(info: GInfo, input: Any) -> Any:
        record = {k: v for k, v in input_record(input).items() if v is not None}
        return as_gql(await call(info.context.store.create_node, kind, record))

    resolver.__annotations__ = {
        "info": GInfo,
        "input": Annotated[NODE_INPUTS[kind], strawberry.argument(description=f"The new {kind}.")],
        "return": NODE_TYPES[kind],
    }
    return resolver


def _update_node(kind: NodeKind) -> Callable[..., Any]:
    async def resolver(info: GInfo, id: strawberry.ID, input: Any) -> Any:
        store = info.context.store
        # read to check the kind; a node the caller cannot see is refused (and audited) as the update would be
        node = await call(write_target, store, str(id), AuditOperation.UPDATE_NODE)
        if node.kind != kind:
            raise InvalidInput(
                f"'{id}' is {with_article(node.kind)}, not {with_article(kind)}; use update{type_name(node.kind)}"
            )
        return as_gql(await call(store.update_node, str(id), input_record(input)))

    resolver.__annotations__ = {
        "info": GInfo,
        "id": NodeIdArg,
        "input": Annotated[NODE_PATCHES[kind], strawberry.argument(description="The changes.")],
        "return": NODE_TYPES[kind],
    }
    return resolver


def _create_relation(rtype: RelationType) -> Callable[..., Any]:
    async def resolver(info: GInfo, input: Any) -> Any:
        record = {k: v for k, v in input_record(input).items() if v is not None}
        rel = await call(info.context.store.create_relation, {"type": rtype.value, **record})
        return RELATION_TYPES[rtype](_rel=rel)

    resolver.__annotations__ = {
        "info": GInfo,
        "input": Annotated[RELATION_INPUTS[rtype], strawberry.argument(description=f"The new {rtype} relation.")],
        "return": RELATION_TYPES[rtype],
    }
    return resolver


def _update_relation(rtype: RelationType) -> Callable[..., Any]:
    async def resolver(info: GInfo, from_: strawberry.ID, to: strawberry.ID, input: Any) -> Any:
        rel = await call(info.context.store.update_relation, rtype, str(from_), str(to), input_record(input))
        return RELATION_TYPES[rtype](_rel=rel)

    resolver.__annotations__ = {
        "info": GInfo,
        "from_": FromId,
        "to": ToId,
        "input": Annotated[RELATION_PATCHES[rtype], strawberry.argument(description="The changes.")],
        "return": RELATION_TYPES[rtype],
    }
    return resolver


def _mutations() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for kind in NodeKind:
        name = type_name(kind)
        fields[f"create_{kind.value}"] = strawberry.mutation(
            resolver=_create_node(kind), name=f"create{name}", description=f"Create {with_article(kind)}."
        )
        fields[f"update_{kind.value}"] = strawberry.mutation(
            resolver=_update_node(kind),
            name=f"update{name}",
            description=f"Change {with_article(kind)}: fields left out stay, null removes an optional property.",
        )
    for rtype in RelationType:
        name = type_name(rtype)
        fields[f"create_{rtype.value.lower()}"] = strawberry.mutation(
            resolver=_create_relation(rtype),
            name=f"create{name}",
            description=f"Create {with_article(rtype)} relation.",
        )
        fields[f"update_{rtype.value.lower()}"] = strawberry.mutation(
            resolver=_update_relation(rtype),
            name=f"update{name}",
            description=f"Change the {rtype} relation from one node to another.",
        )
    return fields


async def _delete_node(info: GInfo, id: NodeIdArg, cascade: CascadeArg = False) -> WriteSummary:
    return summary(await call(info.context.store.delete_node, str(id), cascade=cascade))


async def _delete_relation(info: GInfo, type: RelationTypeArg, from_: FromId, to: ToId) -> WriteSummary:
    return summary(await call(info.context.store.delete_relation, type, str(from_), str(to)))


async def _import_graph(info: GInfo, document: DocumentArg, mode: ModeArg = ImportMode.MERGE) -> WriteSummary:
    return summary(await call(info.context.store.import_document, document, mode))


Mutation = strawberry.type(
    type(
        "Mutation",
        (),
        {
            "__module__": __name__,
            **_mutations(),
            "delete_node": strawberry.mutation(
                resolver=_delete_node,
                description=(
                    "Delete a node and every relation at it. An account that still owns sites, people or "
                    "committees, or a site where people work, is refused unless cascade is true: then the "
                    "account's records go with it, and people lose their site."
                ),
            ),
            "delete_relation": strawberry.mutation(
                resolver=_delete_relation, description="Delete one relation, given by type, from and to."
            ),
            "import_graph": strawberry.mutation(
                resolver=_import_graph,
                description="Import a whole graphsvc/1 document, all or nothing (see docs/interchange.md).",
            ),
        },
    ),
    description="Every write: one transaction each, checked like an import, all or nothing.",
)
