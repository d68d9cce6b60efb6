"""What every benchmark needs: the machine and versions, percentiles, and measured subprocesses.

Peak memory is the peak resident set size (``ru_maxrss``) of the process
that does the work: benchmarks run that work in a fresh child process and
read the child's own rusage from ``os.wait4``, so neither the benchmark
driver nor an earlier child can inflate the figure.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["Child", "machine", "mib", "percentiles", "rss_mib", "run_child", "versions"]

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    """CPU count and model, memory, OS: enough to tell two result files' machines apart."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_mib": memory,
        "os": f"{platform.system()} {platform.release()}",
    }


def versions() -> dict[str, Any]:
    """Python, graphsvc, networkx and SQLite versions, and the git commit measured."""

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    out: dict[str, Any] = {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "graphsvc": version("graphsvc"),
        "networkx": version("networkx"),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "graphsvc"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        out["git_commit"] = commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        out["git_commit"] = None
    return out


def filesystem(path: str | Path) -> str:
    """The filesystem type holding ``path`` (``ext4``, ``tmpfs``, ...): a store on tmpfs is not a disk benchmark."""
    target = str(Path(path).resolve())
    best, kind = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            mount = parts[1]
            inside = target == mount or target.startswith(mount.rstrip("/") + "/")
            if inside and len(mount) > len(best):
                best, kind = mount, parts[2]
    except OSError:
        pass
    return kind


def percentiles(samples: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """n, min, p50, p95, p99, max and mean (linear interpolation between closest ranks)."""
    xs = sorted(samples)
    if not xs:
        return {"n": 0}

    def q(p: float) -> float:
        pos = p * (len(xs) - 1)
        low = int(pos)
        high = min(low + 1, len(xs) - 1)
        return xs[low] + (xs[high] - xs[low]) * (pos - low)

    out: dict[str, Any] = {"n": len(xs), "min": xs[0], "p50": q(0.5), "p95": q(0.95), "p99": q(0.99), "max": xs[-1]}
    out["mean"] = sum(xs) / len(xs)
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


def mib(n_bytes: float) -> float:
    return round(n_bytes / 2**20, 1)


def rss_mib(field: str = "VmHWM") -> float:
    """This process's ``VmHWM`` (peak) or ``VmRSS`` (now) from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@dataclass(frozen=True, slots=True)
class Child:
    """A finished child process: wall time, CPU time (user + system), its own peak RSS, exit code and output.

    On a busy machine the wall time grows while the CPU time stays about the
    same: a CPU time far below the wall time means the run waited for a CPU
    (or for the disk).
    """

    seconds: float
    cpu_s: float
    peak_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


def run_child(args: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | Path | None = None) -> Child:
    """Run ``args`` to completion; time it from spawn to exit and read its peak RSS from its own rusage."""
    out_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    with (
        open(out_dir / f"bench-child-{os.getpid()}.out", "w+b") as out,
        open(out_dir / f"bench-child-{os.getpid()}.err", "w+b") as err,
    ):
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=dict(env) if env else None, cwd=cwd or ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    for name in (out.name, err.name):
        Path(name).unlink(missing_ok=True)
    # ru_maxrss is in KiB on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Child(seconds, round(cpu, 3), round(usage.ru_maxrss / 1024, 1), proc.returncode, stdout, stderr)


def python() -> str:
    """The interpreter running the benchmarks (the project's venv under ``make bench``)."""
    return sys.executable
