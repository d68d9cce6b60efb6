"""The account map in a real browser: the drawn network, tooltips, the gaps panel and the path view."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser.expected import SEVERITIES, drawn_edges
from tests.web.browser.mappage import (
    assert_drawn_highlighted,
    drawn,
    edges_of_hops,
    hover,
    map_data,
    node_at,
    node_point,
)
from tests.web.browser.watch import Watch

pytestmark = pytest.mark.browser

DEMO_ACCOUNTS = ["acc_castellani", "acc_halvorsen", "acc_lumen", "acc_vantor"]


@pytest.mark.parametrize("account", DEMO_ACCOUNTS)
def test_the_map_draws_the_accounts_influence_graph(page: Watch, analyst: Analyst, account: str) -> None:
    page.visit(f"/accounts/{account}/map", ready=True)
    ig = analyst.influence_graph(account)
    island = map_data(page)
    assert island["account"]["id"] == account
    assert island["account"]["name"] == ig.account.name
    assert sorted(n["id"] for n in island["nodes"]) == sorted(ig.nodes), "one drawn node per influence graph node"
    for node in island["nodes"]:
        assert node["kind"] == str(ig.nodes[node["id"]].kind)
    shown = Counter((e["from"], e["to"], e["type"]) for e in island["edges"])
    assert shown == drawn_edges(ig)
    for edge in island["edges"]:
        if edge["type"] != "AT_SITE":
            assert edge["weight"] == pytest.approx(ig.graph.edges[edge["from"], edge["to"]]["weight"]), edge
    state = drawn(page)
    assert state["nodeCount"] == len(ig.nodes) == len(island["nodes"])
    assert state["edgeCount"] == sum(shown.values()) == len(island["edges"])
    assert sorted(state["nodes"]) == sorted(str(n["id"]) for n in island["nodes"])
    assert sorted(state["edges"]) == sorted(str(e["id"]) for e in island["edges"])
    assert state["highlighted"] == {"nodes": [], "edges": []}
    assert page.page.locator("section#legend").is_visible()
    assert page.page.locator("#map canvas").count() >= 1, "vis-network drew on a canvas"


def test_the_gaps_panel_lists_the_accounts_gaps_by_severity(page: Watch, analyst: Analyst, today: date) -> None:
    account = "acc_halvorsen"
    page.visit(f"/accounts/{account}/map?asOf={today.isoformat()}", ready=True)
    shown = page.eval(
        """() => [...document.querySelectorAll('aside#gaps li.gap')].map(li =>
              [li.dataset.kind, li.dataset.severity, li.dataset.subject])"""
    )
    gaps = analyst.gaps(account, today)
    assert gaps, "the demo's Halvorsen account has gaps"
    assert shown == [[g.kind.value, g.severity.value, g.subject] for g in gaps]
    ranks = [SEVERITIES.index(s) for _, s, _ in shown]
    assert ranks == sorted(ranks)
    island = map_data(page)
    assert [(g["kind"], g["subject"], g["path"]) for g in island["gaps"]] == [
        (g.kind.value, g.subject, list(g.suggested_path.nodes) if g.suggested_path else None) for g in gaps
    ]


def test_clicking_a_gap_highlights_its_subject_and_suggested_path(page: Watch, analyst: Analyst, today: date) -> None:
    account = "acc_halvorsen"
    page.visit(f"/accounts/{account}/map?asOf={today.isoformat()}", ready=True)
    ig = analyst.influence_graph(account)
    gaps = analyst.gaps(account, today)
    with_path = [i for i, g in enumerate(gaps) if g.subject in ig.nodes and g.suggested_path]
    assert len(with_path) >= 2, "the demo's Halvorsen account has gaps with a suggested path"
    island = map_data(page)
    items = page.page.locator("aside#gaps li.gap")
    for index in with_path[:2]:
        gap = gaps[index]
        path = gap.suggested_path
        assert path is not None
        items.nth(index).locator("button").click()
        page.shot(f"gap-{gap.subject}")
        hops = [(h.source, h.target, h.relation) for h in path.hops]
        assert_drawn_highlighted(page, {gap.subject, *path.nodes}, edges_of_hops(island, hops))
        current = page.eval(
            """() => [...document.querySelectorAll('li.gap')].map(li => li.getAttribute('aria-current'))"""
        )
        assert current == ["true" if i == index else None for i in range(len(gaps))]
    page.page.click("#clear-highlight")
    assert drawn(page)["highlighted"] == {"nodes": [], "edges": []}


def _target_with_paths(analyst: Analyst, account: str) -> str:
    for node in analyst.decision_nodes(account):
        if analyst.paths(account, node):
            return node
    raise AssertionError(f"no decision node of {account} has an influence path")


def test_to_highlights_the_strongest_paths_to_the_target(page: Watch, analyst: Analyst) -> None:
    account = "acc_halvorsen"
    target = _target_with_paths(analyst, account)
    paths = analyst.paths(account, target)
    page.visit(f"/accounts/{account}/map?to={target}", ready=True)
    island = map_data(page)
    assert island["to"] == target
    assert island["paths"] == [list(p.nodes) for p in paths]
    hops = [(h.source, h.target, h.relation) for p in paths for h in p.hops]
    assert_drawn_highlighted(page, {n for p in paths for n in p.nodes}, edges_of_hops(island, hops))


def test_to_and_from_highlight_the_strongest_paths_from_one_member(page: Watch, analyst: Analyst) -> None:
    account = "acc_halvorsen"
    target = _target_with_paths(analyst, account)
    members = sorted({p.source for p in analyst.paths(account, target, k=10)})
    source = members[-1]
    paths = analyst.paths(account, target, [source])
    assert paths
    assert all(p.source == source for p in paths)
    page.visit(f"/accounts/{account}/map?to={target}&from={source}", ready=True)
    island = map_data(page)
    assert (island["to"], island["from"]) == (target, source)
    assert island["paths"] == [list(p.nodes) for p in paths]
    hops = [(h.source, h.target, h.relation) for p in paths for h in p.hops]
    assert_drawn_highlighted(page, {n for p in paths for n in p.nodes}, edges_of_hops(island, hops))


def test_a_tooltip_shows_who_the_stakeholder_is_and_who_covers_them(page: Watch, analyst: Analyst, today: date) -> None:
    account = "acc_halvorsen"
    ig = analyst.influence_graph(account)
    covered = sorted({r.target for r in ig.covers if ig.nodes[r.target].props.get("title")})
    node = ig.nodes[covered[0]]
    page.visit(f"/accounts/{account}/map", ready=True)
    text = hover(page, node.id)
    page.shot(f"tooltip-{node.id}")
    assert node.name in text
    assert str(node.props["title"]) in text
    for role in node.props.get("roles", []):
        assert str(role) in text
    if node.props.get("attitude"):
        assert str(node.props["attitude"]) in text
    for cover in (r for r in ig.covers if r.target == node.id):
        assert ig.nodes[cover.source].name in text, "the tooltip names every member covering the node"
        if cover.props.get("last_contact"):
            assert str(cover.props["last_contact"]) in text


def test_clicking_a_node_highlights_it_with_everyone_it_is_linked_to(page: Watch, analyst: Analyst) -> None:
    account = "acc_castellani"
    node = analyst.leverage(account)[0].node
    ig = analyst.influence_graph(account)
    page.visit(f"/accounts/{account}/map", ready=True)
    island = map_data(page)
    touching = [e for e in island["edges"] if node in (e["from"], e["to"])]
    neighbours = {e["to"] if e["from"] == node else e["from"] for e in touching}
    assert neighbours >= set(ig.graph.predecessors(node)) | set(ig.graph.successors(node))
    x, y = node_point(page, node)
    assert node_at(page, x, y) == node
    page.page.mouse.click(x, y)
    page.page.wait_for_function("() => window.graphsvcMap.highlighted.nodes.length > 0")
    page.shot(f"node-{node}")
    assert_drawn_highlighted(page, {node, *neighbours}, {str(e["id"]) for e in touching})
