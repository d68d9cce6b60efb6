"""The soak run (``make soak``): ``graphsvc serve`` under a moderate steady load for ten minutes, watched from /proc.

Setup (not measured): the generated ``S`` portfolio (50 accounts, 5,000
nodes, 30,000 relations) imported into a new SQLite file (``--store
neo4j``: the benchmarks' own Neo4j, as ``bench_load`` uses it), an admin
token and KAM tokens, and ``graphsvc serve`` with authentication on.

Then ``--clients`` clients send the mix of ``bench/_load.py`` (70 % account
maps, 20 % paths and gaps, 10 % writes) paced to ``--rate`` requests per
second in total, for ``--minutes`` minutes (bounded also by a request
budget of 1.2 x rate x duration). The server's RSS, open file descriptors
and TCP connections are read from /proc when it is idle before the load,
every minute during it, and idle again after the clients have closed their
connections (one request then retires the worker threads idle for 10 s, and
with them their SQLite connections). The run passes when no request failed
(any answer but 200, or GraphQL errors), the RSS stays within 10 % over the
second half of the run (it grows during the first minutes while caches fill:
an influence graph per account, a page cache per worker thread's
connection), the idle server holds no more open files than it did after the
first minute under load (SQLite keeps a closed connection's descriptor of
the store file for reuse while other connections hold locks), no more
established TCP connections on its own port (its clients') than before the
run, and no more outbound ones (the Neo4j driver's Bolt pool, which grows to
the highest number of store calls at once and stays there) than at their
highest over the first half of the run: a leak keeps growing past it.

The result is written to ``bench/results/<UTC timestamp>-soak.json`` (with
the machine, the versions and the load average), like every benchmark's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import _harness as H
from bench._load import ProcessProbe, Workload, drive
from bench.bench_load import _serve, _store, _token
from bench.generate import describe, sized, write_document

__all__ = ["run"]

RESULTS = Path(__file__).resolve().parent / "results"
RSS_GROWTH_LIMIT = 1.10


def run(store: str, minutes: float, rate: float, clients: int, size: str) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-soak-"))
    try:
        doc = sized(size)
        document = workdir / "portfolio.json"
        write_document(doc, document)
        workload = Workload.from_document(doc)
        shape = describe(doc)
        del doc
        with _store(store, workdir) as (url, env, jvm):
            loaded = H.run_child([H.python(), "-m", "graphsvc", "import", str(document), "--store", url], env=env)
            if loaded.returncode != 0:
                raise RuntimeError(f"graphsvc import failed: {loaded.stderr.strip()[-2000:]}")
            workload.tokens = {"admin": _token(url, env, workload.admin_member, "admin")}
            for member in sorted(workload.kams)[:8]:
                workload.tokens[member] = _token(url, env, member, "kam")
            with _serve(url, env, workdir / "serve.log") as (base, pid):
                measured = _soak(base, pid, workload, minutes, rate, clients)
                if jvm:
                    measured["neo4j"] = {"rss_mib": jvm.rss_mib(), "peak_rss_mib": jvm.peak_rss_mib()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "store": store,
        "sizes": {"portfolio": size, **{k: shape[k] for k in ("nodes", "relations", "by_list")}},
        "settings": {"minutes": minutes, "rate_per_s": rate, "clients": clients},
        **measured,
    }


def _soak(base: str, pid: int, workload: Workload, minutes: float, rate: float, clients: int) -> dict[str, Any]:
    probe = ProcessProbe(pid, port=int(base.rsplit(":", 1)[1]))
    time.sleep(1.0)
    start = probe.snapshot()
    samples: list[dict[str, Any]] = []
    stop = threading.Event()
    began = time.monotonic()

    def sample() -> None:
        while not stop.wait(60.0):
            samples.append(
                {"minute": round((time.monotonic() - began) / 60, 1), "load_avg_1m": round(os.getloadavg()[0], 2)}
                | probe.snapshot()
            )
            print(f"soak: {samples[-1]}", file=sys.stderr, flush=True)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds = minutes * 60
    try:
        load = drive(base, workload, clients, budget=int(1.2 * rate * seconds), seconds=seconds, rate=rate)
    finally:
        stop.set()
        sampler.join()
    time.sleep(12.0)  # idle: the clients' connections are closed
    httpx.get(f"{base}/healthz", timeout=30)  # new work retires worker threads idle for 10 s (anyio) and their files
    time.sleep(2.0)
    end = probe.snapshot()
    first = samples[0] if samples else start
    half = [s["rss_mib"] for s in samples[len(samples) // 2 :]] or [end["rss_mib"]]
    served = (start["tcp_served"].get("ESTABLISHED", 0), end["tcp_served"].get("ESTABLISHED", 0))
    first_half = samples[: max(1, len(samples) // 2)] or [first]
    pool = max(s["tcp_outbound"].get("ESTABLISHED", 0) for s in first_half)
    outbound = (pool, end["tcp_outbound"].get("ESTABLISHED", 0))
    goals = [
        {"what": "errors", "goal": "0", "measured": load["errors"], "met": load["errors"] == 0},
        {
            "what": "RSS growth over the second half of the run (highest / first sample there)",
            "goal": f"<= {RSS_GROWTH_LIMIT}",
            "measured": round(max(half) / half[0], 3),
            "met": max(half) <= half[0] * RSS_GROWTH_LIMIT,
        },
        {
            "what": "RSS at the end / after the first minute (for information: caches fill)",
            "goal": "-",
            "measured": round(end["rss_mib"] / first["rss_mib"], 3),
            "met": True,
        },
        {
            "what": "open file descriptors, first minute under load -> idle after (idle workers retired)",
            "goal": "no growth",
            "measured": f"{first['open_fds']} -> {end['open_fds']}",
            "met": end["open_fds"] <= first["open_fds"],
        },
        {
            "what": "established TCP connections on the served port (clients), idle before -> idle after",
            "goal": "no growth",
            "measured": f"{served[0]} -> {served[1]}",
            "met": served[1] <= served[0],
        },
        {
            "what": "established outbound TCP connections (Neo4j's Bolt pool), highest in the first half -> idle after",
            "goal": "no growth",
            "measured": f"{outbound[0]} -> {outbound[1]}",
            "met": outbound[1] <= outbound[0],
        },
    ]
    return {
        "measurements": {"load": load, "server_idle_before": start, "every_minute": samples, "server_idle_after": end},
        "throughput": {"requests_per_s": load["requests_per_s"], "requests_ok": load["requests_ok"]},
        "peak_rss_mib": probe.peak_rss_mib(),
        "goal": "zero errors; RSS flat (within 10 %) over the second half; no growth in open files or TCP connections",
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to soak (default 10)")
    parser.add_argument("--rate", type=float, default=4.0, help="requests per second over all clients (default 4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--size", default="S", help="portfolio size (default S)")
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    result = run(args.store, args.minutes, args.rate, args.clients, args.size)
    record = {
        "bench": "soak",
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "load_avg_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": H.machine(),
        "versions": H.versions(),
        **result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-soak.json"
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for goal in record["goals"]:
        print(f"{'ok  ' if goal['met'] else 'FAIL'} {goal['what']}: {goal['measured']} (goal {goal['goal']})")
    print(f"soak: {'passed' if record['goal_met'] else 'FAILED'} -> {path.relative_to(RESULTS.parent.parent)}")
    return 0 if record["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
