"""Durability of the stores, with real processes: on real SQLite files and on a real Neo4j server.

Imports are all or nothing (a bad record near the end of a large document, a
Ctrl-C mid-write leave the previous graph, on both stores; a SIGKILL mid-write
or mid-commit leaves the SQLite file's previous graph, see test_neo4j.py for
Neo4j), and two processes or two threads writing the same store lose nothing.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import InvalidInput
from graphsvc.model import NodeKind
from graphsvc.store import GraphStore, ImportMode, open_store
from tests.conftest import SMALL_DOC, export_text

_BIN = Path(sys.executable).with_name("graphsvc")
GRAPHSVC = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "graphsvc"]


def _db_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _seeded(url: str) -> tuple[str, int]:
    """Load the small document into the store at ``url``; return its export and revision."""
    with open_store(url) as store:
        store.import_document(SMALL_DOC)
        return export_text(store), store.revision()


def _state(url: str) -> tuple[str, int]:
    with open_store(url) as store:
        return export_text(store), store.revision()


def _integrity(url: str) -> str:
    """SQLite's own check of the store file ("ok"); a Neo4j server checks its store itself."""
    if not url.startswith("sqlite:///"):
        return "ok"
    conn = sqlite3.connect(_db_path(url))
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# -- import atomicity -------------------------------------------------------------------


def _large_doc(people: int) -> dict[str, Any]:
    """The small document plus ``people`` people of acc_acme, each covered by m_kam and reporting up a tree.

    Self-contained (valid for a replace import too); it also renames the stored member m_kam, so a
    half-written import would show in the known graph.
    """
    doc = copy.deepcopy(SMALL_DOC)
    ids = [f"p_bulk_{i:05d}" for i in range(people)]
    doc["people"] += [{"id": pid, "account": "acc_acme", "name": f"Bulk person {pid}"} for pid in ids]
    doc["members"] = [m if m["id"] != "m_kam" else {**m, "name": "Karl Kam (renamed)"} for m in doc["members"]]
    for i, pid in enumerate(ids):
        doc["relations"].append(
            {"type": "COVERS", "from": "m_kam", "to": pid, "strength": 0.5, "last_contact": "2026-01-02"}
        )
        doc["relations"].append({"type": "REPORTS_TO", "from": pid, "to": ids[(i - 1) // 2] if i else "p_ceo"})
    return doc


_BAD_RELATIONS: dict[str, tuple[dict[str, Any], str]] = {
    "missing_target": (
        {"type": "COVERS", "from": "m_kam", "to": "p_ghost", "strength": 0.5},
        "(COVERS m_kam -> p_ghost): target 'p_ghost' does not exist",
    ),
    # The CEO "reporting" to p_bulk_01500, who has no reports and reports up to the CEO through edges
    # earlier in the document: this edge closes the cycle, and it is the one that is out of place.
    "reports_to_cycle": (
        {"type": "REPORTS_TO", "from": "p_ceo", "to": "p_bulk_01500"},
        "(REPORTS_TO p_ceo -> p_bulk_01500): REPORTS_TO would form a cycle",
    ),
    "strength_out_of_range": (
        {"type": "KNOWS", "from": "m_kam", "to": "p_bulk_00007", "strength": 1.5},
        "(KNOWS m_kam -> p_bulk_00007): strength must be between 0 and 1",
    ),
}


@pytest.mark.parametrize("mode", list(ImportMode))
@pytest.mark.parametrize("bad", list(_BAD_RELATIONS))
def test_one_bad_relation_near_the_end_of_a_large_import_writes_nothing(
    store_url: str, mode: ImportMode, bad: str
) -> None:
    before, revision = _seeded(store_url)
    doc = _large_doc(3000)
    assert len(doc["relations"]) > 6000
    record, message = _BAD_RELATIONS[bad]
    index = len(doc["relations"]) - 5
    doc["relations"].insert(index, record)

    with open_store(store_url) as store:
        with pytest.raises(InvalidInput) as caught:
            store.import_document(doc, mode)
        assert export_text(store) == before
        assert store.revision() == revision
    assert _state(store_url) == (before, revision)
    # The error names the bad record, and only it: none of the 9,000 good ones.
    assert len(caught.value.problems) == 1, str(caught.value)
    assert str(caught.value.problems[0]).startswith(f"relations[{index}] {message}")


def test_import_interrupted_mid_write_leaves_the_previous_graph_and_a_usable_store(store_url: str) -> None:
    before, revision = _seeded(store_url)
    doc = _large_doc(3000)
    chunks: list[int] = []

    def ctrl_c_after_first_chunk(count: int) -> None:
        chunks.append(count)
        raise KeyboardInterrupt

    with open_store(store_url) as store:
        with pytest.raises(KeyboardInterrupt):
            store.import_document(doc, ImportMode.MERGE, ctrl_c_after_first_chunk)
        assert chunks, "the import never reached its write phase"
        assert export_text(store) == before
        assert store.revision() == revision
        result = store.import_document(doc)
        assert result.created == 9000
    assert _integrity(store_url) == "ok"


# -- crash safety -----------------------------------------------------------------------


def _write_big_doc(path: Path, people: int) -> int:
    """The small document plus ``people`` people, each covered and known by m_kam; returns its record count.

    Cheap to validate (no REPORTS_TO tree), so most of the import's time is spent writing.
    """
    doc = copy.deepcopy(SMALL_DOC)
    doc["members"] = [m if m["id"] != "m_kam" else {**m, "name": "Karl Kam (renamed)"} for m in doc["members"]]
    for i in range(people):
        pid = f"p_bulk_{i:06d}"
        doc["people"].append({"id": pid, "account": "acc_acme", "name": f"Bulk person {i}"})
        doc["relations"].append({"type": "COVERS", "from": "m_kam", "to": pid, "strength": 0.5})
        doc["relations"].append({"type": "KNOWS", "from": "m_kam", "to": pid, "strength": 0.3})
    with path.open("w", encoding="utf-8") as fp:
        json.dump(doc, fp)
    return sum(len(v) for v in doc.values() if isinstance(v, list))


_PROGRESS = re.compile(rb"(\d+)/(\d+)")


def _kill_when_writing(cmd: list[str], cwd: Path, db: Path) -> tuple[str, int]:
    """Run ``cmd`` on a terminal; SIGKILL it once its progress bar shows records written.

    Returns what it printed and its exit status (``-SIGKILL`` when the kill landed).
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120 x 40 terminal
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=cwd)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the terminal closes when the process exits
                    continue
            if any(0 < int(n) < int(total) for n, total in _PROGRESS.findall(seen)):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        os.close(master)
    return seen.decode("utf-8", "replace"), proc.returncode


def _kill_when_wal_grows(cmd: list[str], cwd: Path, db: Path) -> tuple[str, int]:
    """Run ``cmd``; SIGKILL it once the store's -wal file holds over 1 MiB (its commit writes tens of MiB)."""
    wal = db.with_name(db.name + "-wal")
    err = cwd / "import.err"
    with err.open("wb") as fp:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fp, stderr=fp, cwd=cwd)
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                size = wal.stat().st_size
            except FileNotFoundError:
                size = 0
            if size > 1 << 20:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    return err.read_text("utf-8", "replace"), proc.returncode


def _fresh_seeded(url: str) -> tuple[str, int]:
    """A new store file at ``url`` holding the small document; its export and revision."""
    path = _db_path(url)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return _seeded(url)


def _crash_import(tmp_path: Path, sqlite_url: str, kill: Callable[[list[str], Path, Path], tuple[str, int]]) -> None:
    """Import a large document in a real process, SIGKILL it mid-way, check the store kept its old graph.

    The document grows until the kill lands while the import runs; if it never does, the test fails.
    """
    db = _db_path(sqlite_url)
    big = tmp_path / "big.json"
    for people in (70_000, 200_000):
        before, revision = _fresh_seeded(sqlite_url)
        records = _write_big_doc(big, people)
        output, status = kill([*GRAPHSVC, "import", str(big), "--store", sqlite_url], tmp_path, db)
        if status == -signal.SIGKILL:
            break
        assert status == 0, f"the import failed on its own (exit {status}):\n{output}"
    else:
        pytest.fail(f"the import of {records} records finished before it could be killed; make the document bigger")
    assert _integrity(sqlite_url) == "ok"
    with open_store(sqlite_url) as store:
        assert export_text(store) == before
        assert store.revision() == revision
        assert store.health()["nodes"] == sum(len(v) for k, v in SMALL_DOC.items() if k not in ("format", "relations"))


@pytest.mark.slow
def test_import_killed_while_writing_leaves_the_previous_graph(tmp_path: Path, sqlite_url: str) -> None:
    _crash_import(tmp_path, sqlite_url, _kill_when_writing)


@pytest.mark.slow
def test_import_killed_while_committing_leaves_the_previous_graph(tmp_path: Path, sqlite_url: str) -> None:
    _crash_import(tmp_path, sqlite_url, _kill_when_wal_grows)


# -- concurrency ------------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from graphsvc.errors import GraphsvcError
    from graphsvc.store import open_store

    url, tag, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])

    def report(**what):
        print(json.dumps(what), flush=True)

    store = open_store(url)
    report(ready=True)
    while not go.exists():
        time.sleep(0.002)
    for i in range(200):
        time.sleep(0.002)  # a client between two requests; without it one writer starves the other
        pid = f"p_{tag}_{i:03d}"
        try:
            store.create_node("person", {"id": pid, "account": "acc_acme", "name": f"{tag} person {i}"})
        except GraphsvcError as exc:
            report(rejected=pid, error=str(exc))
        else:
            report(accepted=[pid])
        if i % 20 == 19:
            inf = f"inf_{tag}_{i:03d}"
            doc = {
                "format": "graphsvc/1",
                "influencers": [{"id": inf, "name": f"{tag} planner {i}", "kind": "planner"}],
                "relations": [
                    {"type": "INFLUENCES", "from": inf, "to": pid, "strength": 0.6},
                    {"type": "COVERS", "from": "m_kam", "to": pid, "strength": 0.4},
                ],
            }
            try:
                result = store.import_document(doc)
            except GraphsvcError as exc:
                report(rejected=inf, error=str(exc))
            else:
                report(accepted=[inf, f"INFLUENCES {inf} -> {pid}", f"COVERS m_kam -> {pid}"], revision=result.revision)
    store.close()
    """
)


def _run_writers(script: str, url: str, go: Path) -> list[list[dict[str, Any]]]:
    """Run ``script`` as writers "a" and "b" on the store at ``url``, released together; their reports."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, tag, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    try:
        for proc in procs:  # both have opened the store before either starts writing
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert json.loads(line or "{}").get("ready"), proc.stderr.read() if proc.stderr else ""
        go.touch()
        reports = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
            assert "Traceback" not in stderr
            reports.append([json.loads(line) for line in stdout.splitlines()])
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


@pytest.mark.slow
def test_two_processes_writing_the_same_store_lose_no_accepted_write(tmp_path: Path, store_url: str) -> None:
    _, revision = _seeded(store_url)
    reports = _run_writers(_WRITER, store_url, tmp_path / "go")

    accepted = [item for lines in reports for line in lines for item in line.get("accepted", [])]
    rejected = [line for lines in reports for line in lines if "rejected" in line]
    a, b = ([line["revision"] for line in lines if "revision" in line] for lines in reports)
    if not (min(a) < max(b) and min(b) < max(a)):
        pytest.fail(f"the processes wrote one after the other (revisions {a} and {b}); the test proved nothing")
    assert rejected == [], "writes were refused although every one of them is valid"
    assert len(accepted) == 2 * (200 + 10 * 3)
    with open_store(store_url) as store:
        doc = json.loads(export_text(store))
        stored = {n["id"] for name in ("people", "influencers") for n in doc.get(name, [])}
        stored |= {f"{r['type']} {r['from']} -> {r['to']}" for r in doc["relations"]}
        missing = [item for item in accepted if item not in stored]
        assert missing == []
        # Every accepted write moved the store revision once: no write overwrote another.
        assert store.revision() == revision + 2 * (200 + 10)
        assert len(doc["people"]) == len(SMALL_DOC["people"]) + 400
    assert _integrity(store_url) == "ok"


_CYCLE_WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from graphsvc.errors import InvalidInput
    from graphsvc.store import open_store

    url, tag, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = open_store(url)
    print(json.dumps({"ready": True}), flush=True)
    while not go.exists():
        time.sleep(0.002)
    # The writers go through the pairs from opposite ends and meet in the middle.
    for i in range(100) if tag == "a" else reversed(range(100)):
        time.sleep(0.002)  # a client between two requests; without it one writer starves the other
        up, down = (f"p_x_{i:03d}", f"p_y_{i:03d}")
        source, target = (up, down) if tag == "a" else (down, up)
        try:
            store.create_relation({"type": "REPORTS_TO", "from": source, "to": target})
        except InvalidInput as exc:
            print(json.dumps({"rejected": i, "error": str(exc)}), flush=True)
        else:
            print(json.dumps({"accepted": i}), flush=True)
    store.close()
    """
)


@pytest.mark.slow
def test_two_processes_cannot_both_add_half_of_a_reports_to_cycle(tmp_path: Path, store_url: str) -> None:
    doc = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_acme", "name": "Acme", "status": "key"}],
        "people": [
            {"id": f"p_{side}_{i:03d}", "account": "acc_acme", "name": f"{side} {i}"}
            for i in range(100)
            for side in "xy"
        ],
    }
    with open_store(store_url) as store:
        store.import_document(doc)
    reports = _run_writers(_CYCLE_WRITER, store_url, tmp_path / "go")

    for i in range(100):
        outcomes = sorted(
            "accepted" if line.get("accepted") == i else "rejected"
            for lines in reports
            for line in lines
            if i in (line.get("accepted"), line.get("rejected"))
        )
        assert outcomes == ["accepted", "rejected"], f"pair {i}: {outcomes}"
    assert all(any("accepted" in line for line in lines) for lines in reports), "one writer never got a pair"
    errors = [line["error"] for lines in reports for line in lines if "error" in line]
    assert all("would form a cycle" in e for e in errors), errors
    with open_store(store_url) as store:
        edges = {(r["from"], r["to"]) for r in json.loads(export_text(store))["relations"]}
    assert len(edges) == 100
    assert not any((b, a) in edges for a, b in edges)


def test_two_threads_writing_through_one_store_both_land_with_distinct_increasing_revisions(store: GraphStore) -> None:
    """The API's worker threads share one store object: neither thread's writes are lost or numbered twice."""
    store.import_document(SMALL_DOC)
    start = store.revision()
    ready = threading.Barrier(2)
    revisions: dict[str, list[int]] = {"a": [], "b": []}
    failures: list[BaseException] = []

    def write(tag: str) -> None:
        ready.wait()
        for i in range(25):
            time.sleep(0.002)  # a client between two requests
            person = {"id": f"p_{tag}_{i:02d}", "account": "acc_acme", "name": f"{tag} person {i}"}
            try:
                result = store.import_document({"format": "graphsvc/1", "people": [person]})
            except BaseException as exc:  # reported below, with the thread's name
                failures.append(exc)
                return
            revisions[tag].append(result.revision)

    threads = [threading.Thread(target=write, args=(tag,)) for tag in revisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    a, b = revisions["a"], revisions["b"]
    if not (min(a) < max(b) and min(b) < max(a)):
        pytest.fail(f"the threads wrote one after the other (revisions {a} and {b}); the test proved nothing")
    assert a == sorted(set(a))
    assert b == sorted(set(b))
    assert sorted(a + b) == list(range(start + 1, start + 51))
    assert store.revision() == start + 50
    people = {p.id for p in store.list_nodes(NodeKind.PERSON, limit=1000).items}
    assert {f"p_{tag}_{i:02d}" for tag in "ab" for i in range(25)} <= people
