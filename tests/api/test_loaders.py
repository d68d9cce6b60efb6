"""No N+1: a nested query costs a constant number of store calls, whatever the portfolio's size.

In process on purpose: the component under test is the request's DataLoader layer, and ``Loaders.store_calls``
counts the batches it sends to each real store. One test checks the same over HTTP, in the request log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.requests import Request

from graphsvc.analyst import Analyst
from graphsvc.api.caller import Gate
from graphsvc.api.context import Context, Loaders, Principal
from graphsvc.api.schema import make_schema
from graphsvc.demo import demo_document
from graphsvc.store import GraphStore
from tests.api.support import Server
from tests.conftest import CountingStore

NESTED = """
query Nested {
  accounts(first: 100) {
    edges { node {
      id
      people(first: 100) { edges { node {
        id
        coveredBy { member { name } }
        committees { committee { name } }
        reportsTo { id }
      } } }
      committees { seats { holder { id } } }
      team { member { name } }
    } }
  }
}
"""
SCHEMA = make_schema()
MAX_STORE_CALLS = 12
"""About one batch per level and relation type (9 for this query); a level may split over two event-loop ticks
when worker threads return at different times, so a run may take one or two more. An N+1 would take hundreds."""


def _copies(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """``n`` disjoint copies of a portfolio: every id (and every reference to one) suffixed per copy."""
    out: dict[str, Any] = {"format": doc["format"]}
    for name, records in doc.items():
        if not isinstance(records, list):
            continue
        out[name] = []
        for i in range(n):
            suffix = f"_copy{i}" if i else ""
            for record in records:
                copy = dict(record)
                for key in ("id", "account", "site", "from", "to"):
                    if key in copy:
                        copy[key] = f"{copy[key]}{suffix}"
                out[name].append(copy)
    return out


def _run(store: GraphStore, doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Merge ``doc`` into the store, then execute ``NESTED`` with a context built as the /graphql view builds one;
    the data and the store calls."""
    store.import_document(doc)
    loaders = Loaders(store)
    context = Context(
        request=Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []}),
        response=None,
        store=store,
        analyst=Analyst(store),
        principal=Principal(None, "admin"),
        request_id="n-plus-one",
        loaders=loaders,
    )
    result = asyncio.run(SCHEMA.execute(NESTED, context_value=context))
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data, loaders.store_calls


def _people(data: dict[str, Any]) -> int:
    return sum(len(edge["node"]["people"]["edges"]) for edge in data["accounts"]["edges"])


def test_a_nested_query_costs_the_same_few_store_calls_for_a_portfolio_ten_times_as_big(store: GraphStore) -> None:
    demo = demo_document()
    small, small_calls = _run(store, demo)
    big, big_calls = _run(store, _copies(demo, 10))  # the first copy is the demo itself: the store holds 10 copies

    assert len(small["accounts"]["edges"]) == 4
    assert _people(small) == len(demo["people"])
    assert len(big["accounts"]["edges"]) == 40
    assert _people(big) == 10 * len(demo["people"])
    covers = sum(len(p["node"]["coveredBy"]) for e in small["accounts"]["edges"] for p in e["node"]["people"]["edges"])
    assert covers > 0, "the query must really reach the covers"

    assert small_calls <= MAX_STORE_CALLS, small_calls
    assert big_calls <= MAX_STORE_CALLS, f"{small_calls} store calls for the demo, {big_calls} for ten times the demo"


def test_the_request_log_shows_the_same_few_store_calls_for_a_nested_query_over_http(server: Server) -> None:
    response = server.post(NESTED, operation_name="Nested", headers={"X-Request-ID": "n-plus-one-http"})
    assert response.status_code == 200
    assert "errors" not in response.json()
    [line] = server.log_record("n-plus-one-http")
    assert line["operation"] == "Nested"
    assert 0 < line["store_calls"] <= MAX_STORE_CALLS


def _run_as(store: GraphStore, doc: dict[str, Any], principal: Principal) -> tuple[dict[str, Any], int]:
    """Merge ``doc``, then execute ``NESTED`` through the caller's guarded store as the /graphql view does; the
    data and the calls that reached the real store."""
    store.import_document(doc)
    counting = CountingStore(store)
    real: GraphStore = counting  # type: ignore[assignment]
    return _execute_as(Gate(real, Analyst(real)), principal, NESTED, "n-plus-one-guarded"), counting.calls


def _execute_as(gate: Gate, principal: Principal, text: str, request_id: str) -> dict[str, Any]:
    """Execute ``text`` as ``principal`` through the gate's caller, with a context built as the /graphql view
    builds one; the data (any error fails)."""
    caller = gate.caller(principal, "api", request_id)
    context = Context(
        request=Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []}),
        response=None,
        store=caller.store,
        analyst=caller.analyst,
        principal=principal,
        request_id=request_id,
        loaders=Loaders(caller.store, caller.analyst),
        scope=caller.scope,
    )
    result = asyncio.run(SCHEMA.execute(text, context_value=context))
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data


def test_a_lead_s_nested_query_through_the_guard_costs_the_same_few_store_calls_ten_times_as_big(
    store: GraphStore,
) -> None:
    demo = demo_document()
    lead = Principal("m_lenz", "lead", "t")  # the top of the demo's reporting lines: the demo's accounts, no copy's
    small, small_calls = _run_as(store, demo, lead)
    big, big_calls = _run_as(store, _copies(demo, 10), lead)

    assert [e["node"]["id"] for e in big["accounts"]["edges"]] == [e["node"]["id"] for e in small["accounts"]["edges"]]
    assert len(small["accounts"]["edges"]) == 4
    assert _people(big) == _people(small) == len(demo["people"])
    assert small_calls <= 3 * MAX_STORE_CALLS, small_calls
    assert big_calls <= small_calls + 2, f"{small_calls} store calls for the demo, {big_calls} for ten times the demo"


def _cached_gaps_and_paths(store: GraphStore, principal_of: Callable[[GraphStore], Principal]) -> dict[str, list[str]]:
    """Ask for the gaps and the paths of acc_halvorsen twice each, as the /graphql view does, as the principal
    ``principal_of`` gives once the demo is in; the store calls of each warm request, by name."""
    demo = demo_document()
    store.import_document(demo)
    principal = principal_of(store)
    counting = CountingStore(store)
    real: GraphStore = counting  # type: ignore[assignment]
    gate = Gate(real, Analyst(real))
    target = next(p["id"] for p in demo["people"] if p["account"] == "acc_halvorsen" and "decider" in p["roles"])
    queries = {
        "gaps": '{ coverageGaps(accountId: "acc_halvorsen") { kind subject { id name } } }',
        "paths": f'{{ influencePaths(accountId: "acc_halvorsen", to: "{target}") '
        "{ nodeIds hops { from { id name } to { id name } } } }",
    }
    warm: dict[str, list[str]] = {}
    for name, text in queries.items():
        for attempt in ("cold", "warm"):  # the names counted are the warm request's
            counting.names.clear()
            data = _execute_as(gate, principal, text, f"{name}-{attempt}")
            assert data[next(iter(data))], data  # gaps, or paths, found
        warm[name] = list(counting.names)
    return warm


def test_gaps_and_paths_of_a_cached_account_read_only_its_revision(store: GraphStore) -> None:
    """One store call each once the graph is cached: the revision check (on Neo4j each call is a round trip; the
    resolvers read it twice before, once for the analysis and once for the graph whose nodes prime the loader)."""
    warm = _cached_gaps_and_paths(store, lambda _: Principal(None, "admin"))
    assert warm == {"gaps": ["account_revision"], "paths": ["account_revision"]}


@pytest.mark.parametrize(("member", "role"), [("m_berger", "admin"), ("m_hoffmann", "kam"), ("m_hoffmann", "lead")])
def test_with_the_revision_read_with_the_token_a_cached_account_costs_no_store_call(
    store: GraphStore, member: str, role: str
) -> None:
    """The authentication reads the store's revision with the token (``token_and_revision``): neither the scope
    nor the cached analysis asks the store again while it has not moved."""
    warm = _cached_gaps_and_paths(store, lambda s: Principal(member, role, "t", s.revision()))
    assert warm == {"gaps": [], "paths": []}
