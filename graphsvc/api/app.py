"""The Starlette application: ``/graphql``, ``/healthz`` and a portfolio overview page.

The store is opened in the app's lifespan and closed when it stops.
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graphsvc.analysis import Severity
from graphsvc.analyst import Analyst
from graphsvc.api.http import AuthMiddleware, BodyLimitMiddleware, GraphQLView, RequestLogMiddleware
from graphsvc.api.schema import make_schema
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


def _portfolio_page(analyst: Analyst, limit: int = 200) -> str:
    """A plain overview: each account with its coverage score and gap counts by severity."""
    today = date.today()
    rows = []
    for account in analyst.store.list_nodes(NodeKind.ACCOUNT, limit=limit).items:
        gaps = analyst.gaps(account.id, today)
        counts = {s: sum(1 for g in gaps if g.severity == s) for s in Severity}
        score = analyst.coverage_score(account.id, today).score
        cells = [
            html.escape(account.name),
            f"<code>{html.escape(account.id)}</code>",
            html.escape(str(account.props.get("status", ""))),
            html.escape(str(account.props.get("approach", ""))),
            f"{score:.1f}",
            *(str(counts[s]) for s in Severity),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Account", "id", "status", "approach", "coverage", *Severity))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>graphsvc</title>"
        "<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.2rem .8rem;text-align:left}</style>"
        f"</head><body><h1>graphsvc</h1><p>Accounts as of {today.isoformat()}: coverage score (0-100) "
        "and coverage gaps by severity.</p>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table><p><a href=/healthz>/healthz</a></p></body></html>"
    )


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

    async def home(request: Request) -> Response:
        try:
            body = await run_in_threadpool(_portfolio_page, get_analyst())
        except GraphsvcError as exc:
            log.warning("portfolio page failed: %s", exc)
            return HTMLResponse(
                "<!doctype html><title>graphsvc</title><h1>graphsvc</h1><p>The store is unavailable right now; "
                "try again shortly.</p>",
                status_code=503,
                headers=_SECURITY_HEADERS,
            )
        return HTMLResponse(body, headers=_SECURITY_HEADERS)

    graphql = GraphQLView(make_schema(), get_store, get_analyst)
    return Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
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
