"""The role matrix on the browser pages and ``/export`` (issue 7), with the bearer token and the sign-in cookie.

For each caller of ``matrix_fixture``: the portfolio lists exactly the visible accounts; the map of a hidden
account is the very 404 of a missing one (status and page, the id aside), and a visible map names no hidden
node; the team pages count only visible covers; ``/export`` is exactly the fixture restricted to what the
caller sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import requests

from tests.access.matrix_fixture import (
    AS_OF,
    IMG,
    MATRIX_DOC,
    MISSING_ACCOUNT,
    MISSING_NODE,
    SCRIPT,
    VISIBLE_ACCOUNTS,
    MatrixServer,
    all_ids,
    matrix_server,
    restricted,
)
from tests.access.test_matrix import ACCOUNTS, NAMES, VISIBLE
from tests.access.test_matrix_analyses import TEAM_LOAD
from tests.api.support import assert_no_leak
from tests.conftest import STORES, normalized
from tests.web.pages_support import parse

DAY = AS_OF.isoformat()
WAYS = ("bearer", "cookie")


@pytest.fixture(scope="module", params=STORES)
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixServer]:
    with matrix_server(request, tmp_path_factory.mktemp(f"pages-{request.param}")) as m:
        yield m


@pytest.fixture(scope="module")
def sessions(matrix: MatrixServer) -> Iterator[dict[tuple[str, str], requests.Session]]:
    """(caller, way) -> an HTTP session that shows the caller's token as a bearer header or a sign-in cookie."""
    out: dict[tuple[str, str], requests.Session] = {}
    for name in NAMES:
        bearer = requests.Session()
        bearer.headers["Authorization"] = f"Bearer {matrix.tokens[name]}"
        out[(name, "bearer")] = bearer
        browser = requests.Session()
        signed = browser.post(
            f"{matrix.server.base}/signin", data={"token": matrix.tokens[name], "next": "/"}, allow_redirects=False
        )
        assert signed.status_code == 303, signed.text
        assert browser.cookies.get("graphsvc_token"), "sign-in sets the cookie"
        out[(name, "cookie")] = browser
    try:
        yield out
    finally:
        for session in out.values():
            session.close()


def get(matrix: MatrixServer, session: requests.Session, path: str) -> requests.Response:
    response = session.get(f"{matrix.server.base}{path}", allow_redirects=False, timeout=30)
    assert_no_leak(response.text, matrix.server.secrets)
    return response


def assert_page_names_nothing_hidden(name: str, html: str) -> None:
    """No hidden id and no hidden name (its plain start) appears in the page, data island included; the
    fixture's hostile names and notes appear only escaped."""
    for text in (SCRIPT, IMG):
        assert text not in html, f"{text!r} reached the page unescaped"
    hidden = all_ids(MATRIX_DOC) - VISIBLE[name]
    shown = set(re.findall(r"[a-z]+_[a-z0-9_]+", html))
    assert not shown & hidden, f"{name} is shown {shown & hidden}"
    for kind in ("accounts", "sites", "people", "committees", "influencers"):
        for record in MATRIX_DOC[kind]:
            if record["id"] in hidden:
                plain = re.split(r'[<"]', record["name"])[0].strip()
                assert plain not in html, f"{name} is shown the name of {record['id']}"


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", NAMES)
def test_portfolio_lists_exactly_the_visible_accounts(
    matrix: MatrixServer, sessions: dict[tuple[str, str], requests.Session], name: str, way: str
) -> None:
    response = get(matrix, sessions[(name, way)], f"/?asOf={DAY}")
    assert response.status_code == 200, response.text
    rows = parse(response.text).find_all("tr")
    shown = [r.attrs["data-account"] for r in rows if "data-account" in r.attrs]
    assert shown == sorted(set(ACCOUNTS) & VISIBLE[name])
    assert_page_names_nothing_hidden(name, response.text)


def _without(text: str, ids: dict[str, str]) -> str:
    for old, new in ids.items():
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", NAMES)
def test_map_of_a_hidden_account_is_the_404_of_a_missing_one(
    matrix: MatrixServer, sessions: dict[tuple[str, str], requests.Session], name: str, way: str
) -> None:
    session = sessions[(name, way)]
    missing = get(matrix, session, f"/accounts/{MISSING_ACCOUNT}/map?asOf={DAY}")
    assert missing.status_code == 404
    for account in ACCOUNTS:
        response = get(matrix, session, f"/accounts/{account}/map?asOf={DAY}")
        if account in VISIBLE[name]:
            assert response.status_code == 200, response.text
            assert_page_names_nothing_hidden(name, response.text)
            continue
        assert response.status_code == missing.status_code
        assert _without(response.text, {account: "<id>"}) == _without(missing.text, {MISSING_ACCOUNT: "<id>"})


@pytest.mark.parametrize("name", ["K1", "V1", "L1"])
def test_map_path_to_a_hidden_node_is_answered_like_a_missing_node(
    matrix: MatrixServer, sessions: dict[tuple[str, str], requests.Session], name: str
) -> None:
    """p_c_x (acc_c) sways acc_a's decider; those who see acc_a but not acc_c cannot aim a path at them."""
    session = sessions[(name, "bearer")]
    missing = get(matrix, session, f"/accounts/acc_a/map?asOf={DAY}&to={MISSING_NODE}")
    hidden = get(matrix, session, f"/accounts/acc_a/map?asOf={DAY}&to=p_c_x")
    assert hidden.status_code == missing.status_code != 200
    assert _without(hidden.text, {"p_c_x": "<id>"}) == _without(missing.text, {MISSING_NODE: "<id>"})
    to_decider = get(matrix, session, f"/accounts/acc_a/map?asOf={DAY}&to=p_a_dec")
    assert to_decider.status_code == 200
    assert_page_names_nothing_hidden(name, to_decider.text)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("name", "lead"), sorted(TEAM_LOAD))
def test_team_page_counts_only_visible_covers(
    matrix: MatrixServer, sessions: dict[tuple[str, str], requests.Session], name: str, lead: str, way: str
) -> None:
    response = get(matrix, sessions[(name, way)], f"/team/{lead}?asOf={DAY}")
    assert response.status_code == 200, response.text
    page = parse(response.text)
    load = {
        li.attrs["data-member"]: int(li.attrs["data-load"]) for li in page.find("section", id="load").find_all("li")
    }
    assert load == TEAM_LOAD[(name, lead)]
    if lead == "m_l1":
        assert "Vera Viewer" in page.find("section", id="load").text, "the hostile name is shown, as text"
    heatmaps = {t.attrs["data-account"] for t in page.find_all("table", class_="heatmap")}
    assert heatmaps <= set(ACCOUNTS) & VISIBLE[name]
    assert_page_names_nothing_hidden(name, response.text)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", NAMES)
def test_export_is_exactly_the_visible_graph(
    matrix: MatrixServer, sessions: dict[tuple[str, str], requests.Session], name: str, way: str
) -> None:
    response = get(matrix, sessions[(name, way)], "/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    exported = json.loads(response.text)
    assert normalized(exported) == normalized(restricted(MATRIX_DOC, VISIBLE_ACCOUNTS[name]))


def test_export_and_pages_refuse_a_request_without_a_token(matrix: MatrixServer) -> None:
    with requests.Session() as anonymous:
        export = get(matrix, anonymous, "/export")
        assert export.status_code == 401
        assert "acc_a" not in export.text
        page = get(matrix, anonymous, "/accounts/acc_a/map")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/signin")
