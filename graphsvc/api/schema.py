"""The GraphQL schema: root types, limits against abusive queries, and error codes.

Errors a user can fix come back with ``extensions.code`` (``BAD_USER_INPUT``,
``NOT_FOUND``, ``CONFLICT``, ``FORBIDDEN``, ``UNAUTHENTICATED``,
``STORE_UNAVAILABLE``, ``GRAPHQL_VALIDATION_FAILED``, ``QUERY_TOO_COMPLEX``);
anything else is logged with the request id and answered as ``INTERNAL``
with no detail. ``python -m graphsvc.api`` prints the SDL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types.graphql import OperationType

from graphsvc.api.mutation import Mutation
from graphsvc.api.plainfields import resolve_plainly
from graphsvc.api.query import Query
from graphsvc.api.types import NODE_TYPES
from graphsvc.errors import GraphsvcError, StoreUnavailable, shortened

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_TOKENS", "make_schema", "schema_sdl"]

log = logging.getLogger("graphsvc.api")

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000

_LIMIT_MESSAGES = ("exceeds maximum operation depth", "aliases found", "token limit", "maximum number of tokens")


class ErrorCodes(SchemaExtension):
    """Give every error a code; mask internal ones (logged with the request id)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        name = self.execution_context.operation_name
        if context is not None and hasattr(context, "operation"):
            context.operation["name"] = name
        if result is None or not result.errors:
            return
        request_id = getattr(context, "request_id", "-")
        result.errors = [self._coded(error, request_id) for error in result.errors]
        if context is not None and hasattr(context, "operation"):
            context.operation["errors"] = [e.extensions.get("code") for e in result.errors if e.extensions]

    @staticmethod
    def _coded(error: GraphQLError, request_id: str) -> GraphQLError:
        original = error.original_error
        extensions = dict(error.extensions or {})
        if isinstance(original, GraphsvcError):
            extensions["code"] = original.code
            message = "\n".join(shortened(line, 2000) for line in str(original).split("\n"))
            if isinstance(original, StoreUnavailable):
                log.warning("store unavailable (request %s): %s", request_id, original)
                message = "the store is unavailable right now; try again shortly"
        elif original is None or error.path is None:
            # Before execution: validation, limits, or variables that do not fit their types.
            message = error.message
            if original is not None:
                extensions["code"] = "BAD_USER_INPUT"
                return GraphQLError(message, nodes=error.nodes, extensions=extensions)
            is_limit = any(text in message for text in _LIMIT_MESSAGES)
            extensions["code"] = "QUERY_TOO_COMPLEX" if is_limit else "GRAPHQL_VALIDATION_FAILED"
        else:
            log.error("internal error (request %s)", request_id, exc_info=original)
            message = f"internal error; quote request id {request_id} to the operators"
            extensions = {"code": "INTERNAL", "requestId": request_id}
            return GraphQLError(message, path=error.path, extensions=extensions)
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions, original_error=None)


class QueriesTrustTheTokenRevision(SchemaExtension):
    """A query's analyses take the store revision read with the token as current (``Analyst.trust_revision``):
    a cached answer then costs no revision read. A mutation's do not: what it wrote must show in what it returns."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        if principal is not None and self.execution_context.operation_type == OperationType.QUERY:
            context.analyst.trust_revision(principal.revision)
        yield


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """User mistakes are answered, not logged as failures; ``ErrorCodes`` logs internal errors."""


def make_schema(*, plain: bool = True) -> strawberry.Schema:
    """The schema with its limits: depth, aliases, tokens, and bounded parser/validation caches.

    ``plain``: resolve the fields strawberry's wrapper adds nothing to directly (``graphsvc.api.plainfields``).
    """
    # The limit rules are made once: a new rule class per request would miss the validation cache every time.
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),
        extensions=[
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            ErrorCodes,
            QueriesTrustTheTokenRevision,
        ],
    )
    if plain:
        resolve_plainly(schema)
    return schema


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema/schema.graphql."""
    return make_schema().as_str() + "\n"
