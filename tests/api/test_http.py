"""GraphQL over HTTP as the GraphQL-over-HTTP specification describes, GraphiQL, /healthz and the request log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.support import GRAPHQL_RESPONSE, Server, code


def _get(server: Server, params: dict[str, str], accept: str = "application/json", **kwargs: Any) -> Any:
    return server.request("GET", "/graphql", params=params, headers=server.headers(extra={"Accept": accept}), **kwargs)


# -- GET and POST ------------------------------------------------------------------------------


def test_a_query_over_get_answers_like_over_post(server: Server) -> None:
    query = "query One($id: ID!) { account(id: $id) { name status } }"
    response = _get(server, {"query": query, "variables": json.dumps({"id": "acc_vantor"})})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"account": {"name": "Vantor Maschinenbau GmbH", "status": "KEY"}}}
    assert response.json()["data"] == server.data(query, {"id": "acc_vantor"})


def test_get_runs_the_operation_named_by_operation_name(server: Server) -> None:
    document = 'query A { a: account(id: "acc_lumen") { id } } query B { b: account(id: "acc_vantor") { id } }'
    response = _get(server, {"query": document, "operationName": "B"})
    assert response.json() == {"data": {"b": {"id": "acc_vantor"}}}


def test_a_document_with_two_operations_and_no_operation_name_is_refused(server: Server) -> None:
    document = 'query A { a: account(id: "acc_lumen") { id } } query B { b: account(id: "acc_vantor") { id } }'
    response = server.post(document)
    # Which of the two should run? The specification says: neither; ask for operationName.
    assert response.status_code == 400 or response.json().get("errors"), response.text
    assert "data" not in response.text or not response.json().get("data")


def test_a_mutation_over_get_is_refused_and_changes_nothing(writable: Server) -> None:
    mutation = 'mutation { createInfluencer(input: {id: "inf_via_get", name: "Via Get", kind: OTHER}) { id } }'
    response = _get(writable, {"query": mutation})
    assert 400 <= response.status_code < 500
    assert writable.data('{ node(id: "inf_via_get") { id } }') == {"node": None}


def test_graphql_response_json_is_answered_in_kind_with_200_for_a_result(server: Server) -> None:
    response = server.post('{ account(id: "acc_lumen") { id } }', headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"account": {"id": "acc_lumen"}}}


@pytest.mark.parametrize(
    "query",
    ["{ acounts { totalCount } }", '{ account(id: "acc_lumen") { id ', '{ accounts(first: "ten") { totalCount } }'],
    ids=["validation", "syntax", "argument-type"],
)
def test_graphql_response_json_gets_400_for_a_request_that_never_ran(server: Server, query: str) -> None:
    response = server.post(query, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert body.get("data") is None
    assert body["errors"]


def test_graphql_response_json_over_get_gets_400_for_a_validation_error(server: Server) -> None:
    response = _get(server, {"query": "{ acounts { totalCount } }"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert code(response.json()["errors"][0]) == "GRAPHQL_VALIDATION_FAILED"


def test_graphql_response_json_keeps_200_when_a_field_failed_during_execution(server: Server) -> None:
    response = server.post('{ leverage(accountId: "acc_gone") { score } }', headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert code(response.json()["errors"][0]) == "NOT_FOUND"


def test_plain_json_clients_get_200_with_the_errors_in_the_body(server: Server) -> None:
    response = server.post("{ acounts { totalCount } }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert code(response.json()["errors"][0]) == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"query": "{ __typename }"',
        b"[]",
        b'"{ __typename }"',
        b"42",
        b"null",
        b'{"variables": {}}',
        b"",
    ],
    ids=["garbage", "truncated", "array", "string", "number", "null", "no-query", "empty"],
)
def test_a_malformed_request_body_is_400(server: Server, body: bytes) -> None:
    response = server.request("POST", "/graphql", data=body, headers=server.headers())
    assert response.status_code == 400, response.text


def test_an_operation_name_that_is_not_in_the_document_is_400(server: Server) -> None:
    for name in ("Missing", "Missing\ud800"):
        response = server.request(
            "POST",
            "/graphql",
            data=json.dumps({"query": "query Present { __typename }", "operationName": name}),
            headers=server.headers(),
        )
        assert response.status_code == 400, (name, response.status_code, response.text)


def test_graphiql_is_served_to_a_browser_without_a_token(server: Server) -> None:
    response = server.request("GET", "/graphql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_a_browser_get_with_a_query_still_needs_a_token(server: Server) -> None:
    response = server.request(
        "GET", "/graphql", params={"query": '{ account(id: "acc_lumen") { notes } }'}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 401
    assert "Lumen" not in response.text


def test_healthz_answers_without_a_token_with_the_stores_counts(server: Server, demo: dict[str, Any]) -> None:
    response = server.request("GET", "/healthz")
    assert response.status_code == 200
    facts = response.json()
    assert facts["status"] == "ok"
    assert facts["nodes"] == sum(len(v) for k, v in demo.items() if isinstance(v, list) and k != "relations")
    assert facts["relations"] == len(demo["relations"])


# -- request log and request ids -----------------------------------------------------------------


def test_each_request_logs_one_json_line_with_id_operation_status_and_duration(server: Server) -> None:
    ids = [f"log-probe-{i}" for i in range(3)]
    for request_id in ids:
        response = server.post(
            "query DashboardProbe { accounts { totalCount } }",
            operation_name="DashboardProbe",
            headers={"X-Request-ID": request_id},
        )
        assert response.status_code == 200
        assert response.headers["X-Request-ID"] == request_id
    for request_id in ids:
        [line] = server.log_record(request_id)
        assert line["operation"] == "DashboardProbe"
        assert line["status"] == 200
        assert line["method"] == "POST"
        assert line["path"] == "/graphql"
        assert isinstance(line["duration_ms"], int | float)
        assert line["duration_ms"] >= 0
        assert line["errors"] is None


def test_refused_requests_are_logged_with_their_status_and_error_codes(server: Server) -> None:
    server.post("{ __typename }", token="wrong", headers={"X-Request-ID": "log-probe-401"})
    server.post("query Broken { acounts { id } }", operation_name="Broken", headers={"X-Request-ID": "log-probe-400"})
    [unauthenticated] = server.log_record("log-probe-401")
    assert unauthenticated["status"] == 401
    [invalid] = server.log_record("log-probe-400")
    assert invalid["errors"] == ["GRAPHQL_VALIDATION_FAILED"]


def test_every_response_carries_a_fresh_request_id_when_the_client_sent_none(server: Server) -> None:
    seen = set()
    for response in (
        server.post("{ __typename }"),
        server.request("GET", "/healthz"),
        server.post("{ __typename }", token=None),
    ):
        request_id = response.headers.get("X-Request-ID")
        assert request_id, response.headers
        seen.add(request_id)
    assert len(seen) == 3
    for request_id in seen:
        assert len(server.log_record(request_id)) == 1


def test_a_request_id_that_could_forge_log_lines_is_replaced(server: Server) -> None:
    hostile = 'x", "status": 200, "y": "' + "z" * 10
    response = server.post("{ __typename }", headers={"X-Request-ID": hostile})
    assert response.headers["X-Request-ID"] != hostile
    assert server.log_record(response.headers["X-Request-ID"])
    assert hostile not in server.stderr_path.read_text()


def test_the_log_never_shows_a_token_secret(server: Server) -> None:
    server.post("{ __typename }", headers={"X-Request-ID": "log-probe-secret"})
    assert server.log_record("log-probe-secret")
    assert server.token not in server.stderr_path.read_text()
