"""The benchmarks' own real Neo4j: ``scripts/neo4j`` in a dedicated run directory, sized for a big import.

The server lives in ``<cache>/neo4j/bench`` (cache: ``$GRAPHSVC_CACHE``, else
``${XDG_CACHE_HOME:-~/.cache}/graphsvc``), apart from the development server
and the test servers, with a heap big enough for the store's all-or-nothing
import of 600,000 records in one transaction. A server already running there
is reused and left running; one started here is stopped by ``close``. Its
settings (heap, page cache, version) are read from the running JVM and its
``neo4j.conf``, so a reused server is described as it is, not as asked.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._harness import ROOT

__all__ = ["HEAP", "PAGECACHE", "BenchNeo4j", "cache_root"]

SCRIPT = ROOT / "scripts" / "neo4j"
HEAP = os.environ.get("GRAPHSVC_BENCH_NEO4J_HEAP", "4g")
"""JVM heap: the store imports in one transaction (about 3 GB of transaction state for 600,000 records)."""
PAGECACHE = os.environ.get("GRAPHSVC_BENCH_NEO4J_PAGECACHE", "1g")


def cache_root() -> Path:
    explicit = os.environ.get("GRAPHSVC_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphsvc"


@dataclass
class BenchNeo4j:
    """A running benchmark server: its Bolt address, credentials, JVM pid and settings."""

    run_dir: Path = field(default_factory=lambda: cache_root() / "neo4j" / "bench")
    uri: str = ""
    user: str = ""
    password: str = ""
    started_here: bool = False
    start_s: float = 0.0

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("GRAPHSVC_NEO4J_PORT", None)  # a free port of its own
        env.update(
            GRAPHSVC_NEO4J_RUN_DIR=str(self.run_dir),
            GRAPHSVC_NEO4J_HEAP=HEAP,
            GRAPHSVC_NEO4J_HEAP_INITIAL=HEAP,  # the whole heap up front: no resizing during the big import
            GRAPHSVC_NEO4J_PAGECACHE=PAGECACHE,
        )
        return env

    @property
    def url(self) -> str:
        """The graphsvc store URL, without the password (``NEO4J_PASSWORD`` carries it, see ``child_env``)."""
        return f"neo4j://{self.user}@{self.uri.split('://', 1)[1]}/neo4j"

    def child_env(self) -> dict[str, str]:
        """The environment of a graphsvc child process: the password, and no store URL of the caller's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHSVC_STORE"))}
        env["NEO4J_PASSWORD"] = self.password
        return env

    def _script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=900, check=False
        )

    def _read_lines(self, text: str) -> None:
        values = dict(line.split("=", 1) for line in text.splitlines() if line.startswith("NEO4J_"))
        self.uri, self.user, self.password = values["NEO4J_URI"], values["NEO4J_USER"], values["NEO4J_PASSWORD"]

    def ensure(self) -> None:
        """Reuse the server running in the run directory, else start one (fetching Neo4j with Maven once)."""
        status = self._script("status")
        if status.returncode == 0:
            self._read_lines(status.stdout)
            return
        started = time.perf_counter()
        done = self._script("start")
        if done.returncode != 0:
            raise RuntimeError(f"scripts/neo4j start failed (run dir {self.run_dir}):\n{done.stderr[-3000:]}")
        self.start_s = round(time.perf_counter() - started, 1)
        self._read_lines(done.stdout)
        self.started_here = True

    def close(self) -> None:
        """Stop the server if it was started here."""
        if self.started_here:
            stopped = self._script("stop")
            if stopped.returncode != 0:
                raise RuntimeError(f"scripts/neo4j stop failed: {stopped.stderr[-2000:]}")
            self.started_here = False

    def driver(self) -> Any:
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.uri, auth=(self.user, self.password), notifications_min_severity="OFF")

    def wipe(self) -> float:
        """Delete every graphsvc record, revision and token (as tests/neo4j_server.py does); return the seconds."""
        from graphsvc.store.neo4j.cypher import query

        started = time.perf_counter()
        with self.driver() as driver, driver.session(database="neo4j") as session:
            session.run(query("wipe")).consume()  # CALL ... IN TRANSACTIONS: an auto-commit transaction
            session.run(query("wipe_meta")).consume()
        return time.perf_counter() - started

    # -- the JVM ---------------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return int((self.run_dir / "neo4j.pid").read_text().strip())

    def _status(self, name: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def rss_mib(self) -> float:
        """The server's resident set now (MiB)."""
        return self._status("VmRSS")

    def peak_rss_mib(self) -> float:
        """The server's peak resident set since it started (``VmHWM``, MiB)."""
        return self._status("VmHWM")

    def cpu_s(self) -> float:
        """User + system CPU seconds the server has used since it started (every thread)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settings(self) -> dict[str, Any]:
        """Version, heap, page cache and transaction memory limit of the running server, as it runs."""
        args = Path(f"/proc/{self.pid}/cmdline").read_text().split("\0")
        heap = next((a[4:] for a in args if a.startswith("-Xmx")), None)
        version = next((a.split("/dist/", 1)[1].split("/", 1)[0] for a in args if "/dist/" in a), None)
        conf: dict[str, str] = {}
        for line in (self.run_dir / "conf" / "neo4j.conf").read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                conf[key.strip()] = value.strip()
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False).stderr.splitlines()
        return {
            "neo4j": version,
            "edition": "community (jars from Maven Central, scripts/neo4j)",
            "java": java[0] if java else None,
            "heap_max": heap,
            "pagecache": conf.get("server.memory.pagecache.size"),
            "transaction_total_max": conf.get("db.memory.transaction.total.max"),
            "run_dir": str(self.run_dir),
            "started_by_bench": self.started_here,
            "start_s": self.start_s or None,
        }
