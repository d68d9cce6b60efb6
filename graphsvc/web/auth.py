"""Sign-in for the browser pages: the API's tokens, kept in an HttpOnly, SameSite=Strict cookie.

* ``GET /signin?next=/path`` shows a form for a token (``graphsvc token create``).
* ``POST /signin`` checks the token with the store, as ``AuthMiddleware`` does for a
  bearer header, sets the ``graphsvc_token`` cookie and sends the browser to ``next``;
  a wrong token shows the form again with status 401.
* ``POST /signout`` clears the cookie (the token itself stays valid for the API).

``next`` is only ever a path on this site (open-redirect safe), and both forms only
accept posts from a page of this site (an ``Origin`` of another site is refused), so
no other site can sign a browser in or out. With authentication off (``--no-auth``)
there is nothing to sign in to: both answer with a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from graphsvc.errors import GraphsvcError
from graphsvc.store import GraphStore, TokenInfo
from graphsvc.web.render import PAGE_HEADERS, error_response, render

__all__ = [
    "COOKIE",
    "SESSION_SECONDS",
    "Viewer",
    "local_path",
    "same_origin",
    "session_max_age",
    "signin_form",
    "signin_submit",
    "signin_url",
    "signout",
]

COOKIE = "graphsvc_token"
SESSION_SECONDS = 12 * 3600
"""How long a browser stays signed in (a working day), shorter when the token expires sooner."""
_FORM_LIMIT = 16 * 1024


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking at a page: shown in its header (``None`` member: authentication is off)."""

    member: str | None
    name: str | None
    role: str
    signed_in: bool
    """Signed in through the cookie: the page offers to sign out."""


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (``/accounts/x/map?to=y``), else ``default``.

    Refuses anything a browser could read as another site: a scheme, ``//host``,
    backslashes (``/\\host``), control characters and whitespace.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(c == "\\" or c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def signin_url(next_path: str) -> str:
    """The sign-in page that returns to ``next_path`` afterwards."""
    return "/signin?next=" + quote(local_path(next_path), safe="/")


def same_origin(request: Request) -> bool:
    """Whether a form post came from a page of this site.

    Browsers say where a request comes from in ``Sec-Fetch-Site`` (``same-origin``), which is used when present;
    else ``Origin`` must be this site (pages are sent with ``Referrer-Policy: no-referrer``, so a browser without
    ``Sec-Fetch-Site`` may send ``Origin: null``: refused, as a sandboxed page of another site would). A request
    with neither did not come from a browser's cross-site form.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == request.headers.get("host", "")


def session_max_age(token: TokenInfo, now: datetime | None = None) -> int:
    """Seconds the cookie lives: ``SESSION_SECONDS``, or less when the token expires sooner."""
    if token.expires is None:
        return SESSION_SECONDS
    expires = token.expires if token.expires.tzinfo else token.expires.replace(tzinfo=UTC)
    left = int((expires - (now or datetime.now(UTC))).total_seconds())
    return max(0, min(SESSION_SECONDS, left))


def _page(next_path: str, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    body = render("signin.html", next=next_path, error=error)
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def _refused() -> HTMLResponse:
    return error_response(
        403, "Refused", "This form was sent from another site. Open graphsvc and sign in from its own page."
    )


async def _form(request: Request) -> dict[str, str]:
    """The fields of a small urlencoded form (first value of each); bigger bodies count as empty."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _FORM_LIMIT:
            return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20)
    return {k: v[0] for k, v in fields.items() if v}


async def signin_form(request: Request, store: GraphStore | None) -> Response:
    """``GET /signin``: the form (``store`` None: authentication is off, go straight on)."""
    next_path = local_path(request.query_params.get("next"))
    if store is None:
        return RedirectResponse(next_path, status_code=303)
    return _page(next_path)


async def signin_submit(request: Request, store: GraphStore | None) -> Response:
    """``POST /signin``: check the token, set the cookie, go to ``next``; 401 and the form again when wrong."""
    if not same_origin(request):
        return _refused()
    form = await _form(request)
    next_path = local_path(form.get("next"))
    if store is None:
        return RedirectResponse(next_path, status_code=303)
    secret = form.get("token", "").strip()
    if not secret:
        return _page(next_path, error="Enter your token.", status=401)
    try:
        token = await run_in_threadpool(store.token_by_secret, secret)
    except GraphsvcError:
        return _page(next_path, error="The store is unavailable right now; try again shortly.", status=503)
    if token is None:
        return _page(
            next_path,
            error="That token is unknown, expired or revoked. Ask an admin for a new one "
            "(graphsvc token create --member YOUR_ID --role ROLE).",
            status=401,
        )
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        COOKIE,
        secret,
        max_age=session_max_age(token),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def signout(request: Request) -> Response:
    """``POST /signout``: clear the cookie and show the sign-in form."""
    if not same_origin(request):
        return _refused()
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=request.url.scheme == "https", httponly=True, samesite="strict")
    response.headers["Cache-Control"] = "no-store"
    return response
