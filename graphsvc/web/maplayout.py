"""Where an account map's nodes start and how vis-network moves them.

Small maps (up to ``LARGE`` nodes) lay themselves out in the browser with a
bounded physics run (``STABILIZATION_ITERATIONS``), then physics is switched
off. Large maps come with positions computed here, O(n log n): a sunflower
spiral ordered by leverage (the strongest levers in the centre, the long tail
outside) and our team on a ring around it; physics stays off, so the browser
only draws.
"""

from __future__ import annotations

import math
from typing import Any

from graphsvc.analysis import InfluenceGraph
from graphsvc.model import NodeKind

__all__ = ["LARGE", "STABILIZATION_ITERATIONS", "spiral_layout", "vis_options"]

LARGE = 300
"""Above this many nodes the layout is computed on the server and physics stays off."""

STABILIZATION_ITERATIONS = 120
"""Physics iterations before a small map is shown (then physics is switched off)."""

IMPROVED_LAYOUT_MAX = 100
"""vis-network's improved initial layout (Kamada-Kawai) only up to this many nodes: above, it clusters first, which
failed on a 300-node account ("could not be positioned") after spending its time."""

_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_SPACING = 28.0


def spiral_layout(ig: InfluenceGraph, leverage: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Positions for a large map: a sunflower spiral by leverage (the strongest levers in the centre), the
    team on a ring around it. O(n log n); physics would need minutes for thousands of nodes."""
    inner = sorted(
        (n for n in ig.nodes.values() if n.kind != NodeKind.MEMBER), key=lambda n: (-leverage.get(n.id, 0.0), n.id)
    )
    spacing = _SPACING
    out: dict[str, tuple[float, float]] = {}
    for i, node in enumerate(inner):
        r, a = spacing * math.sqrt(i + 0.5), i * _GOLDEN_ANGLE
        out[node.id] = (round(r * math.cos(a), 1), round(r * math.sin(a), 1))
    team = [n.id for n in ig.of_kind(NodeKind.MEMBER)]
    ring = spacing * math.sqrt(len(inner) + 1) + 120
    for i, node_id in enumerate(team):
        a = 2 * math.pi * i / max(len(team), 1)
        out[node_id] = (round(ring * math.cos(a), 1), round(ring * math.sin(a), 1))
    return out


def vis_options(nodes: int) -> dict[str, Any]:
    """vis-network options for a map of ``nodes`` nodes: bounded physics for small maps, none for large ones
    (their positions come with the nodes)."""
    large = nodes > LARGE
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": nodes <= IMPROVED_LAYOUT_MAX},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
        },
        "nodes": {"font": {"face": "system-ui, sans-serif"}},
        "edges": {
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "selectionWidth": 2,
        },
    }
    if large:
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
            "stabilization": {
                "enabled": True,
                "iterations": STABILIZATION_ITERATIONS,
                "updateInterval": 25,
                "fit": True,
            },
        }
    return options
