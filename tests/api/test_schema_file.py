"""schema/schema.graphql is the schema the code serves, and the schema documents itself.

A dashboard author reads the SDL file (or GraphiQL's docs pane) instead of the code, so the file must be current and
every type, field, Query/Mutation argument, enum and input field must say what it is.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    specified_scalar_types,
)

from graphsvc.api.schema import make_schema, schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_schema_file_is_the_schema_the_code_serves() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    current = schema_sdl()
    if committed != current:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "schema/schema.graphql (committed)",
                "schema_sdl() (the code)",
                n=1,
            )
        )
        lines = diff.splitlines()
        shown = "\n".join(lines[:60]) + (f"\n... and {len(lines) - 60} more lines" if len(lines) > 60 else "")
        raise AssertionError(f"schema/schema.graphql is out of date: run `make schema` and commit it.\n{shown}")


def _own_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    """The schema's own named types: no introspection types (``__Type``, ...) and no built-in scalars."""
    return [
        t
        for name, t in sorted(schema.type_map.items())
        if not name.startswith("__") and name not in specified_scalar_types
    ]


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Coordinates (``Type``, ``Type.field``, ``Query.field(arg:)``, ``Input.field``) that have no description."""
    missing: list[str] = []
    roots = {t.name for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t is not None}
    for named in _own_types(schema):
        if not (named.description or "").strip():
            missing.append(named.name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, object_field in named.fields.items():
                if not (object_field.description or "").strip():
                    missing.append(f"{named.name}.{field_name}")
                if named.name in roots:
                    missing += [
                        f"{named.name}.{field_name}({arg_name}:)"
                        for arg_name, arg in object_field.args.items()
                        if not (arg.description or "").strip()
                    ]
        elif isinstance(named, GraphQLInputObjectType):
            missing += [
                f"{named.name}.{field_name}"
                for field_name, input_field in named.fields.items()
                if not (input_field.description or "").strip()
            ]
        else:
            assert isinstance(named, GraphQLEnumType | GraphQLScalarType | GraphQLUnionType), named
    return missing


def test_every_type_field_argument_enum_and_input_field_has_a_description() -> None:
    missing = undocumented(make_schema()._schema)
    assert not missing, f"{len(missing)} schema elements have no description:\n" + "\n".join(missing)


def test_the_description_check_sees_what_it_should() -> None:
    """The walk covers the root types, their arguments, enums and inputs (so an empty list means something)."""
    schema = make_schema()._schema
    names = {t.name for t in _own_types(schema)}
    assert {"Query", "Mutation", "Account", "Node", "Severity", "CoversPatch", "Date"} <= names
    assert not names & {"String", "Int", "Float", "Boolean", "ID", "__Type", "__Schema"}
    assert schema.query_type is not None
    assert "asOf" in schema.query_type.fields["coverageGaps"].args
