"""Plain field resolution: graphql-core calls a field's method itself where strawberry's wrapper adds nothing.

strawberry runs every field that has a resolver through one generic wrapper:
it converts the arguments, builds an ``Info``, and applies field extensions
and exception handlers. A field with no arguments and no extensions whose
resolver is a plain method gains nothing from that, yet an answer of a few
thousand such fields (an account map, a list of gaps with their paths) spent
about a third of its execution there. ``resolve_plainly`` points each such
field of the schema's object types at a resolver that calls the method with
its object (and an ``Info``, when the method takes one), just as strawberry's
wrapper ends up doing. Fields with arguments, async methods, extensions,
exception handlers or other parameters, and the root types, keep
strawberry's wrapper. It reads strawberry's schema internals (the field
behind each graphql-core field); strawberry is pinned to a minor version, and
the tests below fail if a new one changes them.
tests/api/test_plain_fields.py checks that answers are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

__all__ = ["resolve_plainly"]


def _plain(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    """A resolver calling ``field``'s method directly, or None when strawberry's wrapper has work to do."""
    resolver = field.base_resolver
    if resolver is None or field.arguments or field.extensions or resolver.is_async:
        return None
    method: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]  # a plain function here
    if not callable(method):  # a staticmethod or classmethod object
        return None
    params = [p.name for p in resolver.signature.parameters.values()]
    if params == ["self"]:

        def plain(source: Any, _info: GraphQLResolveInfo[Any]) -> Any:
            return method(source)

        return plain
    if params == ["self", "info"]:

        def with_info(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
            return method(source, info_class(_raw_info=info, _field=field))

        return with_info
    return None


def resolve_plainly(schema: strawberry.Schema) -> int:
    """Give every eligible field of ``schema``'s object types a plain resolver; return how many were changed."""
    core = schema._schema
    roots = {t.name for t in (core.query_type, core.mutation_type, core.subscription_type) if t is not None}
    changed = 0
    for gql_type in core.type_map.values():
        if not isinstance(gql_type, GraphQLObjectType) or gql_type.name in roots or gql_type.name.startswith("__"):
            continue
        for gql_field in gql_type.fields.values():
            field = (gql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            if schema.schema_converter._get_field_exception_handlers(field):
                continue  # a schema exception handler may turn this field's errors into a result: strawberry's job
            plain = _plain(field, schema.config.info_class)
            if plain is not None:
                gql_field.resolve = plain
                changed += 1
    return changed
