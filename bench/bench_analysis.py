"""Issue 3's analysis benchmark: one typical and one huge account, from a SQLite store, warm and cold.

Setup (not measured): generate the ``typical`` (300 nodes, 2,000 relations)
and the ``huge`` (5,000 nodes, 50,000 relations, 50 decision nodes) account
and import each into its own SQLite store file in a temporary folder.

Measured, for each size in a fresh child process (its peak RSS is read from
its own rusage):

* **build**: a cold ``Analyst.influence_graph`` (a new ``Analyst`` each time:
  the account's revision, ``store.account_records`` and
  ``build_influence_graph``), and apart, how that splits between reading the
  records and building the graph;
* with that graph warm, in-process: ``strongest_paths(ig, target, k=5)`` from
  the account's team to each of up to ``PATH_TARGETS`` targets (the decision
  nodes, then the other key stakeholders, then people and committees by
  leverage, all in a fixed order), ``PATH_PASSES`` times over;
* ``coverage_gaps(ig, as_of)`` with ``ig.memo`` cleared before each call, so
  leverage and the key stakeholders are recomputed (the graph stays warm), and
  for information the same with the memo kept, ``leverage`` alone,
  ``coverage_score`` (memo kept: its own work) and ``network_metrics``.

Each series (but ``network_metrics``, minutes on the huge account) is
preceded by one untimed call, runs with the garbage collector on (as in a
server) and records wall and CPU time per call. The parent adds the growth
from typical to huge of each measure's p50 next to the growth of the sizes,
and judges the goals of issue 3 on the p95.

``python -m bench.bench_analysis --profile gaps --size huge`` prints a
cProfile of one measure (``build``, ``paths``, ``gaps``, ``leverage``,
``metrics``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench.generate import ACCOUNT_SIZES, AS_OF, account_document, describe

__all__ = ["GOALS_MS", "run"]

SIZES = ("typical", "huge")
K = 5
PATH_TARGETS = 50
PATH_PASSES = 2
REPEAT = {"build": 10, "build_split": 5, "gaps": 30, "gaps_memo_kept": 10, "leverage": 10, "coverage_score": 30}
METRICS_REPEAT = {"typical": 5, "huge": 1}
GOALS_MS = {
    ("huge", "build"): 1000.0,
    ("typical", "paths"): 5.0,
    ("huge", "paths"): 50.0,
    ("typical", "gaps"): 20.0,
    ("huge", "gaps"): 250.0,
}
_GOAL_TEXT = {
    "build": "build the influence graph from SQLite (cold Analyst.influence_graph), p95 ms",
    "paths": f"strongest_paths(k={K}) from the team, warm graph, p95 ms over targets",
    "gaps": "coverage_gaps including leverage (memo cleared), warm graph, p95 ms",
}


def run(metrics_repeat: dict[str, int] | None = None) -> dict[str, Any]:
    """Generate and import both accounts, measure each in a child process; return the result record."""
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-analysis-"))
    try:
        return _run(workdir, metrics_repeat or METRICS_REPEAT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path, metrics_repeat: dict[str, int]) -> dict[str, Any]:
    from graphsvc.store import open_store

    setup_s = 0.0
    sizes: dict[str, Any] = {}
    per_size: dict[str, Any] = {}
    children: dict[str, H.Child] = {}
    for size in SIZES:
        started = time.perf_counter()
        doc = account_document(size)
        account = doc["accounts"][0]["id"]
        db = workdir / f"{size}.db"
        store = open_store(f"sqlite:///{db}")
        try:
            store.import_document(doc)
        finally:
            store.close()
        spec = ACCOUNT_SIZES[size]
        sizes[size] = {"account": account, "decision_nodes_asked": spec.decision_nodes, **describe(doc)}
        sizes[size]["store_file_mib"] = H.mib(sum(p.stat().st_size for p in workdir.glob(f"{size}.db*")))
        del doc
        gc.collect()
        setup_s += time.perf_counter() - started

        args = ["--measure", size, f"sqlite:///{db}", account, "--metrics-repeat", str(metrics_repeat[size])]
        child = H.run_child([H.python(), "-m", "bench.bench_analysis", *args])
        if child.returncode != 0:
            raise RuntimeError(f"the {size} measurement failed ({child.returncode}): {child.stderr.strip()[-2000:]}")
        measured = json.loads(child.stdout)
        sizes[size]["influence_graph"] = measured.pop("influence_graph")
        per_size[size] = measured | {"child_wall_s": round(child.seconds, 1), "child_cpu_s": child.cpu_s}
        children[size] = child

    goals = []
    for (size, measure), goal in GOALS_MS.items():
        stats = per_size[size][measure]["ms"]
        goals.append(
            {
                "what": f"{size}: {_GOAL_TEXT[measure]}",
                "goal": f"<= {goal:g}",
                "measured": stats["p95"],
                "p50": stats["p50"],
                "p99": stats["p99"],
                "met": stats["p95"] <= goal,
            }
        )
    peak = {size: child.peak_rss_mib for size, child in children.items()}
    return {
        "store": "sqlite",
        "store_filesystem": H.filesystem(workdir),
        "command": "in a child process per size: Analyst(store).influence_graph, then the analyses on the warm graph",
        "as_of": AS_OF.isoformat(),
        "sizes": sizes,
        "setup_s": round(setup_s, 1),
        "measurements": {
            **per_size,
            "growth_huge_over_typical": _growth(sizes, per_size),
            "note": (
                "ms per call; p95/p99 interpolate between closest ranks. cpu_ms is the p50 of the calling "
                "process's CPU time per call: it moves less with the machine's load than the wall time. Paths: "
                f"one sample per call, {PATH_PASSES} passes over the targets. gaps clears ig.memo before each "
                "call (leverage and key stakeholders recomputed); gaps_memo_kept and coverage_score keep it"
            ),
        },
        "throughput": {
            size: {
                "paths_per_s": round(1000 / per_size[size]["paths"]["ms"]["p50"], 1),
                "graph_edges_per_build_s": round(
                    sizes[size]["influence_graph"]["edges"] / (per_size[size]["build"]["ms"]["p50"] / 1000)
                ),
            }
            for size in SIZES
        },
        "peak_rss_mib": max(peak.values()),
        "peak_rss_mib_by_size": peak,
        "goal": (
            "huge build <= 1 s; paths(k=5) p95 <= 5 ms typical, <= 50 ms huge; gaps with leverage <= 20 ms "
            "typical, <= 250 ms huge (issue 3)"
        ),
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }


def _growth(sizes: dict[str, Any], per_size: dict[str, Any]) -> dict[str, Any]:
    """huge / typical for the sizes and for each measure's p50, so that a reader sees how cost grows."""
    small, big = sizes["typical"], sizes["huge"]
    g_small, g_big = small["influence_graph"], big["influence_graph"]

    def ratio(a: float, b: float) -> float | None:
        return round(b / a, 1) if a else None

    out: dict[str, Any] = {
        "sizes": {
            "nodes": ratio(small["nodes"], big["nodes"]),
            "relations": ratio(small["relations"], big["relations"]),
            "graph_edges": ratio(g_small["edges"], g_big["edges"]),
            "decision_nodes": ratio(g_small["decision_nodes"], g_big["decision_nodes"]),
            "graph_edges_x_decision_nodes": ratio(
                g_small["edges"] * g_small["decision_nodes"], g_big["edges"] * g_big["decision_nodes"]
            ),
            "graph_nodes_x_edges": ratio(g_small["nodes"] * g_small["edges"], g_big["nodes"] * g_big["edges"]),
        },
        "p50": {},
    }
    for measure, stats in per_size["typical"].items():
        if isinstance(stats, dict) and "ms" in stats and measure in per_size["huge"]:
            out["p50"][measure] = ratio(stats["ms"]["p50"], per_size["huge"][measure]["ms"]["p50"])
    out["expected_from_complexity"] = {
        "build": "graph_edges (O(nodes + relations))",
        "paths": "graph_edges (O(max_hops * E) bound table, plus the search)",
        "leverage": "graph_edges_x_decision_nodes (O(max_hops * E * |D|))",
        "gaps": "as leverage, plus O(max_hops * E) for the team's paths",
        "network_metrics": "graph_nodes_x_edges (betweenness, O(n * E))",
    }
    return out


# -- in the child process ----------------------------------------------------------------


def _series(
    call: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None, warm_up: bool = True
) -> dict[str, Any]:
    """Time ``repeat`` calls of ``call`` (``before`` runs untimed ahead of each), after one untimed call."""
    if warm_up:
        if before:
            before()
        call()
    gc.collect()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        if before:
            before()
        w0, c0 = time.perf_counter(), time.process_time()
        call()
        c1, w1 = time.process_time(), time.perf_counter()
        wall.append((w1 - w0) * 1000)
        cpu.append((c1 - c0) * 1000)
    gc.collect()
    return {"ms": H.percentiles(wall, 3), "cpu_ms": H.percentiles(cpu, 3)["p50"]}


def _path_targets(ig: Any) -> list[str]:
    """Decision nodes, then the other key stakeholders, then people and committees by leverage: the first 50."""
    from graphsvc.analysis import decision_nodes, key_stakeholders, leverage
    from graphsvc.model import NodeKind

    chosen = list(decision_nodes(ig))
    chosen += [k for k in key_stakeholders(ig) if k not in chosen]
    wanted = (NodeKind.PERSON, NodeKind.COMMITTEE)
    chosen += [s.node for s in leverage(ig) if s.node not in chosen and ig.kind(s.node) in wanted]
    return chosen[:PATH_TARGETS]


def _build_split(store: Any, account: str) -> dict[str, Any]:
    """The cold build's two halves apart: reading the records from SQLite, and building the graph from them."""
    from graphsvc.analysis import build_influence_graph

    reading = _series(lambda: store.account_records(account), REPEAT["build_split"])
    recs = store.account_records(account)
    building = _series(
        lambda: build_influence_graph(recs.account, recs.nodes, recs.relations, recs.revision), REPEAT["build_split"]
    )
    return {"account_records": reading, "build_influence_graph": building}


def _measure(size: str, url: str, account: str, metrics_repeat: int) -> dict[str, Any]:
    """Every measure of one account, in this process."""
    from graphsvc.analysis import (
        coverage_gaps,
        coverage_score,
        decision_nodes,
        key_stakeholders,
        leverage,
        network_metrics,
        strongest_paths,
    )
    from graphsvc.analyst import Analyst
    from graphsvc.store import open_store

    store = open_store(url, create=False)
    try:
        first = time.perf_counter()
        Analyst(store).influence_graph(account)
        first_ms = (time.perf_counter() - first) * 1000
        build = _series(lambda: Analyst(store).influence_graph(account), REPEAT["build"])
        build["first_call_ms"] = round(first_ms, 3)
        split = _build_split(store, account)
        ig = Analyst(store).influence_graph(account)
    finally:
        store.close()
    gc.collect()

    targets = _path_targets(ig)
    team = sorted(ig.assigned)
    found = [len(strongest_paths(ig, t, k=K)) for t in targets]
    order = iter([t for _ in range(PATH_PASSES) for t in targets])
    paths = _series(lambda: strongest_paths(ig, next(order), k=K), len(targets) * PATH_PASSES - 1)
    paths["targets"] = len(targets)
    paths["paths_found"] = {"total": sum(found), "targets_with_k": sum(f == K for f in found)}
    paths["targets_without_path"] = sum(f == 0 for f in found)

    clear = ig.memo.clear
    gaps = _series(lambda: coverage_gaps(ig, AS_OF), REPEAT["gaps"], before=clear)
    gap_count = len(coverage_gaps(ig, AS_OF))
    gaps_kept = _series(lambda: coverage_gaps(ig, AS_OF), REPEAT["gaps_memo_kept"])
    lev = _series(lambda: leverage(ig), REPEAT["leverage"], before=clear)
    score = _series(lambda: coverage_score(ig, AS_OF), REPEAT["coverage_score"])
    out = {
        "influence_graph": {
            "nodes": ig.graph.number_of_nodes(),
            "edges": ig.graph.number_of_edges(),
            "decision_nodes": len(decision_nodes(ig)),
            "key_stakeholders": len(key_stakeholders(ig)),
            "team": len(team),
        },
        "build": build,
        "build_split": split,
        "paths": paths,
        "gaps": gaps | {"gaps_found": gap_count},
        "gaps_memo_kept": gaps_kept,
        "leverage": lev,
        "coverage_score": score,
        "peak_rss_mib": H.rss_mib("VmHWM"),
    }
    if metrics_repeat:
        # No warm-up call: on the huge account one call takes minutes, and it has no first-call cost to hide.
        out["network_metrics"] = _series(lambda: network_metrics(ig), metrics_repeat, before=clear, warm_up=False)
    return out


def _profile(size: str, what: str, top: int) -> str:
    """A cProfile of one measure on one generated account (the paths over every target)."""
    from graphsvc.analysis import coverage_gaps, leverage, network_metrics, strongest_paths
    from graphsvc.analyst import Analyst
    from graphsvc.store import open_store

    with tempfile.TemporaryDirectory(prefix="graphsvc-profile-") as tmp:
        doc = account_document(size)
        account = doc["accounts"][0]["id"]
        store = open_store(f"sqlite:///{Path(tmp) / 'profile.db'}")
        try:
            store.import_document(doc)
            ig = Analyst(store).influence_graph(account)
            targets = _path_targets(ig)
            ig.memo.clear()
            calls: dict[str, Callable[[], Any]] = {
                "build": lambda: Analyst(store).influence_graph(account),
                "paths": lambda: [strongest_paths(ig, t, k=K) for t in targets],
                "gaps": lambda: coverage_gaps(ig, AS_OF),
                "leverage": lambda: leverage(ig),
                "metrics": lambda: network_metrics(ig),
            }
            profiler = cProfile.Profile()
            profiler.enable()
            calls[what]()
            profiler.disable()
        finally:
            store.close()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure", nargs=3, metavar=("SIZE", "STORE_URL", "ACCOUNT"), help="(child) measure")
    parser.add_argument("--metrics-repeat", type=int, default=1, help="(child) network_metrics calls to time")
    parser.add_argument("--profile", choices=["build", "paths", "gaps", "leverage", "metrics"], help="profile one")
    parser.add_argument("--size", choices=SIZES, default="huge", help="account to profile (default huge)")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(*args.measure, args.metrics_repeat)))
        return
    if args.profile:
        print(_profile(args.size, args.profile, args.top))
        return
    print(json.dumps(run(), indent=2))


if __name__ == "__main__":
    main()
