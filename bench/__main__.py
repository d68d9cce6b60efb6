"""Run the benchmarks: ``python -m bench [names...]`` (all by default; ``make bench``).

A benchmark is a module ``bench/bench_<name>.py`` with ``run() -> dict``
returning at least ``store``, ``sizes``, ``measurements``, ``throughput``,
``peak_rss_mib``, ``goal`` and ``goal_met``. Each run is written to
``bench/results/<UTC timestamp>-<name>.json`` together with the machine and
the versions measured. The exit status is 1 when a benchmark fails to run,
and 0 otherwise (a missed goal is a result, recorded and printed, not a
crash); ``--strict`` also fails on a missed goal. ``--table`` prints the
newest result of each benchmark as the Markdown table of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bench
from bench import _harness as H

RESULTS = Path(__file__).resolve().parent / "results"


def available() -> list[str]:
    """Benchmark names, from the ``bench_*`` modules of this package."""
    return sorted(m.name[len("bench_") :] for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))


def run_one(name: str) -> dict[str, Any]:
    """Run one benchmark and write its result file; return the record written."""
    module = importlib.import_module(f"bench.bench_{name}")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    load_before = os.getloadavg()[0]
    if load_before > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {load_before:.2f} before {name}: other work will slow it down", file=sys.stderr)
    result = module.run()
    record = {
        "bench": name,
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_s": round(time.perf_counter() - clock, 1),
        "load_avg_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": H.machine(),
        "versions": H.versions(),
        **result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    record["file"] = str(path.relative_to(RESULTS.parent.parent))
    return record


def _summary(record: dict[str, Any]) -> str:
    lines = [f"{record['bench']}: {'goal met' if record.get('goal_met') else 'GOAL MISSED'} -> {record['file']}"]
    for goal in record.get("goals", []):
        mark = "ok  " if goal.get("met") else "MISS"
        lines.append(f"  {mark} {goal['what']}: {goal['measured']} (goal {goal['goal']})")
    return "\n".join(lines)


def latest_table() -> str:
    """A Markdown table of the newest result of each benchmark (for docs/performance.md)."""
    newest: dict[str, Path] = {}
    for path in sorted(RESULTS.glob("*.json")):
        newest[path.stem.split("-", 1)[1]] = path
    header = ["benchmark", "measure", "goal", "measured", "met", "run (UTC)", "machine"]
    rows = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, path in sorted(newest.items()):
        record = json.loads(path.read_text(encoding="utf-8"))
        box = record["machine"]
        where = f"{box['cpu_count']} x {box['cpu_model']}, {round(box['memory_mib'] / 1024)} GiB"
        for goal in record.get("goals", []):
            met = "yes" if goal["met"] else "**no**"
            cells = [name, goal["what"], goal["goal"], str(goal["measured"]), met, record["started_utc"], where]
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {names})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--table", action="store_true", help="print the newest results as a Markdown table and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(names))
        return 0
    if args.table:
        print(latest_table())
        return 0
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    failed = missed = 0
    for name in args.names or names:
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            record = run_one(name)
        except Exception:
            traceback.print_exc()
            print(f"{name}: FAILED to run", file=sys.stderr)
            failed += 1
            continue
        print(_summary(record), flush=True)
        missed += not record.get("goal_met")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
