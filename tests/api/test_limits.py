"""Limits against abusive requests: each refuses just past its bound with a clear error, and allows the bound.

The bounds are the documented ones: depth 10, 30 aliases, 2000 tokens, 8 MiB of body, ``first`` <= 100,
``k`` <= 20, ``maxHops`` <= 6, ``top`` <= 500.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.api.support import Server, assert_no_leak, code

MAX_BODY = 8 * 1024 * 1024


def _too_complex(server: Server, query: str) -> dict[str, Any]:
    """The error of a query refused before it ran (the limit's error if there are several)."""
    body = server.post(query).json()
    assert body.get("data") is None, "a refused query must not run at all"
    errors = body["errors"]
    return next((e for e in errors if code(e) == "QUERY_TOO_COMPLEX"), errors[0])  # type: ignore[no-any-return]


def _read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 answer with a Content-Length."""
    data = b""
    while True:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            assert length, head
            if len(rest) >= int(length.group(1)):
                return int(head.split(b" ", 2)[1]), rest[: int(length.group(1))]
        try:
            part = sock.recv(65536)
        except OSError:
            part = b""
        assert part, f"the connection closed before a whole answer: {data[:300]!r}"
        data += part


# -- depth, aliases, tokens ---------------------------------------------------------------------


def _reporting_chain(levels: int) -> str:
    """``node`` (depth 0) with ``levels`` nested ``reportsTo`` and an ``id``: depth ``levels + 1``."""
    inner = "id"
    for _ in range(levels):
        inner = f"reportsTo {{ {inner} }}"
    return f'{{ node(id: "m_yilmaz") {{ ... on Member {{ {inner} }} }} }}'


def test_a_query_at_depth_10_runs(server: Server) -> None:
    data = server.data(_reporting_chain(9))
    # Yilmaz -> Hoffmann -> Berger -> Lenz, then nobody.
    assert data["node"]["reportsTo"][0]["reportsTo"][0]["reportsTo"][0]["reportsTo"] == []


def test_a_query_deeper_than_10_is_too_complex(server: Server) -> None:
    error = _too_complex(server, _reporting_chain(10))
    assert code(error) == "QUERY_TOO_COMPLEX"
    assert "depth" in str(error["message"])
    assert "10" in str(error["message"])


def _aliases(count: int) -> str:
    return "{ " + " ".join(f'a{i}: account(id: "acc_lumen") {{ id }}' for i in range(count)) + " }"


def test_30_aliases_run(server: Server) -> None:
    data = server.data(_aliases(30))
    assert len(data) == 30
    assert data["a29"] == {"id": "acc_lumen"}


def test_more_than_30_aliases_are_too_complex(server: Server) -> None:
    error = _too_complex(server, _aliases(31))
    assert code(error) == "QUERY_TOO_COMPLEX"
    assert "31" in str(error["message"])
    assert "30" in str(error["message"])


def _ids(count: int) -> str:
    """A valid query whose token count grows with ``count`` (one string token per id; commas are not tokens)."""
    return "{ portfolioLeverage(top: 1, accountIds: [" + " ".join(['"acc_lumen"'] * count) + "]) { score } }"


def test_a_query_of_fewer_than_2000_tokens_runs(server: Server) -> None:
    assert len(server.data(_ids(1900))["portfolioLeverage"]) == 1


def test_a_query_of_more_than_2000_tokens_is_too_complex(server: Server) -> None:
    error = _too_complex(server, _ids(2100))
    assert code(error) == "QUERY_TOO_COMPLEX", error
    assert "2000" in str(error["message"])
    assert "token" in str(error["message"])


# -- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "at_limit", "past_limit"),
    [
        ("first", "{ accounts(first: 100) { totalCount } }", "{ accounts(first: 101) { totalCount } }"),
        (
            "first",
            '{ search(text: "a", first: 100) { totalCount } }',
            '{ search(text: "a", first: 101) { totalCount } }',
        ),
        (
            "first",
            '{ people(accountId: "acc_halvorsen", first: 100) { totalCount } }',
            '{ people(accountId: "acc_halvorsen", first: 101) { totalCount } }',
        ),
        (
            "first",
            '{ account(id: "acc_halvorsen") { people(first: 100) { totalCount } } }',
            '{ account(id: "acc_halvorsen") { people(first: 101) { totalCount } } }',
        ),
        (
            "k",
            '{ influencePaths(accountId: "acc_halvorsen", to: "p_hal_ceo", k: 20) { strength } }',
            '{ influencePaths(accountId: "acc_halvorsen", to: "p_hal_ceo", k: 21) { strength } }',
        ),
        (
            "maxHops",
            '{ influencePaths(accountId: "acc_halvorsen", to: "p_hal_ceo", maxHops: 6) { strength } }',
            '{ influencePaths(accountId: "acc_halvorsen", to: "p_hal_ceo", maxHops: 7) { strength } }',
        ),
        (
            "top",
            '{ leverage(accountId: "acc_halvorsen", top: 500) { score } }',
            '{ leverage(accountId: "acc_halvorsen", top: 501) { score } }',
        ),
        ("top", "{ portfolioLeverage(top: 500) { score } }", "{ portfolioLeverage(top: 501) { score } }"),
    ],
    ids=[
        "accounts-first",
        "search-first",
        "people-first",
        "account-people-first",
        "k",
        "maxHops",
        "leverage-top",
        "portfolio-top",
    ],
)
def test_an_argument_past_its_cap_is_bad_user_input_naming_it_and_the_cap(
    server: Server, field: str, at_limit: str, past_limit: str
) -> None:
    server.data(at_limit)
    error = server.error(past_limit)
    assert code(error) == "BAD_USER_INPUT", error
    cap = {"first": "100", "k": "20", "maxHops": "6", "top": "500"}[field]
    assert field in error["message"], error["message"]
    assert cap in error["message"], error["message"]


# -- body size ------------------------------------------------------------------------------------


def _assert_payload_too_large(status: int, body: bytes) -> None:
    assert status == 413
    text = body.decode("utf-8")
    assert_no_leak(text)
    [error] = json.loads(text)["errors"]
    assert code(error) == "PAYLOAD_TOO_LARGE"
    assert str(MAX_BODY) in error["message"]


def test_a_body_announced_larger_than_8_mib_is_refused_with_413_before_it_is_sent(server: Server) -> None:
    address = urlsplit(server.base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest("POST", "/graphql")
        for name, value in server.headers().items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(MAX_BODY + 1))
        connection.putheader("Expect", "100-continue")
        connection.endheaders()
        response = connection.getresponse()
        _assert_payload_too_large(response.status, response.read())
    finally:
        connection.close()


def test_a_streamed_body_growing_past_8_mib_is_refused_with_413(server: Server) -> None:
    address = urlsplit(server.base)
    head = "".join(f"{k}: {v}\r\n" for k, v in server.headers().items())
    chunk = b" " * (1024 * 1024)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(
            f"POST /graphql HTTP/1.1\r\nHost: {address.netloc}\r\n{head}Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        try:
            for _ in range(MAX_BODY // len(chunk) + 1):
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading once it has answered
        status, body = _read_answer(sock)
    _assert_payload_too_large(status, body)


def test_an_ordinary_client_posting_more_than_8_mib_gets_413(server: Server) -> None:
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * MAX_BODY}})
    response = server.http.post(server.graphql_url, data=body.encode(), headers=server.headers(), timeout=60)
    _assert_payload_too_large(response.status_code, response.content)


def test_a_body_of_a_few_mib_is_accepted(server: Server) -> None:
    response = server.request(
        "POST",
        "/graphql",
        data=json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * (3 * 1024 * 1024)}}),
        headers=server.headers(),
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
