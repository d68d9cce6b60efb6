"""Generated queries and mutations against a live ``graphsvc serve`` on each store: no 5xx, no INTERNAL, no hang.

hypothesis-graphql writes operations from the schema the server announces
(``tests/fuzz/live.py``), valid ones and ones with one schema violation, sent
with an admin token or a kam's, over HTTP. Every answer must be a JSON
GraphQL answer whose errors all carry a documented code and no internals;
afterwards the server still answers and its log holds no traceback.

``make test`` runs a short, derandomized run (``GRAPHSVC_FUZZ_EXAMPLES``,
150 per store by default) so CI sees the same operations every time;
``make fuzz`` runs several thousand with a random seed and records the
figures in bench/results/ (docs/reliability.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.api.support import Server
from tests.fuzz.live import Outcome, fetch_schema, operations, peak_rss_mib, serve_pid, write_result

EXAMPLES = int(os.environ.get("GRAPHSVC_FUZZ_EXAMPLES", "150"))
SEED = os.environ.get("GRAPHSVC_FUZZ_SEED")
"""A seed makes a random run (``make fuzz``); without one the run is derandomized: the same operations each time."""
RESTORE_EVERY = 100


@pytest.fixture(scope="module")
def report() -> Iterator[dict[str, dict[str, Any]]]:
    """Each store's figures; written to bench/results/ when ``GRAPHSVC_FUZZ_RESULTS`` is set (``make fuzz``)."""
    runs: dict[str, dict[str, Any]] = {}
    started, load = datetime.now(UTC), os.getloadavg()[0]
    yield runs
    if os.environ.get("GRAPHSVC_FUZZ_RESULTS") and runs:
        fixed = {"examples_per_store": EXAMPLES, "seed": SEED, "derandomize": SEED is None}
        path = write_result(runs, {**fixed, "restore_demo_every": RESTORE_EVERY}, started, load)
        print(f"\nfuzz results: {path}")


@pytest.mark.slow
def test_generated_operations_never_get_a_5xx_an_internal_error_or_a_hang(
    fuzz_server: Server, kam_token: str, report: dict[str, dict[str, Any]]
) -> None:
    store = "neo4j" if fuzz_server.store_url.startswith("neo4j") else "sqlite"
    outcome = Outcome(store)
    pid = serve_pid(fuzz_server)
    schema = fetch_schema(fuzz_server, fuzz_server.token)
    # A kam sees the same schema: the roles decide what a resolver returns, never which fields exist.
    assert fetch_schema(fuzz_server, kam_token).type_map.keys() == schema.type_map.keys()

    @settings(
        max_examples=EXAMPLES,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(document=operations(schema), as_kam=st.booleans())
    def fuzz(document: str, as_kam: bool) -> None:
        sent = outcome.queries + outcome.mutations
        if sent and sent % RESTORE_EVERY == 0:
            outcome.restore_demo(fuzz_server)
        outcome.send(fuzz_server, document, kam_token if as_kam else fuzz_server.token)

    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    failure: BaseException | None = None
    try:
        fuzz()
    except BaseException as exc:  # recorded for the report, then raised again
        failure = exc
        raise
    finally:
        run = outcome.summary()
        run["serve_peak_rss_mib"] = peak_rss_mib(pid)
        run["failure"] = None if failure is None else str(failure)[:2000]
        report[store] = run
        print(f"\nfuzz {store}: {run}")

    # The server survived: it still answers both tokens, and logged no traceback.
    assert fuzz_server.http.get(f"{fuzz_server.base}/healthz", timeout=30).status_code == 200
    assert fuzz_server.data("{ viewer { role } }")["viewer"]["role"] == "ADMIN"
    assert fuzz_server.data("{ viewer { role } }", token=kam_token)["viewer"]["role"] == "KAM"
    assert "Traceback" not in fuzz_server.stderr(), fuzz_server.stderr()[-5000:]
    assert outcome.queries, "queries were sent"
    assert outcome.mutations, "mutations were sent"
    assert outcome.codes["ok"], "some generated operations succeeded, so resolvers ran"
