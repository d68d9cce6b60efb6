"""The Starlette application: ``/healthz`` and a small start page.

The store is opened in the app's lifespan and closed when it stops.
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graphsvc.errors import GraphsvcError
from graphsvc.model import NodeKind
from graphsvc.store import GraphStore, open_store

__all__ = ["create_app"]

log = logging.getLogger("graphsvc.api")

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(store_url: str | None = None, store_factory: Callable[[], GraphStore] | None = None) -> Starlette:
    """The graphsvc web app over the store at ``store_url`` (default: ``$GRAPHSVC_STORE``)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = store_factory() if store_factory else open_store(store_url)
        app.state.store = store
        log.info("serving store %s", store.url)
        try:
            yield
        finally:
            store.close()

    async def healthz(request: Request) -> Response:
        store: GraphStore = request.app.state.store
        try:
            facts = await run_in_threadpool(store.health)
        except GraphsvcError as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc), "code": exc.code}, status_code=503)
        return JSONResponse({"status": "ok", **facts})

    async def home(request: Request) -> Response:
        store: GraphStore = request.app.state.store
        page = await run_in_threadpool(store.list_nodes, NodeKind.ACCOUNT, limit=200)
        rows = "".join(
            f"<tr><td>{html.escape(a.name)}</td><td><code>{html.escape(a.id)}</code></td>"
            f"<td>{html.escape(str(a.props.get('status', '')))}</td>"
            f"<td>{html.escape(str(a.props.get('approach', '')))}</td></tr>"
            for a in page.items
        )
        body = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>graphsvc</title>"
            "<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.2rem .8rem;text-align:left}</style>"
            "</head><body><h1>graphsvc</h1><p>Key accounts in this store:</p>"
            "<table><tr><th>Account</th><th>id</th><th>status</th><th>approach</th></tr>"
            f"{rows}</table><p><a href=/healthz>/healthz</a></p></body></html>"
        )
        return HTMLResponse(body, headers=_SECURITY_HEADERS)

    return Starlette(
        routes=[Route("/", home), Route("/healthz", healthz)],
        lifespan=lifespan,
    )
