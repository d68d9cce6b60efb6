"""The account map's page and data (no browser): what is drawn, how it looks, gaps, paths, hostile text, the
standalone file and large accounts. The browser tests (tests/web/browser/) check the same page running.

Everything runs on a real SQLite file holding the demo portfolio as told (``DEMO_AS_OF``).
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import itertools
import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.store import GraphStore, open_store
from graphsvc.web import mapstyle
from graphsvc.web.mapdata import account_map
from graphsvc.web.mapedges import EDGE_BUDGET
from graphsvc.web.maplayout import LARGE
from graphsvc.web.mapview import map_page, standalone_map

DEMO_ACCOUNTS = ["acc_halvorsen", "acc_castellani", "acc_lumen"]


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}", create=True)
    store.import_document(demo_document())
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def demo(demo_store: GraphStore) -> Analyst:
    return Analyst(demo_store)


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        (self._text if self._script is not None else self.text).append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def island(html: str) -> dict[str, Any]:
    found = [text for attrs, text in parse(html).scripts if attrs.get("id") == "map-data"]
    assert len(found) == 1, "the page has exactly one map-data island"
    assert parse(html).scripts[[a.get("id") for a, _ in parse(html).scripts].index("map-data")][0]["type"] == (
        "application/json"
    )
    data: dict[str, Any] = json.loads(found[0])
    return data


def page_data(analyst: Analyst, account: str, **kwargs: Any) -> dict[str, Any]:
    return island(map_page(analyst, account, as_of=DEMO_AS_OF, **kwargs))


# -- what is drawn -------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", DEMO_ACCOUNTS)
def test_map_draws_every_node_of_the_influence_graph_and_each_of_its_edges_exactly_once(
    demo: Analyst, account: str
) -> None:
    ig = demo.influence_graph(account)
    data = page_data(demo, account)
    assert sorted(n["id"] for n in data["nodes"]) == sorted(ig.nodes)
    assert {n["id"]: n["kind"] for n in data["nodes"]} == {i: str(n.kind) for i, n in ig.nodes.items()}
    covered: list[tuple[str, str]] = []
    for edge in data["edges"]:
        if edge["type"] == "AT_SITE":
            assert ig.nodes[edge["from"]].props["site"] == edge["to"]
            continue
        graph_edge = ig.graph.edges[edge["from"], edge["to"]]
        assert (graph_edge["relation"], graph_edge["weight"]) == (edge["type"], pytest.approx(edge["weight"]))
        covered.append((edge["from"], edge["to"]))
        if "reverseWeight" in edge.get("info", {}):
            back = ig.graph.edges[edge["to"], edge["from"]]
            assert back["relation"] == edge["type"]
            assert back["inverse"]
            covered.append((edge["to"], edge["from"]))
    assert sorted(covered) == sorted(ig.graph.edges)
    people_at_sites = [n for n in ig.nodes.values() if n.props.get("site") in ig.nodes]
    assert len([e for e in data["edges"] if e["type"] == "AT_SITE"]) == len(people_at_sites)
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])
    assert data["account"] == {"id": account, "name": ig.account.name}
    assert data["asOf"] == DEMO_AS_OF.isoformat()


def test_node_shape_fill_border_and_size_follow_kind_attitude_cover_and_leverage(demo: Analyst) -> None:
    nodes = {n["id"]: n for n in page_data(demo, "acc_halvorsen")["nodes"]}
    leverage = {s.node: s.score for s in demo.leverage("acc_halvorsen")}
    assert {n["kind"]: n["shape"] for n in nodes.values()} == mapstyle.KIND_SHAPES
    for node in nodes.values():
        if node["kind"] == "person":
            attitude = node["info"]["attitude"] or "unknown"
            assert node["color"]["background"] == mapstyle.ATTITUDE_COLOURS[attitude]
    assert nodes["p_hal_sourcing"]["info"]["attitude"] == "opponent"
    assert nodes["p_hal_sourcing"]["color"]["background"] == mapstyle.ATTITUDE_COLOURS["opponent"]

    # the uncovered decision maker: starred, bold, red dashed border; the stale one: orange dotted
    wro = nodes["p_hal_wro_dir"]
    assert wro["label"].startswith("★ ")
    assert wro["info"]["decision"]
    assert wro["borderWidth"] == 5
    assert wro["info"]["cover"] == "uncovered"
    assert wro["info"]["covers"] == []
    assert wro["color"]["border"] == mapstyle.COVER_BORDERS["uncovered"]["colour"]
    assert wro["shapeProperties"]["borderDashes"] == mapstyle.COVER_BORDERS["uncovered"]["dashes"]
    lyon = nodes["p_hal_lyon_dir"]
    assert lyon["info"]["cover"] == "stale"
    assert all(c["stale"] for c in lyon["info"]["covers"])
    assert lyon["color"]["border"] == mapstyle.COVER_BORDERS["stale"]["colour"]
    fresh = [n for n in nodes.values() if n["info"]["cover"] == "covered"]
    assert fresh
    assert all(n["color"]["border"] == mapstyle.COVER_BORDERS["covered"]["colour"] for n in fresh)
    assert all(any(not c["stale"] for c in n["info"]["covers"]) for n in fresh)

    # decision nodes are key stakeholders too; a key stakeholder that decides nothing has the thick border
    keys = set(demo.key_stakeholders("acc_halvorsen")) - set(demo.decision_nodes("acc_halvorsen"))
    assert keys
    assert all(nodes[k]["borderWidth"] == 3.5 and not nodes[k]["label"].startswith("★") for k in keys)

    # size grows with leverage; the tooltip data carries it
    ranked = sorted((n for n in nodes if n in leverage), key=lambda n: leverage[n])
    sizes = [nodes[n]["size"] for n in ranked]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]
    assert nodes[ranked[-1]]["info"]["leverage"] == pytest.approx(leverage[ranked[-1]], abs=1e-3)


def test_tooltip_data_names_who_covers_a_node_with_strength_and_last_contact(demo: Analyst) -> None:
    ig = demo.influence_graph("acc_halvorsen")
    nodes = {n["id"]: n for n in page_data(demo, "acc_halvorsen")["nodes"]}
    rel = next(r for r in ig.covers if r.target == "p_hal_lyon_dir")
    cover = nodes["p_hal_lyon_dir"]["info"]["covers"][0]
    assert cover["member"] == rel.source
    assert cover["memberName"] == ig.nodes[rel.source].name
    assert cover["lastContact"] == rel.props["last_contact"] == nodes["p_hal_lyon_dir"]["info"]["lastContact"]
    person = ig.nodes["p_hal_lyon_dir"]
    assert ["Title", person.props["title"]] in nodes["p_hal_lyon_dir"]["info"]["details"]
    assert nodes["p_hal_lyon_dir"]["info"]["roles"] == list(person.props.get("roles", []))


def test_edges_are_styled_by_relation_width_by_weight_and_stale_covers_marked(demo: Analyst) -> None:
    edges = page_data(demo, "acc_halvorsen")["edges"]
    for edge in edges:
        if edge["type"] != "AT_SITE":
            strongest = max(edge["weight"], edge.get("info", {}).get("reverseWeight", 0.0))
            assert edge["width"] == pytest.approx(mapstyle.edge_width(strongest))
        if edge["type"] == "KNOWS":
            assert edge["arrows"] == ""  # symmetric: drawn once, no arrow
        elif edge["type"] != "AT_SITE":
            assert edge["arrows"] == "to"
    stale = [e for e in edges if e["type"] == "COVERS" and e["info"]["stale"]]
    fresh = [e for e in edges if e["type"] == "COVERS" and not e["info"]["stale"]]
    assert stale
    assert fresh
    assert {e["color"]["color"] for e in stale} == {mapstyle.STALE_COVER_COLOUR}
    assert {e["color"]["color"] for e in fresh} == {mapstyle.EDGE_STYLES["COVERS"]["colour"]}
    member_of = [e for e in edges if e["type"] == "MEMBER_OF"]
    assert member_of
    assert all(e["dashes"] == mapstyle.EDGE_STYLES["MEMBER_OF"]["dashes"] for e in member_of)
    assert not any("dashes" in e for e in edges if e["type"] == "INFLUENCES")  # solid
    assert any(e["type"] == "REPORTS_TO" and "reverseWeight" in e["info"] for e in edges)


# -- gaps and paths ------------------------------------------------------------------------------------


def _connects(data: dict[str, Any], nodes: list[str], edge_ids: list[str]) -> bool:
    by_id = {e["id"]: e for e in data["edges"]}
    steps = list(itertools.pairwise(nodes))
    return len(edge_ids) == len(steps) and all(
        {by_id[e]["from"], by_id[e]["to"]} == set(step) for e, step in zip(edge_ids, steps, strict=True)
    )


@pytest.mark.parametrize("account", DEMO_ACCOUNTS)
def test_gap_panel_lists_every_gap_by_severity_and_each_suggested_path_is_drawn(demo: Analyst, account: str) -> None:
    html = map_page(demo, account, as_of=DEMO_AS_OF)
    gaps = demo.gaps(account, DEMO_AS_OF)
    items = [a for tag, a in parse(html).elements if tag == "li" and "gap" in (a.get("class") or "").split()]
    assert [(a["data-severity"], a["data-kind"], a["data-subject"]) for a in items] == [
        (g.severity.value, g.kind.value, g.subject) for g in gaps
    ]
    assert [a["data-severity"] for a in items] == sorted(
        (a["data-severity"] for a in items), key=["HIGH", "MEDIUM", "LOW"].index
    )
    data = island(html)
    assert [(g["kind"], g["subject"], g["message"]) for g in data["gaps"]] == [
        (g.kind.value, g.subject, g.message) for g in gaps
    ]
    for shown, gap in zip(data["gaps"], gaps, strict=True):
        if gap.suggested_path is None:
            assert shown["path"] is None
            assert shown["edges"] == []
        else:
            assert shown["path"] == list(gap.suggested_path.nodes)
            assert _connects(data, shown["path"], shown["edges"])
    assert any(tag == "section" and a.get("id") == "legend" for tag, a in parse(html).elements)
    assert any(tag == "aside" and a.get("id") == "gaps" for tag, a in parse(html).elements)


def test_to_highlights_the_strongest_paths_from_the_team(demo: Analyst) -> None:
    html = map_page(demo, "acc_halvorsen", as_of=DEMO_AS_OF, to="p_hal_wro_dir")
    data = island(html)
    expected = demo.paths("acc_halvorsen", "p_hal_wro_dir")
    assert expected
    assert data["paths"] == [list(p.nodes) for p in expected]
    assert data["to"] == "p_hal_wro_dir"
    assert data["from"] is None
    for detail, path in zip(data["pathDetails"], expected, strict=True):
        assert detail["strength"] == pytest.approx(path.strength)
        assert _connects(data, detail["nodes"], detail["edges"])
    text = " ".join(" ".join(parse(html).text).split())
    assert "Strongest paths from the account team to Marek Zieliński" in text
    assert f"{expected[0].strength:.3f}" in text


def test_from_starts_the_paths_at_one_member(demo: Analyst) -> None:
    data = page_data(demo, "acc_halvorsen", to="p_hal_wro_dir", source="m_kowalczyk")
    assert data["paths"]
    assert all(p[0] == "m_kowalczyk" for p in data["paths"])
    assert data["paths"] == [list(p.nodes) for p in demo.paths("acc_halvorsen", "p_hal_wro_dir", ["m_kowalczyk"])]


@pytest.mark.parametrize(
    ("to", "source", "field", "says"),
    [
        ("p_nobody", None, "to", "'p_nobody' is not on the map of account 'acc_halvorsen'"),
        ("m_hoffmann", None, "to", "paths lead to a person, committee or influencer"),
        ("p_hal_wro_dir", "p_hal_coo", "from", "'p_hal_coo' is not a member of our team"),
        ("p_hal_wro_dir", "m_nobody", "from", "'m_nobody' is not a member of our team"),
        (None, "m_hoffmann", "from", "'from' needs 'to'"),
    ],
)
def test_a_bad_to_or_from_is_invalid_input_naming_the_parameter(
    demo: Analyst, to: str | None, source: str | None, field: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        map_page(demo, "acc_halvorsen", as_of=DEMO_AS_OF, to=to, source=source)
    assert [p.field for p in caught.value.problems] == [field]
    assert says in str(caught.value)


def test_an_unknown_account_is_not_found(demo: Analyst) -> None:
    with pytest.raises(NotFound, match="acc_nobody"):
        map_page(demo, "acc_nobody", as_of=DEMO_AS_OF)


def test_as_of_decides_which_covers_are_stale(demo: Analyst) -> None:
    today = {n["id"]: n["info"]["cover"] for n in page_data(demo, "acc_halvorsen")["nodes"]}
    earlier = island(map_page(demo, "acc_halvorsen", as_of=date(2026, 6, 1)))
    before = {n["id"]: n["info"]["cover"] for n in earlier["nodes"]}
    assert today["p_hal_lyon_dir"] == "stale"
    assert before["p_hal_lyon_dir"] == "covered"
    assert earlier["asOf"] == "2026-06-01"


# -- hostile text --------------------------------------------------------------------------------------

IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"
QUOTE = '" onmouseover="alert(3)" x="'
HOSTILE = {
    "format": "graphsvc/1",
    "accounts": [{"id": "acc_evil", "name": f"Evil {IMG} AG", "status": "key"}],
    "sites": [{"id": "site_evil", "account": "acc_evil", "name": QUOTE, "country": "DE", "city": CLOSE}],
    "people": [
        {
            "id": "p_evil_ceo",
            "account": "acc_evil",
            "site": "site_evil",
            "name": IMG,
            "title": CLOSE,
            "department": QUOTE,
            "roles": ["decider"],
            "attitude": "opponent",
        },
        {"id": "p_evil_buyer", "account": "acc_evil", "name": CLOSE, "title": IMG, "roles": ["buyer"]},
    ],
    "committees": [{"id": "com_evil", "account": "acc_evil", "name": QUOTE, "kind": "board"}],
    "influencers": [{"id": "inf_evil", "name": "<!-- comment", "kind": "planner", "organization": IMG}],
    "members": [{"id": "m_evil", "name": QUOTE + IMG, "role": "kam", "email": "x@example.com"}],
    "relations": [
        {"type": "ASSIGNED_TO", "from": "m_evil", "to": "acc_evil", "role": "lead"},
        {"type": "COVERS", "from": "m_evil", "to": "p_evil_buyer", "strength": 0.8, "last_contact": "2026-11-01"},
        {"type": "INFLUENCES", "from": "p_evil_buyer", "to": "p_evil_ceo", "strength": 0.7},
        {"type": "INFLUENCES", "from": "inf_evil", "to": "p_evil_ceo", "strength": 0.6},
        {"type": "MEMBER_OF", "from": "p_evil_ceo", "to": "com_evil", "role": "chair"},
    ],
}
NAMES = {"Evil <img src=x onerror=alert(1)> AG", IMG, CLOSE, QUOTE, "<!-- comment", QUOTE + IMG}


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Analyst]:
    store = open_store(f"sqlite:///{tmp_path / 'hostile.db'}", create=True)
    store.import_document(HOSTILE)
    try:
        yield Analyst(store)
    finally:
        store.close()


def _pages(analyst: Analyst) -> list[str]:
    kwargs: dict[str, Any] = {"as_of": DEMO_AS_OF, "to": "p_evil_ceo", "source": "m_evil"}
    return [map_page(analyst, "acc_evil", **kwargs), standalone_map(analyst, "acc_evil", **kwargs)]


@pytest.mark.parametrize("kind", ["served", "standalone"])
def test_hostile_names_stay_text_in_the_page_the_panel_and_the_data(hostile: Analyst, kind: str) -> None:
    html = _pages(hostile)[["served", "standalone"].index(kind)]
    for raw in (IMG, CLOSE, "<!-- comment", 'onmouseover="alert(3)"'):
        assert raw not in html, f"{raw!r} reached the page unescaped"
    found = parse(html)
    tags = [tag for tag, _ in found.elements]
    assert "img" not in tags
    assert not [a for _, attrs in found.elements for a in attrs if a.startswith("on")], "an event handler attribute"
    scripts = [attrs for attrs, _ in found.scripts]
    if kind == "served":
        assert [s.get("src") for s in scripts] == [None, "/static/vis-network.min.js", "/static/map.js"]
    else:
        assert [s.get("type") for s in scripts] == ["application/json", None, None]
    # the names come back exactly as typed: in the data island and as the panel's text
    data = island(html)
    shown = {n["info"]["name"] for n in data["nodes"]} | {data["account"]["name"]}
    assert NAMES - {"Evil <img src=x onerror=alert(1)> AG"} <= shown
    assert data["account"]["name"] == "Evil <img src=x onerror=alert(1)> AG"
    text = " ".join(found.text)
    assert "Evil <img src=x onerror=alert(1)> AG" in text  # the title and heading, decoded by the parser
    assert CLOSE in text  # the suggested path / path list names the buyer
    tips = {n["id"]: dict(map(tuple, n["info"]["details"])) for n in data["nodes"]}
    assert tips["p_evil_ceo"] == {"Title": CLOSE, "Department": QUOTE}


def test_hostile_text_cannot_break_out_of_the_data_island(hostile: Analyst) -> None:
    for html in _pages(hostile):
        start = html.index('<script id="map-data" type="application/json">')
        body = html[start:].split(">", 1)[1]
        inside = body[: body.index("</script>")]
        assert "<" not in inside, "the island holds no raw angle bracket"
        assert ">" not in inside, "the island holds no raw angle bracket"
        assert json.loads(inside)["account"]["id"] == "acc_evil"


# -- the standalone file -------------------------------------------------------------------------------


def test_standalone_map_references_nothing_outside_itself(demo: Analyst) -> None:
    html = standalone_map(demo, "acc_halvorsen", as_of=DEMO_AS_OF, to="p_hal_wro_dir")
    found = parse(html)
    for tag, attrs in found.elements:
        assert "src" not in attrs, f"<{tag}> loads {attrs['src']}"
        href = attrs.get("href")
        assert href is None or href.startswith("#"), f"<{tag}> links to {href}"
        assert tag not in ("link", "iframe", "form", "base", "object", "embed")
    assert not re.search(r"url\((?!\"?data:)", html), "a stylesheet fetches something"
    assert "sourceMappingURL" not in html
    # everything the page needs is inside it
    assert "vis.Network" in html
    assert "graphsvcMap" in html
    assert ".map-canvas" in html
    assert island(html)["paths"] == [list(p.nodes) for p in demo.paths("acc_halvorsen", "p_hal_wro_dir")]


def test_standalone_map_csp_allows_exactly_its_inline_scripts_and_styles(demo: Analyst) -> None:
    html = standalone_map(demo, "acc_lumen", as_of=DEMO_AS_OF)
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta is not None
    csp = dict(part.strip().split(" ", 1) for part in html_lib.unescape(meta.group(1)).split(";"))
    assert csp["default-src"] == "'none'"

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    scripts = [text for attrs, text in parse(html).scripts if attrs.get("type") != "application/json"]
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(scripts) == 2
    assert len(styles) == 3
    assert csp["script-src"].split() == [digest(s) for s in scripts]
    assert csp["style-src"].split() == [digest(s) for s in styles]


# -- large accounts ------------------------------------------------------------------------------------


def _large_account(people: int, fan_out: int) -> dict[str, Any]:
    """An account of ``people`` persons, each influencing ``fan_out`` colleagues with varied strengths."""
    persons = [
        {"id": f"p{i:04d}", "account": "acc_big", "name": f"Person {i}", "roles": ["decider" if i < 5 else "user"]}
        for i in range(people)
    ]
    relations: list[dict[str, Any]] = [{"type": "ASSIGNED_TO", "from": "m_big", "to": "acc_big", "role": "lead"}]
    relations += [
        {"type": "COVERS", "from": "m_big", "to": f"p{i:04d}", "strength": 0.9, "last_contact": "2026-11-01"}
        for i in range(0, people, 50)
    ]
    for i in range(people):
        for j in range(1, fan_out + 1):
            target = (i * 7 + j * 13) % people
            if target != i:
                strength = round(0.2 + ((i * 31 + j * 17) % 80) / 100, 2)
                relations.append(
                    {"type": "INFLUENCES", "from": f"p{i:04d}", "to": f"p{target:04d}", "strength": strength}
                )
    unique = {(r["type"], r["from"], r["to"]): r for r in relations}
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_big", "name": "Big Account", "status": "key"}],
        "people": persons,
        "members": [{"id": "m_big", "name": "Bea Big", "role": "kam"}],
        "relations": list(unique.values()),
    }


def test_a_large_account_comes_laid_out_without_physics_and_keeps_its_strongest_edges(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'big.db'}", create=True)
    try:
        store.import_document(_large_account(people=LARGE + 100, fan_out=14))
        analyst = Analyst(store)
        ig = analyst.influence_graph("acc_big")
        target = "p0003"
        view = account_map(analyst, "acc_big", as_of=DEMO_AS_OF, to=target)
        data = view.data
        assert data["large"]
        assert data["options"]["physics"] == {"enabled": False}
        assert data["options"]["layout"]["improvedLayout"] is False
        assert len(data["nodes"]) == len(ig.nodes)
        assert all("x" in n and "y" in n for n in data["nodes"])
        # the centre holds the strongest lever
        top = max(analyst.leverage("acc_big"), key=lambda s: (s.score, s.node)).node
        centre = min(data["nodes"], key=lambda n: n["x"] ** 2 + n["y"] ** 2)
        assert centre["info"]["leverage"] == pytest.approx(
            {s.node: s.score for s in analyst.leverage("acc_big")}[top], abs=1e-3
        )

        assert ig.graph.number_of_edges() > EDGE_BUDGET
        assert len(data["edges"]) == EDGE_BUDGET
        drawn = {(e["from"], e["to"]) for e in data["edges"]}
        assert data["edgesLeftOut"] == ig.graph.number_of_edges() - len(drawn)
        assert {(r.source, r.target) for r in ig.covers} <= drawn
        for detail in data["pathDetails"]:
            assert _connects(data, detail["nodes"], detail["edges"])
        required = {(a, b) for p in data["paths"] for a, b in itertools.pairwise(p)}
        optional = [
            e["weight"] for e in data["edges"] if e["type"] == "INFLUENCES" and (e["from"], e["to"]) not in required
        ]
        left = [w for (u, v), w in ((k, d["weight"]) for k, d in ig.graph.edges.items()) if (u, v) not in drawn]
        assert min(optional) >= max(left)
        assert "left out" not in map_page(analyst, "acc_big", as_of=DEMO_AS_OF)  # said by the script, once drawn
    finally:
        store.close()


def test_a_small_account_lays_itself_out_with_bounded_physics(demo: Analyst) -> None:
    data = page_data(demo, "acc_halvorsen")
    assert not data["large"]
    assert data["edgesLeftOut"] == 0
    physics = data["options"]["physics"]
    assert physics["enabled"]
    assert physics["stabilization"]["iterations"] <= 500
    assert not any("x" in n for n in data["nodes"])
