"""Rendering pages: one Jinja environment (autoescaping on), JSON for pages' data islands, page headers."""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

__all__ = [
    "PAGE_HEADERS",
    "VIEWER",
    "error_response",
    "json_island",
    "render",
]

_env = Environment(
    loader=PackageLoader("graphsvc.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

VIEWER: ContextVar[Any] = ContextVar("graphsvc_page_viewer", default=None)
"""Who is looking at the page being rendered (a ``graphsvc.web.auth.Viewer``, or None): set by the page routes,
shown by ``base.html`` through ``page_viewer()``, so no page has to pass it along."""
_env.globals["page_viewer"] = VIEWER.get

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Only graphsvc's own scripts and stylesheets; no inline script, no framing, forms post only to graphsvc."""

PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Headers every HTML page is sent with."""


def json_island(data: Any) -> Markup:
    """``data`` as JSON safe to place inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are escaped as ``\\u`` sequences, so no stored text can close the
    element or open a comment; U+2028/9 too, for old parsers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)  # escaped above for a script data island


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context`` (every value autoescaped)."""
    return _env.get_template(template).render(**context)


def error_response(status: int, title: str, message: str) -> HTMLResponse:
    """An error page: what went wrong and a way back, with the pages' headers."""
    body = render("error.html", status=status, title=title, message=message)
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)
