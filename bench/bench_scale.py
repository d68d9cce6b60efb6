"""Issue 8's scale benchmark: the S, M and L portfolios on both stores, from import to the dashboard over HTTP.

For each size of ``bench.generate.PORTFOLIO_SIZES`` (S: 50 accounts, 5,000
nodes, 30,000 relations; M: 500, 50,000, 300,000; L: 2,000, 200,000,
1,000,000) and each store (a SQLite file in a temporary folder; the
benchmark Neo4j of ``bench/_neo4j.py`` in its own run directory, wiped before
each import):

* **import**: ``python -m graphsvc import FILE --store URL`` into an empty
  store, once, in a fresh process: seconds, records/s, its CPU time and peak
  RSS (and the Neo4j server's CPU time);
* **per-account analyses** (``bench/_scale_analyses.py``, a fresh child):
  for the typical (median) and the largest account, the cold build of the
  influence graph, cold gaps / paths / leverage (memo cleared) and warm ones
  (graph cached, memo kept, through ``Analyst``);
* **over HTTP** (``bench/_scale_http.py``, a real ``graphsvc serve`` with
  authentication on): the portfolio dashboard, every page of 100, with warm
  caches (ms per page), and ``coverageGaps`` / ``influencePaths`` of typical
  accounts, each with an ``admin`` token and with a ``kam`` token (the
  guard's cost).

The growth table (``measurements.growth``) lines the per-account figures up
by portfolio size: a typical account costs the same in S, M and L; only the
account's own size moves them. Goals (issue 8): the dashboard page at L with
warm caches p95 <= 150 ms; per-account calls over HTTP p95 <= 25 ms for
typical accounts at any size.

Options (``python -m bench.bench_scale``): ``--size S|M|L`` and ``--store
sqlite|neo4j`` (repeatable; default all) keep a run bounded; the same choice
for ``python -m bench scale`` comes from ``GRAPHSVC_BENCH_SCALE_SIZES`` and
``GRAPHSVC_BENCH_SCALE_STORES`` (comma-separated). The Neo4j server has a 4g
heap (``GRAPHSVC_BENCH_NEO4J_HEAP`` overrides it). The Neo4j store imports a
document in one transaction, whose state the heap must hold (about 3 GB for
600,000 records), so a portfolio of more than ``NEO4J_PART_RECORDS`` records
(L: 1.2 million) is imported as a user with such a server would: in parts,
each a ``graphsvc import`` of its own (merge mode, one transaction each), the
nodes in list order (accounts first) and then the relations, so each part
refers only to records of its own or of the parts before it. The import's
time is the sum of the parts; each part's is recorded.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench._neo4j import BenchNeo4j, cache_root
from bench._scale_http import measure_http
from bench.bench_api import _free_port
from bench.generate import PORTFOLIO_SIZES, describe, sized, write_document

__all__ = ["GOAL_ACCOUNT_P95_MS", "GOAL_DASHBOARD_P95_MS", "SIZES", "STORES", "run"]

SIZES = ("S", "M", "L")
STORES = ("sqlite", "neo4j")
TYPICAL_ACCOUNTS = 5
GOAL_DASHBOARD_P95_MS = 150.0
GOAL_ACCOUNT_P95_MS = 25.0
DASHBOARD_GOAL_SIZE = "L"
NEO4J_PART_RECORDS = 400_000
"""Most records per import into Neo4j (one transaction each): 600,000 fit the 4g heap."""
NODE_LISTS = ("accounts", "sites", "committees", "influencers", "members", "people")


@dataclass
class _ScaleNeo4j(BenchNeo4j):
    """The benchmark Neo4j in its own run directory, with a heap for the largest size asked for."""

    heap: str = "4g"
    port: int = 0
    """A Bolt port from the OS: the scripts' own choice (7687 and up) raced with the test servers starting meanwhile."""

    @property
    def env(self) -> dict[str, str]:
        env = super().env
        env.update(GRAPHSVC_NEO4J_HEAP=self.heap, GRAPHSVC_NEO4J_HEAP_INITIAL=self.heap)
        if self.port:
            env["GRAPHSVC_NEO4J_PORT"] = str(self.port)
        return env


def _choice(env_name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(env_name, "")
    return tuple(x.strip() for x in raw.split(",") if x.strip()) or default


def run(sizes: tuple[str, ...] | None = None, stores: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Measure every size on every store asked for (default: all, or the environment's choice)."""
    sizes = sizes or _choice("GRAPHSVC_BENCH_SCALE_SIZES", SIZES)
    stores = stores or _choice("GRAPHSVC_BENCH_SCALE_STORES", STORES)
    bad = [s for s in sizes if s not in SIZES] + [s for s in stores if s not in STORES]
    if bad:
        raise ValueError(f"unknown size or store {bad}; sizes {SIZES}, stores {STORES}")
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-scale-"))
    server: _ScaleNeo4j | None = None
    try:
        if "neo4j" in stores:
            heap = os.environ.get("GRAPHSVC_BENCH_NEO4J_HEAP") or "4g"
            port = int(os.environ.get("GRAPHSVC_BENCH_NEO4J_PORT") or _free_port())
            server = _ScaleNeo4j(run_dir=cache_root() / "neo4j" / "bench-scale", heap=heap, port=port)
            server.ensure()
        return _run(workdir, sizes, stores, server)
    finally:
        if server is not None:
            server.close()
        shutil.rmtree(workdir, ignore_errors=True)


# -- the portfolio: which accounts and members to measure ---------------------------------------


def _picks(doc: dict[str, Any]) -> dict[str, Any]:
    """The typical (median) and largest accounts, a kam assigned to the typical one, and typical accounts of theirs."""
    owned = Counter(r["account"] for name in ("sites", "people", "committees") for r in doc[name])
    size = {a["id"]: owned[a["id"]] + 1 for a in doc["accounts"]}
    ranked = sorted((n, a) for a, n in size.items())
    median_nodes, median = ranked[(len(ranked) - 1) // 2]
    largest_nodes, largest = ranked[-1]
    assigned: dict[str, list[str]] = defaultdict(list)
    for rel in doc["relations"]:
        if rel["type"] == "ASSIGNED_TO":
            assigned[rel["from"]].append(rel["to"])
    roles = {m["id"]: m["role"] for m in doc["members"]}
    on_median = [m for m, accounts in assigned.items() if median in accounts]
    kam = min(on_median, key=lambda m: (roles[m] != "kam", -len(assigned[m]), m))
    theirs = sorted(assigned[kam], key=lambda a: (abs(size[a] - median_nodes), a))[:TYPICAL_ACCOUNTS]
    deciders: dict[str, list[str]] = defaultdict(list)
    for person in doc["people"]:
        if "decider" in person.get("roles", ()):
            deciders[person["account"]].append(person["id"])
    targets = {a: min(deciders[a]) for a in theirs if deciders[a]}
    return {
        "typical": {"account": median, "nodes": median_nodes},
        "largest": {"account": largest, "nodes": largest_nodes},
        "admin": min(roles),
        "kam": {"member": kam, "role_in_team": roles[kam], "assigned_accounts": len(assigned[kam])},
        "http_accounts": {a: {"nodes": size[a], "target": t} for a, t in targets.items()},
        "account_nodes_median_of_http_accounts": statistics.median(size[a] for a in targets),
    }


# -- one size on one store ------------------------------------------------------------------------


def _parts(document: Path, limit: int) -> list[Path]:
    """``document`` split into graphsvc/1 documents of at most ``limit`` records: nodes in NODE_LISTS order, then
    relations, so that every part refers only to its own records or to those of the parts before it."""
    doc = json.loads(document.read_text())
    records = [(name, r) for name in NODE_LISTS for r in doc.get(name, ())]
    records += [("relations", r) for r in doc.get("relations", ())]
    if len(records) <= limit:
        return [document]
    paths = []
    for start in range(0, len(records), limit):
        part: dict[str, Any] = {"format": doc["format"]}
        for name, record in records[start : start + limit]:
            part.setdefault(name, []).append(record)
        path = document.with_name(f"{document.stem}.part{len(paths) + 1}.json")
        path.write_text(json.dumps(part))
        paths.append(path)
    return paths


def _import(store: str, url: str, document: Path, env: dict[str, str], server: _ScaleNeo4j | None) -> dict[str, Any]:
    cpu = server.cpu_s() if server is not None else 0.0
    parts = _parts(document, NEO4J_PART_RECORDS) if server is not None else [document]
    children = []
    for part in parts:
        child = H.run_child([H.python(), "-m", "graphsvc", "import", str(part), "--store", url], env=env)
        if child.returncode != 0:
            raise RuntimeError(f"import into {store} failed ({child.returncode}): {child.stderr.strip()[-2000:]}")
        children.append(child)
        if part != document:
            part.unlink()
    out: dict[str, Any] = {
        "s": round(sum(c.seconds for c in children), 2),
        "cpu_s": round(sum(c.cpu_s for c in children), 2),
        "peak_rss_mib": max(c.peak_rss_mib for c in children),
    }
    if len(children) > 1:
        out["parts"] = [{"s": round(c.seconds, 2), "cpu_s": c.cpu_s} for c in children]
    if server is not None:
        out["server_cpu_s"] = round(server.cpu_s() - cpu, 1)
        out["server_rss_mib_after"] = server.rss_mib()
    return out


def _analyses(url: str, accounts: list[str], env: dict[str, str]) -> dict[str, Any]:
    child = H.run_child([H.python(), "-m", "bench._scale_analyses", url, *accounts], env=env)
    if child.returncode != 0:
        raise RuntimeError(f"the analyses child failed ({child.returncode}): {child.stderr.strip()[-2000:]}")
    out: dict[str, Any] = json.loads(child.stdout)
    out["peak_rss_mib"] = child.peak_rss_mib
    return out


def _one(size: str, store: str, document: Path, picks: dict[str, Any], workdir: Path, server: Any) -> dict[str, Any]:
    where = workdir / f"{size}-{store}"
    where.mkdir()
    if store == "sqlite":
        url, env = f"sqlite:///{where / 'store.db'}", dict(os.environ)
    else:
        server.wipe()
        url, env = server.url, server.child_env()
    started = time.perf_counter()
    imported = _import(store, url, document, env, server if store == "neo4j" else None)
    print(f"  {size} {store}: imported in {imported['s']} s", flush=True)
    analyses = _analyses(url, [picks["typical"]["account"], picks["largest"]["account"]], env)
    print(f"  {size} {store}: analyses done", flush=True)
    targets = {a: v["target"] for a, v in picks["http_accounts"].items()}
    http = measure_http(url, env, where, picks["admin"], picks["kam"]["member"], targets)
    print(f"  {size} {store}: HTTP done", flush=True)
    typical, largest = analyses["accounts"]
    out: dict[str, Any] = {
        "url": url,
        "filesystem": H.filesystem(where if store == "sqlite" else server.run_dir),
        "import": imported,
        "analyses": {"typical": typical, "largest": largest, "peak_rss_mib": analyses["peak_rss_mib"]},
        "http": http,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    if store == "sqlite":
        out["store_file_mib"] = H.mib(sum(p.stat().st_size for p in where.glob("store.db*")))
    return out


def _run(workdir: Path, sizes: tuple[str, ...], stores: tuple[str, ...], server: Any) -> dict[str, Any]:
    measured: dict[str, dict[str, Any]] = {}
    portfolio: dict[str, Any] = {}
    setup_s = 0.0
    for size in sizes:
        started = time.perf_counter()
        doc = sized(size)
        picks = _picks(doc)
        described = describe(doc)
        document = workdir / f"{size}.json"
        described["file_mib"] = H.mib(write_document(doc, document))
        del doc
        gc.collect()
        setup_s += time.perf_counter() - started
        spec = PORTFOLIO_SIZES[size]
        portfolio[size] = {"accounts": spec.accounts, **described, "picks": picks}
        measured[size] = {}
        for store in stores:
            measured[size][store] = _one(size, store, document, picks, workdir, server)
            records = described["nodes"] + described["relations"]
            measured[size][store]["import"]["records_per_s"] = round(records / measured[size][store]["import"]["s"])
        document.unlink()
    return _record(sizes, stores, portfolio, measured, setup_s, server)


# -- the record -----------------------------------------------------------------------------------


def _growth(sizes: tuple[str, ...], stores: tuple[str, ...], measured: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-account cost by portfolio size: one row per store, size and account (typical, largest)."""
    rows = []
    for store in stores:
        for size in sizes:
            one = measured[size][store]
            for which in ("typical", "largest"):
                a = one["analyses"][which]
                rows.append(
                    {
                        "store": store,
                        "size": size,
                        "account": which,
                        "graph_nodes": a["graph"]["nodes"],
                        "graph_edges": a["graph"]["edges"],
                        "build_p50_ms": a["build_ms"]["p50"],
                        "cold_gaps_p50_ms": a["cold_ms"]["gaps"]["p50"],
                        "cold_paths_p50_ms": a["cold_ms"]["paths"]["p50"],
                        "cold_leverage_p50_ms": a["cold_ms"]["leverage"]["p50"],
                        "warm_gaps_p50_ms": a["warm_ms"]["gaps"]["p50"],
                        "warm_paths_p50_ms": a["warm_ms"]["paths"]["p50"],
                        "warm_leverage_p50_ms": a["warm_ms"]["leverage"]["p50"],
                    }
                )
    return rows


def _record(
    sizes: tuple[str, ...],
    stores: tuple[str, ...],
    portfolio: dict[str, Any],
    measured: dict[str, Any],
    setup_s: float,
    server: Any,
) -> dict[str, Any]:
    goals: list[dict[str, Any]] = []
    for size in sizes:
        for store in stores:
            http = measured[size][store]["http"]
            for who in ("admin", "kam"):
                for name in ("coverageGaps", "influencePaths"):
                    pct = http[who]["per_account"][name]["client_ms"]
                    goals.append(
                        {
                            "what": f"{size} {store}: {name} p95 ms over HTTP, typical accounts, {who} token",
                            "goal": f"<= {GOAL_ACCOUNT_P95_MS:g}",
                            "measured": pct["p95"],
                            "p50": pct["p50"],
                            "met": pct["p95"] <= GOAL_ACCOUNT_P95_MS,
                        }
                    )
            if size == DASHBOARD_GOAL_SIZE:
                pct = http["admin"]["dashboard"]["page_ms"]
                goals.append(
                    {
                        "what": f"{size} {store}: dashboard page of 100 accounts, warm caches, p95 ms (admin)",
                        "goal": f"<= {GOAL_DASHBOARD_P95_MS:g}",
                        "measured": pct["p95"],
                        "p50": pct["p50"],
                        "met": pct["p95"] <= GOAL_DASHBOARD_P95_MS,
                    }
                )
    peaks = {
        f"{size} {store} {what}": value
        for size in sizes
        for store in stores
        for what, value in (
            ("import", measured[size][store]["import"]["peak_rss_mib"]),
            ("analyses", measured[size][store]["analyses"]["peak_rss_mib"]),
            ("server", measured[size][store]["http"]["server_peak_rss_mib"]),
        )
    }
    record: dict[str, Any] = {
        "store": "+".join(stores),
        "sizes": portfolio,
        "setup_s": round(setup_s, 1),
        "measurements": {
            **{size: measured[size] for size in sizes},
            "growth": _growth(sizes, stores, measured),
            "note": (
                "ms unless named. Analyses in a fresh child per size and store; HTTP through graphsvc serve "
                "(authentication on) on loopback, one keep-alive connection; client and server share the 2 CPUs."
            ),
        },
        "throughput": {
            f"{size} {store} import records/s": measured[size][store]["import"]["records_per_s"]
            for size in sizes
            for store in stores
        },
        "peak_rss_mib": max(peaks.values()),
        "peak_rss_mib_by_process": peaks,
        "goal": (
            f"dashboard page at {DASHBOARD_GOAL_SIZE} (warm) p95 <= {GOAL_DASHBOARD_P95_MS:g} ms; coverageGaps and "
            f"influencePaths over HTTP for typical accounts p95 <= {GOAL_ACCOUNT_P95_MS:g} ms at any size (issue 8)"
        ),
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }
    if server is not None:
        record["server"] = server.settings()
        from bench.bench_neo4j import driver_info

        record["driver"] = driver_info()
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", choices=SIZES, help="a portfolio size (repeatable; default all)")
    parser.add_argument("--store", action="append", choices=STORES, help="a store (repeatable; default both)")
    args = parser.parse_args(argv)
    os.environ["GRAPHSVC_BENCH_SCALE_SIZES"] = ",".join(args.size or SIZES)
    os.environ["GRAPHSVC_BENCH_SCALE_STORES"] = ",".join(args.store or STORES)
    from bench.__main__ import _summary, run_one

    print(_summary(run_one("scale")))


if __name__ == "__main__":
    main()
