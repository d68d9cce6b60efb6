"""``python -m graphsvc.api`` prints the GraphQL schema (SDL), as committed in schema/schema.graphql."""

from graphsvc.api.schema import schema_sdl

print(schema_sdl(), end="")
