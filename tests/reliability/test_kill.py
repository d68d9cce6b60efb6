"""SIGKILL of a real ``graphsvc serve`` during writes, and of a real ``graphsvc import``, on a real SQLite file.

Serve: client threads send writes (``createPerson``, and ``importGraph`` of three people at once) while the
process is killed at a random moment (seeded), then started again on the same file, several times. Import: a
``graphsvc import`` of a few thousand records is killed at a random moment, several times (a kill that lands
after its commit, before the process exits, finds it whole: never acknowledged, but all or nothing still).
Afterwards the store opens, ``PRAGMA integrity_check`` says ok, every acknowledged write (HTTP 200 without
errors; exit status 0) is there, an import that was killed left nothing of itself, and the audit log holds one
accepted entry per write that landed, no more. ``run_serve_kills``/``run_import_kills`` are also the long
version (bench/bench_faults.py).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from graphsvc.audit import AuditEntry, AuditOutcome
from graphsvc.store import open_store
from tests.api.support import GRAPHSVC, Server, cli, create_token, serve_process
from tests.conftest import export_text
from tests.store.test_durability import _integrity

ACCOUNT = "acc_lumen"
"""An account of the demo portfolio, which every store here starts with."""


def accepted_entries(url: str) -> list[AuditEntry]:
    """Every accepted entry of the store's audit log, oldest first."""
    out: list[AuditEntry] = []
    after = None
    with open_store(url) as store:
        while True:
            page = store.audit_log(after=after, limit=1000)
            out += [e for e in page.items if e.outcome == AuditOutcome.ACCEPTED]
            if page.next_after is None:
                return out
            after = page.next_after


def check_store(url: str, present: list[str], absent: list[str | None]) -> dict[str, Any]:
    """The store file is intact and opens; every id of ``present`` is in it, none of ``absent``; its export."""
    assert _integrity(url) == "ok"
    with open_store(url) as store:
        doc = json.loads(export_text(store))
    stored = {n["id"] for name in ("people", "members") for n in doc.get(name, [])}
    missing = [i for i in present if i not in stored]
    assert missing == [], f"{len(missing)} acknowledged write(s) lost: {missing[:10]}"
    found = [i for i in absent if i in stored]
    assert found == [], f"writes that failed are in the store: {found}"
    return dict(doc)


def _pid_of_serve(port: int) -> int:
    """The process serving on ``port`` (``serve_process`` starts ``graphsvc serve --port PORT``)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and b"--port" in args and args[args.index(b"--port") + 1] == str(port).encode():
            return int(entry.name)
    raise AssertionError(f"no graphsvc serve process on port {port}")


# -- serve killed during writes -------------------------------------------------------------------------------------

CREATE = "mutation($p: PersonInput!) { createPerson(input: $p) { id } }"
IMPORT = "mutation($d: JSON!) { importGraph(document: $d) { created } }"


@dataclass
class Writes:
    """What the clients of all rounds sent: acknowledged and unanswered writes, as person ids."""

    acked: list[str] = field(default_factory=list)
    acked_imports: list[list[str]] = field(default_factory=list)
    unanswered: list[list[str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _writer(api: Server, tag: str, writes: Writes, stop: threading.Event) -> None:
    """Write until the server dies: every 5th write imports three people at once."""
    i = 0
    while not stop.is_set():
        ids = [f"p_{tag}_{i:04d}"] if i % 5 else [f"p_{tag}_{i:04d}_{k}" for k in range(3)]
        people = [{"id": pid, "account": ACCOUNT, "name": f"Person {pid}"} for pid in ids]
        try:
            if len(ids) == 1:
                response = api.post(CREATE, {"p": people[0]})
            else:
                response = api.post(IMPORT, {"d": {"format": "graphsvc/1", "people": people}})
            body = response.json()
        except (requests.RequestException, ValueError):  # no answer, or one cut off by the kill
            with writes.lock:
                writes.unanswered.append(ids)
            return
        with writes.lock:
            if response.status_code == 200 and not body.get("errors"):
                (writes.acked.extend if len(ids) == 1 else writes.acked_imports.append)(ids)
            else:
                writes.failures.append(f"{ids}: {response.status_code} {body}")
        i += 1


def run_serve_kills(workdir: Path, rounds: int, seed: int, clients: int = 2) -> dict[str, Any]:
    """Serve, write from ``clients`` threads, SIGKILL at a random moment; ``rounds`` times; check; the figures."""
    rng = random.Random(seed)
    url = f"sqlite:///{workdir / 'graphsvc.db'}"
    assert cli(url, "demo").returncode == 0
    token = create_token(url)
    writes = Writes()
    restarts: list[float] = []
    for r in range(rounds):
        log = workdir / f"serve-{r}.log"
        started = time.monotonic()
        with serve_process(url, log) as base:
            restarts.append(time.monotonic() - started)
            stop = threading.Event()
            apis = [Server(base, url, token, log) for _ in range(clients)]
            threads = [
                threading.Thread(target=_writer, args=(api, f"k{r}c{c}", writes, stop)) for c, api in enumerate(apis)
            ]
            acked_before = len(writes.acked) + len(writes.acked_imports)
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 60
            while len(writes.acked) + len(writes.acked_imports) == acked_before and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 1.2))  # the kill: at a random moment after the first acknowledged write
            os.kill(_pid_of_serve(int(base.rsplit(":", 1)[1])), signal.SIGKILL)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            for api in apis:
                api.http.close()
            assert len(writes.acked) + len(writes.acked_imports) > acked_before, f"round {r}: no write acknowledged"
            assert "Traceback" not in log.read_text("utf-8", "replace")
    assert writes.failures == [], writes.failures[:5]
    imported = [pid for ids in writes.acked_imports for pid in ids]
    doc = check_store(url, writes.acked + imported, absent=[])
    stored = {p["id"] for p in doc["people"] if p["id"].startswith("p_k")}
    # All or nothing: an import of three people in flight at the kill is all there or not at all.
    for ids in writes.unanswered:
        assert len({pid in stored for pid in ids}) == 1, f"a killed import left part of itself: {ids}"
    entries = [e for e in accepted_entries(url) if e.actor.via == "api"]
    created = [e.ids[0] for e in entries if e.operation == "create_node"]
    assert len(created) == len(set(created))
    assert set(created) == {pid for pid in stored if pid.count("_") == 2}, "audit log and data disagree"
    landed_imports = {pid.rsplit("_", 1)[0] for pid in stored if pid.count("_") == 3}
    assert len([e for e in entries if e.operation == "import"]) == len(landed_imports)
    return {
        "rounds": rounds,
        "acknowledged_writes": len(writes.acked) + len(writes.acked_imports),
        "unanswered_writes": len(writes.unanswered),
        "unanswered_that_landed": sum(ids[0] in stored for ids in writes.unanswered),
        "lost": 0,
        "restart_s": restarts[1:],
    }


@pytest.mark.slow
def test_serve_killed_during_writes_keeps_every_acknowledged_write_and_an_audit_entry_for_each(
    tmp_path: Path,
) -> None:
    figures = run_serve_kills(tmp_path, rounds=3, seed=8)
    assert figures["acknowledged_writes"] > 0


# -- import killed midway -------------------------------------------------------------------------------------------


def _import_doc(path: Path, tag: str, people: int) -> list[str]:
    """``people`` new people of the demo account, each covered by a demo member; returns their ids."""
    ids = [f"p_{tag}_{i:05d}" for i in range(people)]
    doc = {
        "format": "graphsvc/1",
        "people": [{"id": pid, "account": ACCOUNT, "name": f"Imported {pid}"} for pid in ids],
        "relations": [{"type": "COVERS", "from": "m_berger", "to": pid, "strength": 0.5} for pid in ids],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return ids


def run_import_kills(workdir: Path, rounds: int, seed: int, people: int = 8000) -> dict[str, Any]:
    """``graphsvc import`` run once, then killed at a random moment of its run ``rounds - 1`` times; all or nothing."""
    rng = random.Random(seed)
    url = f"sqlite:///{workdir / 'graphsvc.db'}"
    assert cli(url, "demo").returncode == 0
    finished: list[str] = []
    killed: list[str] = []
    late: list[str] = []
    """Killed after its commit, before it could exit: landed whole, though never acknowledged."""
    durations: list[float] = []
    for r in range(rounds):
        ids = _import_doc(workdir / "import.json", f"i{r}", people)
        with open_store(url) as store:
            before = export_text(store), store.revision()
        proc = subprocess.Popen(
            [*GRAPHSVC, "import", str(workdir / "import.json"), "--store", url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        started = time.monotonic()
        try:
            # The first import runs to its end: its time sets the range of the kills, on any machine.
            proc.wait(timeout=rng.uniform(0.05, 0.95) * durations[0] if durations else 600)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        if proc.returncode == 0:
            durations.append(time.monotonic() - started)
            finished += ids
            check_store(url, ids, absent=[])
        else:
            assert proc.returncode == -signal.SIGKILL, err.decode()
            with open_store(url) as store:
                after = export_text(store), store.revision()
            if after[1] == before[1]:
                assert after == before, f"round {r}: the killed import left a trace"
                killed += ids
            else:
                assert after[1] == before[1] + 1, f"round {r}: the killed import moved the revision by more than one"
                check_store(url, ids, absent=[])
                late += ids
    doc = check_store(url, finished + late, absent=list(killed))
    imports = [e for e in accepted_entries(url) if e.operation == "import" and e.actor.via == "cli"]
    landed = (len(finished) + len(late)) // people
    assert len(imports) == 1 + landed, "one accepted import entry per import that landed (and the demo's)"
    return {
        "rounds": rounds,
        "killed": len(killed) // people,
        "killed_after_commit": len(late) // people,
        "finished": len(finished) // people,
        "records_per_import": 2 * people,
        "finished_s": durations,
        "nodes_after": sum(len(v) for v in doc.values() if isinstance(v, list)) - len(doc.get("relations", [])),
    }


@pytest.mark.slow
def test_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    figures = run_import_kills(tmp_path, rounds=4, seed=8)
    assert figures["killed"] >= 2, f"too few imports were killed midway to prove anything: {figures}"
