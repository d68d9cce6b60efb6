"""HTTP around GraphQL: the ``/graphql`` view, bearer-token authentication, body limits and request logs.

* ``GraphQLView`` serves GraphQL over HTTP (POST JSON, GET for queries,
  mutations refused over GET, GraphiQL for a browser) and answers
  ``application/graphql-response+json`` when the client asks for it, with
  status 400 for requests that never reached execution, as the
  GraphQL-over-HTTP specification describes.
* ``AuthMiddleware`` lets through only requests with ``Authorization: Bearer
  <token>`` of a live token, except ``/healthz``, the GraphiQL page itself,
  ``/static/*`` and the sign-in forms. Browser pages (GET, anything but
  ``/graphql``) also take the token from the ``graphsvc_token`` cookie set by
  sign-in, and a page request without a valid token is sent to
  ``/signin?next=...`` (303); ``/export`` is sent there only when a browser
  asks for HTML, a script gets 401. ``/graphql`` never takes the cookie, so no
  other site can make a signed-in browser run a query or mutation (CSRF). The
  token's member and role become the request's ``Principal``; what it may see
  and do is decided below, by the guarded store (``graphsvc.api.caller``).
* ``RequestLogMiddleware`` gives each request an id and logs one JSON line:
  id, method, path, operation, status, duration.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from graphsvc.api.caller import Gate
from graphsvc.api.context import Context, Loaders, Principal, call
from graphsvc.errors import GraphsvcError, StoreUnavailable
from graphsvc.store import GraphStore
from graphsvc.web.auth import COOKIE, signin_url
from graphsvc.web.render import error_response

__all__ = ["EXPORT_PATH", "AuthMiddleware", "BodyLimitMiddleware", "GraphQLView", "RequestLogMiddleware"]

log = logging.getLogger("graphsvc.api")
request_log = logging.getLogger("graphsvc.request")
GRAPHQL_RESPONSE = "application/graphql-response+json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_OPERATION_WORD = re.compile(r"\b(query|mutation|subscription)\b|^\s*\{|\}\s*\{")


class GraphQLView(GraphQL[Context, None]):
    """The ``/graphql`` endpoint: each request works through the caller's guarded store and scoped analyst."""

    def __init__(self, schema: Any, get_gate: Callable[[], Gate]) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._gate = get_gate

    async def get_context(self, request: Any, response: Any = None) -> Context:
        state = request.scope.setdefault("state", {})
        principal = state.get("principal") or Principal(None, "admin")
        request_id = state.get("request_id", "-")
        gate = self._gate()
        if gate.reads_store(principal):
            caller = await call(gate.caller, principal, "api", request_id)
        else:  # an admin's scope needs no store read: spare the request a worker-thread hop
            caller = gate.caller(principal, "api", request_id)
        context = Context(
            request=request,
            response=response,
            store=caller.store,
            analyst=caller.analyst,
            principal=principal,
            request_id=request_id,
            loaders=Loaders(caller.store, caller.analyst),
            scope=caller.scope,
        )
        state["graphql"] = context.operation
        state["loaders"] = context.loaders
        return context

    async def process_result(self, request: Any, result: Any) -> Any:
        """Every error leaves with a code, even those raised before the schema's extensions run (syntax)."""
        data = await super().process_result(request, result)
        errors: list[dict[str, Any]] = data.get("errors") or []  # type: ignore[assignment]
        for error in errors:
            extensions: dict[str, Any] = error.get("extensions") or {}
            error["extensions"] = extensions
            if "code" not in extensions:
                message = str(error.get("message", ""))
                if "tokens" in message.lower():
                    extensions["code"] = "QUERY_TOO_COMPLEX"
                elif message.startswith("Syntax Error"):
                    extensions["code"] = "GRAPHQL_PARSE_FAILED"
                else:
                    extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
        return data

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        from strawberry.types.unset import UNSET

        if isinstance(request, Request) and request.method == "POST":
            problem = await _malformed_post(request)
            if problem:
                return PlainTextResponse(problem, status_code=400)
        if isinstance(request, Request) and request.method == "GET":
            query = request.query_params.get("query", "")
            if not _is_text(request.query_params.get("operationName", "")):
                return PlainTextResponse("operationName must be valid Unicode", status_code=400)
            if query and not request.query_params.get("operationName") and _operation_count(query) > 1:
                return PlainTextResponse(
                    "the document holds several operations: say which to run with operationName", status_code=400
                )
        if isinstance(request, Request) and request.method == "GET" and _asks_mutation(request):
            return PlainTextResponse(
                "mutations are not allowed over GET; send them with POST", status_code=405, headers={"Allow": "POST"}
            )
        try:
            response = await super().run(
                request, context if context is not None else UNSET, root_value if root_value is not None else UNSET
            )
        except GraphsvcError as exc:  # only get_context raises ours (the caller's scope); execution answers them
            return _context_failed(exc)
        except RecursionError:  # JSON about 1000 levels deep (a GET's variables): the decoder's limit, not a fault
            return PlainTextResponse("the request holds JSON nested too deeply", status_code=400)
        accept = request.headers.get("accept", "") if isinstance(request, Request) else ""
        if isinstance(response, Response) and response.media_type == "application/json" and GRAPHQL_RESPONSE in accept:
            body = json.loads(bytes(response.body))
            errors = body.get("errors", [])
            # Nothing ran: data is null and no error belongs to a field (validation, limits, variables).
            not_executed = body.get("data") is None and bool(errors) and all("path" not in e for e in errors)
            status = 400 if not_executed else response.status_code
            return Response(response.body, status_code=status, media_type=GRAPHQL_RESPONSE)
        return response


def _context_failed(exc: GraphsvcError) -> Response:
    """The answer when the caller's scope could not be worked out: the store is down (503), or the token is unusable."""
    if isinstance(exc, StoreUnavailable):
        log.warning("store unavailable while scoping a request: %s", exc)
        message, status, code = "the store is unavailable right now; try again shortly", 503, exc.code
    else:
        message, status, code = f"this token cannot be used: {exc}", 403, "FORBIDDEN"
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


async def _malformed_post(request: Request) -> str | None:
    """Why a JSON POST body is not a GraphQL request (an object, or a batch list, with a query), or None."""
    if "json" not in request.headers.get("content-type", "json"):
        return None
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return "the request body is not valid JSON"
    except RecursionError:  # about 1000 nested lists or objects: the decoder's limit, not a fault
        return "the request body is JSON nested too deeply"
    batch = body if isinstance(body, list) else [body]
    if not batch or not all(isinstance(item, dict) and isinstance(item.get("query"), str) for item in batch):
        return 'the request body must be a JSON object with a "query" string'
    for item in batch:
        name = item.get("operationName")
        if name is not None and not (isinstance(name, str) and _is_text(name)):
            return "operationName must be a string of valid Unicode"
        if not name and _operation_count(item["query"]) > 1:
            return "the document holds several operations: say which to run with operationName"
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _operation_count(query: str) -> int:
    """How many operations a document defines (0 when it does not parse: GraphQL reports that itself)."""
    if len(_OPERATION_WORD.findall(query)) < 2:
        return 1  # cheap pre-check: one keyword or none (the shorthand { ... }) cannot make two operations
    try:
        return sum(isinstance(d, OperationDefinitionNode) for d in parse(query).definitions)
    except GraphQLError:
        return 0


def _asks_mutation(request: Request) -> bool:
    """Whether a GET request's query would run a mutation (the specification answers 405)."""
    query = request.query_params.get("query")
    if not query:
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False
    name = request.query_params.get("operationName")
    return any(
        isinstance(op, OperationDefinitionNode)
        and op.operation == OperationType.MUTATION
        and (name is None or (op.name is not None and op.name.value == name))
        for op in document.definitions
    )


def _unauthenticated(message: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="graphsvc"'},
    )


EXPORT_PATH = "/export"
"""The caller's visible graph as a download (``graphsvc.api.export``): a bearer token, or the pages' cookie."""
_OPEN_PATHS = frozenset({"/healthz", "/signin", "/signout"})
"""Paths anyone may ask for: the health check and the sign-in forms (which check tokens themselves)."""


def _is_graphql(path: str) -> bool:
    return path == "/graphql" or path.startswith("/graphql/")


def _cookie_token(headers: Headers) -> str | None:
    """The sign-in cookie's token, if the request carries one."""
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value.strip():
            return value.strip().strip('"')
    return None


async def _to_signin(scope: Scope, receive: Receive, send: Send) -> None:
    target = scope.get("path", "/")
    query = scope.get("query_string", b"").decode("latin-1")
    if query:
        target += "?" + query
    await RedirectResponse(signin_url(target), status_code=303, headers={"Cache-Control": "no-store"})(
        scope, receive, send
    )


async def _store_down(scope: Scope, receive: Receive, send: Send, code: str, page: bool) -> None:
    if page:
        response: Response = error_response(
            503, "Unavailable", "The store is unavailable right now; try again shortly."
        )
    else:
        response = JSONResponse(
            {
                "errors": [
                    {"message": "the store is unavailable right now; try again shortly", "extensions": {"code": code}}
                ]
            },
            status_code=503,
        )
    await response(scope, receive, send)


class AuthMiddleware:
    """Require a live token: a bearer header, or for browser pages the sign-in cookie (see the module doc)."""

    def __init__(self, app: ASGIApp, get_store: Callable[[], GraphStore], enabled: bool = True) -> None:
        self.app = app
        self._store = get_store
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if not self.enabled:
            state["principal"] = Principal(None, "admin")
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = scope.get("path", "")
        method = scope.get("method")
        ide_page = (
            path == "/graphql"
            and method == "GET"
            and "text/html" in headers.get("accept", "")
            and not scope.get("query_string")
        )
        if path in _OPEN_PATHS or path.startswith("/static/") or ide_page:
            await self.app(scope, receive, send)
            return
        page = method in ("GET", "HEAD") and not _is_graphql(path)
        # A page without a live token goes to sign-in; so does the download /export when a browser asks for it.
        to_signin = page and (path != EXPORT_PATH or "text/html" in headers.get("accept", ""))
        scheme, _, secret = headers.get("authorization", "").partition(" ")
        secret, via = (secret.strip(), "bearer") if scheme.lower() == "bearer" else ("", "")
        if not secret and page:
            secret, via = _cookie_token(headers) or "", "cookie"
        if not secret:
            if to_signin:
                await _to_signin(scope, receive, send)
                return
            await _unauthenticated("send Authorization: Bearer <token> (create one with `graphsvc token create`)")(
                scope, receive, send
            )
            return
        try:
            # In a worker thread: a store call on the event loop holds up every request of the process while it
            # waits (a Neo4j server that is starting again held one for 5 s, and the requests of 8 clients behind
            # it for 10 to 14 s). The hop costs 0.12 to 0.43 ms a request (docs/reliability.md, Open faults).
            token, revision = await run_in_threadpool(self._store().token_and_revision, secret)
        except GraphsvcError as exc:
            await _store_down(scope, receive, send, exc.code, page)
            return
        if token is None:
            if via == "cookie" and to_signin:
                await _to_signin(scope, receive, send)
                return
            await _unauthenticated("the token is unknown, expired or revoked")(scope, receive, send)
            return
        state["principal"] = Principal(token.member, token.role, token.id, revision)
        state["auth_via"] = via
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than {self.limit} bytes"
        await JSONResponse(
            {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}, status_code=413
        )(scope, receive, send)


class _TooLarge(Exception):
    pass


class RequestLogMiddleware:
    """One JSON log line per request, and an ``X-Request-ID`` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            graphql = state.get("graphql") or {}
            loaders = state.get("loaders")
            request_log.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "member": getattr(state.get("principal"), "member", None),
                        "role": getattr(state.get("principal"), "role", None),
                        "token": getattr(state.get("principal"), "token", None),
                        "operation": graphql.get("name"),
                        "errors": graphql.get("errors") or None,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "store_calls": getattr(loaders, "store_calls", None),
                    },
                    ensure_ascii=False,
                )
            )
