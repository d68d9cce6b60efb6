"""Paths, leverage, decision nodes and key stakeholders against brute force, on random small accounts.

The oracle here is written from DESIGN.md sections 2 and 3 alone: it works
out the influence graph (nodes and edge weights) from the raw graphsvc/1
document, enumerates every simple path from our team (through no other
member) or from a node to a decision node, and sorts them by (strength
rounded to 12 places, desc; hops; node ids). Weights come from a small set so
that ties, and float products equal only after rounding, happen often.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.analysis import (
    InfluenceGraph,
    best_from,
    coverage_gaps,
    decision_nodes,
    key_stakeholders,
    leverage,
    strongest_paths,
    strongest_paths_from,
)
from tests.analysis.builders import ACC, influence_graph, path_view
from tests.analysis.strategies import documents

ROLE_WEIGHT = {"chair": 0.9, "member": 0.6, "advisor": 0.4}
AS_OF = date(2026, 6, 30)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the oracle ------------------------------------------------------------------------------------


class Oracle:
    """DESIGN.md's influence graph of ``account`` worked out from the raw document."""

    def __init__(self, raw: dict[str, Any], account: str = ACC) -> None:
        self.kind: dict[str, str] = {}
        self.record: dict[str, dict[str, Any]] = {}
        for name, kind in [
            ("sites", "site"),
            ("people", "person"),
            ("committees", "committee"),
            ("influencers", "influencer"),
        ]:
            for r in raw.get(name, []):
                self.kind[r["id"]], self.record[r["id"]] = kind, r
        for r in raw.get("members", []):
            self.kind[r["id"]], self.record[r["id"]] = "member", r
        rels = raw.get("relations", [])
        own = {n for n, r in self.record.items() if r.get("account") == account}
        near = own | {r["from"] for r in rels if r["type"] in ("INFLUENCES", "MEMBER_OF") and r["to"] in own}
        team = {
            r["from"]
            for r in rels
            if self.kind.get(r["from"]) == "member"
            and ((r["type"] == "ASSIGNED_TO" and r["to"] == account) or (r["type"] in _LINKS and r["to"] in near))
        }
        self.nodes = near | team
        self.own = own
        self.inside = [r for r in rels if r["from"] in self.nodes and r["to"] in self.nodes]
        self.members = team
        self.assigned = sorted(r["from"] for r in rels if r["type"] == "ASSIGNED_TO" and r["to"] == account)
        self.weight: dict[tuple[str, str], float] = {}
        explicit = {(r["from"], r["to"]) for r in rels if r["type"] == "INFLUENCES"}
        for r in rels:
            u, v, s, t = r["from"], r["to"], r.get("strength"), r["type"]
            if u not in self.nodes or v not in self.nodes:
                continue
            if t in ("COVERS", "INFLUENCES"):
                self._offer(u, v, 0.5 if s is None else s)
            elif t == "KNOWS":
                self._offer(u, v, 0.5 if s is None else s)
                self._offer(v, u, 0.5 if s is None else s)
            elif t == "MEMBER_OF":
                self._offer(u, v, ROLE_WEIGHT[r["role"]] if s is None else s)
            elif t == "REPORTS_TO" and self.kind[u] == "person":
                if (u, v) not in explicit:
                    self._offer(u, v, 0.5 if s is None else s)
                if (v, u) not in explicit:
                    self._offer(v, u, 0.7)
        self.succ: dict[str, list[tuple[str, float]]] = {n: [] for n in self.nodes}
        for (u, v), w in sorted(self.weight.items()):
            self.succ[u].append((v, w))

    def _offer(self, u: str, v: str, w: float) -> None:
        self.weight[(u, v)] = max(w, self.weight.get((u, v), -1.0))

    def simple_paths(self, source: str, target: str, max_hops: int) -> Iterator[tuple[float, tuple[str, ...]]]:
        """Every simple path source -> target of at most max_hops edges whose later nodes are no members."""

        def walk(path: tuple[str, ...], strength: float) -> Iterator[tuple[float, tuple[str, ...]]]:
            if path[-1] == target:
                yield strength, path
                return
            if len(path) - 1 == max_hops:
                return
            for v, w in self.succ.get(path[-1], []):
                if v not in path and v not in self.members and w > 0:
                    yield from walk((*path, v), strength * w)

        if source != target:
            yield from walk((source,), 1.0)

    def strongest(self, target: str, sources: list[str], k: int, max_hops: int) -> list[tuple[float, tuple[str, ...]]]:
        found = [(round(s, 12), p) for src in sources for s, p in self.simple_paths(src, target, max_hops)]
        found.sort(key=lambda x: (-x[0], len(x[1]), x[1]))
        return found[:k]

    def power(self, node: str) -> float:
        value = self.record[node].get("power")
        if value is not None:
            return float(value)
        return 1.0 if self.kind[node] == "committee" else 0.5

    def decision_nodes(self) -> list[str]:
        out = []
        for n in self.own:
            deciding = {"decider", "approver"} & set(self.record[n].get("roles", []))
            if (self.kind[n] == "person" and deciding) or (self.kind[n] == "committee" and self.power(n) >= 0.5):
                out.append(n)
        return sorted(out)

    def scored(self) -> list[str]:
        return sorted(n for n in self.nodes if self.kind[n] in ("person", "committee", "influencer"))

    def leverage(self, max_hops: int) -> dict[str, float]:
        decisions = self.decision_nodes()
        total = sum(self.power(d) for d in decisions)
        out = {}
        for n in self.scored():
            score = 0.0
            for d in decisions:
                best = 1.0 if n == d else max((s for s, _ in self.simple_paths(n, d, max_hops)), default=0.0)
                score += self.power(d) * best
            out[n] = score / total if total else 0.0
        return out

    def key_stakeholders(self, max_hops: int) -> list[str]:
        lev = self.leverage(max_hops)
        ranked = sorted((n for n in lev if lev[n] > 1e-12), key=lambda n: (-round(lev[n], 9), n))
        powerful = {n for n in self.own if self.kind[n] == "person" and self.power(n) >= 0.7}
        return sorted(set(self.decision_nodes()) | powerful | set(ranked[:5]))


_LINKS = ("COVERS", "KNOWS", "MEMBER_OF")
_SEVERITY = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}


def targets(ig: InfluenceGraph) -> list[str]:
    return sorted(n for n, node in ig.nodes.items() if node.kind in ("person", "committee", "influencer"))


# -- properties ------------------------------------------------------------------------------------


@SETTINGS
@given(documents())
def test_influence_graph_holds_exactly_the_designed_nodes_and_edge_weights(raw: dict[str, Any]) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    assert set(ig.nodes) == oracle.nodes
    assert {(u, v): d["weight"] for u, v, d in ig.graph.edges(data=True)} == oracle.weight
    assert sorted(ig.assigned) == oracle.assigned


@SETTINGS
@given(documents(), st.integers(1, 5), st.integers(1, 4))
def test_strongest_paths_equal_brute_force_enumeration(raw: dict[str, Any], k: int, max_hops: int) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    for target in targets(ig):
        found = strongest_paths(ig, target, k=k, max_hops=max_hops)
        assert [path_view(p) for p in found] == oracle.strongest(target, oracle.assigned, k, max_hops), target
        for p in found:
            assert [h.weight for h in p.hops] == [oracle.weight[(h.source, h.target)] for h in p.hops]


@SETTINGS
@given(documents(), st.data())
def test_strongest_paths_from_chosen_members_equal_brute_force(raw: dict[str, Any], data: st.DataObject) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    members = sorted(m["id"] for m in raw["members"])  # some may be outside the account's graph: no path from them
    sources = data.draw(st.lists(st.sampled_from(members), min_size=1, unique=True), label="sources")
    target = data.draw(st.sampled_from(targets(ig)), label="target")
    max_hops = data.draw(st.integers(1, 4), label="max_hops")
    found = strongest_paths(ig, target, sources=sources, k=5, max_hops=max_hops)
    assert [path_view(p) for p in found] == oracle.strongest(target, sources, 5, max_hops)


@SETTINGS
@given(documents(), st.integers(1, 3), st.integers(1, 4))
def test_paths_from_any_node_used_to_explain_leverage_equal_brute_force(
    raw: dict[str, Any], k: int, max_hops: int
) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    for source in targets(ig):
        for target in targets(ig):
            found = strongest_paths_from(ig, source, target, k, max_hops)
            assert [path_view(p) for p in found] == oracle.strongest(target, [source], k, max_hops), (source, target)


@SETTINGS
@given(documents(), st.integers(1, 4))
def test_best_from_the_team_is_the_first_strongest_path_to_every_node(raw: dict[str, Any], max_hops: int) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    best = best_from(ig, ig.assigned, max_hops)
    for target in targets(ig):
        first = strongest_paths(ig, target, k=1, max_hops=max_hops)
        assert path_view(best.get(target)) == (path_view(first[0]) if first else None), target
        assert path_view(best.get(target)) == next(iter(oracle.strongest(target, oracle.assigned, 1, max_hops)), None)


@SETTINGS
@given(documents(), st.integers(1, 4))
def test_leverage_equals_brute_force_and_is_ranked_by_score_then_id(raw: dict[str, Any], max_hops: int) -> None:
    ig = influence_graph(raw)
    expected = Oracle(raw).leverage(max_hops)
    scores = leverage(ig, max_hops)
    assert {s.node for s in scores} == set(expected)
    for s in scores:
        assert abs(s.score - expected[s.node]) <= 1e-9, s.node
    for a, b in pairwise(scores):
        assert a.score >= b.score - 1e-12
        if abs(a.score - b.score) < 1e-12:
            assert a.node < b.node


@SETTINGS
@given(documents(), st.integers(1, 4))
def test_decision_nodes_and_key_stakeholders_follow_their_definitions(raw: dict[str, Any], max_hops: int) -> None:
    ig = influence_graph(raw)
    oracle = Oracle(raw)
    assert decision_nodes(ig) == oracle.decision_nodes()
    assert key_stakeholders(ig, max_hops) == oracle.key_stakeholders(max_hops)


def expected_gaps(oracle: Oracle, as_of: date, max_hops: int = 4) -> list[tuple[str, str, str, str | None]]:
    """The gap table of DESIGN.md section 3, applied literally, as (severity, kind, subject, role), sorted."""
    kind, record, own = oracle.kind, oracle.record, oracle.own

    def strength(r: dict[str, Any]) -> float:
        return 0.5 if r.get("strength") is None else float(r["strength"])

    def stale(r: dict[str, Any]) -> bool:
        last = r.get("last_contact")
        return last is None or date.fromisoformat(last) + timedelta(days=r.get("cadence_days", 90)) < as_of

    covers = [r for r in oracle.inside if r["type"] == "COVERS"]
    counting = [r for r in covers if strength(r) >= 0.3]
    covered = {r["to"] for r in counting}
    known = {r["to"] for r in oracle.inside if r["type"] == "KNOWS" and strength(r) >= 0.3}
    decisions = set(oracle.decision_nodes())
    keys = set(oracle.key_stakeholders(max_hops))
    people = [n for n in own if kind[n] == "person"]
    out: list[tuple[str, str, str, str | None]] = []

    def add(severity: str, gap: str, subject: str, role: str | None = None) -> None:
        out.append((severity, gap, subject, role))

    for p in people:
        if p in decisions and p not in covered:
            add("HIGH", "UNCOVERED_DECISION_MAKER", p)
    for c in (n for n in own if kind[n] == "committee"):
        seats = {r["from"] for r in oracle.inside if r["type"] == "MEMBER_OF" and r["to"] == c}
        if c not in covered and not seats & covered:
            add("HIGH", "UNCOVERED_COMMITTEE", c)
    if len({r["from"] for r in counting if r["to"] in keys}) < 2:
        add("HIGH", "SINGLE_THREADED", ACC)
    for k in keys:
        if record[k].get("attitude") in ("skeptic", "opponent") and not any(
            strength(r) >= 0.5 for r in covers if r["to"] == k
        ):
            add("HIGH", "UNMANAGED_OPPONENT", k)
        if kind[k] == "person" and k not in decisions and k not in covered:
            add("MEDIUM", "UNCOVERED_KEY_STAKEHOLDER", k)
        live = [r for r in counting if r["to"] == k]
        if live and all(stale(r) for r in live):
            add("MEDIUM", "STALE_RELATIONSHIP", k)

    def weight(r: dict[str, Any]) -> float:
        return ROLE_WEIGHT[r["role"]] if r["type"] == "MEMBER_OF" and r.get("strength") is None else strength(r)

    for i in (n for n in oracle.nodes if kind[n] == "influencer"):
        strong = any(
            r["from"] == i and r["to"] in own and r["type"] in ("INFLUENCES", "MEMBER_OF") and weight(r) >= 0.5
            for r in oracle.inside
        )
        if (i in keys or strong) and i not in covered and i not in known:
            add("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", i)
    for site in (n for n in own if kind[n] == "site"):
        here = [p for p in people if record[p].get("site") == site]
        if set(here) & keys and not set(here) & covered:
            add("MEDIUM", "UNCOVERED_SITE", site)
    if not any(record[p].get("attitude") == "champion" for p in people):
        add("MEDIUM", "NO_CHAMPION", ACC)
    sponsors = {m for m in oracle.members if record[m]["role"] == "executive_sponsor"}
    if not (sponsors & set(oracle.assigned)) and not any(
        r["from"] in sponsors and r["to"] in decisions for r in counting
    ):
        add("MEDIUM", "NO_EXECUTIVE_SPONSOR", ACC)
    held = {role for p in people for role in record[p].get("roles", [])}
    for role in ("decider", "buyer", "user", "influencer", "gatekeeper"):
        if role not in held:
            add("HIGH" if role == "decider" else "LOW", "MISSING_BUYING_ROLE", ACC, role)
    return sorted(out, key=lambda g: (_SEVERITY[g[0]], g[1], g[2], g[3] or ""))


@SETTINGS
@given(documents(), st.sampled_from([date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2), date(2026, 6, 30)]))
def test_coverage_gaps_equal_the_gap_table_applied_literally(raw: dict[str, Any], as_of: date) -> None:
    ig = influence_graph(raw)
    found = [(g.severity.value, g.kind.value, g.subject, g.role) for g in coverage_gaps(ig, as_of)]
    assert found == expected_gaps(Oracle(raw), as_of)


_NODE_GAPS = {
    "UNCOVERED_DECISION_MAKER",
    "UNCOVERED_COMMITTEE",
    "UNMANAGED_OPPONENT",
    "UNCOVERED_KEY_STAKEHOLDER",
    "UNCOVERED_EXTERNAL_INFLUENCER",
}


@SETTINGS
@given(documents())
def test_gaps_are_sorted_and_suggest_the_first_strongest_team_path(raw: dict[str, Any]) -> None:
    ig = influence_graph(raw)
    gaps = coverage_gaps(ig, AS_OF)
    keys = [(_SEVERITY[g.severity.value], g.kind.value, g.subject, g.role or "") for g in gaps]
    assert keys == sorted(keys)
    for gap in gaps:
        if gap.kind.value in _NODE_GAPS:
            first = strongest_paths(ig, gap.subject, k=1)
            assert path_view(gap.suggested_path) == (path_view(first[0]) if first else None)
            assert gap.suggested_member == (first[0].source if first else None)
