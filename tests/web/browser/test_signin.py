"""Signing in with a token in a real browser: the redirect, a wrong token, the cookie, signing out."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.web.browser.conftest import COOKIE
from tests.web.browser.live import LiveServer
from tests.web.browser.watch import READY, Watch

pytestmark = pytest.mark.browser

MAP = "/accounts/acc_halvorsen/map"


def _path(url: str) -> str:
    return urlsplit(url).path


def _sign_in(page: Watch, token: str) -> None:
    page.page.fill("#signin input[name=token]", token)
    with page.page.expect_navigation():
        page.page.click("#signin button[type=submit]")


def test_a_page_without_a_token_sends_the_browser_to_sign_in_and_back(anon_page: Watch, site: LiveServer) -> None:
    assert site.token
    anon_page.visit(MAP)
    assert _path(anon_page.page.url) == "/signin"
    assert parse_qs(urlsplit(anon_page.page.url).query)["next"] == [MAP]
    assert anon_page.page.locator("#signin input[name=token][type=password]").count() == 1
    assert anon_page.page.locator("#signin input[type=hidden][name=next]").get_attribute("value") == MAP

    anon_page.expect_status(401, "/signin")
    anon_page.page.fill("#signin input[name=token]", site.token + "x")
    with anon_page.page.expect_response(lambda r: _path(r.url) == "/signin" and r.request.method == "POST") as answer:
        anon_page.page.click("#signin button[type=submit]")
    assert answer.value.status == 401
    anon_page.shot("wrong-token")
    assert _path(anon_page.page.url) == "/signin"
    error = anon_page.page.locator("p.error")
    assert error.is_visible(), "a wrong token shows an error on the sign-in page"
    assert site.token not in anon_page.page.content(), "the page never shows the token typed"
    assert not [c for c in anon_page.page.context.cookies() if c["name"] == COOKIE]
    assert anon_page.page.locator("#signin input[type=hidden][name=next]").get_attribute("value") == MAP

    _sign_in(anon_page, site.token)
    anon_page.page.wait_for_selector(READY, state="attached", timeout=30_000)
    anon_page.shot("signed-in")
    assert _path(anon_page.page.url) == MAP, "signing in lands on the page asked for"
    [cookie] = [c for c in anon_page.page.context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert COOKIE not in anon_page.eval("() => document.cookie"), "scripts cannot read the sign-in cookie"


def test_signing_out_forgets_the_token(anon_page: Watch, site: LiveServer) -> None:
    assert site.token
    anon_page.visit("/signin?next=/")
    _sign_in(anon_page, site.token)
    assert _path(anon_page.page.url) == "/"
    assert anon_page.page.locator("table#portfolio").count() == 1
    with anon_page.page.expect_navigation():
        anon_page.page.click("form#signout button")
    anon_page.shot("signed-out")
    assert not [c for c in anon_page.page.context.cookies() if c["name"] == COOKIE], "signing out drops the cookie"
    anon_page.visit("/")
    assert _path(anon_page.page.url) == "/signin", "after signing out, pages ask to sign in again"


def test_the_cookie_does_not_authorise_graphql(page: Watch) -> None:
    """A signed-in browser's cookie must not let a page's script (or another site's form) call the API: CSRF."""
    page.visit("/")
    page.expect_status(401, "/graphql")
    status = page.eval(
        """async () => (await fetch('/graphql', {method: 'POST', credentials: 'include',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({query: '{ __typename }'})})).status"""
    )
    assert status == 401


def test_sign_in_never_sends_the_browser_to_another_site(anon_page: Watch, site: LiveServer) -> None:
    assert site.token
    for outside in ("https://example.com/", "//example.com/", "/\\example.com/", "javascript:alert(1)"):
        anon_page.visit(f"/signin?next={quote(outside, safe='')}")
        _sign_in(anon_page, site.token)
        assert anon_page.page.url.startswith(site.base + "/"), f"next={outside} led to {anon_page.page.url}"
        assert _path(anon_page.page.url) != "/signin", f"signing in with next={outside} failed"
        assert [c for c in anon_page.page.context.cookies() if c["name"] == COOKIE]
        anon_page.page.context.clear_cookies()
