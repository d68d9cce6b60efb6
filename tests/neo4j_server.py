"""Real Neo4j servers for the tests, started with ``scripts/neo4j`` (jars from Maven Central).

Each use gets its own server (its own run directory under the cache, its own
free port), because Neo4j community holds one user database: ``store`` for
the contract tests (wiped before each test), ``api-read`` and ``api-write``
for the API's servers. A server that already runs there (a developer's, kept
across test runs with ``make neo4j-test``) is reused and left running; one the
tests started is stopped when the session ends (``running(name)`` does both). When a server cannot start,
the tests that need it fail with the script's own words; they never skip.

Under pytest-xdist (``make test`` runs two workers) each worker has servers of its own (``store-gw0``, ...),
and starts are taken one at a time (a file lock), so two workers never pick the same free port.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graphsvc.store.neo4j.cypher import query

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j"


def cache_root() -> Path:
    explicit = os.environ.get("GRAPHSVC_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphsvc"


@dataclass
class Neo4jServer:
    name: str
    run_dir: Path
    uri: str = ""
    user: str = ""
    password: str = ""
    started_here: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """A graphsvc store URL with the credentials in it (neo4j://: routed, like a cluster)."""
        hostport = self.uri.split("://", 1)[1]
        return f"neo4j://{self.user}:{self.password}@{hostport}/neo4j"

    def script(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def _read_lines(self, text: str) -> None:
        values = dict(line.split("=", 1) for line in text.splitlines() if line.startswith("NEO4J_"))
        self.uri, self.user, self.password = values["NEO4J_URI"], values["NEO4J_USER"], values["NEO4J_PASSWORD"]

    def ensure(self) -> None:
        status = self.script("status")
        if status.returncode == 0:
            self._read_lines(status.stdout)
            return
        self.start()
        self.started_here = True

    def start(self) -> None:
        lock = cache_root() / "neo4j" / ".test-start.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # the script picks the first free port: one start at a time
            for _ in range(3):  # a process outside this lock (another checkout's server) may take the port first
                started = self.script("start")
                if started.returncode == 0 or "address already in use" not in started.stderr:
                    break
        if started.returncode != 0:
            pytest.fail(
                f"Neo4j ({self.name}) could not start with scripts/neo4j start "
                f"(run dir {self.run_dir}):\n{started.stderr[-3000:]}",
                pytrace=False,
            )
        self._read_lines(started.stdout)

    def stop(self) -> None:
        stopped = self.script("stop")
        assert stopped.returncode == 0, stopped.stderr

    def wipe(self) -> None:
        """Delete every graphsvc record, token and revision (constraints and indexes stay)."""
        with GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with driver.session(database="neo4j") as session:
                        session.run(query("wipe")).consume()
                        session.run(query("wipe_meta")).consume()
                    return
                except Exception:  # a server restarted by the test before: give it a moment
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)


def server(name: str) -> Neo4jServer:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{name}-{worker}"
    run_dir = cache_root() / "neo4j" / f"test-{name}"
    env = dict(os.environ)
    env.pop("GRAPHSVC_NEO4J_PORT", None)  # each test server picks a free port of its own
    env.update(
        GRAPHSVC_NEO4J_RUN_DIR=str(run_dir),
        GRAPHSVC_NEO4J_HEAP=os.environ.get("GRAPHSVC_TEST_NEO4J_HEAP", "768m"),
        GRAPHSVC_NEO4J_PAGECACHE="128m",
    )
    return Neo4jServer(name, run_dir, env=env)


@contextmanager
def running(name: str) -> Iterator[Neo4jServer]:
    """Server ``name`` running and wiped for a session fixture; stopped afterwards if it was started here."""
    s = server(name)
    s.ensure()
    try:
        s.wipe()
        yield s
    finally:
        if s.started_here:
            s.stop()
