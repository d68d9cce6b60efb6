"""Every error code a client can meet, with a message that names the field, and nothing internal leaked."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from graphsvc.api.context import Context, Loaders, Principal
from graphsvc.api.schema import make_schema
from graphsvc.errors import Forbidden, StoreUnavailable
from graphsvc.store import open_store
from tests.api.support import LEAKS, Server, cli, code, create_token

# -- BAD_USER_INPUT: the message names the argument -----------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("{ accounts(first: 0) { totalCount } }", "first"),
        ('{ search(text: "   ") { totalCount } }', "text"),
        ('{ accounts(after: "abc") { totalCount } }', "after"),
        ('{ accounts(after: "!!!") { totalCount } }', "after"),
        ('{ search(text: "a", after: "not a cursor") { totalCount } }', "after"),
        ('{ people(accountId: "acc_lumen", first: -1) { totalCount } }', "first"),
        ('{ influencePaths(accountId: "acc_lumen", to: "p_lum_ceo", k: 0) { strength } }', "k"),
        ('{ influencePaths(accountId: "acc_lumen", to: "p_lum_ceo", maxHops: 0) { strength } }', "maxHops"),
        ('{ leverage(accountId: "acc_lumen", top: 0) { score } }', "top"),
        ('{ coverage(memberId: "p_lum_ceo") { staleCount } }', "member"),
        ('{ influencePaths(accountId: "acc_lumen", to: "p_lum_ceo", from: ["p_lum_cfo"]) { strength } }', "member"),
    ],
)
def test_a_bad_argument_is_bad_user_input_with_a_message_naming_it(server: Server, query: str, field: str) -> None:
    error = server.error(query)
    assert code(error) == "BAD_USER_INPUT", error
    assert field in error["message"], error["message"]


def test_a_variable_of_the_wrong_type_is_refused_before_anything_runs(server: Server) -> None:
    response = server.post("query($first: Int!) { accounts(first: $first) { totalCount } }", {"first": "ten"})
    body = response.json()
    assert body.get("data") is None
    [error] = body["errors"]
    assert code(error) in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}, error
    assert "$first" in error["message"]


# -- NOT_FOUND ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "missing"),
    [
        ('{ leverage(accountId: "acc_gone") { score } }', "acc_gone"),
        ('{ networkMetrics(accountId: "acc_gone") { pagerank } }', "acc_gone"),
        ('{ coverageGaps(accountId: "acc_gone") { kind } }', "acc_gone"),
        ('{ people(accountId: "acc_gone") { totalCount } }', "acc_gone"),
        ('{ portfolioLeverage(accountIds: ["acc_gone"]) { score } }', "acc_gone"),
        ('{ influencePaths(accountId: "acc_lumen", to: "p_gone") { strength } }', "p_gone"),
        ('{ influencePaths(accountId: "acc_lumen", to: "p_lum_ceo", from: ["m_gone"]) { strength } }', "m_gone"),
        ('{ coverage(memberId: "m_gone") { staleCount } }', "m_gone"),
        ('{ teamCoverage(leadId: "m_gone") { lead { id } } }', "m_gone"),
    ],
)
def test_an_analysis_of_a_record_that_does_not_exist_is_not_found_naming_the_id(
    server: Server, query: str, missing: str
) -> None:
    error = server.error(query)
    assert code(error) == "NOT_FOUND", error
    assert missing in error["message"]
    assert error["path"], "the error should say which field failed"


# -- UNAUTHENTICATED ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic bTpiZXJnZXI=", "Token abc", "Bearer", "Bearer    ", "Bearer not-a-token-we-gave-out"],
    ids=["no-header", "basic-scheme", "token-scheme", "empty-bearer", "blank-bearer", "unknown-token"],
)
def test_a_request_without_a_live_bearer_token_is_unauthenticated_with_401(
    server: Server, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = server.request("POST", "/graphql", data=json.dumps({"query": "{ __typename }"}), headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert code(error) == "UNAUTHENTICATED"
    assert "token" in error["message"]
    assert "data" not in response.json() or response.json()["data"] is None


def test_a_get_query_without_a_token_is_unauthenticated(server: Server) -> None:
    response = server.request(
        "GET", "/graphql", params={"query": "{ __typename }"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert code(response.json()["errors"][0]) == "UNAUTHENTICATED"


def test_a_revoked_token_is_refused_at_once_while_other_tokens_keep_working(server: Server) -> None:
    secret = create_token(server.store_url, member="m_hoffmann")
    assert server.data("{ __typename }", token=secret) == {"__typename": "Query"}
    listed = cli(server.store_url, "token", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert secret not in listed.stdout, "token list must never show a secret"
    [mine] = [t for t in json.loads(listed.stdout) if t["id"] == secret.split("_")[1]]
    assert (mine["member"], mine["revoked"]) == ("m_hoffmann", None)
    revoked = cli(server.store_url, "token", "revoke", mine["id"])
    assert revoked.returncode == 0, revoked.stderr

    response = server.post("{ __typename }", token=secret)
    assert response.status_code == 401
    assert code(response.json()["errors"][0]) == "UNAUTHENTICATED"
    assert server.data("{ __typename }") == {"__typename": "Query"}


# -- GRAPHQL_VALIDATION_FAILED and GRAPHQL_PARSE_FAILED ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("{ acounts { totalCount } }", "accounts"),
        ("{ account { id } }", "id"),
        ('{ account(id: "acc_lumen") { nmae } }', "name"),
        ("{ accounts(status: SLEEPING) { totalCount } }", "SLEEPING"),
        ("{ accounts(first: 2147483648) { totalCount } }", "2147483648"),
        ('{ coverageGaps(accountId: "acc_lumen", asOf: "2026-13-01") { kind } }', "2026-13-01"),
        ('{ account(id: "acc_lumen") }', "account"),
    ],
    ids=[
        "unknown-field",
        "missing-argument",
        "typo-in-selection",
        "unknown-enum",
        "int-overflow",
        "bad-date",
        "no-selection",
    ],
)
def test_a_query_that_does_not_fit_the_schema_is_validation_failed_and_says_what_is_wrong(
    server: Server, query: str, hint: str
) -> None:
    body = server.post(query).json()
    assert body.get("data") is None
    assert body["errors"]
    for error in body["errors"]:
        assert code(error) == "GRAPHQL_VALIDATION_FAILED", error
    assert any(hint in e["message"] for e in body["errors"]), body["errors"]


def test_a_syntax_error_has_a_code_and_the_place_it_happened(server: Server) -> None:
    error = server.error('{ account(id: "acc_lumen") { name ')
    assert code(error) == "GRAPHQL_PARSE_FAILED", error
    assert error["message"].startswith("Syntax Error")
    assert error["locations"] == [{"line": 1, "column": 35}]


# -- INTERNAL: masked, with a request id that finds the log line ---------------------------------


LONE_SURROGATE = "\ud800"
"""Valid in JSON (``"\\ud800"``), not encodable as UTF-8: the one input known to make the store fail unexpectedly."""


class _ExplodingStore:
    """A real store whose listing fails the way a bug would: with internals in the exception text."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def list_nodes(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SELECT secret FROM nodes -- sqlite3 internals")


def test_an_internal_error_is_masked_quotes_the_request_id_and_is_logged_with_its_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'internal.db'}")
    try:
        broken = _ExplodingStore(store)
        context = Context(
            request=None,  # type: ignore[arg-type]
            response=None,
            store=broken,  # type: ignore[arg-type]
            analyst=Analyst(broken),  # type: ignore[arg-type]
            principal=Principal(None, "admin"),
            request_id="internal-probe-1",
            loaders=Loaders(broken),  # type: ignore[arg-type]
        )
        with caplog.at_level(logging.ERROR, logger="graphsvc.api"):
            result = asyncio.run(make_schema().execute('{ search(text: "a") { totalCount } }', context_value=context))
    finally:
        store.close()
    [error] = result.errors or []
    assert error.extensions == {"code": "INTERNAL", "requestId": "internal-probe-1"}
    assert "internal-probe-1" in error.message
    assert "SELECT" not in error.message
    assert "sqlite3" not in error.message
    [record] = [r for r in caplog.records if "internal-probe-1" in r.getMessage()]
    assert record.exc_info is not None
    assert "SELECT secret" in str(record.exc_info[1]), "the operators need the real error in the log"


@pytest.mark.parametrize(
    "query",
    [
        "query($v: ID!) { account(id: $v) { id } }",
        "query($v: ID!) { node(id: $v) { id } }",
        "query($v: String!) { search(text: $v) { totalCount } }",
        "query($v: ID!) { leverage(accountId: $v) { score } }",
        "query($v: ID!) { coverage(memberId: $v) { staleCount } }",
    ],
    ids=["account", "node", "search", "leverage", "coverage"],
)
def test_text_that_is_not_valid_unicode_is_a_user_mistake_not_an_internal_error(server: Server, query: str) -> None:
    body = server.post(query, {"v": f"acc{LONE_SURROGATE}"}).json()
    codes = [code(e) for e in body.get("errors", [])]
    assert "INTERNAL" not in codes, body
    assert set(codes) <= {"BAD_USER_INPUT", "NOT_FOUND"}, body


# -- nothing internal leaks ---------------------------------------------------------------------


HOSTILE_IDS = ["x' OR '1'='1", '"; DROP TABLE nodes; --', "a\u0000b", "x" * 20_000, "%s%s%s", "../../etc/passwd"]


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=["quote", "drop", "nul", "long", "format", "path"])
def test_hostile_ids_and_texts_get_ordinary_answers_and_never_leak_internals(server: Server, value: str) -> None:
    queries = [
        ("query($v: ID!) { account(id: $v) { id } node(id: $v) { id } }", {"account": None, "node": None}),
        ("query($v: String!) { search(text: $v) { totalCount } }", {"search": {"totalCount": 0}}),
    ]
    for query, expected in queries:
        response = server.post(query, {"v": value})
        assert response.status_code == 200
        assert response.json() == {"data": expected}
    error = server.error("query($v: ID!) { leverage(accountId: $v) { score } }", {"v": value})
    assert code(error) == "NOT_FOUND"
    for word in LEAKS:
        assert word not in json.dumps(error)


class _RefusingStore(_ExplodingStore):
    """A real store that refuses its listing with a given graphsvc error (the store is down, the caller may not)."""

    def __init__(self, store: Any, error: Exception) -> None:
        super().__init__(store)
        self._error = error

    def list_nodes(self, *args: Any, **kwargs: Any) -> Any:
        raise self._error


@pytest.mark.parametrize(
    ("error", "expected_code", "shown"),
    [
        (StoreUnavailable("database /secret/path/graphsvc.db is locked"), "STORE_UNAVAILABLE", "unavailable"),
        (Forbidden("you may not read account acc_other"), "FORBIDDEN", "you may not read account acc_other"),
    ],
    ids=["store-unavailable", "forbidden"],
)
def test_a_store_refusal_comes_back_with_its_code_and_no_internals(
    tmp_path: Path, error: Exception, expected_code: str, shown: str
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'refusing.db'}")
    try:
        refusing = _RefusingStore(store, error)
        context = Context(
            request=None,  # type: ignore[arg-type]
            response=None,
            store=refusing,  # type: ignore[arg-type]
            analyst=Analyst(refusing),  # type: ignore[arg-type]
            principal=Principal(None, "admin"),
            request_id="refusal-probe",
            loaders=Loaders(refusing),  # type: ignore[arg-type]
        )
        result = asyncio.run(make_schema().execute('{ search(text: "a") { totalCount } }', context_value=context))
    finally:
        store.close()
    [problem] = result.errors or []
    assert problem.extensions is not None
    assert problem.extensions["code"] == expected_code
    assert shown in problem.message
    assert "/secret/path" not in problem.message
