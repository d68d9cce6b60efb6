"""The account map page: served at ``/accounts/{id}/map`` and written as one standalone file by ``graphsvc map``.

Both render the same template content around the data island built by
``graphsvc.web.mapdata``. The served page loads vis-network and our own
script and stylesheet from ``/static/`` (the page CSP allows nothing else);
the standalone file inlines them and carries a CSP of its own that allows
exactly those inlined scripts and styles (by hash), so it works offline,
from ``file://``, with no reference to anything outside itself.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from functools import cache
from importlib import resources

from markupsafe import Markup

from graphsvc.analyst import Analyst
from graphsvc.web.mapdata import AccountMap, account_map
from graphsvc.web.mapstyle import LEGEND
from graphsvc.web.render import json_island, render

__all__ = ["map_page", "standalone_map"]

VIS_DIR = "lib/vis-9.1.2"


def map_page(
    analyst: Analyst, account_id: str, *, as_of: date, to: str | None = None, source: str | None = None
) -> str:
    """The whole HTML map page of ``account_id`` (its assets under ``/static/``).

    Raises ``NotFound`` for an unknown account and ``InvalidInput`` (the problem's ``field`` is ``to`` or
    ``from``) for a path target or source that is not on the map."""
    view = account_map(analyst, account_id, as_of=as_of, to=to, source=source)
    return render("map.html", **_context(view), standalone=False)


def standalone_map(
    analyst: Analyst, account_id: str, *, as_of: date, to: str | None = None, source: str | None = None
) -> str:
    """The map as one self-contained HTML file: vis-network, map.js and the stylesheets inlined, nothing
    fetched, no link that leaves the file. Same errors as ``map_page``."""
    view = account_map(analyst, account_id, as_of=as_of, to=to, source=source)
    scripts = [
        _inline(_asset("pyvis", f"{VIS_DIR}/vis-network.min.js")),
        _inline(_asset("graphsvc.web", "static/map.js")),
    ]
    styles = [
        _inline(_asset("pyvis", f"{VIS_DIR}/vis-network.css")),
        _inline(_asset("graphsvc.web", "static/pages.css")),
        _inline(_asset("graphsvc.web", "static/map.css")),
    ]
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_hash(s) for s in scripts)}; "
        f"style-src {' '.join(_hash(s) for s in styles)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return render(
        "standalone_map.html",
        **_context(view),
        standalone=True,
        csp=csp,
        inline_scripts=[Markup(s) for s in scripts],  # our own packaged files, checked by _inline
        inline_styles=[Markup(s) for s in styles],
    )


def _context(view: AccountMap) -> dict[str, object]:
    return {
        "view": view,
        "data": json_island(view.data),
        "legend": LEGEND,
        "gaps": view.data["gaps"],
        "paths": view.data["pathDetails"],
        "names": {n["id"]: n["info"]["name"] for n in view.data["nodes"]},
    }


@cache
def _asset(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _inline(text: str) -> str:
    """A packaged script or stylesheet ready to sit inside its element: no source-map fetch, cannot close it."""
    lines = [line for line in text.split("\n") if not line.startswith(("//# sourceMappingURL", "/*# sourceMappingURL"))]
    out = "\n".join(lines)
    lowered = out.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise ValueError("a packaged asset contains a closing tag and cannot be inlined")
    return out


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
