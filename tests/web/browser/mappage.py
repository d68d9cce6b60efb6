"""Reading and driving the account map in the browser: its data island, vis-network's DataSets, the highlight.

The page contract (docs/web.md): ``<script id="map-data">`` holds what is
drawn; ``window.graphsvcMap`` exposes the vis-network ``network``, its
``nodes``/``edges`` DataSets and ``highlighted``.
"""

from __future__ import annotations

from typing import Any

from tests.web.browser.watch import Watch


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


def node_at(page: Watch, x: float, y: float) -> str | None:
    """The id of the drawn node at a point of the page, if any."""
    found = page.eval(
        """([x, y]) => {
          const r = document.getElementById('map').getBoundingClientRect();
          return window.graphsvcMap.network.getNodeAt({x: x - r.left, y: y - r.top});
        }""",
        [x, y],
    )
    return None if found is None else str(found)


def hover(page: Watch, node_id: str) -> str:
    """Move the mouse over a drawn node and return the text of the tooltip that opens."""
    x, y = node_point(page, node_id)
    under = node_at(page, x, y)
    assert under == node_id, f"{node_id} is drawn under {under}: cannot point at it"
    page.page.mouse.move(x - 40, y - 40)
    page.page.mouse.move(x, y, steps=5)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()
