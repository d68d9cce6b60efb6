"""Issue 7's access benchmark: ``list_nodes`` / ``count_nodes`` with the ``within`` visibility filter, SQLite.

Setup (not measured): generate the ``import`` portfolio (100,000 nodes, 500,000 relations, 1,000 accounts)
and import it into a SQLite store file in a temporary folder. ``within`` holds 5 accounts: the largest
(the portfolio's "huge" one), the median and three more spread over the size order, about what a lead
of a busy team sees.

Measured in this process, each call ``REPEAT`` times after one untimed call, for ``kind`` None (every
kind), person and influencer:

* **page**: the first page of 100 (``list_nodes(kind, within=..., limit=100)``);
* **next_page**: the page after it (``after`` = the first page's ``next_after``, when there is one);
* **count**: ``count_nodes(kind, within=...)``;
* **page_and_count**: both, as the API answers one connection with its ``totalCount``;

and the same page and count without ``within`` (the unfiltered path, which must not get slower). The goal
(issue 7): a page of 100 and its count with ``within`` of 5 accounts well under 50 ms; judged on the p95 of
page_and_count against 50 ms.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench.generate import PORTFOLIO_SIZES, describe, portfolio

__all__ = ["GOAL_MS", "run"]

REPEAT = 30
GOAL_MS = 50.0
KINDS: tuple[str | None, ...] = (None, "person", "influencer")


def run() -> dict[str, Any]:
    """Generate and import the portfolio, measure the listings; return the result record."""
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-access-"))
    try:
        return _run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _within(doc: dict[str, Any]) -> list[str]:
    """Five accounts: the largest, the median and three more spread over the accounts ordered by size."""
    owned: dict[str, int] = {a["id"]: 0 for a in doc["accounts"]}
    for name in ("sites", "people", "committees"):
        for record in doc[name]:
            owned[record["account"]] += 1
    by_size = sorted(owned, key=lambda a: (-owned[a], a))
    n = len(by_size)
    return [by_size[i] for i in (0, n // 10, n // 4, n // 2, 3 * n // 4)]


def _timed(call: Callable[[], object]) -> dict[str, Any]:
    call()
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return H.percentiles(samples, 3)


def _run(workdir: Path) -> dict[str, Any]:
    from graphsvc.model import NodeKind
    from graphsvc.store import open_store

    started = time.perf_counter()
    spec = PORTFOLIO_SIZES["import"]
    doc = portfolio(spec.nodes, spec.relations, spec.accounts)
    within = _within(doc)
    sizes = {"import": describe(doc), "within": within}
    db = workdir / "import.db"
    store = open_store(f"sqlite:///{db}")
    try:
        store.import_document(doc)
        del doc
        gc.collect()
        setup_s = time.perf_counter() - started
        measurements: dict[str, Any] = {}
        for name in KINDS:
            kind = NodeKind(name) if name is not None else None
            first = store.list_nodes(kind, within=within, limit=100)
            after = first.next_after

            def page_and_count(kind: NodeKind | None = kind) -> None:
                store.list_nodes(kind, within=within, limit=100)
                store.count_nodes(kind, within=within)

            row = {
                "visible": store.count_nodes(kind, within=within),
                "page": _timed(lambda kind=kind: store.list_nodes(kind, within=within, limit=100)),
                "count": _timed(lambda kind=kind: store.count_nodes(kind, within=within)),
                "page_and_count": _timed(page_and_count),
                "unfiltered_page": _timed(lambda kind=kind: store.list_nodes(kind, limit=100)),
                "unfiltered_count": _timed(lambda kind=kind: store.count_nodes(kind)),
            }
            if after is not None:
                row["next_page"] = _timed(
                    lambda kind=kind, after=after: store.list_nodes(kind, within=within, after=after, limit=100)
                )
            measurements[name or "all"] = row
    finally:
        store.close()
    goals = [
        {
            "what": f"kind {kind}: a page of 100 and its count with within of 5 accounts, p95 ms",
            "goal": f"<= {GOAL_MS:g}",
            "measured": row["page_and_count"]["p95"],
            "p50": row["page_and_count"]["p50"],
            "met": row["page_and_count"]["p95"] <= GOAL_MS,
        }
        for kind, row in measurements.items()
    ]
    return {
        "store": "sqlite",
        "store_filesystem": H.filesystem(workdir),
        "command": "in-process: store.list_nodes / count_nodes(kind, within=5 accounts) on the import portfolio",
        "sizes": sizes,
        "setup_s": round(setup_s, 1),
        "measurements": {**measurements, "note": f"ms per call over {REPEAT} calls after one untimed call"},
        "throughput": {
            kind: {"pages_and_counts_per_s": round(1000 / row["page_and_count"]["p50"], 1)}
            for kind, row in measurements.items()
        },
        "peak_rss_mib": H.rss_mib(),
        "goal": f"a page of 100 and its count with within of 5 accounts: p95 <= {GOAL_MS:g} ms for each kind listed",
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
