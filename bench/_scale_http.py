"""The HTTP half of ``bench/bench_scale.py``: a real ``graphsvc serve`` on an imported portfolio, over loopback.

For one store (the URL names no password; a Neo4j password goes in the
server's environment) and two tokens, an ``admin`` and a ``kam``:

* **dashboard**: the portfolio query of issue 8, every page of 100 in turn
  (``after`` is the previous page's ``endCursor``). One walk warms the
  caches (each page of it is recorded as ``first_walk``), then
  ``DASHBOARD_WALKS`` walks are timed: ms per page (p50/p95/p99).
* **per account**: ``coverageGaps`` and ``influencePaths`` (to a decision
  node, k=3) of a few typical accounts that the kam is assigned to: two
  untimed requests of each per account, then ``ACCOUNT_REQUESTS`` of each
  query in turn over the accounts.

The client is ``bench.bench_api``'s: one keep-alive ``http.client``
connection, a request timed from sending it to reading the whole body. Every
answer must be 200 without GraphQL errors. The server's own time per request
comes from its request log, and its CPU time and peak RSS from /proc: the server's
CPU ms per request (per page) holds up on a busy machine where the wall times
do not.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench.bench_api import _Client, _proc_cpu_s, _proc_rss, _server, _server_durations

__all__ = ["ACCOUNT_REQUESTS", "DASHBOARD", "DASHBOARD_WALKS", "measure_http"]

DASHBOARD_WALKS = 3
ACCOUNT_REQUESTS = 200
PATH_FIELDS = "strength hops { from { id } to { id } relation weight }"
DASHBOARD = (
    "query Dashboard($after: String) { accounts(first: 100, after: $after) { edges { node { id name "
    "coverageScore gapCounts { high medium low } } } pageInfo { endCursor hasNextPage } } }"
)
GAPS = (
    "query Gaps($account: ID!) { coverageGaps(accountId: $account) { kind severity subject { id } message "
    f"suggestedMember {{ id }} suggestedPath {{ {PATH_FIELDS} }} }} }}"
)
PATHS = (
    f"query Paths($account: ID!, $to: ID!) {{ influencePaths(accountId: $account, to: $to, k: 3) {{ {PATH_FIELDS} }} }}"
)
VIEWER = "query { viewer { role accountIds } }"


def _body(query: str, variables: Mapping[str, Any] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": dict(variables or {})}).encode()


def _ask(client: _Client, body: bytes, request_id: str) -> tuple[float, dict[str, Any]]:
    """One request: client ms and the decoded ``data``; raises on a non-200 answer or a GraphQL error."""
    started = time.perf_counter()
    status, raw = client.post(body, request_id)
    ms = (time.perf_counter() - started) * 1000
    answer = json.loads(raw) if raw else {}
    if status != 200 or answer.get("errors") or not answer.get("data"):
        raise RuntimeError(f"{request_id}: status {status}: {raw[:800]!r}")
    return ms, answer["data"]


def _token(url: str, env: Mapping[str, str], member: str, role: str) -> str:
    made = subprocess.run(
        [H.python(), "-m", "graphsvc", "token", "create", "--member", member, "--role", role, "--store", url],
        capture_output=True,
        text=True,
        cwd=H.ROOT,
        env=dict(env),
        check=False,
    )
    if made.returncode != 0 or not made.stdout.strip():
        raise RuntimeError(f"graphsvc token create --role {role} failed: {made.stderr.strip()[-2000:]}")
    return made.stdout.strip().splitlines()[-1]


@contextmanager
def _environ(extra: Mapping[str, str]) -> Iterator[None]:
    """``extra`` in this process's environment while the server starts (bench_api's ``_server`` inherits it)."""
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _walk(client: _Client, label: str) -> tuple[list[float], int]:
    """Every page of the dashboard in turn: ms per page and the accounts seen."""
    after: str | None = None
    pages: list[float] = []
    seen = 0
    while True:
        ms, data = _ask(client, _body(DASHBOARD, {"after": after}), f"{label}-{len(pages)}")
        connection = data["accounts"]
        pages.append(ms)
        seen += len(connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            return pages, seen
        after = connection["pageInfo"]["endCursor"]


def _dashboard(client: _Client, who: str, walks: int, pid: int) -> dict[str, Any]:
    first, accounts = _walk(client, f"{who}-first")
    timed: list[float] = []
    walk_s: list[float] = []
    cpu = _proc_cpu_s(pid)
    for i in range(walks):
        pages, seen = _walk(client, f"{who}-dash{i}")
        if seen != accounts:
            raise RuntimeError(f"{who}: a dashboard walk saw {seen} accounts, the first {accounts}")
        timed.extend(pages)
        walk_s.append(round(sum(pages) / 1000, 3))
    return {
        "accounts": accounts,
        "pages": len(first),
        "first_walk_page_ms": H.percentiles(first, 2),
        "first_walk_s": round(sum(first) / 1000, 2),
        "page_ms": H.percentiles(timed, 2),
        "server_cpu_ms_per_page": round((_proc_cpu_s(pid) - cpu) * 1000 / len(timed), 2),
        "walk_s": walk_s,
    }


def _per_account(client: _Client, who: str, targets: Mapping[str, str], n: int, pid: int) -> dict[str, Any]:
    bodies = {
        "coverageGaps": [_body(GAPS, {"account": a}) for a in targets],
        "influencePaths": [_body(PATHS, {"account": a, "to": t}) for a, t in targets.items()],
    }
    out: dict[str, Any] = {}
    for name, per_account in bodies.items():
        for i, body in enumerate(per_account * 2):
            _ask(client, body, f"{who}-warm{name}-{i}")
        cpu = _proc_cpu_s(pid)
        samples = [_ask(client, per_account[i % len(per_account)], f"{who}-{name}-{i}")[0] for i in range(n)]
        spent = (_proc_cpu_s(pid) - cpu) * 1000 / n
        out[name] = {"client_ms": H.percentiles(samples, 3), "server_cpu_ms_per_request": round(spent, 2)}
    return out


def measure_http(
    url: str,
    env: Mapping[str, str],
    workdir: Path,
    admin: str,
    kam: str,
    targets: Mapping[str, str],
    walks: int = DASHBOARD_WALKS,
    requests: int = ACCOUNT_REQUESTS,
) -> dict[str, Any]:
    """Dashboard walks and per-account calls as ``admin`` and as ``kam`` (member ids); ``targets``: account -> node."""
    tokens = {"admin": _token(url, env, admin, "admin"), "kam": _token(url, env, kam, "kam")}
    log = workdir / "server.log"
    out: dict[str, Any] = {"members": {"admin": admin, "kam": kam}, "accounts": dict(targets)}
    extra = {k: v for k, v in env.items() if k.startswith("NEO4J_")}
    started = time.perf_counter()
    with _environ(extra), _server([H.python(), "-m", "graphsvc", "serve"], url, log) as server:
        out["server_start_s"] = round(time.perf_counter() - started, 1)
        for who, token in tokens.items():
            client = _Client(server.port, token)
            client.conn.timeout = 600  # a cold page of a large portfolio builds 100 influence graphs
            try:
                _, data = _ask(client, _body(VIEWER), f"{who}-viewer")
                visible = data["viewer"]["accountIds"]
                missing = [a for a in targets if visible is not None and a not in visible]
                if missing:
                    raise RuntimeError(f"the {who} token does not see {missing}")
                cpu = _proc_cpu_s(server.proc.pid)
                out[who] = {
                    "visible_accounts": "all" if visible is None else len(visible),
                    "dashboard": _dashboard(client, who, walks, server.proc.pid),
                    "per_account": _per_account(client, who, targets, requests, server.proc.pid),
                    "server_cpu_s": round(_proc_cpu_s(server.proc.pid) - cpu, 2),
                }
            finally:
                client.close()
        out["server_peak_rss_mib"] = _proc_rss(server.proc.pid)
    server_side = _server_durations(log)
    for who in tokens:
        out[who]["server_ms"] = {k: v for k, v in server_side.items() if k.startswith(f"{who}-")}
    return out
