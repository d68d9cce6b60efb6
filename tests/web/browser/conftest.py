"""Fixtures of the browser tests: live ``graphsvc serve`` processes and a real headless Chromium.

* ``site``: one authenticated server for the whole session over the demo
  portfolio plus the hostile account (``hostile.py``); nobody writes to it,
  so every page can be compared with an in-process ``Analyst`` (``analyst``)
  on the same SQLite file.
* ``open_site``: a second server, started with ``--no-auth``, that also holds
  a generated 5,000-node account (``bench.generate``'s ``huge``).
* ``browser``: Debian's Chromium driven by Playwright, headless, with name
  resolution for anything but 127.0.0.1 turned off. ``GRAPHSVC_BROWSER_HEADED=1``
  shows the window (and slows every action down) for debugging;
  ``GRAPHSVC_CHROMIUM`` names another Chromium binary.
* ``page`` (signed in to ``site``), ``anon_page`` (no token) and
  ``open_page`` (``open_site``): a fresh context each, whose route aborts
  every request that does not go to the live server; the test fails when the
  page logged a console error, threw, had a request fail or answered an error,
  opened a dialog or tried to reach anywhere else; ``offline_page`` is offline
  and loads ``file://`` only. Screenshots of the pages
  visited go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from bench.generate import account_document
from graphsvc.analyst import Analyst
from graphsvc.store import open_store
from tests.web.browser.hostile import hostile_document
from tests.web.browser.live import LiveServer, serving
from tests.web.browser.watch import Blocker, Watch

COOKIE = "graphsvc_token"
NO_OUTSIDE_NETWORK = [
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium (``make test`` installs it); missing, every browser test fails with how to get it."""
    found = os.environ.get("GRAPHSVC_CHROMIUM") or shutil.which("chromium")
    if not found or not os.access(found, os.X_OK):
        pytest.fail(
            f"Chromium ({found or 'chromium on PATH'}) is not installed, so the browser tests cannot run: "
            "run `make test` (it installs Debian's "
            "chromium package) or `apt-get install --no-install-recommends chromium` as root, "
            "or point GRAPHSVC_CHROMIUM at a Chromium binary",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Per module: the sync API runs an event loop in this thread while it lives, and a later module that calls
    ``asyncio.run`` (the API's in-process tests) would find it running. A launch costs about a second."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium_executable: str) -> Iterator[Browser]:
    headed = os.environ.get("GRAPHSVC_BROWSER_HEADED", "") not in ("", "0")
    browser = playwright.chromium.launch(
        executable_path=chromium_executable,
        headless=not headed,
        slow_mo=250 if headed else 0,
        args=NO_OUTSIDE_NETWORK,
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def today() -> date:
    """``graphsvc demo`` moves the demo's contact dates to the day it runs: the pages' default 'as of'."""
    return date.today()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, today: date) -> Iterator[LiveServer]:
    with serving(tmp_path_factory.mktemp("browser-site"), documents={"hostile": hostile_document(today)}) as s:
        yield s


@pytest.fixture(scope="session")
def huge_account() -> dict[str, Any]:
    """The generated 5,000-node account of the benchmarks (one account, its team and influencers)."""
    return account_document("huge")


@pytest.fixture(scope="session")
def open_site(tmp_path_factory: pytest.TempPathFactory, huge_account: dict[str, Any]) -> Iterator[LiveServer]:
    with serving(tmp_path_factory.mktemp("browser-open"), auth=False, documents={"huge": huge_account}) as s:
        yield s


def _analyst(server: LiveServer) -> Iterator[Analyst]:
    store = open_store(server.store_url, create=False)
    try:
        yield Analyst(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def analyst(site: LiveServer) -> Iterator[Analyst]:
    """An in-process Analyst on ``site``'s SQLite file: what the pages must show."""
    yield from _analyst(site)


@pytest.fixture(scope="session")
def open_analyst(open_site: LiveServer) -> Iterator[Analyst]:
    yield from _analyst(open_site)


def watched(
    browser: Browser, server: LiveServer | None, request: pytest.FixtureRequest, *, token: str | None
) -> Iterator[Watch]:
    """A new context and page on ``server`` (with ``token`` as the sign-in cookie), watched for problems.

    Without a server the context is offline and only ``file://`` pages load."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, service_workers="block", offline=server is None
    )
    base = server.base if server else "file://"
    blocker = Blocker((base + "/",))
    blocker.install(context)
    if server is not None and token is not None:
        context.add_cookies(
            [{"name": COOKIE, "value": token, "url": server.base, "httpOnly": True, "sameSite": "Strict"}]
        )
    watch = Watch(context.new_page(), base, request.node.name, blocker)
    try:
        yield watch
        if watch.page.url not in ("", "about:blank") and not watch.page.is_closed():
            watch.shot("end")
        watch.assert_clean()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, site: LiveServer, request: pytest.FixtureRequest) -> Iterator[Watch]:
    """A page on ``site``, signed in (the token in the sign-in cookie)."""
    yield from watched(browser, site, request, token=site.token)


@pytest.fixture
def anon_page(browser: Browser, site: LiveServer, request: pytest.FixtureRequest) -> Iterator[Watch]:
    """A page on ``site`` without a token."""
    yield from watched(browser, site, request, token=None)


@pytest.fixture
def open_page(browser: Browser, open_site: LiveServer, request: pytest.FixtureRequest) -> Iterator[Watch]:
    """A page on the ``--no-auth`` server."""
    yield from watched(browser, open_site, request, token=None)


@pytest.fixture
def offline_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Watch]:
    """A page in an offline context that may load ``file://`` URLs only (every other request is aborted)."""
    yield from watched(browser, None, request, token=None)
