"""A real GraphQL client library (gql over requests, bearer header) against the server: introspection and operations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gql import Client, GraphQLRequest, gql
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport
from graphql import GraphQLSchema

from graphsvc.analyst import Analyst
from tests.api.support import Server

ROOT_FIELDS = {
    "account",
    "accounts",
    "node",
    "search",
    "people",
    "influencePaths",
    "leverage",
    "portfolioLeverage",
    "networkMetrics",
    "coverageGaps",
    "coverage",
    "teamCoverage",
}


def _transport(server: Server, token: str | None) -> RequestsHTTPTransport:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return RequestsHTTPTransport(url=server.graphql_url, headers=headers, timeout=30, retries=0)


@pytest.fixture(scope="module")
def session(server: Server) -> Iterator[SyncClientSession]:
    """One connected gql session that fetched the schema by introspection."""
    with Client(transport=_transport(server, server.token), fetch_schema_from_transport=True) as connected:
        yield connected


def test_introspection_gives_the_client_the_whole_schema(session: SyncClientSession) -> None:
    schema = session.client.schema
    assert isinstance(schema, GraphQLSchema)
    assert set(schema.query_type.fields) >= ROOT_FIELDS  # type: ignore[union-attr]
    mutations = set(schema.mutation_type.fields)  # type: ignore[union-attr]
    for kind in ("Account", "Site", "Person", "Committee", "Influencer", "Member"):
        assert {f"create{kind}", f"update{kind}"} <= mutations
    for rtype in ("ReportsTo", "MemberOf", "Influences", "Covers", "Knows", "AssignedTo"):
        assert {f"create{rtype}", f"update{rtype}"} <= mutations
    assert {"deleteNode", "deleteRelation", "importGraph"} <= mutations
    node = schema.get_type("Node")
    assert node is not None
    assert node.description


def test_the_client_runs_a_query_with_variables(session: SyncClientSession, analyst: Analyst) -> None:
    request = GraphQLRequest(
        "query Overview($id: ID!) { account(id: $id) { name coverageScore gapCounts { total } } }",
        variable_values={"id": "acc_halvorsen"},
        operation_name="Overview",
    )
    result = session.execute(request)
    assert result["account"]["name"] == "Halvorsen Packaging Group"
    assert result["account"]["coverageScore"] == pytest.approx(analyst.coverage_score("acc_halvorsen").score)
    assert result["account"]["gapCounts"]["total"] == len(analyst.gaps("acc_halvorsen"))


def test_the_client_validates_against_the_fetched_schema_before_sending(session: SyncClientSession) -> None:
    with pytest.raises(Exception, match="acounts"):
        session.execute(gql("{ acounts { totalCount } }"))


def test_the_client_sees_a_field_error_with_its_code(session: SyncClientSession) -> None:
    with pytest.raises(TransportQueryError) as failure:
        session.execute(gql('{ leverage(accountId: "acc_gone") { score } }'))
    assert failure.value.errors
    assert failure.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_the_client_pages_through_accounts(session: SyncClientSession) -> None:
    query = gql(
        "query($after: String) { accounts(first: 3, after: $after) "
        "{ edges { node { id } } pageInfo { hasNextPage endCursor } } }"
    )
    ids: list[str] = []
    after = None
    while True:
        query.variable_values = {"after": after}
        page = session.execute(query)["accounts"]
        ids += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert ids == ["acc_castellani", "acc_halvorsen", "acc_lumen", "acc_vantor"]


def test_the_client_without_a_token_is_told_it_is_unauthenticated(server: Server) -> None:
    with pytest.raises(TransportQueryError) as failure, Client(transport=_transport(server, None)) as anonymous:
        anonymous.execute(gql("{ __typename }"))
    assert failure.value.errors
    assert failure.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
