"""The Starlette application: ``/graphql``, ``/export``, ``/healthz`` and the browser pages (``graphsvc.web.routes``).

The store is opened in the app's lifespan and closed when it stops. The app
keeps one ``Analyst`` (its graph cache) and one ``Gate`` (the ``Scopes``); each
GraphQL request, page and export works through the caller's guarded store and
scoped analyst (``graphsvc.api.caller``), the health check through the store.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graphsvc.analyst import Analyst
from graphsvc.api.caller import Gate
from graphsvc.api.context import Principal
from graphsvc.api.export import export_endpoint
from graphsvc.api.http import EXPORT_PATH, AuthMiddleware, BodyLimitMiddleware, GraphQLView, RequestLogMiddleware
from graphsvc.api.schema import make_schema
from graphsvc.errors import GraphsvcError
from graphsvc.store import GraphStore, open_store
from graphsvc.web.routes import page_exception_handlers, page_routes

__all__ = ["create_app"]

log = logging.getLogger("graphsvc.api")

MAX_BODY_BYTES = 8 * 1024 * 1024
"""Largest request body accepted (an ``importGraph`` document included)."""


def create_app(
    store_url: str | None = None,
    store_factory: Callable[[], GraphStore] | None = None,
    *,
    auth: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """The graphsvc web app over the store at ``store_url`` (default: ``$GRAPHSVC_STORE``).

    ``auth=False`` lets every request in as an admin: for a loopback-only
    development server (``graphsvc serve --no-auth``); then only requests
    naming a loopback host are answered, so a web page cannot reach it by
    DNS rebinding.
    """
    live: dict[str, Any] = {}

    def get_store() -> GraphStore:
        return live["store"]

    def get_gate() -> Gate:
        return live["gate"]

    def page_analyst(request: Request) -> Analyst:
        """The page's analyst, over the caller's guarded store (called in the page's worker thread)."""
        state = request.scope.get("state", {})
        principal = state.get("principal") or Principal(None, "admin")
        analyst = get_gate().caller(principal, "page", state.get("request_id")).analyst
        analyst.trust_revision(principal.revision)  # pages only read
        return analyst

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = store_factory() if store_factory else open_store(store_url)
        analyst = Analyst(store)
        live["store"], live["gate"] = store, Gate(store, analyst)
        app.state.store, app.state.analyst = store, analyst
        log.info("serving store %s (authentication %s)", store.url, "on" if auth else "OFF")
        try:
            yield
        finally:
            store.close()

    async def healthz(request: Request) -> Response:
        try:
            facts = await run_in_threadpool(get_store().health)
        except GraphsvcError as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "code": exc.code}, status_code=503)
        return JSONResponse({"status": "ok", **facts})

    graphql = GraphQLView(make_schema(), get_gate)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(EXPORT_PATH, export_endpoint(get_gate), methods=["GET"]),
            *page_routes(page_analyst, get_store, auth=auth),
        ],
        exception_handlers=page_exception_handlers(),
        middleware=[
            *(
                []
                if auth
                else [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"])]
            ),
            Middleware(RequestLogMiddleware),
            Middleware(BodyLimitMiddleware, limit=max_body_bytes),
            Middleware(AuthMiddleware, get_store=get_store, enabled=auth),
        ],
        lifespan=lifespan,
    )
