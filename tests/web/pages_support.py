"""Fixtures and helpers of the page tests (``test_pages.py``, ``test_signin.py``): real ``graphsvc serve`` processes.

* ``pages_server``: one authenticated server for the session over the demo portfolio plus ``HOSTILE`` (names
  that try to inject markup), on each store: a SQLite file, and a real Neo4j server (``web-pages``). Nobody
  writes records to it, so pages can be compared with an in-process ``Analyst`` (``pages_analyst``).
* ``serving(...)``: a server of its own for one test (``--no-auth``, an empty store, a store that breaks).
* ``parse(html)``: the page's elements (tag, attributes, text), to read what a browser would show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests

from graphsvc.analyst import Analyst
from graphsvc.store import open_store
from tests.api.support import Server, cli, running_server, serve_process
from tests.conftest import STORES
from tests.neo4j_server import Neo4jServer, running

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE: dict[str, Any] = {
    "format": "graphsvc/1",
    "accounts": [{"id": "acc_xss", "name": f"Evil {SCRIPT} GmbH", "status": "key", "approach": "sales"}],
    "people": [
        {
            "id": "p_xss_ceo",
            "account": "acc_xss",
            "name": f"Ceo {IMG}",
            "title": f"Chief {SCRIPT}",
            "roles": ["decider"],
            "attitude": "opponent",
            "power": 0.9,
        },
        {"id": "p_xss_buyer", "account": "acc_xss", "name": "Bob </td></tr></table>", "roles": ["buyer"]},
    ],
    "members": [
        {"id": "m_xss_lead", "name": f"Lead {SCRIPT}", "role": "team_lead"},
        {"id": "m_xss_kam", "name": f"Kam {IMG}", "role": "kam"},
    ],
    "relations": [
        {"type": "REPORTS_TO", "from": "m_xss_kam", "to": "m_xss_lead"},
        {"type": "ASSIGNED_TO", "from": "m_xss_kam", "to": "acc_xss", "role": "lead"},
        {"type": "COVERS", "from": "m_xss_kam", "to": "p_xss_ceo", "strength": 0.8, "last_contact": "2020-01-01"},
        {"type": "COVERS", "from": "m_xss_lead", "to": "p_xss_ceo", "strength": 0.6},
        {"type": "INFLUENCES", "from": "p_xss_buyer", "to": "p_xss_ceo", "strength": 0.7},
    ],
}
"""An account, people and team members whose names and titles try to inject markup and script."""
HOSTILE_TEXTS = (SCRIPT, IMG, "</td></tr></table>")


@pytest.fixture(scope="session")
def neo4j_web_pages() -> Iterator[Neo4jServer]:
    with running("web-pages") as s:
        yield s


@pytest.fixture(scope="session", params=STORES)
def pages_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graphsvc serve`` (authenticated) over the demo plus ``HOSTILE``, on each store; an admin token for m_berger."""
    store_url = None
    if request.param == "neo4j":
        neo: Neo4jServer = request.getfixturevalue("neo4j_web_pages")
        neo.wipe()
        store_url = neo.url
    workdir = tmp_path_factory.mktemp(f"pages-{request.param}")
    with running_server(workdir, store_url=store_url) as server:
        hostile = workdir / "hostile.json"
        hostile.write_text(json.dumps(HOSTILE), encoding="utf-8")
        loaded = cli(server.store_url, "import", str(hostile))
        assert loaded.returncode == 0, loaded.stderr
        yield server


@pytest.fixture(scope="session")
def pages_analyst(pages_server: Server) -> Iterator[Analyst]:
    """An in-process Analyst on the page server's store."""
    store = open_store(pages_server.store_url, create=False)
    try:
        yield Analyst(store)
    finally:
        store.close()


@dataclass
class Live:
    base: str
    store_url: str
    banner_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base + path, **kwargs)

    def banner(self) -> str:
        return self.banner_path.read_text("utf-8", "replace")


@contextmanager
def serving(workdir: Path, store_url: str, *, no_auth: bool = True) -> Iterator[Live]:
    """``graphsvc serve`` on ``store_url`` (as it is) until the block ends; ready once /healthz answers (503 too)."""
    log = workdir / "serve.stderr"
    flags = ["--no-auth"] if no_auth else []
    with serve_process(store_url, log, *flags, answers=(200, 503)) as base:
        live = Live(base, store_url, log)
        try:
            yield live
        finally:
            live.http.close()


# -- reading pages ----------------------------------------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text as a browser shows it, whitespace collapsed."""
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        out = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(child.attrs.get(_attr(k)) == v for k, v in attrs.items()):
                out.append(child)
            out.extend(child.find_all(tag, **attrs))
        return out

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}> in the page"
        return found[0]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


def _attr(name: str) -> str:
    return "class" if name == "class_" else name.replace("_", "-")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.parts.append(data)


def parse(html: str) -> Element:
    """The document's element tree (text of each element includes its descendants')."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root
