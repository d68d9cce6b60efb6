"""How an account map looks: shapes by kind, colours by attitude, borders by cover state, edges by relation.

One table per visual channel, so the legend (``LEGEND``), the drawing
(``graphsvc.web.mapdata``) and docs/web.md say the same thing.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ATTITUDE_COLOURS",
    "COVER_BORDERS",
    "EDGE_STYLES",
    "KIND_COLOURS",
    "KIND_SHAPES",
    "LEGEND",
    "edge_width",
    "node_size",
]

KIND_SHAPES = {
    "person": "dot",
    "committee": "hexagon",
    "influencer": "triangle",
    "member": "square",
    "site": "diamond",
}
"""vis-network shape per node kind (labels drawn below the shape)."""

ATTITUDE_COLOURS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#d9d9d9",
    "skeptic": "#fdae61",
    "opponent": "#d73027",
    "unknown": "#ffffff",
}
"""Fill of a person by attitude towards us (green: for us, red: against us, white: nobody knows)."""

KIND_COLOURS = {
    "committee": "#9ecae1",
    "influencer": "#bcbddc",
    "member": "#2c3e66",
    "site": "#f0f0f0",
}
"""Fill of the nodes that have no attitude."""

COVER_BORDERS: dict[str, dict[str, Any]] = {
    "covered": {"colour": "#1f5fa8", "dashes": False},
    "stale": {"colour": "#e08214", "dashes": [2, 3]},
    "uncovered": {"colour": "#c51b1b", "dashes": [6, 4]},
    "team": {"colour": "#2c3e66", "dashes": False},
    "none": {"colour": "#8a8f99", "dashes": False},
}
"""Border by cover state: covered (a fresh cover of strength >= 0.3), stale (covered, every such cover stale),
uncovered; members of our team and sites have no cover state."""

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "INFLUENCES": {"colour": "#4d4d4d", "dashes": False, "label": "influences"},
    "MEMBER_OF": {"colour": "#3182bd", "dashes": [8, 4], "label": "member of (committee)"},
    "REPORTS_TO": {"colour": "#a0a4ab", "dashes": False, "label": "reports to"},
    "COVERS": {"colour": "#1a9850", "dashes": False, "label": "covers (our team)"},
    "KNOWS": {"colour": "#9e9ac8", "dashes": [2, 4], "label": "knows (our team)"},
    "AT_SITE": {"colour": "#d0d3d8", "dashes": [1, 5], "label": "works at site"},
}
"""Edge colour and dash by relation type; ``AT_SITE`` links a person to their site (not an influence edge)."""

STALE_COVER_COLOUR = "#e08214"
DECISION_BORDER = 5
KEY_BORDER = 3.5
PLAIN_BORDER = 1.5


def node_size(kind: str, leverage: float) -> float:
    """Size of a node: 10 to 40 by leverage for people, committees and influencers; fixed for the rest."""
    if kind in ("person", "committee", "influencer"):
        return round(10 + 30 * leverage, 2)
    return 14 if kind == "member" else 10


def edge_width(weight: float) -> float:
    """Width of an edge: 1 (weight 0) to 6 (weight 1)."""
    return round(1 + 5 * weight, 2)


LEGEND: dict[str, list[tuple[str, str]]] = {
    "Shape: kind": [
        ("shape-person", "person of the account"),
        ("shape-committee", "committee"),
        ("shape-influencer", "external influencer"),
        ("shape-member", "member of our team"),
        ("shape-site", "site"),
    ],
    "Fill: attitude towards us": [(f"fill-{a}", a) for a in ATTITUDE_COLOURS],
    "Border: coverage": [
        ("border-covered", "covered (fresh cover)"),
        ("border-stale", "covered, but every cover stale"),
        ("border-uncovered", "not covered"),
    ],
    "Stands out": [
        ("mark-decision", "★ decision node (bold border)"),
        ("mark-key", "key stakeholder (thick border)"),
        ("mark-size", "size: leverage on the decision"),
    ],
    "Edges: relation (width: weight, arrow: direction)": [
        (f"edge-{t.lower()}", str(s["label"])) for t, s in EDGE_STYLES.items()
    ]
    + [("edge-stale", "covers, stale")],
}
"""Legend sections: (CSS class of the swatch, text)."""
