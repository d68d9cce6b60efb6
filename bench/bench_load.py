"""Issue 8's load test: a real ``graphsvc serve`` on loopback under a realistic mix, at 8, 32 and 128 clients.

Setup (not measured): the generated ``M`` portfolio (500 accounts, 50,000
nodes, 300,000 relations) is imported with ``graphsvc import`` into a new
SQLite file, and into the benchmarks' own Neo4j (``bench/_neo4j.py``, run
directory ``<cache>/neo4j/bench-load``, wiped first); an admin token and
``KAM_TOKENS`` KAM tokens are made with ``graphsvc token create``; then
``graphsvc serve`` runs with authentication on.

Measured, per store: one untimed warm-up (``WARMUP_REQUESTS`` requests from
8 clients), then for each of ``LEVELS`` concurrent clients the mix of
``bench/_load.py`` (70 % ``AccountMap`` GraphQL reads, 20 % influencePaths
and coverage gaps, 10 % writes; a quarter of the clients admins, the rest
KAMs on their own accounts) until ``BUDGET`` requests are sent or
``SECONDS`` pass: throughput (requests answered 200 without GraphQL errors,
per second), p50/p95/p99 latency on the client, the error count, the
server's CPU seconds and RSS (and the Neo4j JVM's). The client runs in this
process (one asyncio loop, one keep-alive connection per client) and shares
the 2 CPUs with the server.

``python -m bench.bench_load --size S --stores sqlite --seconds 10`` runs a
smaller variant and prints the record without writing a result file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench._load import ProcessProbe, Workload, drive
from bench._neo4j import BenchNeo4j, cache_root
from bench.bench_api import _free_port, _stop, _wait_up
from bench.generate import describe, sized, write_document

__all__ = ["BUDGET", "LEVELS", "SECONDS", "run"]

SIZE = "M"
LEVELS = (8, 32, 128)
BUDGET = 6000
SECONDS = 30.0
WARMUP_REQUESTS = 100
KAM_TOKENS = 4
STORES = ("sqlite", "neo4j")


def run(size: str = SIZE, stores: tuple[str, ...] = STORES, seconds: float = SECONDS) -> dict[str, Any]:
    """Generate the portfolio, load each store, serve it and drive it at every level; return the result record."""
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-load-"))
    try:
        started = time.perf_counter()
        doc = sized(size)
        document = workdir / "portfolio.json"
        write_document(doc, document)
        workload = Workload.from_document(doc)
        shape = describe(doc)
        del doc
        generate_s = round(time.perf_counter() - started, 1)
        by_store = {store: _run_store(store, document, workload, workdir, seconds) for store in stores}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    goals = []
    for store, result in by_store.items():
        for level in result["levels"]:
            errors = level["errors"]
            what = f"{store}, {level['clients']} clients: errors"
            goals.append({"what": what, "goal": "0", "measured": errors, "met": errors == 0})
    throughput = {
        f"{store} {lv['clients']} clients": lv["requests_per_s"] for store, r in by_store.items() for lv in r["levels"]
    }
    return {
        "store": "+".join(stores),
        "sizes": {"portfolio": size, **{k: shape[k] for k in ("nodes", "relations", "by_list")}},
        "generate_s": generate_s,
        "mix": (
            "70% AccountMap (queries/graphql/account_map.graphql, GraphQL), 10% influencePaths to a decision person, "
            "10% AccountGaps, 10% writes (updatePerson attitude, RecordContact lastContact, updatePerson notes); "
            "every 4th client an admin over all accounts, the others KAM tokens on their assigned accounts"
        ),
        "bounds": {"requests": BUDGET, "seconds": seconds, "warmup_requests": WARMUP_REQUESTS},
        "measurements": by_store,
        "throughput": throughput,
        "peak_rss_mib": max(r["server"]["peak_rss_mib"] for r in by_store.values()),
        "goal": "no errors (non-200 or GraphQL errors) at 8, 32 and 128 clients on both stores",
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
        "note": (
            "closed loop: each client sends its next request when the last is answered. The load generator runs "
            "in the benchmark process and shares the machine's 2 CPUs with the server (and with other work: see "
            "load_avg_1m)."
        ),
    }


def _run_store(store: str, document: Path, workload: Workload, workdir: Path, seconds: float) -> dict[str, Any]:
    with _store(store, workdir) as (url, env, jvm):
        started = time.perf_counter()
        loaded = H.run_child([H.python(), "-m", "graphsvc", "import", str(document), "--store", url], env=env)
        if loaded.returncode != 0:
            raise RuntimeError(f"graphsvc import failed: {loaded.stderr.strip()[-2000:]}")
        import_s = round(time.perf_counter() - started, 1)
        workload.tokens = {"admin": _token(url, env, workload.admin_member, "admin")}
        for member in sorted(workload.kams)[:KAM_TOKENS]:
            workload.tokens[member] = _token(url, env, member, "kam")
        with _serve(url, env, workdir / f"serve-{store}.log") as (base, pid):
            server = ProcessProbe(pid)
            warm = drive(base, workload, 8, budget=WARMUP_REQUESTS, seconds=120, seed=99)
            levels = []
            for clients in LEVELS:
                cpu, jvm_cpu, load = server.cpu_s(), jvm.cpu_s() if jvm else 0.0, os.getloadavg()[0]
                result = drive(base, workload, clients, budget=BUDGET, seconds=seconds, seed=clients)
                result["clients"] = clients
                result["server_cpu_s"] = round(server.cpu_s() - cpu, 1)
                result["server_cpu_per_s"] = round(result["server_cpu_s"] / result["seconds"], 2)
                result["server_rss_mib"] = server.rss_mib()
                if jvm:
                    result["neo4j_cpu_s"] = round(jvm.cpu_s() - jvm_cpu, 1)
                    result["neo4j_rss_mib"] = jvm.rss_mib()
                result["load_avg_1m"] = {"before": round(load, 2), "after": round(os.getloadavg()[0], 2)}
                levels.append(result)
                print(_line(store, result), flush=True)
            out: dict[str, Any] = {
                "import_s": import_s,
                "warmup": {k: warm[k] for k in ("requests", "errors", "seconds", "error_samples")},
                "levels": levels,
                "server": {"peak_rss_mib": server.peak_rss_mib(), **server.snapshot()},
            }
            if jvm:
                out["neo4j"] = jvm.settings() | {"peak_rss_mib": jvm.peak_rss_mib()}
            return out


def _line(store: str, r: dict[str, Any]) -> str:
    lat = r["latency_ms"]
    return (
        f"{store} {r['clients']:>3} clients: {r['requests_per_s']:>6} req/s, p50 {lat.get('p50')} p95 {lat.get('p95')} "
        f"p99 {lat.get('p99')} ms, {r['errors']} errors, server {r['server_cpu_per_s']} CPU/s {r['server_rss_mib']} MiB"
    )


@contextmanager
def _store(store: str, workdir: Path) -> Iterator[tuple[str, dict[str, str] | None, BenchNeo4j | None]]:
    """The store's URL, the environment of graphsvc children (Neo4j: its password) and the JVM (Neo4j)."""
    if store == "sqlite":
        yield f"sqlite:///{workdir / 'load.db'}", None, None
        return
    neo = BenchNeo4j(run_dir=cache_root() / "neo4j" / "bench-load")
    neo.ensure()
    try:
        neo.wipe()
        yield neo.url, neo.child_env(), neo
    finally:
        neo.close()


def _token(url: str, env: dict[str, str] | None, member: str, role: str) -> str:
    args = [H.python(), "-m", "graphsvc", "token", "create", "--member", member, "--role", role, "--store", url]
    made = subprocess.run(args, capture_output=True, text=True, cwd=H.ROOT, env=env, check=False)
    if made.returncode != 0 or not made.stdout.strip():
        raise RuntimeError(f"graphsvc token create failed ({made.returncode}): {made.stderr.strip()[-2000:]}")
    return made.stdout.strip().splitlines()[-1]


@contextmanager
def _serve(url: str, env: dict[str, str] | None, log: Path) -> Iterator[tuple[str, int]]:
    """``graphsvc serve`` (authentication on) on a free loopback port; yields its base URL and pid."""
    port = _free_port()
    args = [H.python(), "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port), "--store", url]
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=H.ROOT, env=env)
    try:
        if not _wait_up(proc, port):
            raise RuntimeError(f"graphsvc serve exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        _stop(proc, 15)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default=SIZE, help=f"portfolio size (default {SIZE})")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: sqlite, neo4j")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="seconds per level")
    args = parser.parse_args()
    print(json.dumps(run(args.size, tuple(args.stores.split(",")), args.seconds), indent=2))


if __name__ == "__main__":
    main()
