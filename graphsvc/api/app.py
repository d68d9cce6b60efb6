"""The Starlette application: ``/graphql``, ``/healthz`` and the browser pages (``graphsvc.web.routes``).

The store is opened in the app's lifespan and closed when it stops.
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
from graphsvc.api.http import AuthMiddleware, BodyLimitMiddleware, GraphQLView, RequestLogMiddleware
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

    def get_analyst() -> Analyst:
        return live["analyst"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = store_factory() if store_factory else open_store(store_url)
        live["store"], live["analyst"] = store, Analyst(store)
        app.state.store, app.state.analyst = store, live["analyst"]
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

    graphql = GraphQLView(make_schema(), get_store, get_analyst)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *page_routes(get_analyst, auth=auth),
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
