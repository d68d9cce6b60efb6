"""(child) Cold and warm analyses of a few accounts of an imported portfolio, for ``bench/bench_scale.py``.

``python -m bench._scale_analyses STORE_URL ACCOUNT...`` opens the store
(a Neo4j URL takes its password from ``NEO4J_PASSWORD``) and, per account:

* **build**: ``Analyst(store).influence_graph(account)`` with a new
  ``Analyst`` each time (the revision read, ``account_records`` and
  ``build_influence_graph``): the cost of an account's first request;
* **cold**: ``coverage_gaps`` (leverage and key stakeholders included),
  ``strongest_paths`` to the account's first decision node (k=3, from the
  team) and ``leverage``, each on the built graph with its memo and its
  derived forms cleared before the call;
* **warm**: the same three through the ``Analyst`` with its graph cached
  and memo kept, as a server answers a repeated question (the revision read
  included).

Each series starts with one untimed call. Prints one JSON object: ms
percentiles per account and measure, the graph's size, and this process's
peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import _harness as H
from bench.generate import AS_OF

__all__ = ["COLD_N", "WARM_N", "measure"]

COLD_N = 10
WARM_N = 30
K = 3
MAX_HOPS = 4


def _series(fn: Callable[[], object], n: int, before: Callable[[], object] | None = None) -> dict[str, Any]:
    if before is not None:
        before()
    fn()
    samples = []
    for _ in range(n):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return H.percentiles(samples, 3)


def measure(store: Any, account: str, cold_n: int = COLD_N, warm_n: int = WARM_N) -> dict[str, Any]:
    """Build, cold and warm figures of one account (ms), and the size of its influence graph."""
    from graphsvc.analysis import coverage_gaps, decision_nodes, leverage, strongest_paths
    from graphsvc.analyst import Analyst

    first = time.perf_counter()
    ig = Analyst(store).influence_graph(account)
    first_ms = (time.perf_counter() - first) * 1000
    build = _series(lambda: Analyst(store).influence_graph(account), cold_n)
    decisions = decision_nodes(ig)
    target = decisions[0] if decisions else next(iter(sorted(ig.nodes)))

    def clear() -> None:
        ig.memo.clear()
        ig.structure.clear()

    cold = {
        "gaps": _series(lambda: coverage_gaps(ig, AS_OF, MAX_HOPS), cold_n, clear),
        "paths": _series(lambda: strongest_paths(ig, target, None, K, MAX_HOPS), cold_n, clear),
        "leverage": _series(lambda: leverage(ig, MAX_HOPS), cold_n, clear),
    }
    analyst = Analyst(store)
    warm = {
        "gaps": _series(lambda: analyst.gaps(account, AS_OF, MAX_HOPS), warm_n),
        "paths": _series(lambda: analyst.paths(account, target, None, K, MAX_HOPS), warm_n),
        "leverage": _series(lambda: analyst.leverage(account, MAX_HOPS), warm_n),
    }
    return {
        "account": account,
        "target": target,
        "graph": {
            "nodes": ig.graph.number_of_nodes(),
            "edges": ig.graph.number_of_edges(),
            "decision_nodes": len(decisions),
        },
        "first_build_ms": round(first_ms, 3),
        "build_ms": build,
        "cold_ms": cold,
        "warm_ms": warm,
    }


def main(argv: list[str]) -> None:
    from graphsvc.store import open_store

    url, accounts = argv[0], argv[1:]
    store = open_store(url, create=False)
    try:
        out = {"accounts": [measure(store, a) for a in accounts]}
    finally:
        store.close()
    out["peak_rss_mib"] = H.rss_mib()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
