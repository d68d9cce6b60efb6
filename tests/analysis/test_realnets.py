"""graphsvc's network metrics, fed two much-studied real networks, reproduce figures published for them.

The networks and their provenance are in /work/shared/data/realnets/*/SOURCE.txt:

* Krackhardt's (1987) 21 high-tech managers: the self-report ("locally aggregated") advice and
  friendship digraphs, the matrices printed in Wasserman & Faust (1994), appendix B.
* Padgett's Florentine families: the 16-family marriage and business graphs of Breiger & Pattison
  (1986), studied in Padgett & Ansell (1993) and throughout Wasserman & Faust (1994).

Every network goes into graphsvc the way a customer's data would: as a graphsvc/1 document
(written to a JSON file and read back) with one account, each actor a person of it and each tie an
``INFLUENCES`` relation of strength 1.0, imported into a real SQLite store with
``store.import_document``; the figures come from ``Analyst(store).network_metrics(account)``.

Direction mapping (an ``INFLUENCES u -> v`` edge means "v takes its cue from u"):

* Krackhardt advice, CSV row ``i,j`` = "i goes to j for advice": j sways i, so ``INFLUENCES j -> i``.
  graphsvc's ``out_degree(j)`` is then how many managers go to j for advice (the column sum of the
  published matrix, "choices received") and ``in_degree(i)`` how many i goes to (the row sum).
  Betweenness does not change when every edge is reversed, and graphsvc's PageRank runs on the
  reversed graph, i.e. on the advice digraph exactly as published (i -> j): a manager ranks high when
  highly ranked managers come to him for advice.
* Krackhardt friendship, ``i,j`` = "i names j as a friend": the same convention, ``INFLUENCES j -> i``.
* Florentine marriage / business ties are undirected: ``INFLUENCES`` both ways. Directed betweenness
  then counts every unordered pair twice and divides by (n-1)(n-2), so it equals the undirected
  normalised betweenness of the literature, 2 * raw / ((n-1)(n-2)) = raw / C(n-1, 2).

The literature's normalised betweenness for the marriage network (Medici .522) is computed on the
15 families with a marriage tie: Pucci, an isolate, is left out (Wasserman & Faust 1994; networkx's
``florentine_families_graph`` does the same). With Pucci as a 16th person n changes from 15 to 16
and Medici reads 95/210 = .452 although no shortest path changed; both cases are tested, and the
raw pair-dependencies (Medici 47.5) are the same in both.

networkx is the definition of the metrics (DESIGN.md section 3), so betweenness and PageRank are
also checked against networkx run directly on the CSV files with the documented direction, to 1e-9.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graphsvc.analysis import NodeMetrics
from graphsvc.analyst import Analyst
from graphsvc.interchange import load_document
from graphsvc.store import GraphStore, open_store

REALNETS = Path("/work/shared/data/realnets")

pytestmark = pytest.mark.skipif(not REALNETS.is_dir(), reason=f"{REALNETS} (the real networks) is not available")


# -- reading the shared data ---------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fp:
        return list(csv.DictReader(fp))


@dataclass(frozen=True)
class RealNet:
    """One real network as graphsvc sees it: persons and directed INFLUENCES edges (influencer, influenced)."""

    key: str
    people: dict[str, str]  # person id -> display name, in source order
    influences: list[tuple[str, str]]
    source_ties: list[tuple[str, str]]  # the CSV rows as published, as person ids


def _mgr(i: str | int) -> str:
    return f"mgr{int(i):02d}"


def _fam(name: str) -> str:
    return f"fam_{name.lower()}"


def krackhardt(relation: str) -> RealNet:
    """Advice or friendship: CSV ``i,j`` (i goes to / names j) becomes ``INFLUENCES j -> i``."""
    base = REALNETS / "krackhardt"
    people = {_mgr(r["id"]): f"Manager {int(r['id'])} ({r['level_label']})" for r in _rows(base / "nodes.csv")}
    ties = [(_mgr(r["source"]), _mgr(r["target"])) for r in _rows(base / f"{relation}.csv")]
    return RealNet(f"krackhardt_{relation}", people, [(j, i) for i, j in ties], ties)


def florentine(relation: str, with_pucci: bool = True) -> RealNet:
    """Marriage or business, undirected: every tie becomes ``INFLUENCES`` both ways."""
    base = REALNETS / "florentine"
    ties = [(_fam(r["source"]), _fam(r["target"])) for r in _rows(base / f"{relation}.csv")]
    tied = {f for t in ties for f in t}
    people = {_fam(r["name"]): r["name"] for r in _rows(base / "nodes.csv") if with_pucci or _fam(r["name"]) in tied}
    suffix = "" if with_pucci else "_15"
    return RealNet(f"florentine_{relation}{suffix}", people, [e for u, v in ties for e in ((u, v), (v, u))], ties)


def document(net: RealNet) -> dict[str, Any]:
    """The graphsvc/1 document of a real network: one account, its persons, INFLUENCES of strength 1.0."""
    account = f"acc_{net.key}"
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": account, "name": net.key, "status": "key"}],
        "people": [{"id": pid, "account": account, "name": name} for pid, name in net.people.items()],
        "relations": [{"type": "INFLUENCES", "from": u, "to": v, "strength": 1.0} for u, v in net.influences],
    }


def team_document(net: RealNet) -> dict[str, Any]:
    """Members of our team on the account: assigned, covering and knowing several actors, reporting to a lead."""
    account = f"acc_{net.key}"
    ids = list(net.people)
    hub = max(ids, key=lambda p: sum(1 for u, _ in net.influences if u == p))  # the most influential actor
    return {
        "format": "graphsvc/1",
        "members": [
            {"id": "m_lead", "name": "Lena Lead", "role": "team_lead"},
            {"id": "m_kam", "name": "Karl Kam", "role": "kam"},
            {"id": "m_spec", "name": "Sina Specialist", "role": "specialist"},
        ],
        "relations": [
            {"type": "ASSIGNED_TO", "from": "m_kam", "to": account, "role": "lead"},
            {"type": "ASSIGNED_TO", "from": "m_spec", "to": account, "role": "member"},
            {"type": "REPORTS_TO", "from": "m_kam", "to": "m_lead"},
            {"type": "REPORTS_TO", "from": "m_spec", "to": "m_lead"},
            {"type": "COVERS", "from": "m_kam", "to": hub, "strength": 0.9, "last_contact": "2026-01-15"},
            {"type": "COVERS", "from": "m_kam", "to": ids[0], "strength": 0.6},
            {"type": "COVERS", "from": "m_spec", "to": ids[-1], "strength": 1.0, "last_contact": "2026-02-01"},
            {"type": "COVERS", "from": "m_lead", "to": ids[len(ids) // 2], "strength": 0.3},
            {"type": "KNOWS", "from": "m_spec", "to": hub, "strength": 0.8},
            {"type": "KNOWS", "from": "m_lead", "to": ids[1], "strength": 0.4},
        ],
    }


# -- feeding graphsvc --------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    net: RealNet
    store: GraphStore
    analyst: Analyst
    account: str

    def metrics(self) -> dict[str, NodeMetrics]:
        return {m.node: m for m in self.analyst.network_metrics(self.account)}


def import_via_file(store: GraphStore, doc: dict[str, Any], path: Path) -> int:
    """Write ``doc`` as a graphsvc/1 file, read it back and import it; the number of records created."""
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return store.import_document(load_document(path)).created


def load(net: RealNet, workdir: Path) -> Loaded:
    store = open_store(f"sqlite:///{workdir / f'{net.key}.db'}")
    doc = document(net)
    created = import_via_file(store, doc, workdir / f"{net.key}.json")
    assert created == 1 + len(net.people) + len(net.influences)
    return Loaded(net, store, Analyst(store), f"acc_{net.key}")


NETS = {
    "krackhardt_advice": lambda: krackhardt("advice"),
    "krackhardt_friendship": lambda: krackhardt("friendship"),
    "florentine_marriage": lambda: florentine("marriage"),
    "florentine_marriage_15": lambda: florentine("marriage", with_pucci=False),
    "florentine_business": lambda: florentine("business"),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Loaded]]:
    """Every real network, each in its own SQLite store (read-only for the tests that use it)."""
    workdir = tmp_path_factory.mktemp("realnets")
    out = {key: load(make(), workdir) for key, make in NETS.items()}
    try:
        yield out
    finally:
        for item in out.values():
            item.store.close()


# -- Padgett's Florentine families, marriage network ----------------------------------------------------------

# Degree of each family in the 20-tie marriage network. Source: the 16x16 marriage matrix of Breiger &
# Pattison (1986, Social Networks 8:215-256), from Padgett's data; Wasserman & Faust (1994, ch. 5, actor
# degree centrality for the Padgett marriage relation) report Medici 6/14 = .429, the highest.
FLORENTINE_MARRIAGE_DEGREE = {
    "Acciaiuoli": 1,
    "Albizzi": 3,
    "Barbadori": 2,
    "Bischeri": 3,
    "Castellani": 3,
    "Ginori": 1,
    "Guadagni": 4,
    "Lamberteschi": 1,
    "Medici": 6,  # Padgett & Ansell (1993, AJS 98:1259): the Medici as the hub of the marriage network
    "Pazzi": 1,
    "Peruzzi": 3,
    "Pucci": 0,  # the isolate (SOURCE.txt; Wasserman & Faust 1994 leave it out of the centrality tables)
    "Ridolfi": 3,
    "Salviati": 2,
    "Strozzi": 4,
    "Tornabuoni": 3,
}

# Raw (unnormalised) betweenness of each family: the sum of pair-dependencies over unordered pairs, as UCINET
# prints it. These are Wasserman & Faust's (1994, ch. 5) normalised values below times C(14, 2) = 91, e.g.
# Medici .522 * 91 = 47.5 and Guadagni .255 * 91 = 23.2; exact fractions so that graphsvc is held to 1e-9.
FLORENTINE_MARRIAGE_RAW_BETWEENNESS = {
    "Medici": Fraction(95, 2),  # 47.5
    "Guadagni": Fraction(139, 6),  # 23.167
    "Albizzi": Fraction(58, 3),  # 19.333
    "Salviati": Fraction(13),
    "Ridolfi": Fraction(31, 3),  # 10.333
    "Bischeri": Fraction(19, 2),  # 9.5
    "Strozzi": Fraction(28, 3),  # 9.333
    "Barbadori": Fraction(17, 2),  # 8.5
    "Tornabuoni": Fraction(25, 3),  # 8.333
    "Castellani": Fraction(5),
    "Peruzzi": Fraction(2),
    "Acciaiuoli": Fraction(0),
    "Ginori": Fraction(0),
    "Lamberteschi": Fraction(0),
    "Pazzi": Fraction(0),
}

# Normalised betweenness on the 15 connected families (Pucci left out), three decimals: Wasserman & Faust
# (1994, ch. 5, actor betweenness centrality C'_B for the Padgett marriage relation); the same table is the
# expected answer of networkx's own test of betweenness_centrality on florentine_families_graph().
FLORENTINE_MARRIAGE_BETWEENNESS_15 = {
    "Medici": 0.522,
    "Guadagni": 0.255,
    "Albizzi": 0.212,
    "Salviati": 0.143,
    "Ridolfi": 0.114,
    "Bischeri": 0.104,
    "Strozzi": 0.103,
    "Barbadori": 0.093,
    "Tornabuoni": 0.092,
    "Castellani": 0.055,
    "Peruzzi": 0.022,
    "Acciaiuoli": 0.0,
    "Ginori": 0.0,
    "Lamberteschi": 0.0,
    "Pazzi": 0.0,
}

# The brokerage ranking (Padgett & Ansell 1993: the Medici as the broker between otherwise unconnected
# families; Wasserman & Faust 1994 ch. 5): Medici > Guadagni > Albizzi > Salviati > Ridolfi.
FLORENTINE_TOP5_BETWEENNESS = ["Medici", "Guadagni", "Albizzi", "Salviati", "Ridolfi"]


def _by_family(item: Loaded) -> dict[str, NodeMetrics]:
    return {item.net.people[node]: m for node, m in item.metrics().items()}


def test_florentine_marriage_degrees(loaded: dict[str, Loaded]) -> None:
    metrics = _by_family(loaded["florentine_marriage"])
    assert {f: (m.in_degree, m.out_degree) for f, m in metrics.items()} == {
        f: (d, d) for f, d in FLORENTINE_MARRIAGE_DEGREE.items()
    }
    # 20 marriage ties (Breiger & Pattison 1986), each an influence edge both ways.
    assert sum(m.out_degree for m in metrics.values()) == 2 * 20
    assert max(metrics, key=lambda f: metrics[f].out_degree) == "Medici"
    # Wasserman & Faust (1994, ch. 5): normalised degree of the Medici on the 15 connected families, 6/14 = .429.
    assert round(metrics["Medici"].out_degree / (15 - 1), 3) == 0.429


def test_florentine_marriage_betweenness_on_the_15_connected_families(loaded: dict[str, Loaded]) -> None:
    """Pucci left out, as in the literature: graphsvc's normalisation (n-1)(n-2) with n = 15 gives the table."""
    metrics = _by_family(loaded["florentine_marriage_15"])
    assert len(metrics) == 15
    assert "Pucci" not in metrics
    got = {f: m.betweenness for f, m in metrics.items()}
    assert got == pytest.approx(FLORENTINE_MARRIAGE_BETWEENNESS_15, abs=5e-4)
    # Medici: 47.5 pair-dependencies out of C(14, 2) = 91 pairs of other families (Wasserman & Faust 1994).
    assert got["Medici"] == pytest.approx(47.5 / 91, abs=1e-12)
    raw = {f: b * (15 - 1) * (15 - 2) / 2 for f, b in got.items()}
    assert raw == pytest.approx({f: float(v) for f, v in FLORENTINE_MARRIAGE_RAW_BETWEENNESS.items()}, abs=1e-9)
    assert sorted(got, key=lambda f: -got[f])[:5] == FLORENTINE_TOP5_BETWEENNESS


def test_florentine_marriage_betweenness_with_pucci_as_a_sixteenth_isolate(loaded: dict[str, Loaded]) -> None:
    """With Pucci a person of the account, n = 16: every raw pair-dependency is unchanged (an isolate lies on no
    path and no path reaches it) but graphsvc divides by 15*14 instead of 14*13, so Medici reads 95/210 = .452;
    rescaling by 210/182 recovers the published .522 exactly."""
    with_pucci = _by_family(loaded["florentine_marriage"])
    without = _by_family(loaded["florentine_marriage_15"])
    assert len(with_pucci) == 16
    assert with_pucci["Pucci"].betweenness == 0.0
    assert with_pucci["Medici"].betweenness == pytest.approx(2 * 47.5 / (15 * 14), abs=1e-12)
    assert round(with_pucci["Medici"].betweenness, 3) == 0.452
    raw = {f: m.betweenness * (16 - 1) * (16 - 2) / 2 for f, m in with_pucci.items() if f != "Pucci"}
    assert raw == pytest.approx({f: float(v) for f, v in FLORENTINE_MARRIAGE_RAW_BETWEENNESS.items()}, abs=1e-9)
    rescaled = {f: m.betweenness * (15 * 14) / (14 * 13) for f, m in with_pucci.items() if f != "Pucci"}
    assert rescaled == pytest.approx({f: m.betweenness for f, m in without.items()}, abs=1e-12)
    assert rescaled == pytest.approx(FLORENTINE_MARRIAGE_BETWEENNESS_15, abs=5e-4)
    ranking = sorted(with_pucci, key=lambda f: -with_pucci[f].betweenness)
    assert ranking[:5] == FLORENTINE_TOP5_BETWEENNESS


# -- Krackhardt's high-tech managers ----------------------------------------------------------------------------

# How many of the 21 managers go to each manager for advice (column sums of the self-report advice matrix of
# Krackhardt 1987, Social Networks 9:109-134, printed in Wasserman & Faust 1994, appendix B). Manager 2, a vice
# president, is the most sought-after (18); the CEO, manager 7, is asked by 13.
KRACK_ADVICE_SOUGHT = [13, 18, 5, 8, 5, 10, 13, 10, 4, 9, 11, 7, 4, 10, 4, 8, 9, 15, 4, 8, 15]
# How many managers each one goes to for advice (row sums of the same matrix); manager 15 asks 20, everyone else.
KRACK_ADVICE_SEEKS = [6, 3, 15, 12, 15, 1, 8, 8, 13, 14, 3, 2, 6, 4, 20, 4, 5, 17, 11, 12, 11]
# Friendship: how often each manager is named as a friend (column sums) and how many each names (row sums) in
# the self-report friendship matrix (same sources). Manager 17 names 18 friends; the CEO (7) and 9 name none.
KRACK_FRIEND_NAMED = [8, 10, 5, 5, 6, 2, 3, 5, 6, 1, 6, 8, 1, 5, 4, 4, 6, 4, 5, 3, 5]
KRACK_FRIEND_NAMES = [5, 3, 2, 6, 7, 6, 0, 1, 0, 7, 13, 4, 2, 2, 8, 2, 18, 1, 9, 2, 4]


def _by_manager(item: Loaded) -> list[NodeMetrics]:
    metrics = item.metrics()
    return [metrics[_mgr(i)] for i in range(1, 22)]


def test_krackhardt_advice_degrees(loaded: dict[str, Loaded]) -> None:
    metrics = _by_manager(loaded["krackhardt_advice"])
    assert [m.out_degree for m in metrics] == KRACK_ADVICE_SOUGHT  # influence given = advice sought from them
    assert [m.in_degree for m in metrics] == KRACK_ADVICE_SEEKS
    most = max(range(21), key=lambda k: metrics[k].out_degree)
    assert (most + 1, metrics[most].out_degree) == (2, 18)


def test_krackhardt_friendship_degrees(loaded: dict[str, Loaded]) -> None:
    metrics = _by_manager(loaded["krackhardt_friendship"])
    assert [m.out_degree for m in metrics] == KRACK_FRIEND_NAMED
    assert [m.in_degree for m in metrics] == KRACK_FRIEND_NAMES


@pytest.mark.parametrize(
    ("key", "ties", "published"),
    [
        # Density of the self-report advice relation, 190 of 21*20 = 420 ordered pairs: .452
        # (Wasserman & Faust 1994, ch. 4, density of Krackhardt's high-tech managers' relations).
        ("krackhardt_advice", 190, 0.452),
        # Density of the self-report friendship relation, 102 of 420 ordered pairs: .243 (same source).
        ("krackhardt_friendship", 102, 0.243),
    ],
)
def test_krackhardt_density_from_graphsvc_degrees(
    loaded: dict[str, Loaded], key: str, ties: int, published: float
) -> None:
    metrics = loaded[key].metrics()
    n = len(metrics)
    edges = sum(m.out_degree for m in metrics.values())
    assert n == 21
    assert edges == sum(m.in_degree for m in metrics.values()) == ties
    assert Fraction(edges, n * (n - 1)) == Fraction(ties, 420)
    assert round(edges / (n * (n - 1)), 3) == published


# -- the definition: networkx on the CSV, with the documented direction ------------------------------------------


def reference_graph(net: RealNet) -> nx.DiGraph:
    """Built from the CSV rows and the direction mapping alone, not from graphsvc's document."""
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(net.people)
    if net.key.startswith("krackhardt"):
        g.add_edges_from(((j, i) for i, j in net.source_ties), weight=1.0)  # "i goes to / names j": j sways i
    else:
        g.add_edges_from(net.source_ties, weight=1.0)  # undirected: both ways
        g.add_edges_from(((v, u) for u, v in net.source_ties), weight=1.0)
    return g


@pytest.mark.parametrize("key", list(NETS))
def test_metrics_equal_networkx_on_the_csv(loaded: dict[str, Loaded], key: str) -> None:
    item = loaded[key]
    ref = reference_graph(item.net)
    betweenness = nx.betweenness_centrality(ref, normalized=True)
    pagerank = nx.pagerank(ref.reverse(copy=True), alpha=0.85, weight="weight")
    metrics = item.metrics()
    assert set(metrics) == set(ref)
    for node, m in metrics.items():
        assert (m.in_degree, m.out_degree) == (ref.in_degree(node), ref.out_degree(node)), node
        assert m.betweenness == pytest.approx(betweenness[node], abs=1e-9), node
        assert m.pagerank == pytest.approx(pagerank[node], abs=1e-9), node
    assert sum(m.pagerank for m in metrics.values()) == pytest.approx(1.0, abs=1e-9)


def test_krackhardt_advice_pagerank_is_pagerank_of_the_published_digraph(loaded: dict[str, Loaded]) -> None:
    """With j -> i influence edges, graphsvc's reversed-graph PageRank is PageRank of the advice digraph as
    published (i -> j): advice prestige. Betweenness is the same in either direction."""
    item = loaded["krackhardt_advice"]
    published: nx.DiGraph = nx.DiGraph()
    published.add_nodes_from(item.net.people)
    published.add_edges_from(item.net.source_ties)
    pagerank = nx.pagerank(published, alpha=0.85)
    betweenness = nx.betweenness_centrality(published, normalized=True)
    metrics = item.metrics()
    assert {n: m.pagerank for n, m in metrics.items()} == pytest.approx(pagerank, abs=1e-9)
    assert {n: m.betweenness for n, m in metrics.items()} == pytest.approx(betweenness, abs=1e-9)


# -- members of our team are left out ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["krackhardt_advice", "florentine_marriage"])
def test_members_covering_the_account_do_not_change_the_metrics(tmp_path: Path, key: str) -> None:
    item = load(NETS[key](), tmp_path)
    try:
        before = item.analyst.network_metrics(item.account)
        builds = item.analyst.builds
        team = team_document(item.net)
        created = import_via_file(item.store, team, tmp_path / "team.json")
        assert created == len(team["members"]) + len(team["relations"])

        ig = item.analyst.influence_graph(item.account)
        assert item.analyst.builds == builds + 1  # the import moved the account's revision: a fresh graph
        members = {"m_lead", "m_kam", "m_spec"}
        assert members <= set(ig.graph)  # the team is in the influence graph, with its COVERS / KNOWS edges
        assert all(ig.is_member(m) for m in members)
        assert ig.graph.number_of_edges() > len(item.net.influences)

        after = item.analyst.network_metrics(item.account)
        assert [m.node for m in after] == [m.node for m in before]
        assert not members & {m.node for m in after}
        for old, new in zip(before, after, strict=True):
            assert (new.in_degree, new.out_degree) == (old.in_degree, old.out_degree), new.node
            assert new.betweenness == pytest.approx(old.betweenness, abs=1e-12), new.node
            assert new.pagerank == pytest.approx(old.pagerank, abs=1e-12), new.node
    finally:
        item.store.close()
