"""A generated account of 5,000 nodes (bench.generate's ``huge``) opens, is drawn and answers a click.

A functional check with a generous bound, not a performance goal (those live in bench/).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser.mappage import node_at, node_point
from tests.web.browser.watch import READY, Watch

pytestmark = pytest.mark.browser

BOUND_MS = 60_000


def test_a_5000_node_account_opens_becomes_ready_and_answers_a_click(
    open_page: Watch, open_analyst: Analyst, huge_account: dict[str, Any]
) -> None:
    account = huge_account["accounts"][0]["id"]
    ig = open_analyst.influence_graph(account)
    assert len(ig.nodes) >= 4_900
    started = time.monotonic()
    response = open_page.page.goto(open_page.base + f"/accounts/{account}/map", timeout=BOUND_MS)
    assert response is not None
    assert response.ok, f"the map answered {response.status}"
    open_page.page.wait_for_selector(READY, state="attached", timeout=BOUND_MS)
    ready_s = time.monotonic() - started
    open_page.shot("ready")
    island_nodes = open_page.eval("() => JSON.parse(document.getElementById('map-data').textContent).nodes.length")
    assert island_nodes == len(ig.nodes)
    assert open_page.eval("() => window.graphsvcMap.nodes.length") == len(ig.nodes)

    decider = open_analyst.decision_nodes(account)[0]
    x, y = node_point(open_page, decider)
    under = node_at(open_page, x, y)
    assert under is not None, "a node is drawn where the decider is"
    started = time.monotonic()
    open_page.page.mouse.click(x, y)
    open_page.page.wait_for_function(
        "id => window.graphsvcMap.network.getSelectedNodes().includes(id)", arg=under, timeout=BOUND_MS
    )
    click_s = time.monotonic() - started
    open_page.shot("clicked")
    print(f"huge account: {len(ig.nodes)} nodes ready in {ready_s:.1f} s, a click answered in {click_s:.2f} s")
