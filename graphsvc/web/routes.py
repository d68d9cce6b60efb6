"""The browser pages' routes: portfolio, account map, team coverage, sign-in, static files, error pages.

Every page is computed in a worker thread (the store and the analyses are
synchronous) with the caller's analyst, which works through their guarded
store (issue 7: a page shows only what the token may see), and sent with
``PAGE_HEADERS``. Mistakes in the address become
pages that say what is wrong: an unknown account or team lead is a 404 naming
the id, a bad ``asOf``/``to``/``from`` a 400 naming the parameter, a store that
cannot be reached a 503. ``/static/<name>`` serves a fixed set of files: those
in ``graphsvc/web/static/`` and vis-network's script and stylesheet from pyvis.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from graphsvc.analyst import Analyst
from graphsvc.errors import Forbidden, GraphsvcError, InvalidInput, NotFound
from graphsvc.store import GraphStore
from graphsvc.web.auth import Viewer, signin_form, signin_submit, signout
from graphsvc.web.mapview import map_page
from graphsvc.web.portfolio import portfolio_page
from graphsvc.web.render import PAGE_HEADERS, VIEWER, error_response
from graphsvc.web.team import team_page

__all__ = ["StaticFiles", "page_exception_handlers", "page_routes"]

log = logging.getLogger("graphsvc.web")
T = TypeVar("T")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
VIS_FILES = ("vis-network.min.js", "vis-network.css")
"""Taken from pyvis's package (``pyvis/lib/vis-9.1.2/``): the pages never load anything from a CDN."""
STATIC_CACHE = "public, max-age=3600"
"""Browsers reuse a static file for an hour, then revalidate it with its ETag (a 304 when unchanged)."""


def _error_for(exc: GraphsvcError) -> HTMLResponse:
    if isinstance(exc, InvalidInput):
        return error_response(400, "Bad request", str(exc))
    if isinstance(exc, NotFound):
        return error_response(404, "Not found", str(exc))
    if isinstance(exc, Forbidden):
        return error_response(403, "Forbidden", str(exc))
    log.warning("page failed: %s: %s", exc.code, exc)
    return error_response(503, "Unavailable", "The store is unavailable right now; try again shortly.")


def _as_of(request: Request) -> date:
    raw = request.query_params.get("asOf")
    if raw is None or raw == "":
        return date.today()
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"asOf: '{raw}' is not a date; give it as YYYY-MM-DD, e.g. asOf=2026-03-31") from None


def _param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def _viewer(request: Request, analyst: Analyst, auth: bool) -> Viewer:
    """Who is looking (called in the worker thread: the member's name is a store read)."""
    principal = request.scope.get("state", {}).get("principal")
    member = getattr(principal, "member", None)
    if not auth or member is None:
        return Viewer(None, None, getattr(principal, "role", "admin"), False)
    node = analyst.store.nodes_by_id([member]).get(member)
    signed_in = request.scope.get("state", {}).get("auth_via") == "cookie"
    return Viewer(member, node.name if node else None, principal.role, signed_in)


PageBuild = Callable[[Analyst, Viewer], str]


async def _page(
    request: Request, page_analyst: Callable[[Request], Analyst], auth: bool, build: PageBuild, status: int = 200
) -> Response:
    """Run ``build`` in a worker thread with the caller's analyst and the viewer set for ``base.html``.

    The analyst works through the caller's guarded store, so the page shows only what the token may see: an
    account it may not see is the same 404 page as one that does not exist. Errors become error pages.
    """

    def work() -> str:
        analyst = page_analyst(request)
        viewer = _viewer(request, analyst, auth)
        VIEWER.set(viewer)
        return build(analyst, viewer)

    try:
        body = await run_in_threadpool(work)
    except GraphsvcError as exc:
        return _error_for(exc)
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def page_routes(
    page_analyst: Callable[[Request], Analyst], get_store: Callable[[], GraphStore], *, auth: bool
) -> list[BaseRoute]:
    """The routes of every browser page, for ``create_app``.

    ``page_analyst(request)`` gives the caller's analyst (over their guarded store; called in a worker thread);
    ``get_store`` the real store, which only sign-in uses, to check a token.
    """
    static = StaticFiles()

    async def home(request: Request) -> Response:
        after = _param(request, "after")
        return await _page(request, page_analyst, auth, lambda a, v: portfolio_page(a, v, _as_of(request), after=after))

    async def account_map(request: Request) -> Response:
        account_id = request.path_params["account_id"]
        to, source = _param(request, "to"), _param(request, "from")
        # map_page raises NotFound for an unknown (or invisible) account and InvalidInput naming `to` or `from`.
        return await _page(
            request,
            page_analyst,
            auth,
            lambda a, _: map_page(a, account_id, as_of=_as_of(request), to=to, source=source),
        )

    async def team(request: Request) -> Response:
        lead = request.path_params["lead_id"]
        return await _page(request, page_analyst, auth, lambda a, _: team_page(a, lead, _as_of(request)))

    async def signin_get(request: Request) -> Response:
        return await signin_form(request, get_store() if auth else None)

    async def signin_post(request: Request) -> Response:
        return await signin_submit(request, get_store() if auth else None)

    return [
        Route("/", home, methods=["GET"]),
        Route("/accounts/{account_id}/map", account_map, methods=["GET"]),
        Route("/team/{lead_id}", team, methods=["GET"]),
        Route("/signin", signin_get, methods=["GET"]),
        Route("/signin", signin_post, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/static/{name}", static.serve, methods=["GET"]),
    ]


class StaticFiles:
    """The whitelisted static files, read once: content type, ETag, an hour of caching, 304 when unchanged."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, str]] = {}
        sources = [(p.name, p) for p in (resources.files("graphsvc.web") / "static").iterdir()]
        vis = resources.files("pyvis") / "lib" / "vis-9.1.2"
        sources += [(name, vis / name) for name in VIS_FILES]
        for name, path in sources:
            suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
            if suffix in _CONTENT_TYPES and path.is_file():
                data = path.read_bytes()
                etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
                self.files[name] = (data, _CONTENT_TYPES[suffix], etag)

    async def serve(self, request: Request) -> Response:
        found = self.files.get(request.path_params["name"])
        if found is None:
            return error_response(404, "Not found", f"no static file is called '{request.path_params['name']}'")
        data, content_type, etag = found
        headers = {
            "ETag": etag,
            "Cache-Control": STATIC_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=content_type, headers=headers)


def page_exception_handlers() -> dict[Any, Callable[..., Any]]:
    """Error pages instead of Starlette's plain text: an unknown address, and an unexpected failure (masked)."""

    async def not_found(request: Request, exc: HTTPException) -> Response:
        return error_response(404, "Not found", f"there is no page at {request.url.path}")

    async def failed(request: Request, exc: Exception) -> Response:
        request_id = request.scope.get("state", {}).get("request_id", "-")
        # The server logs the traceback itself (the exception goes on to it); this line ties it to the request id.
        log.error("internal error (request %s) on %s: %s", request_id, request.url.path, type(exc).__name__)
        return error_response(500, "Something went wrong", f"graphsvc could not answer (request id {request_id}).")

    return {404: not_found, Exception: failed}
