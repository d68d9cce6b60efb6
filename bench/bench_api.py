"""Issue 4's API benchmark: GraphQL over HTTP on loopback against a real ``graphsvc serve`` of the demo portfolio.

Setup (not measured): ``graphsvc demo`` into a new SQLite store in a
temporary folder, ``graphsvc token create --member m_berger --role admin``,
then a ``graphsvc serve`` process on a free loopback port with
authentication on: every request carries ``Authorization: Bearer <token>``
(the production path; a request without it is checked to get 401).

Measured from this process over loopback, with keep-alive connections
(``http.client``, one per client thread):

* **latency**: ``LATENCY_REQUESTS`` sequential POSTs of each query after
  ``WARMUP`` untimed ones (so the account's influence graph is cached):
  ``coverageGaps(accountId: "acc_halvorsen")`` and ``influencePaths(accountId:
  "acc_halvorsen", to: "p_hal_wro_dir", k: 3)``, and for information the
  portfolio overview; p50/p95/p99 in ms on the client (request sent to body
  read) and, from the server's request log, inside the ASGI app;
* **throughput**: ``CLIENTS`` threads, each with its own connection, POST the
  portfolio overview (``accounts(first: 100)`` with each account's coverage
  score and gap counts) for ``LOAD_SECONDS``: requests per second answered
  with status 200 and no GraphQL error, the errors, the latency under load
  and the CPU time of the server (one uvicorn process: it can use at most
  one CPU second per second);
* **GraphQL overhead**: the HTTP p50 divided by the p50 of the same analysis
  called in this process (``Analyst.gaps`` / ``Analyst.paths`` on a warm
  graph over the same store file).

A second server (``--serve-timed``: the same ``graphsvc serve``, with timers
wrapped around its seams) then answers ``PHASE_REQUESTS`` sequential
requests of each query, and the result splits the mean request into the
ASGI app (the bearer-token look-up, reading the body, GraphQL parse, validate
and execute, the store and analysis calls in worker threads and the thread
hops around them, building and JSON-encoding the response, the request log
line) and what the client sees on top of it: uvicorn's HTTP/1.1 handling
(h11) and loopback. The timers add a few microseconds per seam.

``python -m bench.bench_api --profile gaps`` prints a cProfile of that server
(its event loop and its worker threads) over requests of one query
(``gaps``, ``paths``, ``overview``).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import http.client
import io
import json
import os
import pstats
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import _harness as H

__all__ = ["GOAL_P50_MS", "GOAL_P95_MS", "GOAL_REQUESTS_PER_S", "run"]

ACCOUNT = "acc_halvorsen"
TARGET = "p_hal_wro_dir"
MEMBER = "m_berger"
K = 3
MAX_HOPS = 4  # the API's default for influencePaths

WARMUP = 20
LATENCY_REQUESTS = 300
CLIENTS = 16
LOAD_SECONDS = 10.0
INPROCESS_CALLS = 300
PHASE_REQUESTS = 100

GOAL_P50_MS = 10.0
GOAL_P95_MS = 25.0
GOAL_REQUESTS_PER_S = 300

PATH_FIELDS = "strength hops { from { id } to { id } relation weight }"
QUERIES = {
    "gaps": (
        f'query CoverageGaps {{ coverageGaps(accountId: "{ACCOUNT}") {{ kind severity subject {{ id }} message '
        f"suggestedMember {{ id }} suggestedPath {{ {PATH_FIELDS} }} }} }}"
    ),
    "paths": (
        f'query InfluencePaths {{ influencePaths(accountId: "{ACCOUNT}", to: "{TARGET}", k: {K}) {{ {PATH_FIELDS} }} }}'
    ),
    "overview": (
        "query PortfolioOverview { accounts(first: 100) { edges { node { id name coverageScore "
        "gapCounts { high medium low } } } } }"
    ),
}
FIELD = {"gaps": "coverageGaps", "paths": "influencePaths", "overview": "accounts"}
"""The root field of each query, as results and goals name them."""


def run() -> dict[str, Any]:
    """Set up the demo store, measure a live server over HTTP, then the timed server; return the result record."""
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-api-"))
    try:
        return _run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    url, token = _setup(workdir)
    setup_s = time.perf_counter() - started
    in_process, sizes = _in_process(url)

    with _server([H.python(), "-m", "graphsvc", "serve"], url, workdir / "server.log") as server:
        auth = _check_auth(server.port, token)
        responses = {name: _warm(server.port, token, name) for name in QUERIES}
        latency = {name: _latency(server.port, token, name, LATENCY_REQUESTS) for name in QUERIES}
        load = _load(server, token)
        server_rss = _proc_rss(server.proc.pid)
    server_side = _server_durations(workdir / "server.log")
    for name, series in latency.items():
        series["server_ms"] = server_side.get(f"lat-{name}", {"n": 0})

    phases = _timed_server(url, token, workdir)

    overhead = {
        FIELD[name]: round(latency[name]["client_ms"]["p50"] / in_process[name]["p50"], 1) for name in in_process
    }
    goals: list[dict[str, Any]] = []
    for name in ("gaps", "paths"):
        pct = latency[name]["client_ms"]
        goals.append(_goal(f"{FIELD[name]} p50 ms over HTTP", f"<= {GOAL_P50_MS:g}", pct["p50"], GOAL_P50_MS))
        goals.append(_goal(f"{FIELD[name]} p95 ms over HTTP", f"<= {GOAL_P95_MS:g}", pct["p95"], GOAL_P95_MS))
    rps = load["requests_per_s"]
    goals.append(
        {
            "what": f"portfolio overview requests/s, {CLIENTS} clients",
            "goal": f">= {GOAL_REQUESTS_PER_S}",
            "measured": rps,
            "met": rps >= GOAL_REQUESTS_PER_S and load["errors"] == 0,
        }
    )
    return {
        "store": "sqlite",
        "store_filesystem": H.filesystem(workdir),
        "command": "graphsvc serve --host 127.0.0.1 --port P --store sqlite:///store.db (authentication on)",
        "sizes": {**sizes, "response_bytes": {FIELD[n]: len(body) for n, body in responses.items()}},
        "setup_s": round(setup_s, 1),
        "stack": _stack(),
        "queries": {FIELD[n]: q for n, q in QUERIES.items()},
        "measurements": {
            "auth": auth,
            "latency_ms": {FIELD[n]: s for n, s in latency.items()},
            "load": load,
            "in_process_ms": {FIELD[n]: s for n, s in in_process.items()},
            "graphql_overhead": {
                "http_p50_over_in_process_p50": overhead,
                "in_process_is": (
                    "Analyst.gaps(account) / Analyst.paths(account, target, None, k=3, max_hops=4) in the benchmark "
                    "process on the same store file, graph cached and its memo warm, as in the server; for the "
                    "overview (accounts), list_nodes + count_nodes + coverage_score and gaps of each account"
                ),
            },
            "phases": phases,
            "note": (
                "client_ms: from sending the request to reading the whole body, keep-alive connection, loopback. "
                "server_ms: duration_ms of the server's request log (the ASGI app: middlewares, auth, GraphQL). "
                "The benchmark's client threads share the 2 CPUs with the server."
            ),
        },
        "throughput": {
            "requests_per_s": rps,
            "clients": CLIENTS,
            "seconds": load["seconds"],
            "requests_ok": load["requests_ok"],
            "errors": load["errors"],
        },
        "peak_rss_mib": server_rss,
        "goal": (
            f"p50 <= {GOAL_P50_MS:g} ms and p95 <= {GOAL_P95_MS:g} ms for coverageGaps and influencePaths, and "
            f">= {GOAL_REQUESTS_PER_S} requests/s with {CLIENTS} clients for the portfolio overview (issue 4)"
        ),
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }


def _stack() -> dict[str, Any]:
    """The web stack's versions, and whether uvicorn found its optional C parser and event loop."""
    from importlib import metadata
    from importlib.util import find_spec

    out: dict[str, Any] = {}
    for name in ("uvicorn", "starlette", "strawberry-graphql", "graphql-core", "anyio", "h11"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    out["uvicorn_http"] = "httptools" if find_spec("httptools") else "h11"
    out["uvicorn_loop"] = "uvloop" if find_spec("uvloop") else "asyncio"
    return out


def _goal(what: str, goal: str, measured: float, limit: float) -> dict[str, Any]:
    return {"what": what, "goal": goal, "measured": round(measured, 2), "met": measured <= limit}


# -- setup and the in-process baseline ------------------------------------------------


def _setup(workdir: Path) -> tuple[str, str]:
    """The demo portfolio in a new store, and an admin token for it."""
    url = f"sqlite:///{workdir / 'store.db'}"
    demo = H.run_child([H.python(), "-m", "graphsvc", "demo", "--store", url])
    if demo.returncode != 0:
        raise RuntimeError(f"graphsvc demo failed ({demo.returncode}): {demo.stderr.strip()[-2000:]}")
    made = subprocess.run(
        [H.python(), "-m", "graphsvc", "token", "create", "--member", MEMBER, "--role", "admin", "--store", url],
        capture_output=True,
        text=True,
        cwd=H.ROOT,
    )
    if made.returncode != 0 or not made.stdout.strip():
        raise RuntimeError(f"graphsvc token create failed ({made.returncode}): {made.stderr.strip()[-2000:]}")
    return url, made.stdout.strip().splitlines()[-1]


def _in_process(url: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """p50 etc. of Analyst.gaps and Analyst.paths in this process, on a warm graph; and the sizes."""
    from graphsvc.analyst import Analyst
    from graphsvc.store import open_store

    store = open_store(url)
    try:
        analyst = Analyst(store)
        calls: dict[str, Callable[[], Any]] = {
            "gaps": lambda: analyst.gaps(ACCOUNT),
            "paths": lambda: analyst.paths(ACCOUNT, TARGET, None, K, MAX_HOPS),
            "overview": lambda: _overview(store, analyst),
        }
        found = {name: len(fn()) for name, fn in calls.items()}  # builds the graph, fills its memo
        out = {}
        for name, fn in calls.items():
            samples = []
            for _ in range(INPROCESS_CALLS):
                t0 = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - t0) * 1000)
            out[name] = H.percentiles(samples)
        ig = analyst.influence_graph(ACCOUNT)
        health = store.health()
        sizes = {
            "portfolio": "demo (graphsvc demo)",
            "nodes": health["nodes"],
            "relations": health["relations"],
            "account": ACCOUNT,
            "account_graph": {"nodes": ig.graph.number_of_nodes(), "edges": ig.graph.number_of_edges()},
            "accounts": found["overview"],
            "coverage_gaps": found["gaps"],
            "influence_paths": found["paths"],
            "graph_builds": analyst.builds,
        }
    finally:
        store.close()
    return out, sizes


def _overview(store: Any, analyst: Any) -> list[Any]:
    """The store and analysis calls of the portfolio overview's resolvers, one after the other."""
    from graphsvc.model import NodeKind

    accounts = store.list_nodes(NodeKind.ACCOUNT, limit=100).items
    store.count_nodes(NodeKind.ACCOUNT)
    return [(analyst.coverage_score(a.id).score, len(analyst.gaps(a.id))) for a in accounts]


# -- the server and the client ------------------------------------------------------------


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(command: list[str], url: str, log: Path, stop: int = signal.SIGTERM) -> Iterator[_Server]:
    """A server process on a free loopback port, up when yielded (``/healthz`` answers), stopped afterwards."""
    for attempt in range(3):
        port = _free_port()
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(port), "--store", url],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=H.ROOT,
            )
        try:
            if _wait_up(proc, port):
                yield _Server(proc, port, log)
                return
            if attempt == 2:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the server did not start ({proc.returncode}): {tail}")
        finally:
            _stop(proc, stop)


def _wait_up(proc: subprocess.Popen[bytes], port: int, timeout: float = 60.0) -> bool:
    """True once ``/healthz`` answers 200; False when the process exited first (e.g. the port was taken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not answer /healthz within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes], sig: int) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _proc_rss(pid: int) -> float:
    """The peak RSS (VmHWM) of a live process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Client:
    """One keep-alive HTTP/1.1 connection to ``/graphql``."""

    def __init__(self, port: int, token: str | None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def post(self, body: bytes, request_id: str | None = None) -> tuple[int, bytes]:
        headers = self.headers if request_id is None else {**self.headers, "X-Request-ID": request_id}
        try:
            self.conn.request("POST", "/graphql", body, headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request reconnects
            raise

    def close(self) -> None:
        self.conn.close()


def _body(name: str) -> bytes:
    return json.dumps({"query": QUERIES[name]}).encode()


def _check_auth(port: int, token: str) -> dict[str, Any]:
    """Authentication is on: no token and a wrong token get 401, the benchmark's token 200."""
    statuses = {}
    for label, secret in (("no token", None), ("wrong token", "not-a-token"), ("benchmark token", token)):
        client = _Client(port, secret)
        statuses[label] = client.post(_body("paths"))[0]
        client.close()
    if statuses != {"no token": 401, "wrong token": 401, "benchmark token": 200}:
        raise RuntimeError(f"authentication is not on as expected: {statuses}")
    return {"on": True, "status": statuses, "member": MEMBER, "role": "admin"}


def _warm(port: int, token: str, name: str) -> bytes:
    """``WARMUP`` untimed requests; the answer must be data without errors. Returns the last body."""
    client = _Client(port, token)
    body = b""
    for i in range(WARMUP):
        status, body = client.post(_body(name), f"warm-{name}-{i}")
        if status != 200:
            raise RuntimeError(f"{name}: status {status}: {body[:500]!r}")
    client.close()
    answer = json.loads(body)
    if answer.get("errors") or not answer.get("data"):
        raise RuntimeError(f"{name}: {body[:1000]!r}")
    data = answer["data"][FIELD[name]]
    if not (data["edges"] if name == "overview" else data):
        raise RuntimeError(f"{name}: the answer is empty: {body[:500]!r}")
    return body


def _latency(port: int, token: str, name: str, n: int) -> dict[str, Any]:
    """``n`` sequential requests on one connection: client-side ms."""
    client = _Client(port, token)
    body = _body(name)
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        status, data = client.post(body, f"lat-{name}-{i}")
        samples.append((time.perf_counter() - t0) * 1000)
        if status != 200 or b'"errors"' in data:
            raise RuntimeError(f"{name}: status {status}: {data[:500]!r}")
    client.close()
    return {"client_ms": H.percentiles(samples, 3)}


def _server_durations(log: Path) -> dict[str, dict[str, Any]]:
    """duration_ms of the server's request log, grouped by request id prefix (``lat-gaps``, ...)."""
    groups: dict[str, list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        start = line.find('{"request_id"')
        if start < 0:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        prefix = str(entry.get("request_id", "")).rsplit("-", 1)[0]
        if isinstance(entry.get("duration_ms"), int | float):
            groups.setdefault(prefix, []).append(float(entry["duration_ms"]))
    return {prefix: H.percentiles(values, 3) for prefix, values in groups.items()}


def _load(server: _Server, token: str) -> dict[str, Any]:
    """``CLIENTS`` threads post the portfolio overview for ``LOAD_SECONDS``."""
    body = _body("overview")
    window: list[float] = []
    barrier = threading.Barrier(CLIENTS, action=lambda: window.append(time.perf_counter()))
    results: list[dict[str, Any]] = [{} for _ in range(CLIENTS)]

    def worker(slot: int) -> None:
        client = _Client(server.port, token)
        client.conn.connect()
        ok = 0
        errors: Counter[str] = Counter()
        samples: list[float] = []
        barrier.wait()
        end = window[0] + LOAD_SECONDS
        while (t0 := time.perf_counter()) < end:
            try:
                status, data = client.post(body)
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                continue
            samples.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors[f"status {status}"] += 1
            elif b'"errors"' in data:
                errors["GraphQL errors"] += 1
            else:
                ok += 1
        results[slot] = {"ok": ok, "errors": errors, "samples": samples, "done": time.perf_counter()}
        client.close()

    cpu_before, driver_before = _proc_cpu_s(server.proc.pid), time.process_time()
    threads = [threading.Thread(target=worker, args=(i,), name=f"client-{i}") for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server_cpu = _proc_cpu_s(server.proc.pid) - cpu_before
    driver_cpu = time.process_time() - driver_before
    seconds = max(r["done"] for r in results) - window[0]
    ok = sum(r["ok"] for r in results)
    errors: Counter[str] = Counter()
    for r in results:
        errors.update(r["errors"])
    per_client = [r["ok"] for r in results]
    return {
        "clients": CLIENTS,
        "seconds": round(seconds, 2),
        "requests_ok": ok,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "requests_per_s": round(ok / seconds, 1),
        "latency_under_load_ms": H.percentiles([s for r in results for s in r["samples"]], 2),
        "requests_per_client": {"min": min(per_client), "max": max(per_client)},
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_per_s": round(server_cpu / seconds, 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(ok, 1), 2),
        "benchmark_client_cpu_s": round(driver_cpu, 2),
    }


# -- the timed server --------------------------------------------------------------------


def _timed_server(
    url: str,
    token: str,
    workdir: Path,
    profile: Path | None = None,
    n: int = PHASE_REQUESTS,
    names: tuple[str, ...] = tuple(QUERIES),
) -> dict[str, Any]:
    """Run the ``--serve-timed`` server, send ``n`` sequential requests of each query; its phases per request."""
    out = workdir / "phases.json"
    command = [H.python(), "-m", "bench.bench_api", "--serve-timed", str(out)]
    if profile is not None:
        command += ["--profile-out", str(profile)]
    client_ms: dict[str, dict[str, Any]] = {}
    with _server(command, url, workdir / "timed-server.log", stop=signal.SIGINT) as server:
        for name in names:
            _warm(server.port, token, name)
            client = _Client(server.port, token)
            body = _body(name)
            samples = []
            for i in range(n):
                t0 = time.perf_counter()
                status, data = client.post(body, f"phase-{name}-{i}")
                samples.append((time.perf_counter() - t0) * 1000)
                if status != 200 or b'"errors"' in data:
                    raise RuntimeError(f"{name}: status {status}: {data[:500]!r}")
            client.close()
            client_ms[name] = H.percentiles(samples, 3)
    if not out.exists():
        tail = (workdir / "timed-server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the timed server wrote no phases: {tail}")
    spent = json.loads(out.read_text())
    result: dict[str, Any] = {}
    for name in names:
        mean = spent.get(name, {})
        if not mean:
            continue
        phases = {label: round(ms, 3) for label, ms in mean.items()}
        client_mean = client_ms[name]["mean"]
        phases["client_minus_asgi_app"] = round(client_mean - mean.get("asgi_app", 0.0), 3)
        result[FIELD[name]] = {"requests": n, "client_ms": client_ms[name], "mean_ms": phases}
    result["labels"] = _PHASE_LABELS
    return result


_PHASE_LABELS = {
    "asgi_app": "the whole ASGI app: request log, body limit and auth middlewares, the GraphQL view",
    "auth_token_lookup": "AuthMiddleware: store.token_by_secret awaited in a worker thread",
    "auth_token_sql": "of which SqliteStore.token_by_secret itself (hash, SELECT, in the thread)",
    "graphql_view": "GraphQLView.run: context, body, operation, response",
    "view_context": "GraphQLView.get_context (Loaders, Context)",
    "view_read_body": "parse_http_body: reading and decoding the JSON body",
    "graphql_operation": "schema.execute as the extensions see it (on_operation): parse + validate + execute + rest",
    "graphql_parse": "on_parse (ParserCache, MaxTokensLimiter)",
    "graphql_validate": "on_validate (ValidationCache, depth and alias limits)",
    "graphql_execute": "on_execute: resolvers, DataLoaders, awaiting worker threads, result completion",
    "resolver_calls_awaited": "store and analysis calls of resolvers and DataLoaders, awaited (incl. the thread hop)",
    "resolver_calls_in_thread": "the same calls' time inside the worker thread",
    "analyst": "of which Analyst.gaps / paths / coverage_score (incl. the account revision SELECT)",
    "account_revision_sql": "of which SqliteStore.account_revision (the graph cache check)",
    "view_process_result": "process_result: the result as a dict",
    "json_encode": "GraphQLView.encode_json: the response body",
    "request_log": "the graphsvc.request JSON log line",
    "client_minus_asgi_app": "client mean minus ASGI app mean: uvicorn (h11), loopback, the client",
}


@dataclass
class _Spent:
    """Time per phase label and request, for requests whose X-Request-ID is ``phase-<query>-<i>``."""

    bucket: str | None = None
    sums: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    main_profile: cProfile.Profile | None = None
    thread_profiles: list[cProfile.Profile] = field(default_factory=list)
    local: threading.local = field(default_factory=threading.local)

    def add(self, label: str, seconds: float) -> None:
        bucket = self.bucket
        if bucket is not None:
            into = self.sums.setdefault(bucket, {})
            into[label] = into.get(label, 0.0) + seconds

    def thread_profile(self) -> cProfile.Profile | None:
        if self.main_profile is None or self.bucket is None:
            return None
        profile = getattr(self.local, "profile", None)
        if profile is None:
            profile = self.local.profile = cProfile.Profile()
            self.thread_profiles.append(profile)
        return profile

    def means_ms(self) -> dict[str, dict[str, float]]:
        return {
            bucket: {label: s * 1000 / self.counts[bucket] for label, s in sums.items()}
            for bucket, sums in self.sums.items()
            if self.counts[bucket]
        }


def _replace(owner: Any, name: str, value: Any) -> None:
    """Swap one graphsvc internal for a timed one (the seams are internals that may be renamed)."""
    if not hasattr(owner, name):
        raise RuntimeError(f"{owner.__name__}.{name} is gone: update bench/bench_api.py's timed server")
    setattr(owner, name, value)


def _serve_timed(out: str, profile_out: str | None, serve_args: list[str]) -> None:
    """(child) ``graphsvc serve`` with timers around its seams; writes the mean phases to ``out`` on exit."""
    from anyio import to_thread
    from starlette.datastructures import Headers
    from strawberry.extensions import SchemaExtension

    import graphsvc.api as api
    import graphsvc.api.app as app_module
    import graphsvc.api.context as context_module
    import graphsvc.api.http as http_module
    import graphsvc.api.query as query_module
    import graphsvc.api.schema as schema_module
    import graphsvc.api.types as types_module
    from graphsvc import cli
    from graphsvc.analyst import Analyst
    from graphsvc.store.sqlite import SqliteStore

    spent = _Spent()
    if profile_out is not None:
        spent.main_profile = cProfile.Profile()

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent.add(label, time.perf_counter() - t0)

        setattr(owner, name, wrapper)

    def timed_async(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spent.add(label, time.perf_counter() - t0)

        setattr(owner, name, wrapper)

    def timed_call(awaited: str, in_thread: str | None) -> Callable[..., Any]:
        async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            def run() -> Any:
                t1 = time.perf_counter()
                profile = spent.thread_profile()
                if profile is not None:
                    profile.enable()
                try:
                    return fn(*args, **kwargs)
                finally:
                    if profile is not None:
                        profile.disable()
                    if in_thread is not None:
                        spent.add(in_thread, time.perf_counter() - t1)

            t0 = time.perf_counter()
            try:
                return await to_thread.run_sync(run)
            finally:
                spent.add(awaited, time.perf_counter() - t0)

        return call

    # The token look-up runs on the event loop (no worker hop); its SQL is timed below as auth_token_sql.
    for module in (context_module, query_module, types_module):
        _replace(module, "call", timed_call("resolver_calls_awaited", "resolver_calls_in_thread"))
    timed(SqliteStore, "token_by_secret", "auth_token_sql")
    timed(SqliteStore, "account_revision", "account_revision_sql")
    for method in ("gaps", "paths", "coverage_score"):
        timed(Analyst, method, "analyst")
    view = http_module.GraphQLView
    timed_async(view, "run", "graphql_view")
    timed_async(view, "get_context", "view_context")
    timed_async(view, "parse_http_body", "view_read_body")
    timed_async(view, "process_result", "view_process_result")
    timed(view, "encode_json", "json_encode")

    class _Request:
        def __init__(self, log: Any) -> None:
            self._log = log

        def info(self, *args: Any, **kwargs: Any) -> None:
            t0 = time.perf_counter()
            self._log.info(*args, **kwargs)
            spent.add("request_log", time.perf_counter() - t0)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._log, name)

    _replace(http_module, "request_log", _Request(http_module.request_log))

    class PhaseTimer(SchemaExtension):
        def _phase(self, label: str) -> Iterator[None]:
            t0 = time.perf_counter()
            yield
            spent.add(label, time.perf_counter() - t0)

        def on_operation(self) -> Iterator[None]:
            yield from self._phase("graphql_operation")

        def on_parse(self) -> Iterator[None]:
            yield from self._phase("graphql_parse")

        def on_validate(self) -> Iterator[None]:
            yield from self._phase("graphql_validate")

        def on_execute(self) -> Iterator[None]:
            yield from self._phase("graphql_execute")

    make_schema = schema_module.make_schema

    def timed_schema() -> Any:
        schema = make_schema()
        schema.extensions = (PhaseTimer, *schema.extensions)  # outermost: includes the other extensions' work
        return schema

    _replace(app_module, "make_schema", timed_schema)
    create_app = api.create_app

    def timed_create_app(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)

        async def timed_app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            request_id = Headers(scope=scope).get("x-request-id", "")
            parts = request_id.split("-")
            spent.bucket = parts[1] if len(parts) == 3 and parts[0] == "phase" else None
            if spent.bucket is not None and spent.main_profile is not None:
                spent.main_profile.enable()
            t0 = time.perf_counter()
            try:
                await app(scope, receive, send)
            finally:
                if spent.bucket is not None:
                    spent.add("asgi_app", time.perf_counter() - t0)
                    spent.counts[spent.bucket] += 1
                    if spent.main_profile is not None:
                        spent.main_profile.disable()
                spent.bucket = None

        return timed_app

    _replace(api, "create_app", timed_create_app)
    try:
        cli.main(["serve", *serve_args])
    finally:
        Path(out).write_text(json.dumps(spent.means_ms()))
        if spent.main_profile is not None and profile_out is not None:
            stats = pstats.Stats(spent.main_profile)
            for profile in spent.thread_profiles:
                stats.add(profile)
            stats.dump_stats(profile_out)


def _profile(name: str, n: int, top: int) -> str:
    """A cProfile of the timed server (event loop and worker threads) over ``n`` requests of one query."""
    with tempfile.TemporaryDirectory(prefix="graphsvc-profile-") as tmp:
        workdir = Path(tmp)
        url, token = _setup(workdir)
        profile = workdir / "server.prof"
        phases = _timed_server(url, token, workdir, profile, n, (name,))
        text = io.StringIO()
        stats = pstats.Stats(str(profile), stream=text)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    return json.dumps(phases[FIELD[name]], indent=2) + "\n" + text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_api", description=__doc__.split("\n\n")[0], allow_abbrev=False
    )
    parser.add_argument("--profile", choices=sorted(QUERIES), help="profile the server over requests of one query")
    parser.add_argument("--requests", type=int, default=300, help="requests to profile")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    parser.add_argument("--serve-timed", metavar="OUT", help="(child) serve with phase timers; phases to OUT")
    parser.add_argument("--profile-out", metavar="FILE", help="(child) also write a cProfile of the server to FILE")
    args, rest = parser.parse_known_args(argv)
    if args.serve_timed:
        _serve_timed(args.serve_timed, args.profile_out, rest)
        return
    if args.profile:
        print(_profile(args.profile, args.requests, args.top))
        return
    print(json.dumps(run(), indent=2))


if __name__ == "__main__":
    main()
