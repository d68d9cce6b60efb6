"""The load generator shared by ``bench_load`` and ``soak``: a realistic request mix driven by asyncio + httpx.

``Workload.from_document`` reads the portfolio document (never the store) for
what the clients ask about: every account's people, decision persons and
covers, and the KAMs with the accounts they are assigned to. ``drive`` then
runs ``clients`` concurrent clients against ``/graphql``, each with its own
keep-alive connection and token (one client in four an admin roaming every
account, the others KAMs working on their own accounts), until a request
budget or a duration runs out, optionally at a fixed total rate. The mix:

* 70 % account map reads: the ``AccountMap`` operation of
  queries/graphql/account_map.graphql (what the map page and a dashboard's
  account view draw), on GraphQL;
* 20 % analyses: ``influencePaths`` to a decision person (10 %) and the
  ``AccountGaps`` operation (10 %);
* 10 % writes: a person's attitude, a cover's ``lastContact`` (the
  ``RecordContact`` operation) and a person's notes, a third each.

Any answer other than 200, and any answer with GraphQL ``errors``, counts as
an error. ``ProcessProbe`` reads a process's CPU time, RSS, open file
descriptors and TCP connections from /proc.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import _harness as H

__all__ = ["MIX", "ProcessProbe", "Workload", "drive"]

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_MAP = (ROOT / "queries" / "graphql" / "account_map.graphql").read_text(encoding="utf-8")
ACCOUNT_GAPS = (ROOT / "queries" / "graphql" / "account_gaps.graphql").read_text(encoding="utf-8")
INFLUENCE_PATHS = (ROOT / "queries" / "graphql" / "influence_paths.graphql").read_text(encoding="utf-8")
RECORD_CONTACT = (ROOT / "queries" / "graphql" / "record_contact.graphql").read_text(encoding="utf-8")
SET_ATTITUDE = (
    "mutation SetAttitude($id: ID!, $attitude: Attitude!) "
    "{ updatePerson(id: $id, input: {attitude: $attitude}) { id attitude account { id revision } } }"
)
SET_NOTES = (
    "mutation SetNotes($id: ID!, $notes: String!) "
    "{ updatePerson(id: $id, input: {notes: $notes}) { id notes account { id revision } } }"
)
AS_OF = "2026-11-15"
ATTITUDES = ("CHAMPION", "SUPPORTER", "NEUTRAL", "SKEPTIC", "OPPONENT", "UNKNOWN")

MIX: tuple[tuple[str, float], ...] = (
    ("map", 0.70),
    ("paths", 0.10),
    ("gaps", 0.10),
    ("write_attitude", 10 / 300),
    ("write_contact", 10 / 300),
    ("write_notes", 10 / 300),
)
"""Operation and share of the requests (the shares add up to 1)."""


@dataclass
class AccountPlan:
    """What a client may ask about one account."""

    id: str
    people: list[str]
    targets: list[str]
    """Decision persons (deciders, approvers), else every person: the ``to`` of influencePaths."""
    covers: list[tuple[str, str]]
    """(member, person) of the COVERS relations to people of the account."""


@dataclass
class Workload:
    """The accounts and the tokens' holders of a portfolio, and the tokens once made."""

    accounts: dict[str, AccountPlan]
    kams: dict[str, list[str]]
    """KAM member id -> the accounts they are assigned to (only KAMs with at least one account with people)."""
    admin_member: str
    tokens: dict[str, str] = field(default_factory=dict)
    """member id -> token secret (``admin`` -> the admin token)."""

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Workload:
        people: dict[str, list[str]] = defaultdict(list)
        deciders: dict[str, list[str]] = defaultdict(list)
        account_of: dict[str, str] = {}
        for p in doc.get("people", ()):
            people[p["account"]].append(p["id"])
            account_of[p["id"]] = p["account"]
            if {"decider", "approver"} & set(p.get("roles", ())):
                deciders[p["account"]].append(p["id"])
        covers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        assigned: dict[str, list[str]] = defaultdict(list)
        for r in doc.get("relations", ()):
            if r["type"] == "COVERS" and r["to"] in account_of:
                covers[account_of[r["to"]]].append((r["from"], r["to"]))
            elif r["type"] == "ASSIGNED_TO":
                assigned[r["from"]].append(r["to"])
        accounts = {
            a["id"]: AccountPlan(a["id"], people[a["id"]], deciders[a["id"]] or people[a["id"]], covers[a["id"]])
            for a in doc["accounts"]
            if people[a["id"]]
        }
        roles = {m["id"]: m["role"] for m in doc.get("members", ())}
        kams = {
            m: sorted(a for a in accs if a in accounts)
            for m, accs in sorted(assigned.items())
            if roles.get(m) == "kam" and any(a in accounts for a in accs)
        }
        admin = next(m["id"] for m in doc["members"] if m["role"] == "team_lead")
        return cls(accounts, kams, admin)

    def client_plan(self, index: int) -> tuple[str, list[str]]:
        """Client ``index``'s token and accounts: every fourth client an admin over every account, else a KAM."""
        kams = sorted(m for m in self.kams if m in self.tokens)
        if index % 4 == 0 or not kams:
            return self.tokens["admin"], sorted(self.accounts)
        member = kams[index % len(kams)]
        return self.tokens[member], self.kams[member]


def _request(op: str, plan: AccountPlan, rng: random.Random, client: int, n: int) -> dict[str, Any]:
    """The GraphQL body of one request of kind ``op`` on ``plan``'s account."""
    if op == "map":
        return {"query": ACCOUNT_MAP, "variables": {"accountId": plan.id, "asOf": AS_OF}}
    if op == "paths":
        return {"query": INFLUENCE_PATHS, "variables": {"accountId": plan.id, "to": rng.choice(plan.targets)}}
    if op == "gaps":
        return {"query": ACCOUNT_GAPS, "variables": {"accountId": plan.id, "asOf": AS_OF}}
    if op == "write_contact" and plan.covers:
        member, node = rng.choice(plan.covers)
        day = (date(2026, 1, 1) + timedelta(days=rng.randrange(330))).isoformat()
        variables = {"memberId": member, "nodeId": node, "lastContact": day, "asOf": AS_OF}
        return {"query": RECORD_CONTACT, "variables": variables}
    if op == "write_notes":
        notes = f"call {client}-{n}: <b>agreed</b> a visit & 'follow-up' \"next week\""
        return {"query": SET_NOTES, "variables": {"id": rng.choice(plan.people), "notes": notes}}
    return {"query": SET_ATTITUDE, "variables": {"id": rng.choice(plan.people), "attitude": rng.choice(ATTITUDES)}}


@dataclass
class Tally:
    """What the clients saw: latencies per operation, errors, and when the run started and ended."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    sent: int = 0
    started: float = 0.0
    ended: float = 0.0

    def error(self, op: str, what: str) -> None:
        self.errors[op] += 1
        if len(self.samples) < 10:
            self.samples.append(f"{op}: {what[:300]}")

    def summary(self) -> dict[str, Any]:
        seconds = max(self.ended - self.started, 1e-9)
        every = [x for xs in self.latencies.values() for x in xs]
        ok = len(every)
        errors = sum(self.errors.values())
        return {
            "seconds": round(seconds, 2),
            "requests": ok + errors,
            "requests_ok": ok,
            "errors": errors,
            "errors_by_operation": dict(self.errors),
            "error_samples": self.samples,
            "requests_per_s": round(ok / seconds, 1),
            "latency_ms": H.percentiles([x * 1000 for x in every], 1),
            "latency_ms_by_operation": {
                op: H.percentiles([x * 1000 for x in xs], 1) for op, xs in sorted(self.latencies.items())
            },
        }


async def _client(
    base: str,
    workload: Workload,
    index: int,
    tally: Tally,
    budget: int,
    deadline: float,
    interval: float,
    seed: int,
) -> None:
    rng = random.Random(seed * 1_000_003 + index)
    token, accounts = workload.client_plan(index)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    ops, weights = zip(*MIX, strict=True)
    timeout = httpx.Timeout(60.0)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    next_at = time.monotonic() + (rng.random() * interval if interval else 0.0)
    n = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout, limits=limits) as http:
        while tally.sent < budget and time.monotonic() < deadline:
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
                if time.monotonic() >= deadline:
                    break
            tally.sent += 1
            n += 1
            op = rng.choices(ops, weights)[0]
            plan = workload.accounts[rng.choice(accounts)]
            body = json.dumps(_request(op, plan, rng, index, n))
            started = time.perf_counter()
            try:
                response = await http.post("/graphql", content=body)
            except httpx.HTTPError as exc:
                tally.error(op, f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                tally.error(op, f"HTTP {response.status_code}: {response.text}")
                continue
            answer = response.json()
            if answer.get("errors"):
                tally.error(op, json.dumps(answer["errors"])[:300])
                continue
            tally.latencies[op].append(elapsed)


async def _drive(
    base: str,
    workload: Workload,
    clients: int,
    budget: int,
    seconds: float,
    rate: float | None,
    seed: int,
) -> Tally:
    tally = Tally()
    tally.started = time.monotonic()
    deadline = tally.started + seconds
    interval = clients / rate if rate else 0.0
    await asyncio.gather(*(_client(base, workload, i, tally, budget, deadline, interval, seed) for i in range(clients)))
    tally.ended = time.monotonic()
    return tally


def drive(
    base: str,
    workload: Workload,
    clients: int,
    *,
    budget: int,
    seconds: float,
    rate: float | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Run ``clients`` clients until ``budget`` requests are sent or ``seconds`` pass; return their summary.

    ``rate`` (requests/s over all clients) paces them; without it each client
    sends its next request as soon as the last is answered (a closed loop).
    """
    return asyncio.run(_drive(base, workload, clients, budget, seconds, rate, seed)).summary()


class ProcessProbe:
    """One live process's CPU seconds, RSS, peak RSS, open file descriptors and TCP connections, from /proc."""

    def __init__(self, pid: int, port: int | None = None) -> None:
        self.pid = pid
        self.port = port
        """The port the process serves on: its TCP sockets are then told apart as served and outbound."""

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _status(self, name: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def rss_mib(self) -> float:
        return self._status("VmRSS")

    def peak_rss_mib(self) -> float:
        return self._status("VmHWM")

    def _socket_inodes(self) -> set[str]:
        inodes = set()
        for fd in Path(f"/proc/{self.pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:  # closed meanwhile
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        return inodes

    def open_fds(self) -> int:
        return sum(1 for _ in Path(f"/proc/{self.pid}/fd").iterdir())

    def tcp_connections(self, side: str = "all") -> dict[str, int]:
        """The process's TCP sockets by state (ESTABLISHED, LISTEN, TIME_WAIT, ...), from /proc/net/tcp{,6}.

        ``side``: ``all``; ``served``, those on the process's own ``port`` (its listener and its clients'
        connections); ``outbound``, the others (a Neo4j driver's connection pool, for one).
        """
        states = {"01": "ESTABLISHED", "06": "TIME_WAIT", "08": "CLOSE_WAIT", "0A": "LISTEN"}
        mine = self._socket_inodes()
        out: Counter[str] = Counter()
        for name in ("tcp", "tcp6"):
            path = Path(f"/proc/{self.pid}/net/{name}")
            if not path.exists():
                continue
            for line in path.read_text().splitlines()[1:]:
                cols = line.split()
                if len(cols) <= 9 or cols[9] not in mine:
                    continue
                served = self.port is not None and int(cols[1].rsplit(":", 1)[1], 16) == self.port
                if side == "all" or (side == "served") == served:
                    out[states.get(cols[3], cols[3])] += 1
        return dict(sorted(out.items()))

    def snapshot(self) -> dict[str, Any]:
        return {
            "rss_mib": self.rss_mib(),
            "open_fds": self.open_fds(),
            "tcp": self.tcp_connections(),
            **(
                {"tcp_served": self.tcp_connections("served"), "tcp_outbound": self.tcp_connections("outbound")}
                if self.port is not None
                else {}
            ),
            "cpu_s": round(self.cpu_s(), 1),
        }
