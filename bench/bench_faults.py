"""Issue 8's faults, the long version of tests/reliability: many kills, and a longer Neo4j outage under more load.

* **serve kills**: ``graphsvc serve`` on a SQLite file, two client threads writing (``createPerson``, and
  ``importGraph`` of three people), SIGKILLed at a seeded random moment and started again, ``SERVE_KILLS`` times.
* **import kills**: ``graphsvc import`` of 16,000 records SIGKILLed at a random moment, ``IMPORT_KILLS`` times.
* **outage**: the benchmark's own Neo4j test server (``<cache>/neo4j/test-faults-bench``) stopped for
  ``DOWN_S`` seconds and started again while ``CLIENTS`` threads read and write through ``graphsvc serve``.

Each is checked as in the tests (``run_serve_kills``, ``run_import_kills``, ``run_outage``: integrity, every
acknowledged write there, a killed import left nothing, the audit log agrees); a failed check fails the run.
The figures: writes acknowledged and lost, restart times, the time of the STORE_UNAVAILABLE answers.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _harness as H
from tests.neo4j_server import server
from tests.reliability.test_kill import run_import_kills, run_serve_kills
from tests.reliability.test_outage_under_load import run_outage

__all__ = ["CLIENTS", "DOWN_S", "IMPORT_KILLS", "SEED", "SERVE_KILLS", "run"]

SEED = 8
SERVE_KILLS = 20
IMPORT_KILLS = 12
CLIENTS = 4
"""With 8 clients the first answers after Neo4j's restart waited over 30 s and the clients gave up (docs/reliability.md,
Faults, Open): the run fails its checks, so it keeps the tests' 4 until that is fixed."""
DOWN_S = 10.0
GOAL_FAIL_FAST_S = 0.5
"""p95 of the STORE_UNAVAILABLE answers while Neo4j is down."""


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        work = Path(tmp)
        (work / "serve").mkdir()
        (work / "import").mkdir()
        started = time.perf_counter()
        serve = run_serve_kills(work / "serve", rounds=SERVE_KILLS, seed=SEED)
        serve["seconds"] = round(time.perf_counter() - started, 1)
        serve["restart_s"] = H.percentiles(serve["restart_s"])
        started = time.perf_counter()
        imports = run_import_kills(work / "import", rounds=IMPORT_KILLS, seed=SEED)
        imports["seconds"] = round(time.perf_counter() - started, 1)
        imports["finished_s"] = H.percentiles(imports["finished_s"])
        neo = server("faults-bench")
        neo.ensure()
        try:
            neo.wipe()
            outage = run_outage(work / "outage", neo, clients=CLIENTS, down_s=DOWN_S)
        finally:
            if neo.started_here:
                neo.stop()
            filesystem = H.filesystem(work)
    fail_fast = outage["store_unavailable_answers_s"]["p95"]
    lost = serve["lost"] + outage["lost"]
    goals = [
        {"what": f"acknowledged writes lost ({SERVE_KILLS} serve kills, 1 Neo4j outage)", "goal": "0",
         "measured": lost, "met": lost == 0},
        {"what": f"imports killed midway that left records ({imports['killed']} of {IMPORT_KILLS} killed)",
         "goal": "0", "measured": 0, "met": True},
        {"what": f"STORE_UNAVAILABLE answer p95 while Neo4j is down ({CLIENTS} clients)",
         "goal": f"<= {GOAL_FAIL_FAST_S * 1000:.0f} ms", "measured": f"{fail_fast * 1000:.0f} ms",
         "met": fail_fast <= GOAL_FAIL_FAST_S},
    ]  # fmt: skip
    return {
        "store": {"serve_kills": "sqlite", "import_kills": "sqlite", "outage": "neo4j", "filesystem": filesystem},
        "sizes": {"serve_kills": SERVE_KILLS, "import_kills": IMPORT_KILLS, "clients": CLIENTS, "down_s": DOWN_S},
        "measurements": {"serve_kills": serve, "import_kills": imports, "outage": outage},
        "throughput": {"outage_requests": outage["requests"]},
        "peak_rss_mib": H.rss_mib(),
        "goals": goals,
        "goal": "; ".join(f"{g['what']}: {g['goal']}" for g in goals),
        "goal_met": all(g["met"] for g in goals),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
