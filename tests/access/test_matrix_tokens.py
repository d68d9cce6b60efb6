"""Token revocation and expiry in the role matrix (issue 7): refused on the very next request, everywhere.

Tokens are made and revoked through the store API (as ``graphsvc token`` does) while a real server runs; the
next GraphQL request, page and export with that token (as a bearer header or a sign-in cookie) is refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.access.matrix_fixture import MatrixServer, matrix_server
from tests.api.support import code
from tests.conftest import STORES

VIEWER = "{ viewer { memberId role accountIds } }"


@pytest.fixture(scope="module", params=STORES)
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixServer]:
    with matrix_server(request, tmp_path_factory.mktemp(f"tokens-{request.param}")) as m:
        yield m


def _graphql(matrix: MatrixServer, secret: str) -> requests.Response:
    return matrix.server.post(VIEWER, token=secret)


def _assert_refused(matrix: MatrixServer, secret: str) -> None:
    """GraphQL, a page and the export all refuse ``secret`` (a bearer header)."""
    response = _graphql(matrix, secret)
    assert response.status_code == 401, response.text
    assert [code(e) for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
    headers = {"Authorization": f"Bearer {secret}"}
    page = matrix.server.request("GET", "/", headers=headers, allow_redirects=False)
    assert page.status_code == 401, "a page with a dead bearer token (a script, not a browser) is refused"
    assert "acc_a" not in page.text
    export = matrix.server.request("GET", "/export", headers=headers, allow_redirects=False)
    assert export.status_code == 401
    assert "acc_a" not in export.text


def _signed_in(matrix: MatrixServer, secret: str) -> requests.Session:
    browser = requests.Session()
    signed = browser.post(f"{matrix.server.base}/signin", data={"token": secret, "next": "/"}, allow_redirects=False)
    assert signed.status_code == 303, signed.text
    return browser


def test_a_revoked_token_is_refused_on_the_very_next_request(matrix: MatrixServer) -> None:
    info, secret = matrix.store.create_token("m_k1", "kam")
    with _signed_in(matrix, secret) as browser:
        assert _graphql(matrix, secret).json()["data"]["viewer"] == {
            "memberId": "m_k1",
            "role": "KAM",
            "accountIds": ["acc_a"],
        }
        assert browser.get(f"{matrix.server.base}/", allow_redirects=False).status_code == 200
        matrix.store.revoke_token(info.id)
        _assert_refused(matrix, secret)
        page = browser.get(f"{matrix.server.base}/accounts/acc_a/map", allow_redirects=False)
        assert page.status_code == 303, "the sign-in cookie of a revoked token is refused too"
        assert page.headers["location"].startswith("/signin")
    other = matrix.tokens["K1"]  # the member's other token lives on
    assert _graphql(matrix, other).json()["data"]["viewer"]["memberId"] == "m_k1"


def test_an_admin_token_revoked_loses_the_audit_log_at_once(matrix: MatrixServer) -> None:
    info, secret = matrix.store.create_token("m_ad", "admin")
    query = "{ auditLog(first: 1) { edges { node { seq } } } }"
    assert "errors" not in matrix.server.post(query, token=secret).json()
    matrix.store.revoke_token(info.id)
    response = matrix.server.post(query, token=secret)
    assert response.status_code == 401
    assert "edges" not in response.text


def test_an_expired_token_is_refused_on_the_next_request(matrix: MatrixServer) -> None:
    expires = datetime.now(UTC) + timedelta(seconds=4)  # room for two requests on a busy machine
    _, secret = matrix.store.create_token("m_l1", "lead", expires=expires)
    with _signed_in(matrix, secret) as browser:
        assert _graphql(matrix, secret).json()["data"]["viewer"]["accountIds"] == ["acc_a", "acc_b"]
        time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
        _assert_refused(matrix, secret)
        page = browser.get(f"{matrix.server.base}/", allow_redirects=False)
        assert page.status_code == 303, "the sign-in cookie of an expired token is refused too"


def test_a_token_that_expired_before_its_first_use_is_refused(matrix: MatrixServer) -> None:
    _, secret = matrix.store.create_token("m_k2", "kam", expires=datetime.now(UTC) - timedelta(seconds=1))
    _assert_refused(matrix, secret)
