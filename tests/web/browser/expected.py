"""What the pages must show, worked out in-process from the analysis layer on the server's own store.

Nothing here is hard-coded: every number comes from an ``Analyst`` on the
same SQLite file the live server reads.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphsvc.analysis import InfluenceGraph
from graphsvc.analyst import Analyst
from graphsvc.model import NodeKind
from tests.web.browser.watch import Watch

SEVERITIES = ("HIGH", "MEDIUM", "LOW")


def all_accounts(analyst: Analyst) -> list[str]:
    """Every account id in the store, in id order."""
    out: list[str] = []
    after = None
    while True:
        page = analyst.store.list_nodes(NodeKind.ACCOUNT, after=after, limit=500)
        out.extend(n.id for n in page.items)
        if page.next_after is None:
            return out
        after = page.next_after


def drawn_edges(ig: InfluenceGraph) -> Counter[tuple[str, str, str]]:
    """The edges a map draws, as (from, to, type), per docs/web.md's account map section.

    Every edge of the influence graph, except that an edge walked against its
    relation (``KNOWS`` from the person's side, a manager's pull down a
    ``REPORTS_TO``) shares the line of the relation's own edge when that edge
    exists; plus one ``AT_SITE`` line from each person with a site to it.
    """
    graph = ig.graph
    out: Counter[tuple[str, str, str]] = Counter()
    for u, v, d in graph.edges(data=True):
        if d["inverse"] and graph.has_edge(v, u):
            back = graph.edges[v, u]
            if back["relation"] == d["relation"] and not back["inverse"]:
                continue
        out[(u, v, str(d["relation"]))] += 1
    for person in ig.of_kind(NodeKind.PERSON):
        site = person.props.get("site")
        if site in ig.nodes:
            out[(person.id, str(site), "AT_SITE")] += 1
    return out


def map_data(page: Watch) -> dict[str, Any]:
    """The map page's JSON data island, parsed."""
    found = page.eval(
        "() => { const e = document.getElementById('map-data'); return e ? JSON.parse(e.textContent) : null; }"
    )
    assert found, "the map page has no <script id='map-data'> data island"
    return dict(found)


def drawn(page: Watch) -> dict[str, Any]:
    """What vis-network holds: the ids in the nodes and edges DataSets, and what is highlighted."""
    return dict(
        page.eval(
            """() => {
              const m = window.graphsvcMap;
              return {
                nodes: m.nodes.getIds().map(String), edges: m.edges.getIds().map(String),
                nodeCount: m.nodes.length, edgeCount: m.edges.length,
                highlighted: {nodes: [...m.highlighted.nodes].map(String), edges: [...m.highlighted.edges].map(String)},
              };
            }"""
        )
    )


def edges_of_hops(island: dict[str, Any], hops: list[tuple[str, str, str]]) -> set[str]:
    """The ids of the drawn edges that carry the hops (from, to, relation) of a path.

    A hop walked against its relation shares the line of the relation's own
    edge, so it is found in either direction."""
    by_pair = {(e["from"], e["to"], e["type"]): str(e["id"]) for e in island["edges"]}
    out: set[str] = set()
    for a, b, relation in hops:
        found = by_pair.get((a, b, relation)) or by_pair.get((b, a, relation))
        assert found, f"no drawn edge carries the hop {a} -{relation}-> {b}"
        out.add(found)
    return out


STYLE_CHANGES = """() => {
  const data = JSON.parse(document.getElementById('map-data').textContent);
  const m = window.graphsvcMap;
  const skip = new Set(['id', 'title', 'info', 'x', 'y', 'label']);
  function changed(now, was) {
    const out = {};
    for (const k of Object.keys(now).sort()) {
      if (skip.has(k)) continue;
      if (JSON.stringify(now[k]) !== JSON.stringify(was[k])) out[k] = now[k];
    }
    return JSON.stringify(out);
  }
  const nodes = {}, edges = {};
  for (const n of data.nodes) nodes[n.id] = changed(m.nodes.get(n.id), n);
  for (const e of data.edges) edges[e.id] = changed(m.edges.get(e.id), e);
  return {nodes, edges};
}"""
"""For each drawn node and edge, how vis-network's DataSet now differs from the page data (its drawing style)."""


def assert_drawn_highlighted(page: Watch, nodes: set[str], edges: set[str]) -> None:
    """``window.graphsvcMap.highlighted`` is exactly ``nodes``/``edges``, and they are drawn unlike the rest:
    every highlighted item's style differs from its plain style and from the style of every other item."""
    state = drawn(page)
    assert set(state["highlighted"]["nodes"]) == nodes
    assert set(state["highlighted"]["edges"]) == edges
    styles = page.eval(STYLE_CHANGES)
    for what, lit in (("nodes", nodes), ("edges", edges)):
        lit_styles = {styles[what][i] for i in lit}
        other_styles = {s for i, s in styles[what].items() if i not in lit}
        assert "{}" not in lit_styles, f"a highlighted item of {what} is drawn as before"
        assert not lit_styles & other_styles, f"some {what} not highlighted are drawn like highlighted ones"


def node_point(page: Watch, node_id: str) -> tuple[float, float]:
    """Centre the view on a drawn node and return where it is on the page."""
    page.eval("id => window.graphsvcMap.network.focus(id, {scale: 1.2, animation: false})", node_id)
    point = page.eval(
        """id => {
          const m = window.graphsvcMap;
          const d = m.network.canvasToDOM(m.network.getPosition(id));
          const r = document.getElementById('map').getBoundingClientRect();
          return {x: r.left + d.x, y: r.top + d.y};
        }""",
        node_id,
    )
    return float(point["x"]), float(point["y"])


def hover(page: Watch, node_id: str) -> str:
    """Move the mouse over a drawn node and return the text of the tooltip that opens."""
    x, y = node_point(page, node_id)
    page.page.mouse.move(x - 40, y - 40)
    page.page.mouse.move(x, y, steps=5)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()
