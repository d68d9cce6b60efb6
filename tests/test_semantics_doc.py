"""docs/semantics.md states what the code computes.

Every number of the worked example in docs/semantics.md is recomputed here
from the demo portfolio (as told, as of 2026-11-15) and rendered exactly as
the doc writes it; each rendered line must appear in the doc verbatim. After
those lines are taken out of the worked example, no decimal number may be
left over, so a number cannot be added to the example without a check.
The rule constants quoted in the definitions are checked against the code.

To refresh the doc after a deliberate change of the analyses, run
``python -m tests.test_semantics_doc`` and paste the fragments it prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graphsvc.analysis import InfluenceGraph, InfluencePath, PortfolioLever, strongest_paths_from
from graphsvc.analysis import graph as graph_rules
from graphsvc.analysis.coverage import SCORE_BASE_WEIGHT, covers_by_target
from graphsvc.analysis.gaps import INFLUENCER_STRONG_MIN, MANAGED_MIN
from graphsvc.analysis.leverage import KEY_POWER_MIN, KEY_TOP_LEVERAGE
from graphsvc.analyst import Analyst
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.store import open_store

DOC = Path(__file__).resolve().parents[1] / "docs" / "semantics.md"
SECTION = "## Worked example"
ACCOUNT = "acc_halvorsen"
TARGET = "p_hal_wro_dir"
TIE_TARGET = "p_hal_sourcing"
LEVER = "p_hal_eng_dir"
LEAD = "m_berger"
SPONSOR = "m_lenz"
METRIC_ROWS = 4
PORTFOLIO_ROWS = 6
TIMES = "\u00d7"  # the multiplication sign the doc writes
MINUS = "\u2212"  # and its minus sign
ALL_ACCOUNTS = ("acc_halvorsen", "acc_vantor", "acc_castellani", "acc_lumen")


# -- rendering (the doc's formats) -------------------------------------------------


def num(x: float, digits: int = 3) -> str:
    """A number rounded to ``digits`` decimals, without trailing zeros (0.49, 0.343, 0.3)."""
    text = f"{round(x, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def name(ig: InfluenceGraph, node_id: str) -> str:
    return ig.nodes[node_id].name


def hop_label(relation: str, weight: float, inverse: bool) -> str:
    arrow = " ↓" if inverse and relation == "REPORTS_TO" else (" ←" if inverse else "")
    return f"{relation}{arrow} {num(weight)}"


def path_row(ig: InfluenceGraph, rank: int, path: InfluencePath) -> str:
    chain = " → ".join(name(ig, n) for n in path.nodes)
    weights = f" {TIMES} ".join(hop_label(h.relation, h.weight, h.inverse) for h in path.hops)
    return f"| {rank} | {chain} | {len(path.hops)} | {weights} | {num(path.strength)} |"


def chain(ig: InfluenceGraph, path: InfluencePath | None) -> str:
    if path is None:
        return "—"
    return " → ".join(name(ig, n) for n in path.nodes) + f" ({num(path.strength)})"


# -- the demo ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyst(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Analyst]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('semantics') / 'demo.db'}")
    store.import_document(demo_document())
    try:
        yield Analyst(store)
    finally:
        store.close()


def claims(a: Analyst, as_of: date = DEMO_AS_OF) -> list[str]:
    """Every line of the worked example that carries a number, rendered from the computation."""
    ig = a.influence_graph(ACCOUNT)
    out: list[str] = []

    # The influence graph.
    kinds = {k: sum(1 for n in ig.nodes.values() if n.kind.value == k) for k in ("site", "person", "committee")}
    kinds |= {k: sum(1 for n in ig.nodes.values() if n.kind.value == k) for k in ("influencer", "member")}
    foreign = [n for n in ig.nodes.values() if n.account not in (None, ACCOUNT)]
    assert {n.account for n in foreign} == {"acc_vantor"}
    out.append(
        f"{len(ig.nodes)} nodes ({kinds['site']} sites, {kinds['person']} people of whom {len(foreign)} "
        f"work for Vantor, {kinds['committee']} committees, {kinds['influencer']} external influencers and "
        f"{kinds['member']} members of our team) and {ig.graph.number_of_edges()} weighted edges"
    )

    # Influence paths to the Wrocław plant director, then a tie broken by hops.
    paths = a.paths(ACCOUNT, TARGET, k=5)
    out.extend(path_row(ig, i, p) for i, p in enumerate(paths, 1))
    best = paths[0]
    product = f" {TIMES} ".join(num(h.weight) for h in best.hops)
    out.append(f"strength {product} = {num(best.strength)}, in {len(best.hops)} hops")
    out.extend(path_row(ig, i, p) for i, p in enumerate(a.paths(ACCOUNT, TIE_TARGET), 1))

    # Leverage of the champion, decision node by decision node.
    decisions = a.decision_nodes(ACCOUNT)
    powers = {d: graph_rules.power(ig.nodes[d]) for d in decisions}
    total = sum(powers.values())
    weighted = 0.0
    for d in decisions:
        found = strongest_paths_from(ig, LEVER, d, 1)
        p = found[0] if found else None
        b = p.strength if p else 0.0
        weighted += powers[d] * b
        via = " → ".join(name(ig, n) for n in p.nodes) if p else "—"
        out.append(f"| {name(ig, d)} (`{d}`) | {num(powers[d])} | {via} | {num(b)} | {num(powers[d] * b, 5)} |")
    score = {s.node: s for s in a.leverage(ACCOUNT)}[LEVER].score
    assert weighted / total == pytest.approx(score)
    out.append(f"Halvorsen has {len(decisions)} decision nodes; Σ power = {num(total)}")
    out.append(f"leverage = {num(weighted)} / {num(total)} = **{num(score)}**")
    for c in a.explain(ACCOUNT, LEVER):
        out.append(
            f"{name(ig, c.decision_node)} {num(c.share)} "
            f"({num(powers[c.decision_node])} {TIMES} {num(c.best)} / {num(total)})"
        )
    ranking = a.leverage(ACCOUNT)
    out.append(
        "Ranked by leverage, the top five are "
        + ", ".join(f"{name(ig, s.node)} {num(s.score)}" for s in ranking[:KEY_TOP_LEVERAGE])
    )

    # Key stakeholders and the coverage score.
    keys = a.key_stakeholders(ACCOUNT)
    rank = {s.node: i for i, s in enumerate(ranking, 1)}
    cs = a.coverage_score(ACCOUNT, as_of)
    states = covers_by_target(ig, as_of)
    out.append(f"{len(keys)} key stakeholders: the {len(decisions)} decision nodes")
    for k in keys:
        power = graph_rules.power(ig.nodes[k])
        if k in decisions:
            why = "decision node"
        elif ig.kind(k).value == "person" and power >= KEY_POWER_MIN:
            why = f"power {num(power)}"
        else:
            why = f"leverage rank {rank[k]}"
        live = sorted((c for c in states.get(k, ()) if c.counts), key=lambda c: (-c.strength, c.member))
        fresh = [c for c in live if not c.stale]
        if fresh:
            cover = f"yes: {name(ig, fresh[0].member)} {num(fresh[0].strength)}, next due {fresh[0].due}"
        elif live:
            cover = f"no: stale, {name(ig, live[0].member)} {num(live[0].strength)}, was due {live[0].due}"
        else:
            cover = "no: not covered"
        assert (k in cs.fresh) == bool(fresh)
        lev = ranking[rank[k] - 1].score
        out.append(f"| {name(ig, k)} (`{k}`) | {why} | {num(lev)} | {num(cs.weights[k])} | {cover} |")
    lev_sum = sum(cs.weights[k] - SCORE_BASE_WEIGHT for k in keys)
    all_w = sum(cs.weights.values())
    fresh_w = sum(cs.weights[k] for k in cs.fresh)
    missing = [k for k in keys if k not in cs.fresh]
    out.append(f"{len(keys)} {TIMES} {num(SCORE_BASE_WEIGHT)} + {num(lev_sum)} = {num(all_w)}")
    out.append(f"{num(all_w)} {MINUS} " + f" {MINUS} ".join(num(cs.weights[k]) for k in missing) + f" = {num(fresh_w)}")
    out.append(f"100 {TIMES} {num(fresh_w)} / {num(all_w)} = **{num(cs.score, 1)}**")
    assert round(100 * fresh_w / all_w, 1) == cs.score
    out.append(
        "The other accounts score "
        + ", ".join(
            f"{a.influence_graph(x).account.name} {a.coverage_score(x, as_of).score:.1f}" for x in ALL_ACCOUNTS[1:]
        )
    )

    # Gaps.
    for g in a.gaps(ACCOUNT, as_of):
        member = name(ig, g.suggested_member) if g.suggested_member else "—"
        out.append(f"| {g.severity} | `{g.kind}` | {name(ig, g.subject)} | {member} | {chain(ig, g.suggested_path)} |")

    # Portfolio leverage.
    def lever_rows(levers: list[PortfolioLever], top: int) -> Iterator[str]:
        for p in levers[:top]:
            parts = " + ".join(f"{num(v)} `{acc}`" for acc, v in p.accounts)
            flags = ", ".join(x for x, on in (("covered", p.covered), ("known", p.known)) if on) or "neither"
            out_name = name(a.influence_graph(p.accounts[0][0]), p.node)
            yield f"| {out_name} (`{p.node}`) | {num(p.score)} | {parts} | {flags} |"

    out.extend(lever_rows(a.portfolio_leverage(), PORTFOLIO_ROWS))
    everything = a.portfolio_leverage(ALL_ACCOUNTS)
    out.extend(lever_rows(everything, 1))
    externals = [p for p in a.portfolio_leverage() if p.node.startswith("inf_")][:3]
    out.append(
        "the strongest external levers on the key accounts are "
        + ", ".join(f"{name(a.influence_graph(p.accounts[0][0]), p.node)} {num(p.score)}" for p in externals)
    )

    # Network metrics.
    metrics = sorted(a.network_metrics(ACCOUNT), key=lambda m: (-m.pagerank, m.node))
    n = len(metrics)
    out.append(f"n = {n}, so betweenness is divided by {(n - 1) * (n - 2)}")
    for m in metrics[:METRIC_ROWS]:
        out.append(
            f"| {name(ig, m.node)} | {m.in_degree} | {m.out_degree} | {num(m.betweenness)} | {num(m.pagerank)} |"
        )

    # Who covers whom.
    team = a.team_coverage(LEAD, as_of)
    names = {mc.member: a.store.get_node(mc.member).name for mc in team.members}
    out.append(f"{len(team.members)} members and {len(team.overlaps)} overlaps")
    for member, load in sorted(team.load.items(), key=lambda x: (-x[1], x[0])):
        out.append(f"| {names[member]} | {load} |")
    out.extend(f"- `{node}`: " + ", ".join(names[m] for m in members) for node, members in team.overlaps.items())
    above = a.team_coverage(SPONSOR, as_of)
    extra = sorted(set(above.overlaps) - set(team.overlaps))
    out.append(f"{len(above.overlaps)} overlaps, adding " + " and ".join(f"`{x}`" for x in extra))
    return out


# -- the tests -----------------------------------------------------------------------


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def worked_example(text: str) -> str:
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end >= 0 else len(text)]


def test_every_worked_example_line_is_in_the_doc(analyst: Analyst) -> None:
    section = worked_example(doc_text())
    missing = [c for c in claims(analyst) if c not in section]
    assert not missing, "docs/semantics.md no longer states these computed lines:\n" + "\n".join(missing)


def test_no_unchecked_number_in_the_worked_example(analyst: Analyst) -> None:
    section = worked_example(doc_text())
    for c in sorted(claims(analyst), key=len, reverse=True):
        section = section.replace(c, "")
    left = re.findall(r"(?<![\w.])\d+\.\d+", section)
    assert not left, f"numbers in the worked example that no test computes: {left}"


def test_the_example_is_the_story_of_docs_demo_md(analyst: Analyst) -> None:
    paths = analyst.paths(ACCOUNT, TARGET)
    assert paths[0].nodes == ("m_hoffmann", "p_hal_coo", TARGET)
    assert paths[0].strength == pytest.approx(0.49)
    assert analyst.coverage_score(ACCOUNT, DEMO_AS_OF).score == 85.6


def test_definitions_quote_the_code_constants() -> None:
    text = doc_text()
    weights = graph_rules.MEMBER_OF_ROLE_WEIGHTS
    expected = [
        f"chair {num(weights['chair'])}, member {num(weights['member'])}, advisor {num(weights['advisor'])}",
        f"left out means {num(graph_rules.DEFAULT_STRENGTH)}",
        f"upward edge of the report's `strength`, else {num(graph_rules.REPORTS_UP_WEIGHT)}",
        f"downward edge of {num(graph_rules.REPORTS_DOWN_WEIGHT)}",
        f"person {graph_rules.PERSON_POWER:.1f}, committee {graph_rules.COMMITTEE_POWER:.1f}",
        f"`cadence_days` (default {graph_rules.DEFAULT_CADENCE_DAYS})",
        f"strength ≥ {num(graph_rules.COVERED_MIN)}",
        f"power ≥ {num(KEY_POWER_MIN)}",
        f"the {KEY_TOP_LEVERAGE} nodes with the highest leverage",
        f"no cover of strength ≥ {num(MANAGED_MIN)}",
        f"strength (or role weight) ≥ {num(INFLUENCER_STRONG_MIN)}",
        f"weight = {num(SCORE_BASE_WEIGHT)} + leverage",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, f"docs/semantics.md does not quote: {missing}"


if __name__ == "__main__":  # pragma: no cover - prints the fragments for the doc
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        s = open_store(f"sqlite:///{tmp}/demo.db")
        s.import_document(demo_document())
        for line in claims(Analyst(s)):
            print(line)
        s.close()
