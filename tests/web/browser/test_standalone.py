"""``graphsvc map ACCOUNT -o FILE.html``: one file that draws the same map offline, from file://, with no request."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser import hostile
from tests.web.browser.live import LiveServer, load
from tests.web.browser.mappage import drawn, edges_of_hops, hover, map_data
from tests.web.browser.test_hostile import assert_nothing_ran
from tests.web.browser.watch import READY, Watch

pytestmark = pytest.mark.browser


def _open(page: Watch, path: Path) -> None:
    page.page.goto(path.as_uri(), wait_until="load")
    page.page.wait_for_selector(READY, state="attached", timeout=30_000)
    page.shot(path.stem)


def test_the_standalone_map_draws_offline_what_the_served_map_draws(
    offline_page: Watch, site: LiveServer, analyst: Analyst, tmp_path: Path
) -> None:
    account = "acc_halvorsen"
    target = next(d for d in analyst.decision_nodes(account) if analyst.paths(account, d))
    out = tmp_path / "halvorsen.html"
    load(site.store_url, "map", account, "-o", str(out), "--to", target)
    _open(offline_page, out)
    ig = analyst.influence_graph(account)
    island = map_data(offline_page)
    state = drawn(offline_page)
    assert state["nodeCount"] == len(ig.nodes) == len(island["nodes"])
    assert sorted(state["nodes"]) == sorted(ig.nodes)
    assert state["edgeCount"] == len(island["edges"])
    paths = analyst.paths(account, target)
    hops = [(h.source, h.target, h.relation) for p in paths for h in p.hops]
    assert set(state["highlighted"]["nodes"]) == {n for p in paths for n in p.nodes}
    assert set(state["highlighted"]["edges"]) == edges_of_hops(island, hops)
    node = next(n for n in ig.nodes.values() if n.kind == "person")
    assert node.name in hover(offline_page, node.id), "tooltips work offline too"


def test_the_standalone_map_of_the_hostile_account_runs_no_stored_text(
    offline_page: Watch, site: LiveServer, tmp_path: Path
) -> None:
    out = tmp_path / "hostile.html"
    load(site.store_url, "map", hostile.ACCOUNT, "-o", str(out))
    _open(offline_page, out)
    assert_nothing_ran(offline_page)
    assert hostile.IMG in hover(offline_page, hostile.DECIDER)
    offline_page.page.locator(f"li.gap[data-subject={hostile.DECIDER}] button").first.click()
    assert hostile.DECIDER in drawn(offline_page)["highlighted"]["nodes"]
    assert_nothing_ran(offline_page)
