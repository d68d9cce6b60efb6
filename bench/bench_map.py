"""Issue 6's map benchmark: account map pages from a real ``graphsvc serve`` in a real headless Chromium.

Setup (not measured): the ``typical`` and ``huge`` accounts of issue 3
(``bench.generate.account_document``; huge: 5,000 nodes, 50,000 relations)
imported into a new SQLite store, and ``graphsvc serve --no-auth`` on a free
loopback port. Chromium is Debian's (``/usr/bin/chromium``), driven by
Playwright, 1400 x 900.

Measured per account, ``REPEAT`` times in a fresh page (after one untimed
load that warms the server's analysis cache):

* **server**: the map page's HTTP GET (render time on a warm cache), and the
  page's size;
* **ready**: from ``page.goto`` to ``body[data-ready="true"]``: the page,
  vis-network and map.js loaded, the network built, laid out (bounded
  physics on small maps, server-side positions on large ones) and drawn;
  what a user waits for before the map answers;
* **gap click**: from clicking the first gap to its highlight applied
  (``aria-current`` set, the subject and path drawn highlighted);
* **redraw**: one full redraw of the canvas (``network.redraw()``), the cost
  of each frame while panning and zooming.
"""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _harness as H
from bench.bench_api import _server
from bench.generate import account_document, describe
from graphsvc.store import open_store

SIZES = ("typical", "huge")
REPEAT = 3
CHROMIUM = "/usr/bin/chromium"
GOALS = {
    ("huge", "ready_s"): 5.0,
    ("huge", "gap_click_s"): 1.0,
    ("huge", "redraw_ms"): 250.0,
    ("typical", "ready_s"): 2.0,
}
_GOAL_TEXT = {
    "ready_s": "map page open and interactive, s (p50)",
    "gap_click_s": "gap click to highlight, s (p50)",
    "redraw_ms": "one redraw (pan/zoom frame), ms (p50)",
}


def run() -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-map-"))
    try:
        return _run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{workdir / 'maps.db'}"
    sizes: dict[str, Any] = {}
    store = open_store(url, create=True)
    try:
        for size in SIZES:
            doc = account_document(size, seed=6)
            prefix = f"{size}_"
            doc = _prefixed(doc, prefix)
            store.import_document(doc)
            sizes[size] = {"account": doc["accounts"][0]["id"], **describe(doc)}
    finally:
        store.close()

    per_size: dict[str, Any] = {}
    with (
        _server([H.python(), "-m", "graphsvc", "serve", "--no-auth"], url, workdir / "server.log") as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for size in SIZES:
                path = f"/accounts/{sizes[size]['account']}/map"
                per_size[size] = _measure(browser, server.port, path)
        finally:
            browser.close()

    goals = []
    for (size, measure), goal in GOALS.items():
        value = per_size[size][measure]["p50"]
        goals.append(
            {
                "what": f"{size}: {_GOAL_TEXT[measure]}",
                "goal": f"<= {goal:g}",
                "measured": value,
                "met": value <= goal,
            }
        )
    return {
        "store": "sqlite",
        "command": "graphsvc serve --no-auth; Chromium (Playwright, headless) opens /accounts/ID/map",
        "sizes": sizes,
        "measurements": {
            **per_size,
            "note": (
                f"p50/max over {REPEAT} fresh pages after one warm-up load. ready: goto to body[data-ready]; "
                "server_s: the page's GET on a warm analysis cache; redraw_ms: network.redraw() in the page"
            ),
        },
        "throughput": {size: {"pages_per_s": round(1 / per_size[size]["server_s"]["p50"], 2)} for size in SIZES},
        "peak_rss_mib": H.rss_mib(),
        "goal": "a 5,000-node account's map opens and is interactive within seconds (issue 6)",
        "goals": goals,
        "goal_met": all(g["met"] for g in goals),
    }


def _prefixed(doc: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The document with every id prefixed, so that two generated accounts share one store."""
    out: dict[str, Any] = {"format": doc["format"]}
    for key, records in doc.items():
        if not isinstance(records, list):
            continue
        fixed = []
        for record in records:
            r = dict(record)
            for field in ("id", "from", "to", "account", "site"):
                if isinstance(r.get(field), str):
                    r[field] = prefix + r[field]
            fixed.append(r)
        out[key] = fixed
    return out


def _stats(samples: list[float], digits: int = 3) -> dict[str, Any]:
    ordered = sorted(samples)
    return {"p50": round(ordered[len(ordered) // 2], digits), "max": round(ordered[-1], digits), "n": len(samples)}


def _measure(browser: Any, port: int, path: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    server_s, size_bytes = [], 0
    for _ in range(REPEAT + 1):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        started = time.perf_counter()
        conn.request("GET", path)
        body = conn.getresponse().read()
        server_s.append(time.perf_counter() - started)
        size_bytes = len(body)
        conn.close()
    ready, click, redraw = [], [], []
    counts: dict[str, Any] = {}
    for _ in range(REPEAT):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        started = time.perf_counter()
        page.goto(base + path, timeout=300_000)
        page.wait_for_selector('body[data-ready="true"]', state="attached", timeout=300_000)
        ready.append(time.perf_counter() - started)
        counts = page.evaluate(
            "() => ({nodes: graphsvcMap.nodes.length, edges: graphsvcMap.edges.length,"
            " leftOut: JSON.parse(document.getElementById('map-data').textContent).edgesLeftOut})"
        )
        started = time.perf_counter()
        page.locator("li.gap button").first.click()
        page.wait_for_selector('li.gap[aria-current="true"]', state="attached")
        click.append(time.perf_counter() - started)
        redraw.append(
            page.evaluate(
                "() => { const t = performance.now(); graphsvcMap.network.redraw(); return performance.now() - t; }"
            )
        )
        if errors:
            raise RuntimeError(f"{path}: the page raised {errors[:3]}")
        page.close()
    return {
        "server_s": _stats(server_s[1:]),
        "server_first_s": round(server_s[0], 3),
        "page_mib": H.mib(size_bytes),
        "ready_s": _stats(ready),
        "gap_click_s": _stats(click),
        "redraw_ms": _stats(redraw, 1),
        "drawn": counts,
    }


def main() -> None:
    print(json.dumps(run(), indent=2))


if __name__ == "__main__":
    main()
