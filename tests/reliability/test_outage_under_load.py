"""The real Neo4j test server stopped and started again under load, with graphsvc serve left running.

Client threads read (the portfolio count, an account's coverage gaps) and write (``createPerson``) without
pause. After a stretch of normal service the Neo4j server is stopped (``scripts/neo4j stop``), stays down a few
seconds, and starts again on the same port. While it is down every answer is ``STORE_UNAVAILABLE`` and comes
quickly (the p95 of those answers is reported and bounded); no client sees a dropped connection, a traceback or
another code; once Neo4j is back, requests succeed again without a restart of graphsvc; every acknowledged
write is in the store, and the audit log holds one accepted entry per write that landed. The single-client
outage test, and the ``outage`` server it uses, are in tests/store/test_neo4j.py; ``run_outage`` is also the long
version (bench/bench_faults.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from neo4j import GraphDatabase

from bench._harness import percentiles
from graphsvc.store import open_store
from tests.api.support import Server, code, running_server
from tests.conftest import export_text
from tests.neo4j_server import Neo4jServer
from tests.reliability.test_kill import accepted_entries
from tests.store.test_neo4j import _down, outage  # noqa: F401  (outage: the fixture, a Neo4j server of its own)

ACCOUNT = "acc_lumen"
READS = ["{ accounts { totalCount } }", f'{{ coverageGaps(accountId: "{ACCOUNT}") {{ kind }} }}']
CREATE = "mutation($p: PersonInput!) { createPerson(input: $p) { id } }"


@dataclass
class Answer:
    started: float
    seconds: float
    outcome: str
    """``ok``, an error code, or ``no answer: ...`` (the connection failed)."""
    write: str | None = None


@dataclass
class Load:
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def _client(api: Server, tag: str, load: Load) -> None:
    """Two reads, then a write, again and again until told to stop."""
    i = 0
    while not load.stop.is_set():
        write = f"p_out_{tag}_{i:05d}" if i % 3 == 2 else None
        started = time.monotonic()
        try:
            if write:
                response = api.post(CREATE, {"p": {"id": write, "account": ACCOUNT, "name": f"Outage {write}"}})
            else:
                response = api.post(READS[i % 3])
            body = response.json()
            errors = body.get("errors") or []
            outcome = "ok" if response.status_code == 200 and not errors else str(code(errors[0]) if errors else "")
        except (requests.RequestException, ValueError) as exc:
            outcome = f"no answer: {type(exc).__name__}: {str(exc)[:200]}"
        with load.lock:
            load.answers.append(Answer(started, time.monotonic() - started, outcome, write))
        i += 1


def _neo4j_ready(uri: str, neo: Neo4jServer, timeout: float = 120) -> float:
    """When the restarted server runs a query on its database through ``uri`` (its start script returns sooner)."""
    with GraphDatabase.driver(uri, auth=(neo.user, neo.password)) as driver:
        deadline = time.monotonic() + timeout
        while True:
            try:
                driver.execute_query("RETURN 1", database_="neo4j")
                return time.monotonic()
            except Exception:  # not up yet; the deadline below ends the wait
                assert time.monotonic() < deadline, "Neo4j did not come back"
                time.sleep(0.05)


def _until(done: Callable[[], bool], load: Load, what: str, timeout: float = 60) -> None:
    """Wait until ``done()`` holds of the answers so far; ``what`` (if given) fails the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with load.lock:
            if done():
                return
        time.sleep(0.1)
    assert not what, f"no {what} within {timeout:.0f} s"


def run_outage(workdir: Path, neo: Neo4jServer, clients: int = 8, down_s: float = 3.0) -> dict[str, Any]:
    """Serve on ``neo``, load it from ``clients`` threads, stop Neo4j for ``down_s`` seconds and start it; check."""
    load = Load()
    with running_server(workdir, store_url=neo.url) as api:
        apis = [Server(api.base, api.store_url, api.token, api.stderr_path) for _ in range(clients)]
        threads = [threading.Thread(target=_client, args=(a, f"c{n}", load)) for n, a in enumerate(apis)]
        for thread in threads:
            thread.start()
        try:
            _until(lambda: sum(a.outcome == "ok" for a in load.answers) >= 3 * clients, load, "normal service")
            stopping = time.monotonic()
            neo.stop()
            down = time.monotonic()
            _down(api, neo)  # /healthz and a burst of 8 more clients, as in the single-client outage test
            time.sleep(down_s)
            url = neo.url
            starting = time.monotonic()
            neo.start()
            up = time.monotonic()
            assert neo.url == url, "Neo4j came back on another port; graphsvc cannot follow that"
            ready = _neo4j_ready(neo.uri, neo)  # bolt://: straight to the server
            routed = _neo4j_ready(neo.uri.replace("bolt://", "neo4j://"), neo)  # as graphsvc asks: routing first
            _until(lambda: sum(a.started > up and a.outcome == "ok" for a in load.answers) >= 3 * clients, load, "")
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            for a in apis:
                a.http.close()
        health = api.request("GET", "/healthz")
        assert (health.status_code, health.json()["status"]) == (200, "ok")
        log = api.stderr()
    answers = load.answers
    unanswered = [
        (round(a.started - down, 1), round(a.seconds, 1), a.outcome) for a in answers if "no answer" in a.outcome
    ]
    assert not unanswered, f"clients got no answer (sent at s after Neo4j was down; seconds; what): {unanswered[:5]}"
    strange = {a.outcome for a in answers} - {"ok", "STORE_UNAVAILABLE"}
    assert not strange, f"answers other than success and STORE_UNAVAILABLE: {strange}"
    assert "Traceback" not in log, "the outage reached graphsvc as an internal error:\n" + log[-3000:]
    # The service log tells the outage once as it starts and once as it ends, not once per request.
    service = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert any("stopped answering" in line for line in service), "the log does not say Neo4j went away"
    assert any("answers again" in line for line in service), "the log does not say Neo4j is back"
    assert len(service) < 50, f"{len(service)} warnings and errors in the service log for one outage"
    before = [a for a in answers if a.started + a.seconds < stopping]
    assert all(a.outcome == "ok" for a in before), "requests failed before Neo4j was stopped"
    while_down = [a for a in answers if a.started >= down and a.started + a.seconds <= starting]
    assert len(while_down) >= clients, f"only {len(while_down)} requests were made while Neo4j was down"
    assert all(a.outcome == "STORE_UNAVAILABLE" for a in while_down), "a request succeeded while Neo4j was down"
    first_ok = min((a.started + a.seconds for a in answers if a.started > up and a.outcome == "ok"), default=None)
    assert first_ok is not None, "graphsvc did not recover after Neo4j came back"
    failures = [a.seconds for a in answers if a.outcome == "STORE_UNAVAILABLE"]

    acked = [a.write for a in answers if a.write and a.outcome == "ok"]
    failed = [a.write for a in answers if a.write and a.outcome != "ok"]
    with open_store(neo.url) as store:
        people = {p["id"] for p in json.loads(export_text(store)).get("people", []) if p["id"].startswith("p_out_")}
    lost = [w for w in acked if w not in people]
    assert lost == [], f"{len(lost)} acknowledged write(s) lost: {lost[:10]}"
    created = [e.ids[0] for e in accepted_entries(neo.url) if e.operation == "create_node"]
    assert sorted(created) == sorted(people), "the audit log and the data disagree"
    return {
        "clients": clients,
        "requests": len(answers),
        "neo4j_stop_s": round(down - stopping, 2),
        "down_s": round(starting - down, 2),
        "neo4j_start_s": round(up - starting, 2),
        "neo4j_database_ready_after_start_s": round(ready - up, 2),
        "neo4j_routing_ready_after_start_s": round(routed - up, 2),
        "graphsvc_recovered_after_ready_s": round(first_ok - ready, 2),
        "answers_while_down": len(while_down),
        "store_unavailable_answers_s": percentiles(failures),
        "acknowledged_writes": len(acked),
        "failed_writes": len(failed),
        "failed_writes_that_landed": sum(w in people for w in failed),
        "lost": len(lost),
        "service_log_warnings": len(service),
    }


@pytest.mark.neo4j
@pytest.mark.slow
def test_under_load_neo4j_down_fails_fast_loses_no_acknowledged_write_and_recovers_by_itself(
    tmp_path: Path,
    outage: Neo4jServer,  # noqa: F811
) -> None:
    figures = run_outage(tmp_path, outage)
    assert figures["store_unavailable_answers_s"]["p95"] < 2.0, figures
