"""Signing in to the browser pages: the token in a cookie, redirects, open-redirect refusal, CSRF, sign-out.

Against a real authenticated ``graphsvc serve`` over the demo, on each store (``pages_server``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import requests

from graphsvc.store import open_store
from tests.api.support import Server, cli
from tests.web.pages_support import neo4j_web_pages, pages_server, parse

__all__ = ["neo4j_web_pages", "pages_server"]  # fixtures used here

COOKIE = "graphsvc_token"


@pytest.fixture
def browser(pages_server: Server) -> Iterator[requests.Session]:
    """A fresh cookie jar, like a new browser profile."""
    with requests.Session() as session:
        yield session


def _get(server: Server, session: requests.Session, path: str, **kwargs: object) -> requests.Response:
    return session.get(server.base + path, allow_redirects=False, timeout=30, **kwargs)  # type: ignore[arg-type]


def _sign_in(
    server: Server, session: requests.Session, token: str, next_path: str = "/", **headers: str
) -> requests.Response:
    return session.post(
        server.base + "/signin",
        data={"token": token, "next": next_path},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def _cookie_attributes(response: requests.Response) -> dict[str, str]:
    """The attributes of the graphsvc_token Set-Cookie header (lower-case names; flags map to '')."""
    header = response.headers["set-cookie"]
    name_value, *attributes = [part.strip() for part in header.split(";")]
    assert name_value.split("=", 1)[0] == COOKIE
    out = {"value": name_value.split("=", 1)[1]}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        out[key.lower()] = value
    return out


def test_a_page_without_a_token_leads_to_sign_in_and_back(pages_server: Server, browser: requests.Session) -> None:
    response = _get(pages_server, browser, "/accounts/acc_vantor/map?to=p_van_ceo")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=" + quote("/accounts/acc_vantor/map?to=p_van_ceo", safe="/")
    form_page = _get(pages_server, browser, response.headers["location"])
    assert form_page.status_code == 200
    assert form_page.headers["content-security-policy"].startswith("default-src 'none'")
    form = parse(form_page.text).find("form", id="signin")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/signin")
    assert form.find("input", name="token").attrs["type"] == "password"
    assert form.find("input", name="next").attrs["value"] == "/accounts/acc_vantor/map?to=p_van_ceo"

    signed_in = _sign_in(pages_server, browser, pages_server.token, "/accounts/acc_vantor/map?to=p_van_ceo")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/accounts/acc_vantor/map?to=p_van_ceo"
    page = _get(pages_server, browser, "/team/m_berger")
    assert page.status_code == 200
    session = parse(page.text).find(id="session")
    assert "Thomas Berger" in session.text
    assert "admin" in session.text
    signout = session.find("form", id="signout")
    assert (signout.attrs["method"], signout.attrs["action"]) == ("post", "/signout")


def test_the_cookie_is_httponly_strict_and_bounded(pages_server: Server, browser: requests.Session) -> None:
    attributes = _cookie_attributes(_sign_in(pages_server, browser, pages_server.token))
    assert attributes["value"] == pages_server.token
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "strict"
    assert attributes["path"] == "/"
    assert attributes["max-age"] == str(12 * 3600)
    assert "secure" not in attributes  # plain http on loopback: a Secure cookie would never come back


def test_the_cookie_is_secure_when_signing_in_over_https(pages_server: Server, browser: requests.Session) -> None:
    """Behind a TLS proxy on the same machine (X-Forwarded-Proto from loopback is trusted)."""
    response = _sign_in(pages_server, browser, pages_server.token, **{"X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    assert "secure" in _cookie_attributes(response)


def test_the_cookie_lives_no_longer_than_the_token(pages_server: Server, browser: requests.Session) -> None:
    store = open_store(pages_server.store_url, create=False)
    try:
        _, secret = store.create_token("m_weber", "admin", expires=datetime.now(UTC) + timedelta(hours=1))
    finally:
        store.close()
    max_age = int(_cookie_attributes(_sign_in(pages_server, browser, secret))["max-age"])
    assert 3500 <= max_age <= 3600


@pytest.mark.parametrize("token", ["gsv_000000000000_not-a-real-token", "", "   "])
def test_a_wrong_token_shows_the_form_again_with_401(
    pages_server: Server, browser: requests.Session, token: str
) -> None:
    response = _sign_in(pages_server, browser, token, "/team/m_berger")
    assert response.status_code == 401
    assert "set-cookie" not in response.headers
    page = parse(response.text)
    assert page.find("p", class_="error").text
    assert page.find("form", id="signin").find("input", name="next").attrs["value"] == "/team/m_berger"
    assert token.strip() == "" or token not in response.text


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\r\nSet-Cookie: x=1",
        "/ok\x00",
        "\t//evil.example",
        "evil.example",
    ],
)
def test_sign_in_only_returns_to_a_path_on_this_site(
    pages_server: Server, browser: requests.Session, next_path: str
) -> None:
    response = _sign_in(pages_server, browser, pages_server.token, next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    form = parse(_get(pages_server, browser, "/signin?next=" + quote(next_path, safe="")).text)
    assert form.find("input", name="next").attrs["value"] == "/"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame of another site
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
    ],
    ids=["origin", "null-origin", "cross-site", "same-site"],
)
def test_sign_in_and_out_from_another_site_are_refused(
    pages_server: Server, browser: requests.Session, headers: dict[str, str]
) -> None:
    response = _sign_in(pages_server, browser, pages_server.token, "/", **headers)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    signout = browser.post(pages_server.base + "/signout", headers=headers, allow_redirects=False, timeout=30)
    assert signout.status_code == 403
    assert "set-cookie" not in signout.headers


def test_sign_in_from_its_own_page_in_chromium_is_accepted(pages_server: Server, browser: requests.Session) -> None:
    """What Chromium sends for the form on a page with Referrer-Policy no-referrer: Origin null, same-origin."""
    headers = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    response = _sign_in(pages_server, browser, pages_server.token, "/team/m_berger", **headers)
    assert response.status_code == 303
    assert response.headers["location"] == "/team/m_berger"
    assert browser.cookies.get(COOKIE) == pages_server.token


def test_the_cookie_never_authorises_graphql(pages_server: Server, browser: requests.Session) -> None:
    _sign_in(pages_server, browser, pages_server.token)
    assert browser.cookies.get(COOKIE) == pages_server.token
    query = "{ accounts { totalCount } }"
    posted = browser.post(pages_server.graphql_url, json={"query": query}, allow_redirects=False, timeout=30)
    assert posted.status_code == 401
    assert posted.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    got = _get(pages_server, browser, "/graphql", params={"query": query})
    assert got.status_code == 401
    mutation = 'mutation { deleteNode(id: "acc_vantor") { deleted } }'
    form_post = browser.post(
        pages_server.graphql_url,
        data={"query": mutation},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=30,
    )
    assert form_post.status_code == 401
    assert _get(pages_server, browser, "/accounts/acc_vantor/map").status_code == 200  # still there


def test_sign_out_clears_the_cookie(pages_server: Server, browser: requests.Session) -> None:
    _sign_in(pages_server, browser, pages_server.token)
    assert _get(pages_server, browser, "/").status_code == 200
    response = browser.post(pages_server.base + "/signout", allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    attributes = _cookie_attributes(response)
    assert attributes["value"] in ('""', "")
    assert attributes["max-age"] == "0"
    assert COOKIE not in browser.cookies
    assert _get(pages_server, browser, "/").status_code == 303
    assert (
        _get(pages_server, browser, "/", headers={"Authorization": f"Bearer {pages_server.token}"}).status_code == 200
    )


def test_a_revoked_tokens_cookie_leads_back_to_sign_in(pages_server: Server, browser: requests.Session) -> None:
    created = cli(pages_server.store_url, "token", "create", "--member", "m_weber", "--role", "kam")
    secret = created.stdout.strip()
    _sign_in(pages_server, browser, secret)
    assert _get(pages_server, browser, "/").status_code == 200
    token_id = secret.split("_")[1]
    assert cli(pages_server.store_url, "token", "revoke", token_id).returncode == 0
    response = _get(pages_server, browser, "/team/m_berger")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/team/m_berger"


def test_pages_take_a_bearer_header_and_refuse_a_wrong_one(pages_server: Server, browser: requests.Session) -> None:
    ok = _get(pages_server, browser, "/", headers={"Authorization": f"Bearer {pages_server.token}"})
    assert ok.status_code == 200
    assert "Sign out" not in ok.text  # nothing to sign out of: the browser holds no cookie
    wrong = _get(pages_server, browser, "/", headers={"Authorization": "Bearer gsv_nope"})
    assert wrong.status_code == 401


def test_static_files_health_and_sign_in_need_no_token(pages_server: Server, browser: requests.Session) -> None:
    for path in ("/static/pages.css", "/static/vis-network.min.js", "/healthz", "/signin"):
        assert _get(pages_server, browser, path).status_code == 200, path
