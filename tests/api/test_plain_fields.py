"""``resolve_plainly``: the fields graphql-core resolves without strawberry's wrapper answer exactly as with it.

Every example query of queries/graphql/ (with each of its cases' variables) runs on the demo portfolio in each real
store, once through the served schema and once through the same schema with strawberry's wrapper on every field;
the answers must be equal, and together they must go through most of the plainly resolved fields.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request

from graphsvc.analyst import Analyst
from graphsvc.api.context import Context, Loaders, Principal
from graphsvc.api.plainfields import resolve_plainly
from graphsvc.api.schema import make_schema
from graphsvc.demo import demo_document
from graphsvc.store import GraphStore
from tests.api.test_examples import CASES, EXAMPLES

MIN_SHARE_EXERCISED = 0.5
"""The examples must go through at least half of the plainly resolved fields (81 of 128, 63 %, when written)."""


def _plain_fields(schema: Any) -> dict[tuple[str, str], Any]:
    """(type, field) -> GraphQL field, of every field ``schema`` resolves without strawberry's wrapper."""
    out = {}
    for gql_type in schema._schema.type_map.values():
        if isinstance(gql_type, GraphQLObjectType):
            for name, field in gql_type.fields.items():
                if field.resolve is not None and field.resolve.__module__ == "graphsvc.api.plainfields":
                    out[(gql_type.name, name)] = field
    return out


def _queries() -> list[tuple[str, dict[str, Any]]]:
    """Every example query operation with each of its cases' variables (mutations change the store: left out)."""
    runs = []
    for name, cases in sorted(CASES.items()):
        source = (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8")
        operation = next(d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode))
        if operation.operation == OperationType.QUERY:
            runs.extend((source, case.variables) for case in cases)
    return runs


def _executor(store: GraphStore, schema: Any) -> Callable[[str, dict[str, Any]], Any]:
    analyst = Analyst(store)

    def execute(source: str, variables: dict[str, Any]) -> Any:
        context = Context(
            request=Request({"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""}),
            response=None,
            store=store,
            analyst=analyst,
            principal=Principal(None, "admin"),
            request_id="test-plain-fields",
            loaders=Loaders(store, analyst),
        )
        result = asyncio.run(schema.execute(source, variable_values=variables, context_value=context))
        assert not result.errors, [e.formatted for e in result.errors]
        return result.data

    return execute


def test_most_fields_of_the_result_and_node_types_are_resolved_plainly() -> None:
    schema = make_schema()
    plain = _plain_fields(schema)
    assert len(plain) >= 100, len(plain)
    assert {("Hop", "relation"), ("Hop", "from"), ("CoverageGap", "subject"), ("Person", "id")} <= set(plain)
    assert ("Account", "coverageScore") not in plain, "a field with arguments keeps strawberry's wrapper"
    assert ("Person", "coveredBy") not in plain, "an async field keeps strawberry's wrapper"
    assert not {t for t, _ in plain} & {"Query", "Mutation"}
    assert not _plain_fields(make_schema(plain=False))
    assert resolve_plainly(make_schema(plain=False)) == len(plain)


def test_every_example_query_answers_the_same_with_and_without_plain_fields(store: GraphStore) -> None:
    store.import_document(demo_document())
    schema = make_schema()
    used: set[tuple[str, str]] = set()
    for key, field in _plain_fields(schema).items():
        field.resolve = _recording(field.resolve, key, used)
    plain, wrapped = _executor(store, schema), _executor(store, make_schema(plain=False))

    runs = _queries()
    assert len(runs) >= 10, runs
    for source, variables in runs:
        assert plain(source, variables) == wrapped(source, variables), (source[:60], variables)
    share = len(used) / len(_plain_fields(schema))
    assert share >= MIN_SHARE_EXERCISED, f"the examples go through only {share:.0%} of the plain fields"


def _recording(resolve: Any, key: tuple[str, str], used: set[tuple[str, str]]) -> Any:
    def recorded(source: Any, info: Any) -> Any:
        used.add(key)
        return resolve(source, info)

    recorded.__module__ = "graphsvc.api.plainfields"  # still found by _plain_fields
    return recorded


def test_the_schema_s_text_is_unchanged() -> None:
    """Only how fields are resolved moved, not what they are: schema/schema.graphql holds either way."""
    assert make_schema().as_str() == make_schema(plain=False).as_str()
